/**
 * `MatchBehaviour`: the game a match runs (asobi §2.5's `asobi_match` callbacks, in TypeScript). The Lua
 * runtime implements the same interface, so both run in the same match server.
 *
 * Every callback gets the game state and returns the next one (it may mutate and return the same
 * object). The last argument is the {@link MatchApi} of the running match: `broadcast`, `send`,
 * `setJoinable`, the clock, the roster. A callback that throws crashes the match process: its supervisor
 * restarts it from the last tick's snapshot, with the same players still connected.
 *
 * @example
 * const race: MatchBehaviour<{ pos: Record<string, number> }, { dx: number }> = {
 *   init: () => ({ pos: {} }),
 *   join: (id, s) => { s.pos[id] = 0; return s; },
 *   leave: (id, s) => { delete s.pos[id]; return s; },
 *   handleInput: (id, input, s) => { s.pos[id] = (s.pos[id] ?? 0) + input.dx; return s; },
 *   tick: (s) => Object.values(s.pos).some((p) => p >= 100) ? finished({ winner: leader(s) }, s) : s,
 *   getSharedState: (s) => ({ pos: s.pos }),
 * };
 */
import type { PhaseDef } from '../phase/types.js';
import type { ReconnectEvent } from '../timer/reconnect.js';
import type { VoteRequest, VoteResult } from '../vote/types.js';

/** A join context (asobi: flat, ≤ 8 keys, string values ≤ 256 bytes, integers, booleans). `{}` from the matchmaker. */
export type JoinCtx = Readonly<Record<string, string | number | boolean>>;

/** What a match was started with: the mode and anything the starter passed (`config` of the mode merged with per-match config). */
export interface MatchConfig {
  readonly match_id: string;
  readonly mode: string;
  readonly [key: string]: unknown;
}

/** The handle a callback uses to act on its match. */
export interface MatchApi {
  /** The match id. */
  readonly id: string;
  readonly mode: string;
  /** Players in the match now (ids, in join order). */
  readonly players: readonly string[];
  /** Ticks run so far (0 before the first). */
  readonly tick: number;
  /** The clock's wall time, Unix ms (the simulated clock in tests). */
  now(): number;
  /** Sends `match.<event>` with `payload` to every player (event 1-64 `[A-Za-z0-9_-]`, not a reserved leaf; ≤ 64 KiB). */
  broadcast(event: string, payload: unknown): void;
  /** Sends `match.<event>` to one player of the match. */
  send(playerId: string, event: string, payload: unknown): void;
  /** Sends `module.message {module, message}` to one player of the match (Lua's `game.send`; `module` default `"game"`). */
  sendMessage(playerId: string, message: unknown, module?: string): void;
  /** Opens or closes the match to joins (`match.locked` while closed). */
  setJoinable(joinable: boolean): void;
  /** Starts a vote now (as `voteRequested` would); returns its id. */
  startVote(request: VoteRequest): Promise<string>;
  /** Fires a phase event (for `{event: name}` start conditions). */
  phaseEvent(name: string): void;
  /** Structured log line attributed to the match. */
  log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void;
  /**
   * An input the behaviour accepted in `handleInput` and applied later (a Lua mode runs the tick's inputs
   * in one go) was rejected after all: as a rejection from `handleInput`, in dev mode the player gets
   * `module.error`.
   */
  rejectedInput?(playerId: string, rejection: InputRejected): void;
}

const REFUSED = Symbol.for('hajime.match.refused');
const FINISHED = Symbol.for('hajime.match.finished');
const REJECTED = Symbol.for('hajime.match.input_rejected');

/** `join` refused the player: `match.join_refused` with `details.refused_reason` (≤ 64 printable bytes, else dropped). */
export interface Refusal {
  readonly [REFUSED]: true;
  readonly reason: string;
}
/** `tick` ended the match with `result` (`winners`/`losers` drive the stats, §2.4). */
export interface Finished<S> {
  readonly [FINISHED]: true;
  readonly result: Record<string, unknown>;
  readonly state: S;
}
/** `handleInput` rejected an input (the state is kept; in dev mode the player gets `module.error`). */
export interface InputRejected {
  readonly [REJECTED]: true;
  readonly reason: string;
  /** For `module.error` in dev mode: the module (`"lua"`) and script (file:line) at fault. */
  readonly module?: string;
  readonly script?: string;
}

