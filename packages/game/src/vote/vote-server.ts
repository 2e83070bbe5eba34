/**
 * The vote actor: one GenServer per open vote (asobi's `asobi_vote_server`). It broadcasts
 * `<ns>.vote_start` when it starts, takes casts (a revote replaces the ballot, at most `max_revotes`
 * changes) and vetoes, broadcasts `<ns>.vote_tally` after every cast when the vote is `live`, and closes
 * on its window (see windows.ts) with timers on the process clock. After the close, a 500 ms grace still
 * takes late votes; then it counts (methods.ts), broadcasts `<ns>.vote_result`, persists one row through
 * the store, calls `onResolved(template, result)` and stops. A veto cancels the vote instead:
 * `<ns>.vote_vetoed {vote_id, vetoed_by}`, a row with status `vetoed`, `onResolved` with that status.
 * A failed write is logged and never holds back the result. Started by {@link Votes}; only the `Vote`
 * client API below sends it messages.
 */
import { GenServer, noreply, ok, reply, stop, type ActorSystem, type Dest, type GenServerBehaviour, type ProcessContext, type TimerRef } from '@hajime/actor';
import { frame, type OutboundFrame } from '@hajime/protocol';
import type { NewVote, VoteRecord } from '@hajime/storage';
import type { ResolvedVoteConfig } from './config.js';
import { countVotes, leaderShare, liveTally, normaliseBallot, resolveBallots } from './methods.js';
import type { VoteBallot, VoteNamespace, VoteResult, VoteView } from './types.js';
import { afterCast, closeAt, GRACE_MS, openWindow, timeRemaining, type VoteWindow } from './windows.js';

/** What a vote needs from storage (the port; `storage.votes` is the adapter). */
export interface VoteRecorder {
  record(vote: NewVote): Promise<VoteRecord>;
}

/** Start arguments of one vote. */
export interface VoteArgs {
  readonly id: string;
  readonly matchId: string;
  readonly namespace: VoteNamespace;
  readonly config: ResolvedVoteConfig;
  /** Eligible players (the config's `eligible`, else every current player of the match). */
  readonly eligible: readonly string[];
  /** Lost votes in a row per player of the match, when the vote opened (only `weighted` reads it). */
  readonly frustration: Readonly<Record<string, number>>;
  readonly frustrationBonus: number;
  /** `[0, 1)` source for the `random` tie breaker. */
  readonly random: () => number;
  readonly store: VoteRecorder;
  /** Sends a frame to everyone concerned (the match's or world's players). */
  readonly broadcast: (frame: OutboundFrame<string, unknown>) => void;
  /** Receives the result (also `vetoed`). Errors are logged. */
  readonly onResolved: (template: string, result: VoteResult) => void | Promise<void>;
  /** Called first, with the effective player ballots, when the vote ends (the service's frustration bookkeeping). */
  readonly onSettled?: (result: VoteResult, ballots: Readonly<Record<string, VoteBallot>>) => void;
}

/** A refusal, as the vote answers it (the service turns it into a `GameError`). */
export interface VoteRefusal {
  readonly error: 'not_eligible' | 'invalid_option' | 'vote_closed' | 'rate_limited' | 'veto_disabled';
  readonly details?: Record<string, unknown>;
}
export type VoteReply = { readonly ok: true } | VoteRefusal;

type VoteCall =
  | { readonly type: 'cast'; readonly playerId: string; readonly option: unknown }
  | { readonly type: 'veto'; readonly playerId: string }
  | { readonly type: 'view' };

type VoteInfo = { readonly type: 'close_tick' } | { readonly type: 'resolve_tick' };

interface VoteState {
  readonly args: VoteArgs;
  readonly cfg: ResolvedVoteConfig;
  readonly optionIds: ReadonlySet<string>;
  readonly players: ReadonlySet<string>;
  readonly spectators: ReadonlySet<string>;
  /** Ballots cast by players and by spectators. */
  readonly ballots: Map<string, VoteBallot>;
  readonly spectatorBallots: Map<string, VoteBallot>;
  /** Ballot changes per voter (the first ballot is free). */
  readonly changes: Map<string, number>;
  window: VoteWindow;
  /** `open` → `grace` (closed, still taking late votes) → `done` (counting, writing). */
  phase: 'open' | 'grace' | 'done';
  /** The close time the timer is armed for. */
  armedAt: number | undefined;
  timer: TimerRef | undefined;
  readonly openedAtEpochMs: number;
}

