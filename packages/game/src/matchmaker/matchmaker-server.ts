/**
 * The matchmaker process (asobi §2.6): one GenServer holding every waiting ticket of the node. Tickets are
 * keyed by `(player, mode)`; a tick every `tickIntervalMs` on the system clock groups the pending tickets
 * by mode, runs the mode's strategy (pure, see `strategies.ts`), and starts one match per group *without
 * awaiting it inside the handler*: each start reports back with a cast (`started` / `start_failed`), so
 * adds and removes are answered while matches start. While a group starts its tickets are `matching`
 * and its players are *busy*: no strategy sees any of their tickets (in any mode) until the start has
 * reported, so a player is never in two starting groups. A failed start re-queues the group's tickets
 * (`attempts + 1`); at `maxAttempts` the players get `match.matchmaker_failed` and the tickets are
 * dropped. Tickets older than `maxWaitSeconds` since their *first* submission expire with
 * `match.matchmaker_expired`. Nothing is persisted (asobi: the queue dies with the node).
 *
 * Only the `MatchmakerServer` client API below sends it messages; the `Matchmaker` service wraps it.
 *
 * Cluster design note: all queue state lives in this one process and every client call is async, so the
 * cluster issue can make it cluster-wide without changing the API: one owner process per mode, found
 * through the cluster registry under `matchmaker:<mode>` (started on first use on the node the registry
 * picks), with `Matchmaker` routing `add`/`remove`/`get` by mode (and by the ticket id's mode prefix for
 * `remove`/`get`), `removePlayer` fanned out to the owners, and `stats` merged.
 */
import { randomUUID } from 'node:crypto';
import { GenServer, noreply, ok, reply, type ActorSystem, type Dest, type GenServerBehaviour, type ProcessContext } from '@hajime/actor';
import { frame, type OutboundFrame } from '@hajime/protocol';
import { GameError } from '../errors.js';
import type { ModeRegistry } from '../modes.js';
import { resolveStrategy, runStrategy } from './strategies.js';
import type { Ticket } from './strategy.js';

/** Matchmaker options, with their defaults in {@link MATCHMAKER_DEFAULTS}. */
export interface MatchmakerOptions {
  /** How often the queue is matched, in ms (default 1000). */
  readonly tickIntervalMs?: number;
  /** A ticket expires this long after its first submission, in seconds (default 60). */
  readonly maxWaitSeconds?: number;
  /** Most live tickets on the node; an add beyond it is `queue_full` (default 10 000). */
  readonly maxQueue?: number;
  /** Failed match starts before a group's players get `match.matchmaker_failed` (default 3). */
  readonly maxAttempts?: number;
}

export type ResolvedMatchmakerOptions = Required<MatchmakerOptions>;

export const MATCHMAKER_DEFAULTS: ResolvedMatchmakerOptions = Object.freeze({ tickIntervalMs: 1000, maxWaitSeconds: 60, maxQueue: 10_000, maxAttempts: 3 });

/** Applies defaults and checks the options (positive integers); throws a TypeError naming the key. */
export function resolveMatchmakerOptions(o: MatchmakerOptions = {}): ResolvedMatchmakerOptions {
  const out = { ...MATCHMAKER_DEFAULTS };
  for (const key of Object.keys(MATCHMAKER_DEFAULTS) as (keyof ResolvedMatchmakerOptions)[]) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new TypeError(`matchmaker option ${key} must be an integer ≥ 1 (got ${String(v)})`);
    out[key] = v;
  }
  return Object.freeze(out);
}

/** Starts a match for a group; resolves once every player has joined. */
export type StartMatch = (mode: string, playerIds: string[]) => Promise<{ match_id: string }>;
/** Pushes a frame to a player (all their connections); never throws. */
export type Notify = (playerId: string, frame: OutboundFrame<string, unknown>) => void;

export interface MatchmakerServerArgs {
  readonly modes: ModeRegistry;
  readonly startMatch: StartMatch;
  readonly notify: Notify;
  readonly options: ResolvedMatchmakerOptions;
  /** Ticket id generator (default `randomUUID`). */
  readonly newId?: () => string;
}

/** A ticket's lifecycle: `pending` (waiting) or `matching` (its group's match is starting). */
export type TicketStatus = 'pending' | 'matching';

interface LiveTicket extends Ticket {
  status: TicketStatus;
  attempts: number;
}

