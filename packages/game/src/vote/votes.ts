/**
 * `Votes`: the votes of one node. It owns a SupervisedPool of vote actors (one per open vote, see
 * vote-server.ts: a DynamicSupervisor, and a Registry naming them by vote id); it resolves each
 * request's configuration (defaults, `vote_templates`, per-call overrides), keeps the per-match state that outlives a single vote
 * (the frustration accumulator and veto tokens, dropped by `forgetMatch`), turns refusals into
 * `GameError`s, and reads resolved votes back from storage. No module state: create one per server.
 *
 * @example
 * const votes = new Votes({ system, store: storage.votes, templates: { map: { window_ms: 20_000 } } });
 * await votes.start();
 * const voteId = await votes.open({
 *   matchId, namespace: 'match', request: { template: 'map', options: [{ id: 'forest' }, { id: 'desert' }] },
 *   eligible: players, broadcast: (f) => match.broadcastFrame(f), onResolved: (template, result) => apply(result),
 * });
 * await votes.cast(voteId, playerId, 'forest');
 */
import { SupervisedPool, isProcessGone, type ActorSystem, type Pid } from '@hajime/actor';
import type { OutboundFrame } from '@hajime/protocol';
import { isStorageError, newId, type VoteRecord, type VotesRepo } from '@hajime/storage';
import { GameError } from '../errors.js';
import { resolveVoteConfig } from './config.js';
import { backedWinner, DEFAULT_FRUSTRATION_BONUS } from './methods.js';
import type { VoteBallot, VoteNamespace, VoteRequest, VoteResult, VoteTemplates, VoteView } from './types.js';
import { Vote, VoteServer, type VoteArgs, type VoteReply } from './vote-server.js';

/** What votes need from storage (`storage.votes` is the adapter). */
export type VoteStore = Pick<VotesRepo, 'record' | 'get' | 'listForMatch'>;

/** Every refusal reason of votes (GameError reasons; each is listed in guides/voting.md). */
export const VOTE_REASONS = Object.freeze([
  'vote_not_found',
  'vote_closed',
  'not_eligible',
  'invalid_option',
  'rate_limited',
  'veto_disabled',
  'no_veto_tokens',
  'invalid_vote_config',
  'vote_capacity_reached',
  'votes_not_started',
] as const);

/** `listForMatch` limits (asobi: newest 50). */
export const VOTE_LIST_LIMIT = Object.freeze({ min: 1, max: 200, default: 50 });

/** How many resolved vote ids are remembered in memory (a cast on one answers `vote_closed` without a read). */
const CLOSED_MEMORY = 10_000;

export interface VotesDeps {
  readonly system: ActorSystem;
  /** Usually `storage.votes`. */
  readonly store: VoteStore;
  /** `vote_templates`: name → partial config (default none). */
  readonly templates?: VoteTemplates;
  /** `[0, 1)` source for the `random` tie breaker (default `Math.random`). */
  readonly random?: () => number;
  /** Vetoes each player may use per match (default 0: vetoes off). */
  readonly vetoTokensPerPlayer?: number;
  /** Weight a `weighted` voter gains per lost vote in a row (default 0.5). */
  readonly frustrationBonus?: number;
  /** Most votes open at once on this node (default 10 000). */
  readonly maxOpenVotes?: number;
}

/** What `open` takes. */
export interface OpenVoteArgs {
  readonly matchId: string;
  /** Frames go out as `match.vote_*` or `world.vote_*`. */
  readonly namespace: VoteNamespace;
  readonly request: VoteRequest;
  /** Every current player of the match (the request's `eligible` overrides it). */
  readonly eligible: readonly string[];
  /** Sends a frame to the match's (or world's) players. */
  broadcast(frame: OutboundFrame<string, unknown>): void;
  /** Receives the result once the vote ends (`vetoed` too). Errors are logged. */
  onResolved(template: string, result: VoteResult): void | Promise<void>;
}

interface MatchState {
  /** Lost votes in a row per player. */
  readonly frustration: Map<string, number>;
  /** Vetoes used per player. */
  readonly vetoes: Map<string, number>;
  /** Open votes of the match. */
  readonly open: Set<string>;
  /** `forgetMatch` ran while votes were open: they leave no state behind when they end. */
  ended: boolean;
}