const CLOSE_TICK: VoteInfo = { type: 'close_tick' };
const RESOLVE_TICK: VoteInfo = { type: 'resolve_tick' };

function typeOf(ns: VoteNamespace, leaf: 'vote_start' | 'vote_tally' | 'vote_result' | 'vote_vetoed') {
  return `${ns}.${leaf}` as const;
}

function sameBallot(a: VoteBallot, b: VoteBallot): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function allVoted(s: VoteState): boolean {
  if (s.players.size === 0) return false;
  for (const p of s.players) if (!s.ballots.has(p)) return false;
  return true;
}

function tallyOf(s: VoteState): Record<string, number> {
  return liveTally({
    method: s.cfg.method,
    options: s.cfg.options.map((o) => o.id),
    ballots: Object.fromEntries(s.ballots),
    spectatorBallots: Object.fromEntries(s.spectatorBallots),
    weights: s.cfg.weights,
    frustration: s.args.frustration,
    frustrationBonus: s.args.frustrationBonus,
  });
}

function broadcast(s: VoteState, ctx: ProcessContext, f: OutboundFrame<string, unknown>): void {
  try {
    s.args.broadcast(f);
  } catch (e) {
    ctx.system.logger.warn({ report: 'vote_broadcast_failed', vote_id: s.args.id, type: f.type, error: String(e) });
  }
}

/** Re-reads the close time and (re-)arms the close timer; closes now when it has passed. */
function rearm(s: VoteState, ctx: ProcessContext): void {
  if (s.phase !== 'open') return;
  const now = ctx.system.clock.now();
  const at = closeAt(s.window, { nowMs: now, allVoted: allVoted(s) });
  if (at === s.armedAt) return;
  if (s.timer !== undefined) ctx.cancelTimer(s.timer);
  s.armedAt = at;
  s.timer = ctx.sendAfter(CLOSE_TICK, Math.max(0, at - now));
}

function cast(s: VoteState, playerId: string, option: unknown, ctx: ProcessContext): VoteReply {
  if (s.phase === 'done') return { error: 'vote_closed' };
  const isPlayer = s.players.has(playerId);
  if (!isPlayer && !s.spectators.has(playerId)) return { error: 'not_eligible' };
  const ballot = normaliseBallot(s.cfg.method, s.optionIds, option);
  if (ballot === undefined) return { error: 'invalid_option', details: { method: s.cfg.method } };
  const pool = isPlayer ? s.ballots : s.spectatorBallots;
  const previous = pool.get(playerId);
  if (previous !== undefined && !sameBallot(previous, ballot)) {
    const changes = s.changes.get(playerId) ?? 0;
    if (changes >= s.cfg.max_revotes) return { error: 'rate_limited', details: { max_revotes: s.cfg.max_revotes } };
    s.changes.set(playerId, changes + 1);
  }
  pool.set(playerId, ballot);
  const tallies = tallyOf(s);
  const nowMs = ctx.system.clock.now();
  if (s.phase === 'open') {
    const share = leaderShare(tallies, s.cfg.method, s.ballots.size + s.spectatorBallots.size);
    s.window = afterCast(s.window, { nowMs, allVoted: allVoted(s), supermajority: share >= s.cfg.supermajority });
    rearm(s, ctx);
  }
  if (s.cfg.visibility === 'live') {
    const time_remaining_ms = s.phase === 'open' ? timeRemaining(s.window, { nowMs, allVoted: allVoted(s) }) : 0;
    broadcast(s, ctx, frame(typeOf(s.args.namespace, 'vote_tally'), { vote_id: s.args.id, tallies, time_remaining_ms, total_votes: s.ballots.size + s.spectatorBallots.size }));
  }
  return { ok: true };
}

