/**
 * `Tournaments`: the tournaments of one server (asobi §2.15, plus Hajime's enforced entry fees, paid
 * rewards and persisted participants). It owns a SupervisedPool of tournament actors (a DynamicSupervisor,
 * and a Registry naming them by tournament id): `start()` starts an actor for every row that is not finished (so a
 * restart resumes the timers), `create()` writes a row and starts its actor. Joins go through the actor
 * (allowed while pending or active): the entry fee is debited with the idempotency key
 * `tournament:<id>:<player>`, the participant is written through `storage.tournaments.join` (which
 * enforces `max_entries` and duplicates atomically), and a fee whose join failed is refunded (key
 * `tournament:<id>:<player>:refund`). At `end_at` the actor pays the rewards from the final standings of
 * the tournament's leaderboard (participants only, re-ranked 1..n; key `tournament:<id>:reward:<tier>`
 * per player wallet, so a retried finish never pays twice) and marks the row finished.
 *
 * @example
 * const tournaments = new Tournaments({ system, storage, standings: leaderboards });
 * await tournaments.start();
 * const t = await tournaments.create({ name: 'Cup', start_at, end_at, entry_fee: { currency: 'gold', amount: 10 }, rewards: [{ rank: 1, currency: 'gold', amount: 100 }] });
 */
import { SupervisedPool, isActorError, isProcessGone, type ActorSystem, type Pid } from '@hajime/actor';
import { isStorageError, isUuid, type NewTournament, type Storage, type Tournament, type TournamentEntry, type TournamentStatus } from '@hajime/storage';
import { ApiError } from '../api-error.js';
import { feeKey, parseEntryFee, parseRewards, payoutsFor, refundKey, rewardKey, REWARD_MAX_RANK, type EntryFee, type RewardTier } from './rules.js';
import { TournamentActor, TournamentServer, type TournamentArgs, type TournamentOps } from './tournament-server.js';

/** Where final standings come from: a `Leaderboards` (live boards), or anything with the same `top`. */
export interface StandingsSource {
  top(board: string, limit: number): Promise<readonly { readonly player_id: string; readonly rank: number }[]>;
  /** Writes a live board's pending entries first, when the source has one (`Leaderboards.flush`). */
  flush?(board: string): Promise<number>;
}

export interface TournamentsOptions {
  /** Retry delay of a failed transition (storage down), ms. Default 5000. */
  readonly retryMs?: number;
  /** Most live tournament actors. Default 10,000. */
  readonly maxTournaments?: number;
}

export interface TournamentsDeps {
  readonly system: ActorSystem;
  readonly storage: Pick<Storage, 'tournaments' | 'economy' | 'leaderboards' | 'driver'>;
  /** Final standings (default: the persisted board, `storage.leaderboards.top`). Pass the server's `Leaderboards` to read live scores. */
  readonly standings?: StandingsSource;
  readonly options?: TournamentsOptions;
}

/** Most refunded-then-retried fee debits per player and tournament. */
export const MAX_FEE_ATTEMPTS = 20;

/** `list` limits (the storage's: 1..200, default 50). */
export const TOURNAMENT_LIST_LIMIT = Object.freeze({ min: 1, max: 200, default: 50 });

const WIRE: Readonly<Record<string, 'tournament.full' | 'tournament.already_joined' | 'tournament.closed' | 'economy.insufficient_funds'>> = {
  STO_ERR_TOURNAMENT_FULL: 'tournament.full',
  STO_ERR_ALREADY_JOINED: 'tournament.already_joined',
  STO_ERR_TOURNAMENT_CLOSED: 'tournament.closed',
  STO_ERR_INSUFFICIENT_FUNDS: 'economy.insufficient_funds',
};

/** The join's storage refusals as wire errors (the same codes the error handler would give). */
function wireError(e: unknown): unknown {
  if (!isStorageError(e)) return e;
  const code = WIRE[e.code];
  return code === undefined ? e : new ApiError(code, { ...(e.details ?? {}) });
}

function notFound(id: string): ApiError {
  return new ApiError('tournament.not_found', { tournament_id: id });
}

export class Tournaments {
  readonly #system: ActorSystem;
  readonly #storage: TournamentsDeps['storage'];
  readonly #standings: StandingsSource;
  readonly #retryMs: number;
  /** One actor per pending or active tournament. */
  readonly #actors: SupervisedPool<string, TournamentArgs>;