function intOption(field: string, v: number | undefined, fallback: number, min: number): number {
  const n = v ?? fallback;
  if (!Number.isInteger(n) || n < min) throw new GameError('invalid_vote_config', { field, why: `an integer ≥ ${min}` });
  return n;
}

function iso(d: Date | string | null): string | null {
  if (d === null) return null;
  return (d instanceof Date ? d : new Date(d)).toISOString();
}

/** A stored row as {@link Votes.get} shows it. */
export function viewOfRecord(r: VoteRecord): VoteView {
  return {
    id: r.id,
    match_id: r.match_id,
    status: 'closed',
    template: r.template,
    method: r.method,
    options: r.options.map((o) => (o.label === undefined ? { id: o.id } : { id: o.id, label: o.label })),
    ...(r.result?.['visibility'] === 'live' || r.result?.['visibility'] === 'hidden' ? { visibility: r.result['visibility'] } : {}),
    votes_cast: r.votes_cast as Record<string, VoteBallot>,
    result: r.result,
    distribution: r.distribution,
    turnout: r.turnout === null ? null : Number(r.turnout),
    eligible_count: r.eligible_count,
    window_ms: r.window_ms,
    opened_at: iso(r.opened_at),
    closed_at: iso(r.closed_at),
  };
}

export class Votes {
  readonly #system: ActorSystem;
  readonly #store: VoteStore;
  readonly #templates: VoteTemplates;
  readonly #random: () => number;
  readonly #vetoTokens: number;
  readonly #frustrationBonus: number;
  /** One process per open vote, named by vote id. */
  readonly #votes: SupervisedPool<string, VoteArgs>;
  readonly #matches = new Map<string, MatchState>();
  /** Open vote id → its match. */
  readonly #openVotes = new Map<string, string>();
  readonly #closed = new Set<string>();

