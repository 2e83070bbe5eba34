/**
 * The match process (asobi §2.5): one GenServer per match, running a {@link MatchBehaviour}. States
 * `waiting` (until `minPlayers`; no ticking; gives up after `waitingTimeoutMs`) → `running` ⇄ `paused` →
 * `finished`. Every `tickMs` while running: apply the queued inputs in arrival order, `tick`, send
 * `match.state` (a shared view encoded once for every player, or one view per player), poll
 * `voteRequested`, then snapshot.
 *
 * Crash and resume: the state (game state, roster, tick, flags) is written to the snapshot store after
 * every tick and every roster change. The sessions of the players are members of the match's process
 * group (`match:<id>`), not of the match process, so when a callback throws and the supervisor restarts
 * the match, `init` finds the snapshot, re-attaches (and re-monitors) the sessions still in the group and
 * goes on from the last tick: the players stay connected and keep receiving `match.state`.
 *
 * Only {@link Match} (this file's client API) and `Matches` send it messages.
 */
import { GenServer, noreply, ok, reply, stop, isDownMessage, type GenServerBehaviour, type Pid, type ProcessContext, type TimerRef, type MonitorRef, type HandlerResult, type StopResult } from '@hajime/actor';
import { customEventType, encodeFrame, frame, type OutboundFrame } from '@hajime/protocol';
import { GameError } from '../errors.js';
import type { ResolvedMode } from '../modes.js';
import type { VoteRequest, VoteResult } from '../vote/types.js';
import { isFinished, isInputRejected, isRefusal, type JoinCtx, type MatchApi, type MatchBehaviour, type MatchConfig } from './behaviour.js';
import type { MatchEntry } from './directory.js';
import { matchGroup, matchSnapshotKey, type MatchEnv } from './env.js';
import { refusedReason } from './join-ctx.js';

/** Largest custom event payload (`broadcast`/`send`), as encoded JSON. */
export const BROADCAST_MAX_BYTES = 64 * 1024;
/** Inputs queued beyond this many per match between two ticks are dropped (the oldest are kept). */
export const INPUT_QUEUE_MAX = 10_000;
const SNAPSHOT_VERSION = 1;

export type MatchStatus = 'waiting' | 'running' | 'paused' | 'finished';

export interface MatchArgs {
  readonly id: string;
  readonly mode: string;
  /** Per-match config, merged over the mode's `config` and handed to `init`. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly env: MatchEnv;
}

/** `match.joined`'s payload. */
export interface JoinedInfo {
  readonly match_id: string;
  readonly mode: string;
  readonly status: MatchStatus;
  readonly player_count: number;
  readonly max_players: number;
  readonly players: string[];
  readonly listed: boolean;
  readonly joinable: boolean;
}

/** What the snapshot holds. */
interface Snapshot {
  readonly status: MatchStatus;
  readonly game: unknown;
  readonly players: string[];
  readonly joinable: boolean;
  readonly tick: number;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly crashes: number;
}

interface Attached {
  readonly pid: Pid;
  readonly ref: MonitorRef;
}

interface State {
  readonly id: string;
  readonly mode: ResolvedMode;
  readonly behaviour: MatchBehaviour<unknown, unknown>;
  readonly config: MatchConfig;
  readonly env: MatchEnv;
  readonly group: string;
  readonly ctx: ProcessContext;
  status: MatchStatus;
  game: unknown;
  players: string[];
  /** Sessions attached per player (a player may have several connections). */
  readonly sessions: Map<string, Attached[]>;
  joinable: boolean;
  tick: number;
  inputs: { readonly playerId: string; readonly input: unknown }[];
  createdAt: number;
  startedAt: number | null;
  crashes: number;
  tickTimer: TimerRef | undefined;
  waitTimer: TimerRef | undefined;
  snapshotBroken: boolean;
  api: MatchApi;
}

type Call =
  | { readonly type: 'join'; readonly playerId: string; readonly sessions: readonly Pid[]; readonly ctx: JoinCtx }
  | { readonly type: 'leave'; readonly playerId: string }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'cancel'; readonly reason: string }
  | { readonly type: 'start_vote'; readonly request: VoteRequest };