interface State {
  readonly args: MatchmakerServerArgs;
  readonly tickets: Map<string, LiveTicket>;
  /** `player \0 mode` → ticket id. */
  readonly byKey: Map<string, string>;
  /** Players whose group is starting → how many starts they are in (at most 1). */
  readonly busy: Set<string>;
  readonly newId: () => string;
}

/** What an add answers (the wire's `matchmaker.queued` payload). */
export interface AddReply {
  readonly ticket_id: string;
  readonly status: 'pending';
  readonly players_needed: number;
  readonly already_queued: boolean;
}

/** One ticket as its owner sees it (`GET /matchmaker/:ticket_id`). */
export interface TicketView {
  readonly id: string;
  readonly mode: string;
  readonly status: TicketStatus;
  readonly properties: Readonly<Record<string, unknown>>;
  /** ISO 8601 time of the first submission. */
  readonly submitted_at: string;
  /** The ticket's query, when it has one (a Hajime addition). */
  readonly query?: string;
}

/** Per-mode queue figures. */
export interface ModeStats {
  readonly waiting: number;
  readonly oldest_wait_ms: number;
  readonly average_wait_ms: number;
}

export interface AddInput {
  readonly player_id: string;
  readonly mode: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly query: string | undefined;
}

type Result<T> = { readonly ok: T } | { readonly err: string; readonly details?: Record<string, unknown> };

type Call =
  | ({ readonly type: 'add' } & AddInput)
  | { readonly type: 'remove'; readonly ticket_id: string; readonly player_id: string }
  | { readonly type: 'get'; readonly ticket_id: string; readonly player_id: string }
  | { readonly type: 'remove_player'; readonly player_id: string }
  | { readonly type: 'stats' }
  | { readonly type: 'tick' };

type Cast =
  | { readonly type: 'started'; readonly mode: string; readonly ticket_ids: readonly string[]; readonly players: readonly string[]; readonly match_id: string }
  | { readonly type: 'start_failed'; readonly mode: string; readonly ticket_ids: readonly string[]; readonly players: readonly string[]; readonly error: string };

const TICK = Object.freeze({ type: 'matchmaker_tick' });

const keyOf = (playerId: string, mode: string): string => `${playerId}\u0000${mode}`;

function dropTicket(s: State, t: LiveTicket): void {
  s.tickets.delete(t.id);
  if (s.byKey.get(keyOf(t.player_id, t.mode)) === t.id) s.byKey.delete(keyOf(t.player_id, t.mode));
}

function add(s: State, msg: AddInput, nowMs: number): Result<AddReply> {
  const mode = s.args.modes.get(msg.mode);
  if (mode === undefined) return { err: 'unknown_mode', details: { mode: msg.mode } };
  const existingId = s.byKey.get(keyOf(msg.player_id, msg.mode));
  const existing = existingId === undefined ? undefined : s.tickets.get(existingId);
  if (existing !== undefined) return { ok: { ticket_id: existing.id, status: 'pending', players_needed: mode.matchSize, already_queued: true } };
  if (s.tickets.size >= s.args.options.maxQueue) return { err: 'queue_full' };
  const t: LiveTicket = {
    id: s.newId(),
    player_id: msg.player_id,
    mode: msg.mode,
    properties: msg.properties,
    submitted_at: nowMs,
    attempts: 0,
    status: 'pending',
    ...(msg.query === undefined ? {} : { query: msg.query }),
  };
  s.tickets.set(t.id, t);
  s.byKey.set(keyOf(t.player_id, t.mode), t.id);
  return { ok: { ticket_id: t.id, status: 'pending', players_needed: mode.matchSize, already_queued: false } };
}

function owned(s: State, ticketId: string, playerId: string): Result<LiveTicket> {
  const t = s.tickets.get(ticketId);
  if (t === undefined) return { err: 'not_found' };
  if (t.player_id !== playerId) return { err: 'not_owner' };
  return { ok: t };
}

function view(t: LiveTicket): TicketView {
  return {
    id: t.id,
    mode: t.mode,
    status: t.status,
    properties: t.properties,
    submitted_at: new Date(t.submitted_at).toISOString(),
    ...(t.query === undefined ? {} : { query: t.query }),
  };
}