  constructor(deps: VotesDeps) {
    this.#system = deps.system;
    this.#store = deps.store;
    this.#templates = deps.templates ?? {};
    this.#random = deps.random ?? Math.random;
    this.#vetoTokens = intOption('vetoTokensPerPlayer', deps.vetoTokensPerPlayer, 0, 0);
    const bonus = deps.frustrationBonus ?? DEFAULT_FRUSTRATION_BONUS;
    if (!Number.isFinite(bonus) || bonus < 0) throw new GameError('invalid_vote_config', { field: 'frustrationBonus', why: 'a number ≥ 0' });
    this.#frustrationBonus = bonus;
    const maxOpen = intOption('maxOpenVotes', deps.maxOpenVotes, 10_000, 1);
    this.#votes = new SupervisedPool<string, VoteArgs>(deps.system, {
      behaviour: VoteServer,
      restart: 'temporary',
      keyOf: (a) => a.id,
      intensity: 100,
      periodMs: 10_000,
      maxChildren: maxOpen,
      notStarted: () => new GameError('votes_not_started'),
      atCapacity: () => new GameError('vote_capacity_reached', { max_open_votes: maxOpen }),
    });
  }

  /** Starts the vote supervisor (idempotent). */
  start(): Promise<void> {
    return this.#votes.start();
  }

  /** Stops the supervisor and every open vote (open votes end unresolved). Idempotent. */
  stop(): Promise<void> {
    return this.#votes.stop();
  }

  /**
   * Opens a vote: resolves its configuration, starts its process (which broadcasts `<ns>.vote_start`)
   * and returns its id. `invalid_vote_config` (with `details.field`) for a bad request or a `vote_id`
   * already in use; `vote_capacity_reached` when `maxOpenVotes` are open; `votes_not_started` before
   * `start()`.
   */
  async open(args: OpenVoteArgs): Promise<string> {
    if (!this.#votes.running) throw new GameError('votes_not_started');
    const config = resolveVoteConfig(args.request, this.#templates);
    const id = (config.vote_id ?? newId()).toLowerCase();
    if (this.#openVotes.has(id) || this.#closed.has(id)) throw new GameError('invalid_vote_config', { field: 'vote_id', why: 'already used' });
    const match = this.#match(args.matchId);
    match.ended = false;
    const userResolved = args.onResolved;
    const voteArgs: VoteArgs = {
      id,
      matchId: args.matchId,
      namespace: args.namespace,
      config,
      eligible: [...args.eligible],
      frustration: Object.fromEntries(match.frustration),
      frustrationBonus: this.#frustrationBonus,
      random: this.#random,
      store: this.#store,
      broadcast: (f) => args.broadcast(f),
      onResolved: (template, result) => userResolved(template, result),
      onSettled: (result, ballots) => this.#settled(args.matchId, id, config.method, result, ballots),
    };
    this.#openVotes.set(id, args.matchId);
    match.open.add(id);
    try {
      const pid = await this.#votes.startChild(voteArgs);
      if (pid === undefined) throw new Error('vote start ignored');
    } catch (e) {
      this.#openVotes.delete(id);
      match.open.delete(id);
      throw e;
    }
    return id;
  }

  /**
   * Casts `playerId`'s ballot: an option id (plurality, weighted) or a list (approval, ranked). A revote
   * replaces the ballot (at most `max_revotes` changes: `rate_limited`). Refusals: `vote_not_found`,
   * `vote_closed`, `not_eligible`, `invalid_option`, `rate_limited`.
   */
  async cast(voteId: string, playerId: string, optionId: string | readonly string[]): Promise<void> {
    const r = await this.#callVote(voteId, (pid) => Vote.cast(pid, playerId, optionId, { system: this.#system }));
    if ('error' in r) throw new GameError(r.error, { vote_id: voteId, ...(r.details ?? {}) });
  }

  /**
   * Vetoes (cancels) an open vote with one of the player's veto tokens for the match: everyone gets
   * `<ns>.vote_vetoed {vote_id, vetoed_by}`. Refusals: `vote_not_found`, `vote_closed`, `not_eligible`,
   * `veto_disabled` (the vote's `veto_enabled` is false, or `vetoTokensPerPlayer` is 0),
   * `no_veto_tokens`.
   */
  async veto(voteId: string, playerId: string): Promise<void> {
    const id = voteId.toLowerCase();
    const matchId = this.#openVotes.get(id);
    if (matchId !== undefined) {
      if (this.#vetoTokens === 0) throw new GameError('veto_disabled', { vote_id: voteId });
      const match = this.#match(matchId);
      const used = match.vetoes.get(playerId) ?? 0;
      if (used >= this.#vetoTokens) throw new GameError('no_veto_tokens', { vote_id: voteId, veto_tokens_per_player: this.#vetoTokens });
      match.vetoes.set(playerId, used + 1);
      let r: VoteReply;
      try {
        r = await this.#callVote(id, (pid) => Vote.veto(pid, playerId, { system: this.#system }));
      } catch (e) {
        match.vetoes.set(playerId, (match.vetoes.get(playerId) ?? 1) - 1);
        throw e;
      }
      if ('error' in r) {
        match.vetoes.set(playerId, (match.vetoes.get(playerId) ?? 1) - 1);
        throw new GameError(r.error, { vote_id: voteId, ...(r.details ?? {}) });
      }
      return;
    }
    await this.#callVote(id, async () => ({ ok: true }) as const);
  }

  /** Vetoes `playerId` has left in `matchId`. */
  vetoesLeft(matchId: string, playerId: string): number {
    return Math.max(0, this.#vetoTokens - (this.#matches.get(matchId)?.vetoes.get(playerId) ?? 0));
  }

  /** A player's lost votes in a row in `matchId` (their `weighted` weight is `1 + n × frustrationBonus`). */
  frustrationOf(matchId: string, playerId: string): number {
    return this.#matches.get(matchId)?.frustration.get(playerId) ?? 0;
  }

  /**
   * One vote: the live one (`status: 'open'`; a hidden vote leaves out `votes_cast`) or the stored row
   * (`'closed'`); undefined when there is neither.
   */
  async get(voteId: string): Promise<VoteView | undefined> {
    const pid = this.#votes.whereis(voteId.toLowerCase());
    if (pid !== undefined) {
      try {
        return await Vote.view(pid, { system: this.#system });
      } catch (e) {
        if (!isProcessGone(e)) throw e;
      }
    }
    const row = await this.#stored(voteId);
    return row === undefined ? undefined : viewOfRecord(row);
  }

  /** The votes of a match (or world), newest first: open ones, then stored ones; `limit` 1..200, default 50. */
  async listForMatch(matchId: string, limit: number = VOTE_LIST_LIMIT.default): Promise<VoteView[]> {
    if (!Number.isInteger(limit) || limit < VOTE_LIST_LIMIT.min || limit > VOTE_LIST_LIMIT.max) {
      throw new GameError('invalid_vote_config', { field: 'limit', why: `an integer in ${VOTE_LIST_LIMIT.min}..${VOTE_LIST_LIMIT.max}` });
    }
    const live: VoteView[] = [];
    for (const id of this.#matches.get(matchId)?.open ?? []) {
      const pid = this.#votes.whereis(id);
      if (pid === undefined) continue;
      try {
        live.push(await Vote.view(pid, { system: this.#system }));
      } catch (e) {
        if (!isProcessGone(e)) throw e;
      }
    }
    live.sort((a, b) => (b.opened_at ?? '').localeCompare(a.opened_at ?? '') || b.id.localeCompare(a.id));
    let rows: VoteRecord[] = [];
    try {
      rows = await this.#store.listForMatch(matchId, { limit });
    } catch (e) {
      if (!isInvalidInput(e)) throw e;
    }
    const seen = new Set(live.map((v) => v.id));
    return [...live, ...rows.filter((r) => !seen.has(r.id)).map(viewOfRecord)].slice(0, limit);
  }

  /**
   * Drops the per-match state (frustration, veto tokens) when a match ends. Votes still open run to their
   * result but leave no state behind.
   */
  forgetMatch(matchId: string): void {
    const m = this.#matches.get(matchId);
    if (m === undefined) return;
    if (m.open.size === 0) this.#matches.delete(matchId);
    else {
      m.frustration.clear();
      m.vetoes.clear();
      m.ended = true;
    }
  }

  /** The pid of an open vote, or undefined. */
  whereis(voteId: string): Pid | undefined {
    return this.#votes.whereis(voteId.toLowerCase());
  }

  /** Ids of the open votes (of one match, when given). */
  openVotes(matchId?: string): string[] {
    return [...this.#openVotes].filter(([id, m]) => (matchId === undefined || m === matchId) && this.#votes.whereis(id) !== undefined).map(([id]) => id);
  }

  #match(matchId: string): MatchState {
    let m = this.#matches.get(matchId);
    if (m === undefined) {
      m = { frustration: new Map(), vetoes: new Map(), open: new Set(), ended: false };
      this.#matches.set(matchId, m);
    }
    return m;
  }

  /** Runs `fn` against the open vote; a vote that is gone answers `vote_closed` (resolved) or `vote_not_found`. */
  async #callVote(voteId: string, fn: (pid: Pid) => Promise<VoteReply>): Promise<VoteReply> {
    const id = voteId.toLowerCase();
    const pid = this.#votes.whereis(id);
    if (pid !== undefined) {
      try {
        return await fn(pid);
      } catch (e) {
        if (!isProcessGone(e)) throw e;
      }
    }
    if (this.#closed.has(id) || (await this.#stored(id)) !== undefined) throw new GameError('vote_closed', { vote_id: voteId });
    throw new GameError('vote_not_found', { vote_id: voteId });
  }

  async #stored(voteId: string): Promise<VoteRecord | undefined> {
    try {
      return await this.#store.get(voteId);
    } catch (e) {
      if (isInvalidInput(e)) return undefined;
      throw e;
    }
  }

  /** A vote ended: update the frustration accumulator (decided votes only) and forget it as open. */
  #settled(matchId: string, id: string, method: VoteArgs['config']['method'], result: VoteResult, ballots: Readonly<Record<string, VoteBallot>>): void {
    const match = this.#match(matchId);
    if (result.status === 'decided' && result.winner !== null && !match.ended) {
      for (const [voter, ballot] of Object.entries(ballots)) {
        if (backedWinner(method, ballot, result.winner)) match.frustration.delete(voter);
        else match.frustration.set(voter, (match.frustration.get(voter) ?? 0) + 1);
      }
    }
    match.open.delete(id);
    if (match.ended && match.open.size === 0) this.#matches.delete(matchId);
    this.#openVotes.delete(id);
    this.#closed.add(id);
    if (this.#closed.size > CLOSED_MEMORY) this.#closed.delete(this.#closed.values().next().value as string);
  }
}

/** A storage refusal of the input itself (a vote or match id that is not a uuid). */
function isInvalidInput(e: unknown): boolean {
  return isStorageError(e, 'STO_ERR_INVALID_INPUT');
}