function viewOf(s: VoteState): VoteView {
  const hidden = s.cfg.visibility === 'hidden';
  return {
    id: s.args.id,
    match_id: s.args.matchId,
    status: 'open',
    template: s.cfg.template,
    method: s.cfg.method,
    options: s.cfg.options,
    visibility: s.cfg.visibility,
    ...(hidden ? {} : { votes_cast: { ...Object.fromEntries(s.spectatorBallots), ...Object.fromEntries(s.ballots) } }),
    result: null,
    distribution: null,
    turnout: null,
    eligible_count: s.players.size,
    window_ms: s.cfg.window_ms,
    opened_at: new Date(s.openedAtEpochMs).toISOString(),
    closed_at: null,
  };
}

/** Writes the row; a failure is logged (the result has already gone out). */
async function persist(s: VoteState, ctx: ProcessContext, result: VoteResult, extra: Record<string, unknown>): Promise<void> {
  const closedAt = new Date(ctx.system.clock.epochMs());
  try {
    await s.args.store.record({
      id: s.args.id,
      match_id: s.args.matchId,
      template: s.cfg.template,
      method: s.cfg.method,
      options: s.cfg.options.map((o) => ({ ...o })),
      votes_cast: { ...Object.fromEntries(s.spectatorBallots), ...Object.fromEntries(s.ballots) },
      result: { winner: result.winner, status: result.status, counts: result.counts, total_votes: result.total_votes, visibility: s.cfg.visibility, ...extra },
      distribution: { ...result.distribution },
      turnout: result.turnout,
      eligible_count: s.players.size,
      window_ms: s.cfg.window_ms,
      opened_at: new Date(s.openedAtEpochMs),
      closed_at: closedAt < new Date(s.openedAtEpochMs) ? new Date(s.openedAtEpochMs) : closedAt,
    });
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : String(e);
    ctx.system.logger.warn({ report: 'vote_persist_failed', vote_id: s.args.id, match_id: s.args.matchId, error: code });
  }
}

/** Hands the result to the service and the game; errors are logged. */
async function deliver(s: VoteState, ctx: ProcessContext, result: VoteResult, ballots: Readonly<Record<string, VoteBallot>>): Promise<void> {
  try {
    s.args.onSettled?.(result, ballots);
  } catch (e) {
    ctx.system.logger.warn({ report: 'vote_settle_failed', vote_id: s.args.id, error: String(e) });
  }
  try {
    await s.args.onResolved(s.cfg.template, result);
  } catch (e) {
    ctx.system.logger.warn({ report: 'vote_on_resolved_failed', vote_id: s.args.id, error: String(e) });
  }
}

async function resolve(s: VoteState, ctx: ProcessContext): Promise<void> {
  s.phase = 'done';
  const players = [...s.players];
  const cast = Object.fromEntries(s.ballots);
  const ballots = resolveBallots({ eligible: players, cast, delegation: s.cfg.delegation, defaults: s.cfg.default_votes });
  const tally = countVotes({
    method: s.cfg.method,
    options: s.cfg.options.map((o) => o.id),
    ballots,
    spectatorBallots: Object.fromEntries(s.spectatorBallots),
    spectatorWeight: s.cfg.spectator_weight,
    weights: s.cfg.weights,
    frustration: s.args.frustration,
    frustrationBonus: s.args.frustrationBonus,
    tieBreaker: s.cfg.tie_breaker,
    random: s.args.random,
    eligibleCount: players.length,
    voters: s.ballots.size,
    quorum: s.cfg.quorum,
    supermajority: s.cfg.supermajority,
    requireSupermajority: s.cfg.require_supermajority,
  });
  const result: VoteResult = { vote_id: s.args.id, ...tally };
  broadcast(
    s,
    ctx,
    frame(typeOf(s.args.namespace, 'vote_result'), {
      vote_id: s.args.id,
      winner: result.winner,
      counts: { ...result.counts },
      distribution: { ...result.distribution },
      total_votes: result.total_votes,
      turnout: result.turnout,
    }),
  );
  await persist(s, ctx, result, {});
  await deliver(s, ctx, result, ballots);
}

