/**
 * `Matches`: the matches of one node. The supervision tree is
 *
 *     match manager (GenServer: creates matches one at a time, watches them)
 *     matches (DynamicSupervisor, temporary children)
 *       └ match:<id> (Supervisor, one_for_one, `restartIntensity` in `restartPeriodMs`, auto_shutdown)
 *           └ match server (transient, significant)
 *
 * A match whose callback throws is restarted by its own supervisor and resumes from its snapshot; past
 * the intensity its supervisor gives up, the manager sees it go and ends the match cleanly for its
 * players (`match.finished` with `{status: 'error', reason: 'crashed'}`): one broken match never takes
 * the others, or the node, with it. Creation and `findOrCreate` go through the manager, so two players
 * racing for the last quick-play slot never create two matches.
 *
 * @example
 * const matches = new Matches({ system, modes, delivery, records: storage.matches });
 * await matches.start();
 * const joined = await matches.findOrCreate('arena', playerId, sessionPid, {});
 * matches.input(playerId, { dx: 1 });
 */
import {
  DynamicSupervisor,
  GenServer,
  MemorySnapshotStore,
  Registry,
  Supervisor,
  isActorError,
  isProcessGone,
  isDownMessage,
  noreply,
  ok,
  reply,
  type ActorSystem,
  type GenServerBehaviour,
  type Logger,
  type MonitorRef,
  type Pid,
  type SnapshotStore,
} from '@hajime/actor';
import { frame } from '@hajime/protocol';
import { newId } from '@hajime/storage';
import type { Delivery } from '../delivery.js';
import { GameError, isGameError } from '../errors.js';
import type { ModeRegistry } from '../modes.js';
import type { VoteRequest } from '../vote/types.js';
import type { JoinCtx } from './behaviour.js';
import { MatchDirectory, listingOf, type MatchEntry, type MatchListing } from './directory.js';
import { matchGroup, matchSnapshotKey, type MatchEnv, type MatchRecords, type VotesPort } from './env.js';
import { validateJoinCtx } from './join-ctx.js';
import { Match, MatchServer, disposeOf, type JoinedInfo, type MatchArgs } from './match-server.js';

export interface MatchesOptions {
  /** Live matches per node; more is `match_capacity_reached` (default 1000, asobi's `match_max`). */
  readonly maxMatches?: number;
  /** Crashes one match may have within `restartPeriodMs` before it is ended (default 3). */
  readonly restartIntensity?: number;
  /** The window of `restartIntensity`, ms (default 10 000). */
  readonly restartPeriodMs?: number;
  /** Dev mode: rejected inputs answer `module.error` (default false). */
  readonly dev?: boolean;
}

export const MATCHES_DEFAULTS = Object.freeze({ maxMatches: 1000, restartIntensity: 3, restartPeriodMs: 10_000 });

export interface MatchesDeps {
  readonly system: ActorSystem;
  readonly modes: ModeRegistry;
  readonly delivery: Delivery;
  /** Where finished matches are recorded with the players' stats (`storage.matches`); none: not recorded. */
  readonly records?: MatchRecords;
  /** The vote service (`Votes`); none: `voteRequested`/`startVote` are `not_available`. */
  readonly votes?: VotesPort;
  /** Where match snapshots go (default: in memory, which survives a match crash but not the node). */
  readonly snapshots?: SnapshotStore;
  readonly log?: Logger;
  readonly options?: MatchesOptions;
}

export interface ListOptions {
  readonly mode?: string;
  /** Only matches with a free slot. */
  readonly hasCapacity?: boolean;
  /** Only matches whose `joinable` flag equals this. */
  readonly joinable?: boolean;
}

type ManagerCall =
  | { readonly type: 'create'; readonly mode: string; readonly config: Readonly<Record<string, unknown>> }
  | { readonly type: 'find_or_create'; readonly mode: string; readonly playerId: string; readonly sessions: readonly Pid[]; readonly ctx: JoinCtx };
type ManagerReply = { readonly ok: unknown } | { readonly error: { readonly reason: string; readonly details: Record<string, unknown> } };

interface ManagerState {
  readonly matches: Matches;
  readonly watched: Map<MonitorRef, string>;
}

export class Matches {
  readonly options: Required<MatchesOptions>;
  readonly directory = new MatchDirectory();
  readonly #system: ActorSystem;
  readonly #env: MatchEnv;
  #sup: Pid | undefined;
  #manager: Pid | undefined;