type Cast =
  | { readonly type: 'input'; readonly playerId: string; readonly input: unknown }
  | { readonly type: 'vote_resolved'; readonly template: string; readonly result: VoteResult }
  | { readonly type: 'phase_event'; readonly name: string };
type Reply = { readonly ok: unknown } | { readonly error: { readonly reason: string; readonly details: Record<string, unknown> } };

const TICK = Object.freeze({ $: 'hajime.match.tick' as const });
const WAITING_TIMEOUT = Object.freeze({ $: 'hajime.match.waiting_timeout' as const });

function isThenable<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function failure(e: GameError): Reply {
  return { error: { reason: e.reason, details: e.details } };
}

// ---- delivery ----

function pushToGroup(s: State, f: OutboundFrame<string, unknown>): void {
  s.env.delivery.groups.broadcast(s.group, s.env.delivery.push(f));
}

function pushToPlayer(s: State, playerId: string, f: OutboundFrame<string, unknown>): void {
  const attached = s.sessions.get(playerId);
  if (attached === undefined || attached.length === 0) return;
  const msg = s.env.delivery.push(f);
  for (const a of attached) s.ctx.send(a.pid, msg);
}

function customFrame(event: string, payload: unknown): OutboundFrame<string, unknown> {
  const type = customEventType('match', event);
  if (type === undefined) throw new GameError('invalid_event', { event: event.slice(0, 64) });
  const f = { type, payload };
  if (Buffer.byteLength(encodeFrame(f)) > BROADCAST_MAX_BYTES) throw new GameError('payload_too_large', { limit: BROADCAST_MAX_BYTES });
  return f;
}

// ---- the api handed to callbacks ----

function makeApi(s: State): MatchApi {
  return {
    id: s.id,
    mode: s.mode.name,
    get players() {
      return s.players;
    },
    get tick() {
      return s.tick;
    },
    now: () => s.ctx.system.clock.now(),
    broadcast: (event, payload) => pushToGroup(s, customFrame(event, payload)),
    send: (playerId, event, payload) => pushToPlayer(s, playerId, customFrame(event, payload)),
    sendMessage: (playerId, message, module = 'game') => pushToPlayer(s, playerId, frame('module.message', { module, message })),
    setJoinable: (joinable) => {
      s.joinable = joinable;
      publish(s);
    },
    startVote: (request) => openVote(s, request),
    phaseEvent: () => undefined,
    log: (level, msg, fields = {}) => s.env.log[level]({ match_id: s.id, mode: s.mode.name, ...fields }, msg),
  };
}

async function openVote(s: State, request: VoteRequest): Promise<string> {
  const votes = s.env.votes;
  if (votes === undefined) throw new GameError('not_available', { feature: 'votes' });
  if (s.status === 'waiting') throw new GameError('match_not_started');
  if (s.status === 'paused') throw new GameError('match_paused');
  const { system } = s.ctx;
  const via = s.env.registry.via(s.id);
  return votes.open({
    matchId: s.id,
    namespace: 'match',
    request,
    eligible: request.eligible ?? [...s.players],
    broadcast: (f) => pushToGroup(s, f as OutboundFrame<string, unknown>),
    onResolved: (template, result) => GenServer.cast(via, { type: 'vote_resolved', template, result } satisfies Cast, system),
  });
}

// ---- roster ----

function publish(s: State): void {
  const entry: MatchEntry = {
    match_id: s.id,
    mode: s.mode.name,
    status: s.status,
    player_count: s.players.length,
    max_players: s.mode.maxPlayers,
    joinable: s.joinable,
    players: s.players,
    listed: s.mode.listed,
    quick_play: s.mode.quickPlay,
    created_at: s.createdAt,
  };
  s.env.directory.publish(entry);
}

function joinedInfo(s: State): JoinedInfo {
  return {
    match_id: s.id,
    mode: s.mode.name,
    status: s.status,
    player_count: s.players.length,
    max_players: s.mode.maxPlayers,
    players: [...s.players],
    listed: s.mode.listed,
    joinable: s.joinable,
  };
}