  constructor(deps: TournamentsDeps) {
    this.#system = deps.system;
    this.#storage = deps.storage;
    this.#standings = deps.standings ?? { top: (board, n) => deps.storage.leaderboards.top(board, n) };
    this.#retryMs = deps.options?.retryMs ?? 5000;
    this.#actors = new SupervisedPool<string, TournamentArgs>(deps.system, {
      behaviour: TournamentServer,
      restart: 'transient',
      keyOf: (a) => a.id,
      intensity: 100,
      periodMs: 10_000,
      maxChildren: deps.options?.maxTournaments ?? 10_000,
      notStarted: () => new ApiError('not_ready', { reason: 'tournaments_not_started' }),
    });
  }

  /** Starts the supervisor and an actor for every pending or active row (idempotent). */
  async start(): Promise<void> {
    if (this.#actors.running) return;
    await this.#actors.start();
    for (const status of ['pending', 'active'] as const) {
      for (const row of await this.#storage.tournaments.list({ status, limit: TOURNAMENT_LIST_LIMIT.max })) await this.#pid(row.id);
    }
  }

  /** Stops every tournament actor, then the supervisor (timers resume on the next `start`). Idempotent. */
  stop(): Promise<void> {
    return this.#actors.stop();
  }

  /**
   * Creates a tournament (fee and rewards validated, see rules.ts) and starts its actor. Default status
   * pending; a row created already finished gets no actor.
   */
  async create(input: NewTournament): Promise<Tournament> {
    parseEntryFee(input.entry_fee);
    parseRewards(input.rewards);
    const row = await this.#storage.tournaments.create(input);
    await this.#pid(row.id);
    return row;
  }

  /** One tournament row, or `tournament.not_found`. */
  async get(id: string): Promise<Tournament> {
    if (!isUuid(id)) throw notFound(id);
    const row = await this.#storage.tournaments.get(id);
    if (row === undefined) throw notFound(id);
    return row;
  }

  /** Rows ordered by start_at, optionally of one status. */
  list(options: { status?: TournamentStatus; limit?: number } = {}): Promise<Tournament[]> {
    return this.#storage.tournaments.list(options);
  }

  /** Whether the tournament's actor is running (asobi's ops `live`). */
  isLive(id: string): boolean {
    return this.#actors.whereis(id) !== undefined;
  }

  /** Ids of the running tournament actors, sorted. */
  async liveTournaments(): Promise<string[]> {
    return (await this.#actors.keys()).sort();
  }

  /**
   * Joins `playerId`: `tournament.not_found`, `tournament.closed` (finished), `tournament.already_joined`,
   * `tournament.full`, `economy.insufficient_funds` (the fee; nothing joined).
   */
  async join(id: string, playerId: string): Promise<TournamentEntry> {
    const row = await this.get(id);
    if (row.status === 'finished') throw new ApiError('tournament.closed', { tournament_id: row.id, status: row.status });
    let r: Awaited<ReturnType<typeof TournamentActor.join>>;
    try {
      // The actor of a row finished meanwhile ignores its start: the tournament is closed.
      r = await this.#actors.withChild(row.id, () => this.#argsOf(row.id), (pid) => TournamentActor.join(pid, playerId.toLowerCase(), { system: this.#system }));
    } catch (e) {
      if (isActorError(e, 'ACT_ERR_INIT_IGNORED')) throw new ApiError('tournament.closed', { tournament_id: row.id, status: 'finished' });
      throw e;
    }
    if ('err' in r) throw r.err;
    return r.ok;
  }

  /** The participants (persisted), in join order. */
  async participants(id: string): Promise<string[]> {
    await this.get(id);
    return (await this.#storage.tournaments.entries(id)).map((e) => e.player_id);
  }

  /**
   * Ends the tournament now, or retries the payout of one already finished: rewards are paid with
   * idempotency keys, so each payout happens once however often this runs. Returns the finished row.
   */
  async finish(id: string): Promise<Tournament> {
    const row = await this.get(id);
    const pid = row.status === 'finished' ? undefined : await this.#pid(row.id);
    if (pid !== undefined) {
      try {
        const r = await TournamentActor.finish(pid, { system: this.#system });
        if ('err' in r) throw r.err;
        return r.ok;
      } catch (e) {
        if (!isProcessGone(e)) throw e;
      }
    }
    const now = await this.get(id);
    await this.#payRewards(now, new Set(await this.participants(id)));
    return now.status === 'finished' ? now : this.#storage.tournaments.setStatus(id, 'finished');
  }

  /** The pid of the tournament's actor, starting it if the row is not finished; undefined when finished. */
  #pid(id: string): Promise<Pid | undefined> {
    return this.#actors.ensure(id, () => this.#argsOf(id));
  }

  #argsOf(id: string): TournamentArgs {
    return { id, ops: this.#ops, retryMs: this.#retryMs };
  }

  readonly #ops: TournamentOps = {
    get: (id) => this.#storage.tournaments.get(id),
    participants: async (id) => (await this.#storage.tournaments.entries(id)).map((e) => e.player_id),
    setStatus: (id, status) => this.#storage.tournaments.setStatus(id, status),
    join: (row, playerId, participants) => this.#join(row, playerId, participants),
    payRewards: (row, participants) => this.#payRewards(row, participants),
    logWarn: (report) => this.#system.logger.warn(report),
  };

  #fee(row: Tournament): EntryFee | undefined {
    try {
      return parseEntryFee(row.entry_fee);
    } catch {
      this.#system.logger.warn({ report: 'tournament_bad_entry_fee', tournament_id: row.id });
      return undefined;
    }
  }

  #tiers(row: Tournament): RewardTier[] {
    try {
      return parseRewards(row.rewards);
    } catch {
      this.#system.logger.warn({ report: 'tournament_bad_rewards', tournament_id: row.id });
      return [];
    }
  }

  async #join(row: Tournament, playerId: string, participants: ReadonlySet<string>): Promise<TournamentEntry> {
    try {
      return await this.#joinOnce(row, playerId, participants);
    } catch (e) {
      throw wireError(e);
    }
  }

  async #joinOnce(row: Tournament, playerId: string, participants: ReadonlySet<string>): Promise<TournamentEntry> {
    if (!isUuid(playerId)) throw new ApiError('validation_failed', { field: 'player_id', why: 'a uuid' });
    // Pre-checks from the actor's memory (exact on one node); the storage re-checks atomically.
    if (row.status === 'finished') throw new ApiError('tournament.closed', { tournament_id: row.id, status: row.status });
    if (participants.has(playerId)) throw new ApiError('tournament.already_joined', { tournament_id: row.id, player_id: playerId });
    if (row.max_entries !== null && participants.size >= row.max_entries) throw new ApiError('tournament.full', { tournament_id: row.id, max_entries: row.max_entries });
    const fee = this.#fee(row);
    let charged: number | undefined; // the attempt whose debit this call made (undefined: none)
    if (fee !== undefined) {
      // Attempt n uses fee key n; a refunded attempt (refund key n exists) makes the next join pay again
      // under key n+1. A replayed, unrefunded debit means the player already paid (a join that never
      // finished): the join goes ahead without a second charge.
      for (let n = 1; ; n++) {
        if (n > MAX_FEE_ATTEMPTS) throw new ApiError('tournament.closed', { tournament_id: row.id, reason: 'too_many_attempts' });
        const debit = await this.#storage.economy.debit(playerId, fee.currency, fee.amount, {
          reason: 'tournament_entry',
          reference_type: 'tournament',
          reference_id: row.id,
          idempotency_key: feeKey(row.id, playerId, n),
        });
        if (debit.replayed !== true) {
          charged = n;
          break;
        }
        const refunded = await this.#storage.driver.query('SELECT 1 FROM transactions WHERE wallet_id = $1 AND idempotency_key = $2', [debit.wallet_id, refundKey(row.id, playerId, n)]);
        if (refunded.length === 0) break;
      }
    }
    try {
      return await this.#storage.tournaments.join(row.id, playerId);
    } catch (e) {
      if (charged !== undefined && fee !== undefined) {
        try {
          await this.#storage.economy.grant(playerId, fee.currency, fee.amount, {
            reason: 'tournament_entry_refund',
            reference_type: 'tournament',
            reference_id: row.id,
            idempotency_key: refundKey(row.id, playerId, charged),
          });
        } catch (r) {
          this.#system.logger.error({ report: 'tournament_refund_failed', tournament_id: row.id, player_id: playerId, error: r instanceof Error ? r.message : String(r) });
        }
      }
      throw e;
    }
  }

  async #payRewards(row: Tournament, participants: ReadonlySet<string>): Promise<number> {
    const tiers = this.#tiers(row);
    if (tiers.length === 0 || participants.size === 0) return 0;
    if (this.#standings.flush !== undefined) await this.#standings.flush(row.leaderboard_id);
    const top = await this.#standings.top(row.leaderboard_id, REWARD_MAX_RANK);
    const standings = top.filter((e) => participants.has(e.player_id)).map((e, i) => ({ player_id: e.player_id, rank: i + 1 }));
    const payouts = payoutsFor(tiers, standings);
    for (const p of payouts) {
      await this.#storage.economy.grant(p.player_id, p.currency, p.amount, {
        reason: 'tournament_reward',
        reference_type: 'tournament',
        reference_id: row.id,
        idempotency_key: rewardKey(row.id, p.tier),
        metadata: { rank: p.rank, tier: p.tier },
      });
    }
    return payouts.length;
  }
}