function stats(s: State, nowMs: number): Record<string, ModeStats> {
  const acc = new Map<string, { n: number; oldest: number; sum: number }>();
  for (const t of s.tickets.values()) {
    const wait = Math.max(0, nowMs - t.submitted_at);
    const a = acc.get(t.mode) ?? { n: 0, oldest: 0, sum: 0 };
    a.n++;
    a.sum += wait;
    a.oldest = Math.max(a.oldest, wait);
    acc.set(t.mode, a);
  }
  const out: Record<string, ModeStats> = {};
  for (const [mode, a] of [...acc.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    out[mode] = { waiting: a.n, oldest_wait_ms: a.oldest, average_wait_ms: Math.round(a.sum / a.n) };
  }
  return out;
}

function notifyAll(s: State, players: Iterable<string>, f: OutboundFrame<string, unknown>, ctx: ProcessContext): void {
  for (const p of players) {
    try {
      s.args.notify(p, f);
    } catch (e) {
      ctx.system.logger.warn({ report: 'matchmaker_notify_failed', player_id: p, error: e instanceof Error ? e.message : String(e) });
    }
  }
}

/** One matchmaking round: strategies per mode, starts launched (not awaited), then expiry. */
function tick(s: State, ctx: ProcessContext): void {
  const nowMs = ctx.system.clock.epochMs();
  const byMode = new Map<string, LiveTicket[]>();
  for (const t of s.tickets.values()) {
    if (t.status !== 'pending') continue;
    const list = byMode.get(t.mode);
    if (list === undefined) byMode.set(t.mode, [t]);
    else list.push(t);
  }
  for (const name of [...byMode.keys()].sort()) {
    const mode = s.args.modes.get(name);
    const waiting = byMode.get(name)!;
    if (mode === undefined) {
      // The mode was removed while its tickets waited: nothing can start them.
      for (const t of waiting) dropTicket(s, t);
      notifyAll(s, waiting.map((t) => t.player_id), frame('match.matchmaker_failed', { reason: 'no_game_module' }), ctx);
      continue;
    }
    const offered = waiting.filter((t) => !s.busy.has(t.player_id)).sort((a, b) => a.submitted_at - b.submitted_at);
    if (offered.length === 0) continue;
    const strategy = resolveStrategy(mode.strategy);
    const result = runStrategy(strategy, offered, { matchSize: mode.matchSize, config: mode.strategyConfig, now: nowMs });
    for (const group of result.groups) {
      if (group.some((t) => s.busy.has(t.player_id))) continue; // a custom strategy cannot put a busy player in two starts
      const live = group.map((t) => s.tickets.get(t.id)!);
      const players = live.map((t) => t.player_id);
      const ticketIds = live.map((t) => t.id);
      for (const t of live) t.status = 'matching';
      for (const p of players) s.busy.add(p);
      launch(s.args.startMatch, name, players, ticketIds, ctx.self);
    }
  }
  const maxWaitMs = s.args.options.maxWaitSeconds * 1000;
  for (const t of [...s.tickets.values()]) {
    if (t.status === 'pending' && nowMs - t.submitted_at >= maxWaitMs) {
      dropTicket(s, t);
      notifyAll(s, [t.player_id], frame('match.matchmaker_expired', { ticket_id: t.id }), ctx);
    }
  }
}

/** Starts a match outside the handler; the outcome comes back as a cast. */
function launch(startMatch: StartMatch, mode: string, players: string[], ticketIds: string[], self: Dest): void {
  const base = { mode, ticket_ids: ticketIds, players };
  void (async () => startMatch(mode, [...players]))().then(
    (r) => {
      const matchId = typeof r === 'object' && r !== null && typeof r.match_id === 'string' ? r.match_id : undefined;
      if (matchId === undefined) GenServer.cast(self, { type: 'start_failed', ...base, error: 'no_match_id' } satisfies Cast);
      else GenServer.cast(self, { type: 'started', ...base, match_id: matchId } satisfies Cast);
    },
    (e: unknown) => GenServer.cast(self, { type: 'start_failed', ...base, error: e instanceof Error ? e.message : String(e) } satisfies Cast),
  );
}

export const MatchmakerServerBehaviour: GenServerBehaviour<State, MatchmakerServerArgs, Call, Cast, unknown> = {
  init(args, ctx) {
    ctx.sendInterval(TICK, args.options.tickIntervalMs);
    return ok({ args, tickets: new Map(), byKey: new Map(), busy: new Set(), newId: args.newId ?? randomUUID });
  },

  handleCall(msg, _from, s, ctx) {
    const nowMs = ctx.system.clock.epochMs();
    switch (msg.type) {
      case 'add':
        return reply(add(s, msg, nowMs), s);
      case 'remove': {
        const r = owned(s, msg.ticket_id, msg.player_id);
        if ('ok' in r) dropTicket(s, r.ok);
        return reply('ok' in r ? { ok: true } : r, s);
      }
      case 'get': {
        const r = owned(s, msg.ticket_id, msg.player_id);
        return reply('ok' in r ? { ok: view(r.ok) } : r, s);
      }
      case 'remove_player': {
        let removed = 0;
        for (const t of [...s.tickets.values()]) {
          if (t.player_id === msg.player_id) {
            dropTicket(s, t);
            removed++;
          }
        }
        return reply({ ok: removed }, s);
      }
      case 'stats':
        return reply({ ok: stats(s, nowMs) }, s);
      case 'tick':
        tick(s, ctx);
        return reply({ ok: true }, s);
    }
  },

  handleCast(msg, s, ctx) {
    for (const p of msg.players) s.busy.delete(p);
    const live = msg.ticket_ids.map((id) => s.tickets.get(id)).filter((t): t is LiveTicket => t !== undefined);
    if (msg.type === 'started') {
      for (const t of live) dropTicket(s, t);
      // Every player of the group is in the match (even one who removed their ticket meanwhile).
      notifyAll(s, msg.players, frame('match.matched', { match_id: msg.match_id, players: [...msg.players] }), ctx);
      return noreply(s);
    }
    ctx.system.logger.warn({ report: 'matchmaker_start_failed', mode: msg.mode, players: msg.players.length, error: msg.error });
    const failed: string[] = [];
    for (const t of live) {
      t.attempts++;
      t.status = 'pending';
      if (t.attempts >= s.args.options.maxAttempts) {
        dropTicket(s, t);
        failed.push(t.player_id);
      }
    }
    notifyAll(s, failed, frame('match.matchmaker_failed', { reason: 'match_start_failed' }), ctx);
    return noreply(s);
  },

  handleInfo(msg, s, ctx) {
    if (msg === TICK) tick(s, ctx);
    return noreply(s);
  },
};

/** Call options of the client functions. */
export interface MatchmakerCallOptions {
  readonly timeoutMs?: number;
}

async function callMm<T>(ref: Dest, msg: Call, o: MatchmakerCallOptions, system?: ActorSystem): Promise<T> {
  const r = await GenServer.call<Result<T>>(ref, msg, o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }, system);
  if ('err' in r) throw new GameError(r.err, r.details ?? {});
  return r.ok;
}