/** Refuses a join (`join` returns it). */
export function refuse(reason: string): Refusal {
  return { [REFUSED]: true, reason };
}
/** Ends the match (`tick` returns it). */
export function finished<S>(result: Record<string, unknown>, state: S): Finished<S> {
  return { [FINISHED]: true, result, state };
}
/** Rejects one input (`handleInput` returns it). */
export function rejectInput(reason: string, where: { readonly module?: string; readonly script?: string } = {}): InputRejected {
  return { [REJECTED]: true, reason, ...where };
}
export function isRefusal(v: unknown): v is Refusal {
  return typeof v === 'object' && v !== null && REFUSED in v;
}
export function isFinished<S>(v: unknown): v is Finished<S> {
  return typeof v === 'object' && v !== null && FINISHED in v;
}
export function isInputRejected(v: unknown): v is InputRejected {
  return typeof v === 'object' && v !== null && REJECTED in v;
}

type MaybePromise<T> = T | Promise<T>;

export interface MatchBehaviour<S = unknown, I = Record<string, unknown>> {
  /** The initial game state. */
  init(config: MatchConfig, match: MatchApi): MaybePromise<S>;
  /** A player joins (`ctx` is the join context, `{}` from the matchmaker). Return the state, or `refuse(reason)`. */
  join(playerId: string, state: S, ctx: JoinCtx, match: MatchApi): MaybePromise<S | Refusal>;
  /** A player left (or was removed). Cannot refuse. */
  leave(playerId: string, state: S, match: MatchApi): MaybePromise<S>;
  /** One queued input, applied at the start of the next tick in arrival order. */
  handleInput(playerId: string, input: I, state: S, match: MatchApi): MaybePromise<S | InputRejected>;
  /** Once per tick after the inputs. Return the state, or `finished(result, state)` to end the match. */
  tick?(state: S, match: MatchApi): MaybePromise<S | Finished<S>>;
  /** Per-player view sent as `match.state` every tick (one encode per player). */
  getState?(playerId: string, state: S, match: MatchApi): unknown;
  /** Shared view sent as `match.state` every tick, encoded once for every player. Takes precedence over `getState`. */
  getSharedState?(state: S, match: MatchApi): unknown;
  /** Polled after every tick: return a vote to start one (the match keeps running), else undefined. */
  voteRequested?(state: S, match: MatchApi): VoteRequest | undefined | null | false;
  /** A vote ended; `template` is the request's template ("default" when absent). */
  voteResolved?(template: string, result: VoteResult, state: S, match: MatchApi): MaybePromise<S>;
  /** The phases of the match (all complete ⇒ the match finishes with `{status: 'phases_complete'}`). */
  phases?(config: MatchConfig): readonly PhaseDef[];
  onPhaseStarted?(phase: string, state: S, match: MatchApi): MaybePromise<S>;
  onPhaseEnded?(phase: string, state: S, match: MatchApi): MaybePromise<S>;
  /**
   * Reconnect grace events of modes with a `reconnect` policy: `grace_started` (with `during_grace`),
   * `player_reconnected` (with the `on_reconnect` action), `grace_expired` (with the `on_expire` action).
   * The player stays in the roster during grace; act on the hint (freeze, make invulnerable, let an AI
   * play...).
   */
  onReconnect?(event: ReconnectEvent, state: S, match: MatchApi): MaybePromise<S>;
  /**
   * The match `matchId` is over for good (finished, cancelled, abandoned, or ended after too many
   * crashes): release what the behaviour holds for it (a Lua engine, ...). Not called on a crash restart.
   */
  dispose?(matchId: string): void;
}