  constructor(deps: MatchesDeps) {
    const o = { ...MATCHES_DEFAULTS, dev: false, ...deps.options };
    if (!Number.isInteger(o.maxMatches) || o.maxMatches < 1) throw new TypeError('maxMatches must be an integer ≥ 1');
    this.options = Object.freeze(o);
    this.#system = deps.system;
    this.#env = {
      modes: deps.modes,
      delivery: deps.delivery,
      snapshots: deps.snapshots ?? new MemorySnapshotStore(),
      records: deps.records,
      votes: deps.votes,
      directory: this.directory,
      registry: new Registry<string>(deps.system),
      log: deps.log ?? deps.system.logger,
      dev: o.dev,
      inputs: new Map(),
    };
  }

  get system(): ActorSystem {
    return this.#system;
  }

  /** The modes this node runs. */
  get modes(): ModeRegistry {
    return this.#env.modes;
  }

  /** Starts the match supervisor and the manager (idempotent). */
  async start(): Promise<void> {
    if (this.#sup !== undefined) return;
    const { restartIntensity, restartPeriodMs } = this.options;
    const registry = this.#env.registry;
    this.#sup = await DynamicSupervisor.start<MatchArgs>(this.#system, {
      template: {
        type: 'supervisor',
        restart: 'temporary',
        shutdown: 'infinity',
        start: ({ system, parent }, args) =>
          Supervisor.start(
            system,
            {
              strategy: 'one_for_one',
              intensity: restartIntensity,
              periodMs: restartPeriodMs,
              autoShutdown: 'any_significant',
              children: [
                {
                  id: 'match',
                  restart: 'transient',
                  significant: true,
                  shutdown: 5_000,
                  start: (c) => GenServer.start(c.system, MatchServer, args, { name: registry.via(args.id), link: c.parent, trapExit: true }),
                },
              ],
            },
            { link: parent },
          ),
      },
    });
    this.#manager = await GenServer.start(this.#system, Manager, this);
  }

  /** Stops every match (without finishing them) and the manager. Idempotent. */
  async stop(): Promise<void> {
    const sup = this.#sup;
    const manager = this.#manager;
    this.#sup = undefined;
    this.#manager = undefined;
    for (const pid of [manager, sup]) {
      if (pid === undefined || !this.#system.isAlive(pid)) continue;
      try {
        await GenServer.stop(pid, 'shutdown', this.#system);
      } catch (e) {
        if (!isProcessGone(e)) throw e;
      }
    }
  }

  /** Live matches on this node. */
  get count(): number {
    return this.directory.size;
  }

  /**
   * Creates a match of `mode` (status `waiting` until its `minPlayers` join). Resolves with its id.
   * `unknown_mode`, `match_capacity_reached`.
   */
  async create(mode: string, config: Readonly<Record<string, unknown>> = {}): Promise<string> {
    return this.#managerCall<string>({ type: 'create', mode, config });
  }

  /**
   * Creates a match and joins `playerIds` into it with every connection each has on this node (the
   * matchmaker's start). Players the game refuses are left out. Resolves with the match id and the
   * players that joined.
   */
  async startWithPlayers(mode: string, playerIds: readonly string[], config: Readonly<Record<string, unknown>> = {}): Promise<{ match_id: string; players: string[] }> {
    const id = await this.create(mode, config);
    const joined: string[] = [];
    for (const p of playerIds) {
      try {
        await this.#leaveCurrent(p, id);
        await Match.join(this.#env.registry.via(id), p, this.#env.delivery.sessionsOf(p), {}, this.#system);
        joined.push(p);
      } catch (e) {
        if (!isGameError(e)) throw e;
        this.#env.log.warn({ match_id: id, player_id: p, reason: e.reason }, 'matchmade_join_failed');
      }
    }
    return { match_id: id, players: joined };
  }

  /**
   * Joins `playerId` (connection `session`) into a live match, leaving the match it was in. `ctx` is
   * validated here (the join-ctx reasons). `match_not_found`, `match_full`, `match_locked`,
   * `join_refused` (`details.refused_reason`).
   */
  async join(matchId: string, playerId: string, session: Pid, ctx: unknown = undefined): Promise<JoinedInfo> {
    const joinCtx = validateJoinCtx(ctx);
    if (this.directory.get(matchId) === undefined) throw new GameError('match_not_found');
    await this.#leaveCurrent(playerId, matchId);
    return this.#call(() => Match.join(this.#env.registry.via(matchId), playerId, [session], joinCtx, this.#system));
  }

  /**
   * Joins a joinable quick-play match of `mode` with room, or creates one (serialised: two racing players
   * never create two). `not_found` (no such mode), `quick_play_disabled`, `match_capacity_reached`.
   */
  async findOrCreate(mode: string, playerId: string, session: Pid, ctx: unknown = undefined): Promise<JoinedInfo> {
    const joinCtx = validateJoinCtx(ctx);
    const m = this.#env.modes.get(mode);
    if (m === undefined) throw new GameError('not_found', { mode: mode.slice(0, 64) });
    if (!m.quickPlay) throw new GameError('quick_play_disabled', { mode });
    await this.#leaveCurrent(playerId, undefined);
    return this.#managerCall<JoinedInfo>({ type: 'find_or_create', mode, playerId, sessions: [session], ctx: joinCtx });
  }

  /** Removes `playerId` from its match; false when it was in none. */
  async leave(playerId: string): Promise<boolean> {
    const id = this.directory.matchOf(playerId);
    if (id === undefined) return false;
    try {
      return await Match.leave(this.#env.registry.via(id), playerId, this.#system);
    } catch (e) {
      if (isActorError(e)) return false;
      throw e;
    }
  }

  /** Queues an input for the player's match (applied at its next tick). False when the player is in no match. */
  input(playerId: string, input: unknown): boolean {
    const seat = this.directory.seatOf(playerId);
    if (seat === undefined) return false;
    if (seat.inputs?.push(playerId, input) === true) return true;
    const id = seat.matchId;
    const queue = this.#env.inputs?.get(id);
    if (queue !== undefined) {
      seat.inputs = queue;
      if (queue.push(playerId, input)) return true;
    }
    const pid = this.#env.registry.lookup(id);
    if (pid === undefined) return false;
    Match.input(pid, playerId, input, this.#system);
    return true;
  }

  /** The match `playerId` is in on this node. */
  matchOf(playerId: string): string | undefined {
    return this.directory.matchOf(playerId);
  }

  /** Listed live matches (modes with `listed`), newest first, filtered. No roster. */
  list(options: ListOptions = {}): MatchListing[] {
    const out: MatchEntry[] = [];
    for (const e of this.directory.entries()) {
      if (!e.listed) continue;
      if (options.mode !== undefined && e.mode !== options.mode) continue;
      if (options.hasCapacity === true && e.player_count >= e.max_players) continue;
      if (options.joinable !== undefined && e.joinable !== options.joinable) continue;
      out.push(e);
    }
    return out.sort((a, b) => b.created_at - a.created_at).map(listingOf);
  }

  /** A live match's directory entry (with its roster), if it is live on this node. */
  get(matchId: string): MatchEntry | undefined {
    return this.directory.get(matchId);
  }

  /** Whether `playerId` is in the live match `matchId`. */
  isPlayerIn(matchId: string, playerId: string): boolean {
    return this.directory.get(matchId)?.players.includes(playerId) ?? false;
  }

  pause(matchId: string): Promise<void> {
    return this.#call(() => Match.pause(this.#env.registry.via(matchId), this.#system));
  }
  resume(matchId: string): Promise<void> {
    return this.#call(() => Match.resume(this.#env.registry.via(matchId), this.#system));
  }
  /** Ends a match without a result (`match.finished {result: {status: 'cancelled', reason}}`, no record). */
  cancel(matchId: string, reason = 'cancelled'): Promise<void> {
    return this.#call(() => Match.cancel(this.#env.registry.via(matchId), reason, this.#system));
  }
  /** Starts a vote in a running match (as `voteRequested` would). */
  startVote(matchId: string, request: VoteRequest): Promise<string> {
    return this.#call(() => Match.startVote(this.#env.registry.via(matchId), request, this.#system));
  }

  /** The process of a live match (tests, diagnostics). */
  whereis(matchId: string): Pid | undefined {
    return this.#env.registry.lookup(matchId);
  }

  /** @internal the manager's view. */
  get env(): MatchEnv {
    return this.#env;
  }
  /** @internal */
  get supervisor(): Pid | undefined {
    return this.#sup;
  }

  async #leaveCurrent(playerId: string, unless: string | undefined): Promise<void> {
    const current = this.directory.matchOf(playerId);
    if (current !== undefined && current !== unless) await this.leave(playerId);
  }

  async #call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      // The match is gone (finished, crashed past its intensity, or never existed).
      if (isActorError(e, 'ACT_ERR_NOPROC') || isActorError(e, 'ACT_ERR_NOT_REGISTERED') || isActorError(e, 'ACT_ERR_EXIT')) throw new GameError('match_not_found');
      throw e;
    }
  }

  async #managerCall<T>(msg: ManagerCall): Promise<T> {
    if (this.#manager === undefined) throw new GameError('not_available', { feature: 'matches' });
    const r = await this.#call(() => GenServer.call<ManagerReply>(this.#manager!, msg, { timeoutMs: 15_000 }, this.#system));
    if ('error' in r) throw new GameError(r.error.reason, r.error.details);
    return r.ok as T;
  }
}

function fail(e: unknown): ManagerReply {
  if (e instanceof GameError) return { error: { reason: e.reason, details: e.details } };
  if (isActorError(e, 'ACT_ERR_MAX_CHILDREN')) return { error: { reason: 'match_capacity_reached', details: {} } };
  throw e;
}

async function createMatch(s: ManagerState, mode: string, config: Readonly<Record<string, unknown>>, ctx: { monitor(pid: Pid): MonitorRef }): Promise<string> {
  const { matches } = s;
  if (matches.env.modes.get(mode) === undefined) throw new GameError('unknown_mode', { mode: mode.slice(0, 64) });
  if (matches.directory.size >= matches.options.maxMatches) throw new GameError('match_capacity_reached', { limit: matches.options.maxMatches });
  const id = newId();
  let pid: Pid | undefined;
  try {
    pid = await DynamicSupervisor.startChild<MatchArgs>(matches.supervisor!, { id, mode, config, env: matches.env }, matches.system);
  } catch (e) {
    matches.env.log.error({ mode, err: e }, 'match_start_failed');
    throw new GameError('match_start_failed', { mode });
  }
  if (pid === undefined) throw new GameError('match_start_failed', { mode });
  s.watched.set(ctx.monitor(pid), id);
  return id;
}

/** Picks quick-play candidates: waiting matches first (fullest first), then running ones. */
function candidates(directory: MatchDirectory, mode: string): string[] {
  const out: MatchEntry[] = [];
  for (const e of directory.entries()) {
    if (e.mode !== mode || !e.quick_play || !e.joinable || e.player_count >= e.max_players) continue;
    if (e.status !== 'waiting' && e.status !== 'running') continue;
    out.push(e);
  }
  const rank = (e: MatchEntry) => (e.status === 'waiting' ? 0 : 1);
  return out.sort((a, b) => rank(a) - rank(b) || b.player_count - a.player_count || a.created_at - b.created_at).map((e) => e.match_id);
}

const RETRY_NEXT = new Set(['match_full', 'match_locked', 'join_refused', 'match_not_found']);

/** The manager: serialises creation and quick play, and ends matches whose supervisor gave up. */
const Manager: GenServerBehaviour<ManagerState, Matches, ManagerCall, never, ManagerReply> = {
  init(matches) {
    return ok({ matches, watched: new Map() });
  },

  async handleCall(msg, _from, s, ctx) {
    const { matches } = s;
    try {
      switch (msg.type) {
        case 'create':
          return reply({ ok: await createMatch(s, msg.mode, msg.config, ctx) }, s);
        case 'find_or_create': {
          let last: GameError | undefined;
          for (const id of candidates(matches.directory, msg.mode)) {
            try {
              return reply({ ok: await Match.join(matches.env.registry.via(id), msg.playerId, msg.sessions, msg.ctx, matches.system) }, s);
            } catch (e) {
              if (e instanceof GameError && RETRY_NEXT.has(e.reason)) {
                last = e;
                continue;
              }
              if (isActorError(e)) continue;
              throw e;
            }
          }
          const id = await createMatch(s, msg.mode, {}, ctx);
          try {
            return reply({ ok: await Match.join(matches.env.registry.via(id), msg.playerId, msg.sessions, msg.ctx, matches.system) }, s);
          } catch (e) {
            if (e instanceof GameError) throw last !== undefined && e.reason === last.reason ? last : e;
            if (isActorError(e)) throw new GameError('match_start_failed', { mode: msg.mode });
            throw e;
          }
        }
      }
    } catch (e) {
      return reply(fail(e), s);
    }
  },

  handleInfo(msg, s) {
    if (!isDownMessage(msg)) return noreply(s);
    const id = s.watched.get(msg.ref);
    if (id === undefined) return noreply(s);
    s.watched.delete(msg.ref);
    const { env } = s.matches;
    // Still listed: the match did not finish itself, so its supervisor gave up (too many crashes) or
    // was stopped. End it for its players.
    const entry = env.directory.remove(id);
    if (entry !== undefined) {
      const group = matchGroup(id);
      env.delivery.groups.broadcast(group, env.delivery.push(frame('match.finished', { match_id: id, result: { status: 'error', reason: 'crashed' } })));
      env.delivery.groups.leave(group, env.delivery.groups.getMembers(group));
      env.votes?.forgetMatch(id);
      disposeOf(env.modes.get(entry.mode)?.behaviour, id, env);
      void env.snapshots.delete(matchSnapshotKey(id)).catch(() => undefined);
      env.log.error({ match_id: id, mode: entry.mode, reason: msg.reason }, 'match_ended_after_crashes');
    }
    return noreply(s);
  },
};