/** Attaches sessions to a player: monitored, and (unless `inGroup`, as after a restart) added to the group once. */
function attach(s: State, playerId: string, pids: readonly Pid[], inGroup = false): void {
  let list = s.sessions.get(playerId);
  if (list === undefined) s.sessions.set(playerId, (list = []));
  for (const pid of pids) {
    if (list.some((a) => a.pid === pid) || !pid.alive) continue;
    if (!inGroup) s.env.delivery.groups.join(s.group, pid);
    list.push({ pid, ref: s.ctx.monitor(pid) });
  }
}

function detachAll(s: State, playerId: string): void {
  const list = s.sessions.get(playerId) ?? [];
  for (const a of list) {
    s.ctx.demonitor(a.ref, { flush: true });
    s.env.delivery.groups.leave(s.group, a.pid);
  }
  s.sessions.delete(playerId);
}

async function removePlayer(s: State, playerId: string): Promise<void> {
  if (!s.players.includes(playerId)) return;
  detachAll(s, playerId);
  s.players = s.players.filter((p) => p !== playerId);
  s.env.directory.clearPlayer(playerId, s.id);
  const r = s.behaviour.leave(playerId, s.game, s.api);
  s.game = isThenable(r) ? await r : r;
  publish(s);
}

// ---- lifecycle ----

function startTicking(s: State): void {
  if (s.tickTimer === undefined) s.tickTimer = s.ctx.sendInterval(TICK, s.mode.tickMs);
}

function stopTicking(s: State): void {
  if (s.tickTimer !== undefined) s.ctx.cancelTimer(s.tickTimer);
  s.tickTimer = undefined;
}

function maybeStart(s: State): void {
  if (s.status !== 'waiting' || s.players.length < s.mode.minPlayers) return;
  s.status = 'running';
  s.startedAt ??= s.ctx.system.clock.now();
  if (s.waitTimer !== undefined) s.ctx.cancelTimer(s.waitTimer);
  s.waitTimer = undefined;
  startTicking(s);
  publish(s);
}

async function saveSnapshot(s: State): Promise<void> {
  if (s.snapshotBroken || s.status === 'finished') return;
  const snap: Snapshot = {
    status: s.status,
    game: s.game,
    players: s.players,
    joinable: s.joinable,
    tick: s.tick,
    createdAt: s.createdAt,
    startedAt: s.startedAt,
    crashes: s.crashes,
  };
  try {
    await s.env.snapshots.save(matchSnapshotKey(s.id), { version: SNAPSHOT_VERSION, data: snap, savedAtMs: s.ctx.system.clock.now() });
  } catch (e) {
    // A state the store cannot copy (functions, class instances with private fields...): the match runs
    // on without crash recovery, and says so once.
    s.snapshotBroken = true;
    s.env.log.error({ match_id: s.id, mode: s.mode.name, err: e }, 'match_snapshot_failed');
  }
}

/** Ends the match: `match.finished` to everyone, the record and stats (when `record`), cleanup, stop. */
async function finish(s: State, result: Record<string, unknown>, record: boolean): Promise<StopResult<State, never>> {
  stopTicking(s);
  if (s.waitTimer !== undefined) s.ctx.cancelTimer(s.waitTimer);
  s.status = 'finished';
  pushToGroup(s, frame('match.finished', { match_id: s.id, result }));
  if (record && s.env.records !== undefined && s.players.length > 0) {
    try {
      await s.env.records.finish({
        id: s.id,
        mode: s.mode.name,
        players: s.players,
        result,
        ...(s.startedAt === null ? {} : { started_at: new Date(s.startedAt) }),
        finished_at: new Date(s.ctx.system.clock.now()),
      });
    } catch (e) {
      s.env.log.error({ match_id: s.id, mode: s.mode.name, err: e }, 'match_record_failed');
    }
  }
  for (const p of [...s.sessions.keys()]) detachAll(s, p);
  s.env.directory.remove(s.id);
  s.env.votes?.forgetMatch(s.id);
  disposeOf(s.behaviour, s.id, s.env);
  await s.env.snapshots.delete(matchSnapshotKey(s.id)).catch(() => undefined);
  return stop<State, never>('normal', s);
}

