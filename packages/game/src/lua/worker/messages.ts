/**
 * The messages between the match side of a Lua worker pool (`pool.ts`, in the node's main thread) and
 * a Lua worker (`lua-worker.ts`). A match's engine and resident state live in one worker; the match
 * server's calls travel as {@link WorkerCall}s, and what a callback did to the match (`game.broadcast`,
 * `game.send`, a service call, a rejected input...) comes back as recorded {@link MatchCall}s, applied
 * in order on the main thread before the callback's result is used.
 */
import type { LuaModesOptions } from '../lua-modes.js';

/** The `createLuaModes` options a worker is started with (the serialisable ones). */
export type WorkerModesOptions = Pick<
  LuaModesOptions,
  'reload' | 'watch' | 'engine' | 'budgets' | 'timeLimitsMs' | 'loadBudget' | 'errorWindowMs' | 'logPerMatchPerSecond' | 'logPerNodePerSecond'
>;

export interface WorkerData {
  readonly dir: string;
  readonly options: WorkerModesOptions;
  /** The service parts and methods the main thread has (the worker answers the rest `not_available`). */
  readonly services: Readonly<Record<string, readonly string[]>>;
}

/** What a callback sees of its match, sent with every call (`players` only when the roster changed). */
export interface ApiView {
  readonly id: string;
  readonly mode: string;
  readonly players?: readonly string[];
  readonly tick: number;
  readonly now: number;
}

/**
 * The state of a match whose engine is in a worker, as the main thread holds it: the state's JSON text
 * (cheap to pass between threads and to snapshot; the main thread never looks inside).
 */
export interface WorkerState {
  readonly lua_state: string;
}

export type WorkerOp =
  | { readonly op: 'init'; readonly config: Record<string, unknown> }
  | { readonly op: 'join'; readonly playerId: string; readonly ctx: Record<string, unknown> }
  | { readonly op: 'leave'; readonly playerId: string }
  /**
   * `inputs`: the queued inputs as flat pairs (player id, input, ...), structured-cloned. (As JSON text
   * they cost the worker a `JSON.parse`, about 5 % of its time at 1,000 matches; cloned, the decoding is
   * cheaper there and the main thread, which has time to spare, does the encoding.)
   */
  | { readonly op: 'tick'; readonly inputs: readonly unknown[] }
  | { readonly op: 'vote_resolved'; readonly template: string; readonly result: unknown }
  | { readonly op: 'phase_started' | 'phase_ended'; readonly phase: string };

/** A call into a match's engine. `state` is omitted when it is the one the worker handed back last. */
export type WorkerCall = WorkerOp & {
  readonly id: number;
  readonly api: ApiView;
  readonly state?: unknown;
  readonly same: boolean;
};

/** One thing a callback did to its match. */
export type MatchCall =
  | readonly ['broadcast', string, unknown]
  | readonly ['send', string, string, unknown]
  | readonly ['sendMessage', string, unknown, string | undefined]
  | readonly ['setJoinable', boolean]
  | readonly ['phaseEvent', string]
  | readonly ['log', 'debug' | 'info' | 'warn' | 'error', string, Record<string, unknown> | undefined]
  | readonly ['rejectedInput', string, { readonly reason: string; readonly module?: string; readonly script?: string }]
  | readonly ['service', string, string, readonly unknown[]];

export interface CallResult {
  /** The next state (absent for a refused join). */
  readonly state?: WorkerState;
  /** `join` refused with this reason. */
  readonly refused?: string;
  /** `tick` ended the match with this result. */
  readonly finished?: Record<string, unknown>;
  /** `tick`: the views as JSON text, per player of `api.players` (undefined: none), or one shared. */
  readonly views?: readonly (string | undefined)[];
  readonly shared?: string;
  /** `tick`: what `voteRequested` answered after it. */
  readonly vote?: unknown;
}

export type WorkerReply =
  | { readonly type: 'reply'; readonly id: number; readonly result: CallResult; readonly calls: readonly MatchCall[] }
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly needState?: boolean }
  | { readonly type: 'log'; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly msg: string; readonly fields: Record<string, unknown> }
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly message: string };

export type WorkerRequest = ({ readonly type: 'call' } & WorkerCall) | { readonly type: 'dispose'; readonly matchId: string; readonly mode: string } | { readonly type: 'reload'; readonly files?: readonly string[] };

/**
 * What crosses: the requests of one turn of the main thread's event loop go as one message, in order,
 * and their replies come back as one (a message costs far more than its contents here).
 */
export interface RequestBatch {
  readonly type: 'batch';
  readonly items: readonly WorkerRequest[];
}
export interface ReplyBatch {
  readonly type: 'batch';
  readonly replies: readonly WorkerReply[];
}
