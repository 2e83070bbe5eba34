/**
 * The state of a match process and the small functions every part of it uses: delivery to the match's
 * sessions (one encode per frame), the directory listing, attaching and detaching sessions. Internal to
 * the match server (`match-server.ts`) and its phase/reconnect progress (`match-progress.ts`).
 */
import type { Pid, ProcessContext, TimerRef, MonitorRef } from '@hajime/actor';
import { customEventType, encodeFrame, type OutboundFrame } from '@hajime/protocol';
import { GameError } from '../errors.js';
import type { ResolvedMode } from '../modes.js';
import { currentPhase } from '../phase/engine.js';
import type { PhasesState } from '../phase/types.js';
import type { ReconnectState } from '../timer/reconnect.js';
import type { MatchApi, MatchBehaviour, MatchConfig } from './behaviour.js';
import type { MatchEntry } from './directory.js';
import type { MatchEnv } from './env.js';

export const BROADCAST_MAX_BYTES = 64 * 1024;
/** Inputs queued beyond this many per match between two ticks are dropped (the oldest are kept). */
export const INPUT_QUEUE_MAX = 10_000;

/** Queues an input for the next tick (a roster player's, while the match is not finished, within the cap). */
export function queueInput(s: State, playerId: string, input: unknown): void {
  // A connected player is found in `sessions` (one lookup); the roster is searched only for the others.
  if (s.status !== 'finished' && s.inputs.length < 2 * INPUT_QUEUE_MAX && (s.sessions.has(playerId) || s.players.includes(playerId))) s.inputs.push(playerId, input);
}
export const SNAPSHOT_VERSION = 1;

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
export interface Snapshot {
  readonly status: MatchStatus;
  readonly game: unknown;
  readonly players: string[];
  readonly joinable: boolean;
  readonly tick: number;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly crashes: number;
  /** The phase engine's state without its definitions (they hold functions; rebuilt from `phases(config)`). */
  readonly phases: Omit<PhasesState, 'defs'> | null;
  readonly reconnect: ReconnectState | null;
  /** Players removed by a `forfeit` grace expiry: recorded (as losers unless the result says otherwise). */
  readonly forfeited: string[];
}

export interface Attached {
  readonly pid: Pid;
  readonly ref: MonitorRef;
}

export interface State {
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
  /** Inputs queued for the next tick, flat: player id, input, player id, input, ... (no object per input). */
  inputs: unknown[];
  /** The other input queue (empty): swapped in at each tick, so queueing allocates nothing. */
  spareInputs: unknown[];
  createdAt: number;
  startedAt: number | null;
  crashes: number;
  tickTimer: TimerRef | undefined;
  waitTimer: TimerRef | undefined;
  snapshotBroken: boolean;
  /** The phase engine (modes whose behaviour has `phases`). */
  phases: PhasesState | undefined;
  /** Phase events fired since the last tick (`MatchApi.phaseEvent`, `Match.phaseEvent`). */
  phaseEvents: string[];
  /** Reconnect bookkeeping (modes with a `reconnect` policy). */
  reconnect: ReconnectState | undefined;
  /** Paused because someone is in a grace with `pause_match` (not by `pause()`). */
  pausedForGrace: boolean;
  forfeited: string[];
  api: MatchApi;
}


export function isThenable<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}


// ---- delivery ----

export function pushToGroup(s: State, f: OutboundFrame<string, unknown>): void {
  const d = s.env.delivery;
  if (d.pushToGroup !== undefined) d.pushToGroup(s.group, f);
  else d.groups.broadcast(s.group, d.push(f));
}

export function pushToPlayer(s: State, playerId: string, f: OutboundFrame<string, unknown>): void {
  const attached = s.sessions.get(playerId);
  if (attached === undefined || attached.length === 0) return;
  const msg = s.env.delivery.push(f);
  for (const a of attached) s.ctx.send(a.pid, msg);
}

export function customFrame(event: string, payload: unknown): OutboundFrame<string, unknown> {
  const type = customEventType('match', event);
  if (type === undefined) throw new GameError('invalid_event', { event: event.slice(0, 64) });
  const f = { type, payload };
  if (Buffer.byteLength(encodeFrame(f)) > BROADCAST_MAX_BYTES) throw new GameError('payload_too_large', { limit: BROADCAST_MAX_BYTES });
  return f;
}


// ---- roster ----

export function publish(s: State): void {
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
    ...(s.phases === undefined ? {} : { phaseOf: () => phaseBlock(s) }),
  };
  s.env.directory.publish(entry);
}

/** The `phase` block of listings (asobi: status, phase, remaining_ms, config). */
export function phaseBlock(s: State): Readonly<Record<string, unknown>> {
  const info = currentPhase(s.phases!, s.ctx.system.clock.now());
  return { status: info.status, phase: info.phase, remaining_ms: info.remaining_ms, config: info.config };
}

export function joinedInfo(s: State): JoinedInfo {
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
export function attach(s: State, playerId: string, pids: readonly Pid[], inGroup = false): void {
  let list = s.sessions.get(playerId);
  for (const pid of pids) {
    if (list?.some((a) => a.pid === pid) === true || !pid.alive) continue;
    if (!inGroup) s.env.delivery.groups.join(s.group, pid);
    const a: Attached = { pid, ref: s.ctx.monitor(pid) };
    // A list of one to begin with (a push onto [] would reserve 17 slots): one per player, kept all match long.
    if (list === undefined) s.sessions.set(playerId, (list = [a]));
    else list.push(a);
  }
  if (list === undefined) s.sessions.set(playerId, []);
}

export function detachAll(s: State, playerId: string): void {
  const list = s.sessions.get(playerId) ?? [];
  for (const a of list) {
    s.ctx.demonitor(a.ref, { flush: true });
    s.env.delivery.groups.leave(s.group, a.pid);
  }
  s.sessions.delete(playerId);
}