/** Calls the behaviour's `dispose`, never letting it throw into the caller. */
export function disposeOf(b: MatchBehaviour<unknown, unknown> | undefined, matchId: string, env: MatchEnv): void {
  try {
    b?.dispose?.(matchId);
  } catch (e) {
    env.log.error({ match_id: matchId, err: e }, 'match_dispose_failed');
  }
}

async function runTick(s: State): Promise<HandlerResult<State, never>> {
  if (s.status !== 'running') return noreply<State, never>(s);
  const b = s.behaviour;
  s.tick += 1;
  // 1. inputs, in arrival order
  if (s.inputs.length > 0) {
    const inputs = s.inputs;
    s.inputs = [];
    for (const { playerId, input } of inputs) {
      if (!s.sessions.has(playerId) && !s.players.includes(playerId)) continue;
      const r0 = b.handleInput(playerId, input, s.game, s.api);
      const r = isThenable(r0) ? await r0 : r0;
      if (isInputRejected(r)) {
        if (s.env.dev) pushToPlayer(s, playerId, frame('module.error', { module: r.module ?? 'match', callback: 'handle_input', script: r.script ?? s.mode.name, message: r.reason }));
      } else {
        s.game = r;
      }
    }
  }
  // 2. tick
  if (b.tick !== undefined) {
    const r0 = b.tick(s.game, s.api);
    const r = isThenable(r0) ? await r0 : r0;
    if (isFinished(r)) {
      s.game = r.state;
      return finish(s, r.result, true);
    }
    s.game = r;
  }
  // 3. state
  broadcastState(s);
  // 4. votes
  if (b.voteRequested !== undefined && s.env.votes !== undefined) {
    const req = b.voteRequested(s.game, s.api);
    if (req !== undefined && req !== null && req !== false) {
      try {
        await openVote(s, req);
      } catch (e) {
        s.env.log.warn({ match_id: s.id, mode: s.mode.name, err: e }, 'match_vote_start_failed');
      }
    }
  }
  await saveSnapshot(s);
  return noreply<State, never>(s);
}

function broadcastState(s: State): void {
  const b = s.behaviour;
  if (b.getSharedState !== undefined) {
    pushToGroup(s, frame('match.state', b.getSharedState(s.game, s.api) as Record<string, unknown>));
  } else if (b.getState !== undefined) {
    for (const p of s.players) {
      if (!s.sessions.has(p)) continue;
      pushToPlayer(s, p, frame('match.state', b.getState(p, s.game, s.api) as Record<string, unknown>));
    }
  }
}

// ---- the behaviour ----

