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
import { GenServer, noreply, ok, reply, stop, isDownMessage, type GenServerBehaviour, type Pid, type HandlerResult, type StopResult } from '@hajime/actor';
import { frame, type OutboundFrame } from '@hajime/protocol';
import { GameError } from '../errors.js';
import { isBotId } from '../bots/bot-id.js';
import type { VoteRequest, VoteResult } from '../vote/types.js';
import { isFinished, isInputRejected, isRefusal, type InputRejected, type JoinCtx, type MatchApi, type MatchBehaviour, type MatchConfig } from './behaviour.js';
import { matchGroup, matchSnapshotKey, type MatchEnv, type MatchInputs } from './env.js';
import { refusedReason } from './join-ctx.js';
import { pausePhases, resumePhases } from '../phase/engine.js';
import { forgetPlayer, inGrace, isInGrace } from '../timer/reconnect.js';
import { initProgress, playerDropped, playerReturned, restoreProgress, snapshotProgress, tickGrace, tickProgressPhases } from './match-progress.js';
import { SNAPSHOT_VERSION, attach, queueInput, customFrame, detachAll, isThenable, joinedInfo, publish, pushToGroup, pushToPlayer, type JoinedInfo, type MatchArgs, type Snapshot, type State } from './match-state.js';

export { BROADCAST_MAX_BYTES, INPUT_QUEUE_MAX, type JoinedInfo, type MatchArgs, type MatchStatus } from './match-state.js';

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

function failure(e: GameError): Reply {
  return { error: { reason: e.reason, details: e.details } };
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
    phaseEvent: (name) => void s.phaseEvents.push(name),
    log: (level, msg, fields = {}) => s.env.log[level]({ match_id: s.id, mode: s.mode.name, ...fields }, msg),
    rejectedInput: (playerId, r) => reportRejected(s, playerId, r),
  };
}