async function veto(s: VoteState, playerId: string, ctx: ProcessContext): Promise<VoteReply> {
  if (s.phase === 'done') return { error: 'vote_closed' };
  if (!s.players.has(playerId)) return { error: 'not_eligible' };
  if (!s.cfg.veto_enabled) return { error: 'veto_disabled' };
  s.phase = 'done';
  if (s.timer !== undefined) ctx.cancelTimer(s.timer);
  broadcast(s, ctx, frame(typeOf(s.args.namespace, 'vote_vetoed'), { vote_id: s.args.id, vetoed_by: playerId }));
  const tallies = tallyOf(s);
  const sum = Object.values(tallies).reduce((a, b) => a + b, 0);
  const distribution = Object.fromEntries(Object.entries(tallies).map(([k, v]) => [k, sum > 0 ? v / sum : 0]));
  const result: VoteResult = {
    vote_id: s.args.id,
    winner: null,
    status: 'vetoed',
    counts: tallies,
    distribution,
    total_votes: s.ballots.size + s.spectatorBallots.size,
    turnout: s.players.size > 0 ? s.ballots.size / s.players.size : 0,
  };
  await persist(s, ctx, result, { vetoed_by: playerId });
  await deliver(s, ctx, result, {});
  return { ok: true };
}

export const VoteServer: GenServerBehaviour<VoteState, VoteArgs, VoteCall, never, VoteReply | VoteView> = {
  init(args, ctx) {
    const players = new Set(args.config.eligible ?? args.eligible);
    const spectators = new Set(args.config.spectators.filter((p) => !players.has(p)));
    const s: VoteState = {
      args,
      cfg: args.config,
      optionIds: new Set(args.config.options.map((o) => o.id)),
      players,
      spectators,
      ballots: new Map(),
      spectatorBallots: new Map(),
      changes: new Map(),
      window: openWindow(args.config.window_type, ctx.system.clock.now(), args.config.window_ms, args.config.min_window_ms),
      phase: 'open',
      armedAt: undefined,
      timer: undefined,
      openedAtEpochMs: ctx.system.clock.epochMs(),
    };
    broadcast(s, ctx, frame(typeOf(args.namespace, 'vote_start'), { vote_id: args.id, options: s.cfg.options.map((o) => ({ ...o })), window_ms: s.cfg.window_ms, method: s.cfg.method }));
    rearm(s, ctx);
    return ok(s);
  },

  async handleCall(msg, _from, s, ctx) {
    switch (msg.type) {
      case 'cast':
        return reply(cast(s, msg.playerId, msg.option, ctx), s);
      case 'veto': {
        const r = await veto(s, msg.playerId, ctx);
        return 'ok' in r ? stop('normal', s, { reply: r }) : reply(r, s);
      }
      case 'view':
        return reply(viewOf(s), s);
    }
  },

  async handleInfo(msg, s, ctx) {
    const m = msg as VoteInfo;
    if (m.type === 'close_tick' && s.phase === 'open') {
      s.timer = undefined;
      s.phase = 'grace';
      s.timer = ctx.sendAfter(RESOLVE_TICK, GRACE_MS);
      return noreply(s);
    }
    if (m.type === 'resolve_tick' && s.phase === 'grace') {
      await resolve(s, ctx);
      return stop('normal', s);
    }
    return noreply(s);
  },
};

/** The client API of a vote process (only this sends it messages). */
export const Vote = {
  /** Casts (or replaces) `playerId`'s ballot. */
  cast(ref: Dest, playerId: string, option: unknown, opts: { system?: ActorSystem } = {}): Promise<VoteReply> {
    return GenServer.call<VoteReply>(ref, { type: 'cast', playerId, option } satisfies VoteCall, {}, opts.system);
  },
  /** Vetoes (cancels) the vote; the process stops once the veto is delivered. */
  veto(ref: Dest, playerId: string, opts: { system?: ActorSystem } = {}): Promise<VoteReply> {
    return GenServer.call<VoteReply>(ref, { type: 'veto', playerId } satisfies VoteCall, {}, opts.system);
  },
  /** The live vote as `Votes.get` shows it. */
  view(ref: Dest, opts: { system?: ActorSystem } = {}): Promise<VoteView> {
    return GenServer.call<VoteView>(ref, { type: 'view' } satisfies VoteCall, {}, opts.system);
  },
};