export const MatchServer: GenServerBehaviour<State, MatchArgs, Call, Cast, Reply> = {
  async init(args, ctx) {
    const mode = args.env.modes.get(args.mode);
    if (mode === undefined) return stop({ error: new GameError('unknown_mode', { mode: args.mode }) });
    const config: MatchConfig = { ...mode.config, ...args.config, match_id: args.id, mode: mode.name };
    const now = ctx.system.clock.now();
    const s: State = {
      id: args.id,
      mode,
      behaviour: mode.behaviour as MatchBehaviour<unknown, unknown>,
      config,
      env: args.env,
      group: matchGroup(args.id),
      ctx,
      status: 'waiting',
      game: undefined,
      players: [],
      sessions: new Map(),
      joinable: true,
      tick: 0,
      inputs: [],
      createdAt: now,
      startedAt: null,
      crashes: 0,
      tickTimer: undefined,
      waitTimer: undefined,
      snapshotBroken: false,
      api: undefined as unknown as MatchApi,
    };
    s.api = makeApi(s);
    const stored = await args.env.snapshots.load(matchSnapshotKey(args.id)).catch(() => undefined);
    if (stored !== undefined && stored.version === SNAPSHOT_VERSION) {
      // A restart after a crash: resume from the last snapshot, re-attach the sessions still in the group.
      const snap = stored.data as Snapshot;
      s.status = snap.status;
      s.game = snap.game;
      s.players = [...snap.players];
      s.joinable = snap.joinable;
      s.tick = snap.tick;
      s.createdAt = snap.createdAt;
      s.startedAt = snap.startedAt;
      s.crashes = snap.crashes + 1;
      const members = new Set(args.env.delivery.groups.getMembers(s.group));
      for (const p of s.players) {
        args.env.directory.setPlayer(p, s.id);
        attach(
          s,
          p,
          args.env.delivery.sessionsOf(p).filter((pid) => members.has(pid)),
          true,
        );
      }
      // Anyone in the group who is no longer in the roster (left while the match was down) is detached.
      for (const pid of members) if (![...s.sessions.values()].some((l) => l.some((a) => a.pid === pid))) args.env.delivery.groups.leave(s.group, pid);
      args.env.log.warn({ match_id: s.id, mode: mode.name, tick: s.tick, crashes: s.crashes }, 'match_resumed_from_snapshot');
      const gone = s.players.filter((p) => (s.sessions.get(p)?.length ?? 0) === 0);
      for (const p of gone) await removePlayer(s, p);
      if (s.status === 'running') startTicking(s);
      else if (s.status === 'waiting') s.waitTimer = ctx.sendAfter(WAITING_TIMEOUT, Math.max(0, mode.waitingTimeoutMs - (now - s.createdAt)));
      publish(s);
      await saveSnapshot(s);
      return ok(s);
    }
    const g0 = s.behaviour.init(config, s.api);
    s.game = isThenable(g0) ? await g0 : g0;
    s.waitTimer = ctx.sendAfter(WAITING_TIMEOUT, mode.waitingTimeoutMs);
    publish(s);
    await saveSnapshot(s);
    return ok(s);
  },

  async handleCall(msg, _from, s) {
    switch (msg.type) {
      case 'join': {
        if (s.status === 'finished') return reply(failure(new GameError('match_not_found')), s);
        if (s.players.includes(msg.playerId)) {
          // Already in: attach this connection too (a reconnect or a second tab).
          attach(s, msg.playerId, msg.sessions);
          s.env.directory.setPlayer(msg.playerId, s.id);
          return reply({ ok: joinedInfo(s) }, s);
        }
        if (!s.joinable) return reply(failure(new GameError('match_locked')), s);
        if (s.players.length >= s.mode.maxPlayers) return reply(failure(new GameError('match_full')), s);
        const r0 = s.behaviour.join(msg.playerId, s.game, msg.ctx, s.api);
        const r = isThenable(r0) ? await r0 : r0;
        if (isRefusal(r)) {
          const why = refusedReason(r.reason);
          return reply(failure(new GameError('join_refused', why === undefined ? {} : { refused_reason: why })), s);
        }
        s.game = r;
        s.players = [...s.players, msg.playerId];
        attach(s, msg.playerId, msg.sessions);
        s.env.directory.setPlayer(msg.playerId, s.id);
        publish(s);
        maybeStart(s);
        await saveSnapshot(s);
        return reply({ ok: joinedInfo(s) }, s);
      }
      case 'leave': {
        const was = s.players.includes(msg.playerId);
        await removePlayer(s, msg.playerId);
        if (was && s.players.length === 0) {
          const done = await finish(s, { status: 'abandoned' }, false);
          return stop('normal', done.state, { reply: { ok: true } });
        }
        await saveSnapshot(s);
        return reply({ ok: was }, s);
      }
      case 'pause': {
        if (s.status !== 'running') return reply(failure(new GameError('match_not_running')), s);
        s.status = 'paused';
        stopTicking(s);
        publish(s);
        await saveSnapshot(s);
        return reply({ ok: true }, s);
      }
      case 'resume': {
        if (s.status !== 'paused') return reply(failure(new GameError('match_not_paused')), s);
        s.status = 'running';
        startTicking(s);
        publish(s);
        await saveSnapshot(s);
        return reply({ ok: true }, s);
      }
      case 'cancel': {
        const done = await finish(s, { status: 'cancelled', reason: msg.reason }, false);
        return stop('normal', done.state, { reply: { ok: true } });
      }
      case 'start_vote': {
        try {
          return reply({ ok: await openVote(s, msg.request) }, s);
        } catch (e) {
          if (e instanceof GameError) return reply(failure(e), s);
          throw e;
        }
      }
    }
  },

  async handleCast(msg, s) {
    switch (msg.type) {
      case 'input':
        if (s.status === 'finished' || !s.players.includes(msg.playerId)) return noreply(s);
        if (s.inputs.length < INPUT_QUEUE_MAX) s.inputs.push({ playerId: msg.playerId, input: msg.input });
        return noreply(s);
      case 'vote_resolved': {
        if (s.behaviour.voteResolved === undefined || s.status === 'finished') return noreply(s);
        const r0 = s.behaviour.voteResolved(msg.template, msg.result, s.game, s.api);
        s.game = isThenable(r0) ? await r0 : r0;
        await saveSnapshot(s);
        return noreply(s);
      }
      case 'phase_event':
        return noreply(s);
    }
  },

  async handleInfo(msg, s) {
    if (msg === TICK) return runTick(s);
    if (msg === WAITING_TIMEOUT) {
      s.waitTimer = undefined;
      if (s.status !== 'waiting') return noreply(s);
      return finish(s, { status: 'cancelled', reason: 'waiting_timeout' }, false);
    }
    if (isDownMessage(msg)) {
      for (const [playerId, list] of s.sessions) {
        const i = list.findIndex((a) => a.ref === msg.ref);
        if (i < 0) continue;
        list.splice(i, 1);
        if (list.length === 0) {
          // The player's last connection to this match dropped: a leave (the reconnect policy, when
          // configured, keeps the slot instead).
          await removePlayer(s, playerId);
          if (s.players.length === 0 && s.status !== 'waiting') return finish(s, { status: 'abandoned' }, false);
          await saveSnapshot(s);
        }
        break;
      }
      return noreply(s);
    }
    return noreply(s);
  },

  terminate(_reason, s) {
    stopTicking(s);
  },
};