/** A rejected input: `module.error` to its player in dev mode. */
function reportRejected(s: State, playerId: string, r: InputRejected): void {
  if (s.env.dev) pushToPlayer(s, playerId, frame('module.error', { module: r.module ?? 'match', callback: 'handle_input', script: r.script ?? s.mode.name, message: r.reason }));
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

async function removePlayer(s: State, playerId: string): Promise<void> {
  if (!s.players.includes(playerId)) return;
  detachAll(s, playerId);
  if (s.reconnect !== undefined) s.reconnect = forgetPlayer(s.reconnect, playerId);
  s.players = s.players.filter((p) => p !== playerId);
  s.env.directory.clearPlayer(playerId, s.id);
  const r = s.behaviour.leave(playerId, s.game, s.api);
  s.game = isThenable(r) ? await r : r;
  publish(s);
}

// ---- lifecycle ----

/**
 * The match's input queue as `Matches.input` reaches it (`MatchEnv.inputs`): an input is appended at
 * once, in arrival order, with the same checks as the `input` message, instead of costing a message.
 */
class DirectInputs implements MatchInputs {
  constructor(readonly s: State) {}
  push(playerId: string, input: unknown): boolean {
    if (!this.s.ctx.self.alive) return false;
    queueInput(this.s, playerId, input);
    return true;
  }
}

/** Offers the direct input path (at the end of `init`: inputs queue from then on). */
function openInputs(s: State): void {
  s.env.inputs?.set(s.id, new DirectInputs(s));
}

/** Withdraws it (finish, terminate); a restarted incarnation offers its own. */
function closeInputs(s: State): void {
  const d = s.env.inputs?.get(s.id);
  if (d instanceof DirectInputs && d.s === s) s.env.inputs!.delete(s.id);
}

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

/** What a snapshot of `s` holds now. */
function snapshotOf(s: State): Snapshot {
  const progress = snapshotProgress(s);
  return {
    status: s.status,
    game: s.game,
    players: s.players,
    joinable: s.joinable,
    tick: s.tick,
    createdAt: s.createdAt,
    startedAt: s.startedAt,
    crashes: s.crashes,
    phases: progress.phases,
    reconnect: progress.reconnect,
    forfeited: progress.forfeited,
  };
}

/**
 * A state the store cannot copy (functions, class instances with private fields...): the match runs on
 * without crash recovery, and says so once.
 */
function snapshotFailed(s: State, e: unknown): void {
  if (s.snapshotBroken) return;
  s.snapshotBroken = true;
  s.env.log.error({ match_id: s.id, mode: s.mode.name, err: e }, 'match_snapshot_failed');
}

/**
 * Starts saving `s`'s snapshot; the promise settles when the store has it (a failure is reported by
 * {@link snapshotFailed}, never thrown). Undefined when there is nothing to save.
 */
function startSnapshot(s: State): Promise<void> | undefined {
  if (s.snapshotBroken || s.status === 'finished') return undefined;
  try {
    return s.env.snapshots.save(matchSnapshotKey(s.id), { version: SNAPSHOT_VERSION, data: snapshotOf(s), savedAtMs: s.ctx.system.clock.now() }).then(undefined, (e: unknown) => snapshotFailed(s, e));
  } catch (e) {
    snapshotFailed(s, e);
    return undefined;
  }
}

async function saveSnapshot(s: State): Promise<void> {
  await startSnapshot(s);
}

/**
 * The tick's snapshot. A store that has the snapshot once `save` returns (the memory store) is not waited
 * for; any other store is, as every other snapshot is (the returned promise).
 */
function saveTickSnapshot(s: State): Promise<void> | undefined {
  const saved = startSnapshot(s);
  return s.env.snapshots.savesBeforeReturning === true ? undefined : saved;
}

/** Ends the match: `match.finished` to everyone, the record and stats (when `record`), cleanup, stop. */
async function finish(s: State, result: Record<string, unknown>, record: boolean): Promise<StopResult<State, never>> {
  stopTicking(s);
  if (s.waitTimer !== undefined) s.ctx.cancelTimer(s.waitTimer);
  s.status = 'finished';
  pushToGroup(s, frame('match.finished', { match_id: s.id, result }));
  // Bots (ids `bot_…`, not UUIDs) never reach the record or the players' stats.
  const recorded = [...s.players, ...s.forfeited.filter((p) => !s.players.includes(p))].filter((p) => !isBotId(p));
  if (record && s.env.records !== undefined && recorded.length > 0) {
    try {
      await s.env.records.finish({
        id: s.id,
        mode: s.mode.name,
        players: recorded,
        result,
        ...(s.startedAt === null ? {} : { started_at: new Date(s.startedAt) }),
        finished_at: new Date(s.ctx.system.clock.now()),
      });
    } catch (e) {
      s.env.log.error({ match_id: s.id, mode: s.mode.name, err: e }, 'match_record_failed');
    }
  }
  for (const p of [...s.sessions.keys()]) detachAll(s, p);
  closeInputs(s);
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

/** Ends a match nobody is in any more (no record). */
async function abandonIfEmpty(s: State): Promise<StopResult<State, never> | undefined> {
  return s.players.length === 0 && s.status !== 'waiting' ? finish(s, { status: 'abandoned' }, false) : undefined;
}

async function voteResolved(s: State, template: string, result: VoteResult): Promise<HandlerResult<State, never>> {
  if (s.behaviour.voteResolved === undefined || s.status === 'finished') return noreply<State, never>(s);
  const r0 = s.behaviour.voteResolved(template, result, s.game, s.api);
  s.game = isThenable(r0) ? await r0 : r0;
  await saveSnapshot(s);
  return noreply<State, never>(s);
}

type Result = HandlerResult<State, never>;

/**
 * One tick: inputs, `tick`, phases, state, vote poll, reconnect graces, snapshot. It runs synchronously
 * (no promise) unless a callback returns a promise or the tick has asynchronous work to do (phases,
 * a vote poll, reconnect graces, an empty match, a store that saves asynchronously): a match ticks 20
 * times a second and a promise per tick cost more than this game's whole tick. Same steps, same order.
 */
function runTick(s: State): Result | Promise<Result> {
  if (s.status === 'paused' && s.pausedForGrace) return runGraceTick(s);
  if (s.status !== 'running') return noreply<State, never>(s);
  s.tick += 1;
  // 1. inputs, in arrival order
  if (s.inputs.length > 0) {
    // Two queues, swapped: inputs arriving while a callback awaits go to the other one.
    const inputs = s.inputs;
    s.inputs = s.spareInputs;
    const pending = applyInputs(s, inputs, 0);
    if (pending !== undefined) return pending.then(() => tickOn(s));
  }
  return tickOn(s);
}

/** Paused for a reconnect grace: only the graces advance. */
async function runGraceTick(s: State): Promise<Result> {
  await tickGrace(s, (id) => removePlayer(s, id));
  const done = await abandonIfEmpty(s);
  if (done !== undefined) return done;
  await saveSnapshot(s);
  return noreply<State, never>(s);
}

/**
 * Applies the queued inputs from index `from` (player id, input pairs). Undefined when all were applied
 * synchronously; else a promise that applies the rest in order once the callback's promise settles.
 */
function applyInputs(s: State, inputs: unknown[], from: number): Promise<void> | undefined {
  const b = s.behaviour;
  for (let i = from; i < inputs.length; i += 2) {
    const playerId = inputs[i] as string;
    if (!s.sessions.has(playerId) && !s.players.includes(playerId)) continue;
    const r0 = b.handleInput(playerId, inputs[i + 1], s.game, s.api);
    if (isThenable(r0)) {
      return Promise.resolve(r0).then((r) => {
        inputApplied(s, playerId, r);
        return applyInputs(s, inputs, i + 2);
      });
    }
    inputApplied(s, playerId, r0);
  }
  inputs.length = 0;
  s.spareInputs = inputs;
  return undefined;
}

function inputApplied(s: State, playerId: string, r: unknown): void {
  if (isInputRejected(r)) reportRejected(s, playerId, r);
  else s.game = r;
}

/** 2. `tick`, then the rest of the tick. */
function tickOn(s: State): Result | Promise<Result> {
  const b = s.behaviour;
  if (b.tick === undefined) return afterTick(s);
  const r0 = b.tick(s.game, s.api);
  if (isThenable(r0)) return Promise.resolve(r0).then((r) => ticked(s, r));
  return ticked(s, r0);
}

function ticked(s: State, r: unknown): Result | Promise<Result> {
  if (isFinished(r)) {
    s.game = r.state;
    return finish(s, r.result, true);
  }
  s.game = r;
  return afterTick(s);
}

/** 3-6: phases, state, vote poll, graces, snapshot. Synchronous when none of them has anything to await. */
function afterTick(s: State): Result | Promise<Result> {
  const b = s.behaviour;
  if (s.phases !== undefined || s.reconnect !== undefined || s.players.length === 0 || (b.voteRequested !== undefined && s.env.votes !== undefined)) return afterTickAsync(s);
  // 4. state
  broadcastState(s);
  const saving = saveTickSnapshot(s);
  return saving === undefined ? noreply<State, never>(s) : saving.then(() => noreply<State, never>(s));
}

async function afterTickAsync(s: State): Promise<Result> {
  const b = s.behaviour;
  // 3. phases (all complete: the match is over)
  if (s.phases !== undefined && (await tickProgressPhases(s, s.ctx.system.clock.now()))) return finish(s, { status: 'phases_complete' }, true);
  // 4. state
  broadcastState(s);
  // 5. votes
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
  // 6. reconnect graces (awaited only when there is something to do: this runs every tick)
  if (s.reconnect !== undefined) await tickGrace(s, (id) => removePlayer(s, id));
  if (s.players.length === 0) {
    const done = await abandonIfEmpty(s);
    if (done !== undefined) return done;
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
      spareInputs: [],
      createdAt: now,
      startedAt: null,
      crashes: 0,
      tickTimer: undefined,
      waitTimer: undefined,
      snapshotBroken: false,
      phases: undefined,
      phaseEvents: [],
      reconnect: undefined,
      pausedForGrace: false,
      forfeited: [],
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
      restoreProgress(s, snap);
      s.pausedForGrace = s.status === 'paused' && s.reconnect !== undefined && inGrace(s.reconnect).length > 0;
      // Players whose connections are gone: a drop (grace under a reconnect policy, else a leave).
      const gone = s.players.filter((p) => (s.sessions.get(p)?.length ?? 0) === 0 && !(s.reconnect !== undefined && isInGrace(s.reconnect, p)));
      for (const p of gone) if (!(await playerDropped(s, p, (id) => removePlayer(s, id)))) await removePlayer(s, p);
      if (s.status === 'running' || s.pausedForGrace) startTicking(s);
      else if (s.status === 'waiting') s.waitTimer = ctx.sendAfter(WAITING_TIMEOUT, Math.max(0, mode.waitingTimeoutMs - (now - s.createdAt)));
      publish(s);
      await saveSnapshot(s);
      openInputs(s);
      return ok(s);
    }
    const g0 = s.behaviour.init(config, s.api);
    s.game = isThenable(g0) ? await g0 : g0;
    initProgress(s, now);
    s.waitTimer = ctx.sendAfter(WAITING_TIMEOUT, mode.waitingTimeoutMs);
    publish(s);
    await saveSnapshot(s);
    openInputs(s);
    return ok(s);
  },

  async handleCall(msg, _from, s) {
    switch (msg.type) {
      case 'join': {
        if (s.status === 'finished') return reply(failure(new GameError('match_not_found')), s);
        if (s.players.includes(msg.playerId)) {
          // Already in: attach this connection too (a reconnect or a second tab); ends a grace.
          attach(s, msg.playerId, msg.sessions);
          s.env.directory.setPlayer(msg.playerId, s.id);
          await playerReturned(s, msg.playerId, (id) => removePlayer(s, id));
          await saveSnapshot(s);
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
        if (s.phases !== undefined) s.phases = pausePhases(s.phases, s.ctx.system.clock.now());
        publish(s);
        await saveSnapshot(s);
        return reply({ ok: true }, s);
      }
      case 'resume': {
        if (s.status !== 'paused') return reply(failure(new GameError('match_not_paused')), s);
        s.status = 'running';
        s.pausedForGrace = false;
        startTicking(s);
        if (s.phases !== undefined) s.phases = resumePhases(s.phases, s.ctx.system.clock.now());
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

  handleCast(msg, s) {
    // Inputs are the hot path: queued synchronously (no promise per input).
    if (msg.type === 'input') {
      queueInput(s, msg.playerId, msg.input);
      return noreply(s);
    }
    if (msg.type === 'phase_event') {
      s.phaseEvents.push(msg.name);
      return noreply(s);
    }
    return voteResolved(s, msg.template, msg.result);
  },

  handleInfo(msg, s) {
    // The tick is synchronous when it can be (no promise per tick).
    if (msg === TICK) return runTick(s);
    return otherInfo(msg, s);
  },

  terminate(_reason, s) {
    stopTicking(s);
    closeInputs(s);
  },
};

/** Every info message but the tick: the waiting timeout, a session's DOWN. */
async function otherInfo(msg: unknown, s: State): Promise<Result> {
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
        // The player's last connection to this match dropped: a leave, unless the reconnect policy
        // keeps the slot for a grace period.
        if (!(await playerDropped(s, playerId, (id) => removePlayer(s, id)))) await removePlayer(s, playerId);
        const done = await abandonIfEmpty(s);
        if (done !== undefined) return done;
        await saveSnapshot(s);
      }
      break;
    }
    return noreply(s);
  }
  return noreply(s);
}

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