/**
 * The matchmaker process's client API (inputs are trusted here: the `Matchmaker` service validates).
 * Refusals throw `GameError` (`unknown_mode`, `queue_full`, `not_found`, `not_owner`).
 */
export const MatchmakerServer = {
  start(system: ActorSystem, args: MatchmakerServerArgs, options: { name?: string } = {}) {
    return GenServer.start(system, MatchmakerServerBehaviour, args, options.name === undefined ? {} : { name: options.name });
  },
  add: (ref: Dest, input: AddInput, o: MatchmakerCallOptions = {}, system?: ActorSystem) => callMm<AddReply>(ref, { type: 'add', ...input }, o, system),
  remove: (ref: Dest, ticketId: string, playerId: string, o: MatchmakerCallOptions = {}, system?: ActorSystem) =>
    callMm<true>(ref, { type: 'remove', ticket_id: ticketId, player_id: playerId }, o, system),
  get: (ref: Dest, ticketId: string, playerId: string, o: MatchmakerCallOptions = {}, system?: ActorSystem) =>
    callMm<TicketView>(ref, { type: 'get', ticket_id: ticketId, player_id: playerId }, o, system),
  removePlayer: (ref: Dest, playerId: string, o: MatchmakerCallOptions = {}, system?: ActorSystem) => callMm<number>(ref, { type: 'remove_player', player_id: playerId }, o, system),
  stats: (ref: Dest, o: MatchmakerCallOptions = {}, system?: ActorSystem) => callMm<Record<string, ModeStats>>(ref, { type: 'stats' }, o, system),
  /** Runs one matchmaking round now (tests, operator tools); the periodic tick runs regardless. */
  tick: (ref: Dest, o: MatchmakerCallOptions = {}, system?: ActorSystem) => callMm<true>(ref, { type: 'tick' }, o, system),
};
