/**
 * The GenServer behaviour contract and the result helpers its callbacks return. Callbacks never return
 * bare tuples: they return `ok(state)`, `reply(value, state)`, `noreply(state)`, `stop(reason, state)` or
 * `ignore()`, optionally with `{ continue, timeoutMs, snapshot }`.
 */
import type { ExitReason } from './exit-reason.js';
import type { ProcessContext } from './context.js';
import type { From } from './from.js';

/** Options every result may carry. */
export interface ResultOptions<Cont = unknown> {
  /** Run `handleContinue(value)` before the next message (deferred init work, split long work). */
  readonly continue?: Cont;
  /** If no message arrives within this many ms, `handleInfo` receives {@link TIMEOUT}. */
  readonly timeoutMs?: number;
  /** Write `snapshot(state)` to the snapshot store after this callback (e.g. every tick). */
  readonly snapshot?: boolean;
}

export interface OkResult<S, C = unknown> {
  readonly $: 'ok';
  readonly state: S;
  readonly opts: ResultOptions<C> | undefined;
}
export interface IgnoreResult {
  readonly $: 'ignore';
}
export interface ReplyResult<S, R = unknown, C = unknown> {
  readonly $: 'reply';
  readonly value: R;
  readonly state: S;
  readonly opts: ResultOptions<C> | undefined;
}
export interface NoReplyResult<S, C = unknown> {
  readonly $: 'noreply';
  readonly state: S;
  readonly opts: ResultOptions<C> | undefined;
}
export interface StopResult<S, R = unknown> {
  readonly $: 'stop';
  readonly reason: ExitReason;
  readonly state: S | undefined;
  /** Present when `handleCall` stops and replies at once (the reply goes out after `terminate`). */
  readonly reply: { readonly value: R } | undefined;
}

export type InitResult<S, C = unknown> = OkResult<S, C> | IgnoreResult | StopResult<S>;
export type CallResult<S, R = unknown, C = unknown> = ReplyResult<S, R, C> | NoReplyResult<S, C> | StopResult<S, R>;
export type HandlerResult<S, C = unknown> = NoReplyResult<S, C> | StopResult<S>;

type MaybePromise<T> = T | Promise<T>;

/** `init` succeeded with `state`. */
export function ok<S, C = unknown>(state: S, opts?: ResultOptions<C>): OkResult<S, C> {
  return { $: 'ok', state, opts };
}
/** `init` declines to start: the start call reports `ACT_ERR_INIT_IGNORED`, a supervisor keeps the spec. */
export function ignore(): IgnoreResult {
  return IGNORE_RESULT;
}
const IGNORE_RESULT: IgnoreResult = Object.freeze({ $: 'ignore' });
/** Reply `value` to the caller and continue with `state`. */
export function reply<S, R, C = unknown>(value: R, state: S, opts?: ResultOptions<C>): ReplyResult<S, R, C> {
  return { $: 'reply', value, state, opts };
}
/** Continue with `state` (a call's reply is sent later with `GenServer.reply(from, value)`). */
export function noreply<S, C = unknown>(state: S, opts?: ResultOptions<C>): NoReplyResult<S, C> {
  return { $: 'noreply', state, opts };
}
/**
 * Stop with `reason`: `terminate(reason, state)` runs, then the process exits. From `handleCall`, pass
 * `{ reply: value }` to answer the caller as well.
 */
export function stop<S, R = unknown>(reason: ExitReason, state?: S, options?: { reply: R }): StopResult<S, R> {
  return { $: 'stop', reason, state, reply: options === undefined ? undefined : { value: options.reply } };
}

/** The message `handleInfo` receives when a `timeoutMs` result option fires. */
export const TIMEOUT: { readonly type: 'timeout' } = Object.freeze({ type: 'timeout' });

/**
 * A GenServer: a process holding `State`, answering calls (`Call` → `Reply`), casts and other messages.
 * Only `init` is required. Every callback may be async; the next message waits until it settles.
 *
 * @example
 * const Counter: GenServerBehaviour<number, number, 'get', 'inc', number> = {
 *   init: (start) => ok(start),
 *   handleCall: (_msg, _from, n) => reply(n, n),
 *   handleCast: (_msg, n) => noreply(n + 1),
 * };
 */
export interface GenServerBehaviour<State, Args = undefined, Call = never, Cast = never, Reply = unknown, Cont = never> {
  init(args: Args, ctx: ProcessContext): MaybePromise<InitResult<State, Cont>>;
  handleCall?(msg: Call, from: From<Reply>, state: State, ctx: ProcessContext): MaybePromise<CallResult<State, Reply, Cont>>;
  handleCast?(msg: Cast, state: State, ctx: ProcessContext): MaybePromise<HandlerResult<State, Cont>>;
  /** Everything else: plain sends, timers, `EXIT` (when trapping), `DOWN`, {@link TIMEOUT}. Default: ignore. */
  handleInfo?(msg: unknown, state: State, ctx: ProcessContext): MaybePromise<HandlerResult<State, Cont>>;
  handleContinue?(cont: Cont, state: State, ctx: ProcessContext): MaybePromise<HandlerResult<State, Cont>>;
  /** Runs on stop, on a callback crash, and on the parent's exit signal when trapping exits; not on `kill`. */
  terminate?(reason: ExitReason, state: State, ctx: ProcessContext): void | Promise<void>;
  /** Called on the new behaviour by `GenServer.changeCode` to convert the live state (of the old code's shape). */
  codeChange?(oldVersion: number | undefined, oldState: unknown, extra: unknown): MaybePromise<State>;
  /** Code version reported to `codeChange` of the next version. */
  readonly version?: number;
  /** Serialisable form of the state, written when a result asks `{ snapshot: true }`. */
  snapshot?(state: State): unknown;
  /** Replaces `init` when a snapshot with the current `snapshotVersion` exists for the process's key. */
  restore?(snapshot: unknown, args: Args, ctx: ProcessContext): MaybePromise<InitResult<State, Cont>>;
  /** Snapshot format version (default 1); a stored snapshot of another version is discarded and `init` runs. */
  readonly snapshotVersion?: number;
}

/** Any behaviour, for the runtime's internal use. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyBehaviour = GenServerBehaviour<any, any, any, any, any, any>;