// ---- client API ----

function unwrap<T>(r: Reply): T {
  if ('error' in r) throw new GameError(r.error.reason, r.error.details);
  return r.ok as T;
}

/** Client functions of a match process (by pid or `registry.via(matchId)`). */
export const Match = {
  async join(ref: Parameters<typeof GenServer.call>[0], playerId: string, sessions: readonly Pid[], ctx: JoinCtx, system?: import('@hajime/actor').ActorSystem): Promise<JoinedInfo> {
    return unwrap<JoinedInfo>(await GenServer.call<Reply>(ref, { type: 'join', playerId, sessions, ctx } satisfies Call, {}, system));
  },
  async leave(ref: Parameters<typeof GenServer.call>[0], playerId: string, system?: import('@hajime/actor').ActorSystem): Promise<boolean> {
    return unwrap<boolean>(await GenServer.call<Reply>(ref, { type: 'leave', playerId } satisfies Call, {}, system));
  },
  async pause(ref: Parameters<typeof GenServer.call>[0], system?: import('@hajime/actor').ActorSystem): Promise<void> {
    unwrap(await GenServer.call<Reply>(ref, { type: 'pause' } satisfies Call, {}, system));
  },
  async resume(ref: Parameters<typeof GenServer.call>[0], system?: import('@hajime/actor').ActorSystem): Promise<void> {
    unwrap(await GenServer.call<Reply>(ref, { type: 'resume' } satisfies Call, {}, system));
  },
  async cancel(ref: Parameters<typeof GenServer.call>[0], reason: string, system?: import('@hajime/actor').ActorSystem): Promise<void> {
    unwrap(await GenServer.call<Reply>(ref, { type: 'cancel', reason } satisfies Call, {}, system));
  },
  async startVote(ref: Parameters<typeof GenServer.call>[0], request: VoteRequest, system?: import('@hajime/actor').ActorSystem): Promise<string> {
    return unwrap<string>(await GenServer.call<Reply>(ref, { type: 'start_vote', request } satisfies Call, {}, system));
  },
  input(ref: Parameters<typeof GenServer.cast>[0], playerId: string, input: unknown, system?: import('@hajime/actor').ActorSystem): void {
    GenServer.cast(ref, { type: 'input', playerId, input } satisfies Cast, system);
  },
  phaseEvent(ref: Parameters<typeof GenServer.cast>[0], name: string, system?: import('@hajime/actor').ActorSystem): void {
    GenServer.cast(ref, { type: 'phase_event', name } satisfies Cast, system);
  },
};
