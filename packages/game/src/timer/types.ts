/**
 * Shared types of the timer primitives (asobi `asobi_timer`, §2.10): the facts a timer is ticked with and
 * the events timers emit. Every timer is pure data advanced by a tick function that returns the new state
 * and its events; `at` on an event is the wall time (ms) the thing happened, which may be earlier than the
 * tick that reports it (one late tick reports everything it stepped over, in order).
 */

/** What the owner knows at a tick. Only `now` is required; the rest feed conditions. */
export interface TimerFacts {
  /** Wall time, Unix ms. An earlier `now` than the last tick is read as the last one. */
  readonly now: number;
  /** Players connected now (default 1: not empty). */
  readonly players?: number;
  /** Capacity, for `{players_ratio}` (default 0: a ratio is never met). */
  readonly maxPlayers?: number;
  /** Every player has said ready (default false). */
  readonly allReady?: boolean;
  /** Timers that have expired, id → wall time of expiry (for `{prev_expired}`; `timers.ts` fills it). */
  readonly expired?: Readonly<Record<string, number>>;
}

export type TimerEvent =
  | { readonly type: 'timer_started'; readonly id: string; readonly at: number }
  | { readonly type: 'timer_warning'; readonly id: string; readonly threshold: number; readonly at: number }
  | { readonly type: 'timer_expired'; readonly id: string; readonly at: number; readonly on_expire?: unknown }
  | {
      readonly type: 'phase_changed';
      readonly id: string;
      /** Sub-phase entered. */
      readonly phase: string;
      /** Its index in the cycle's `phases`. */
      readonly index: number;
      /** Full cycles completed before this one (0 during the first pass). */
      readonly cycle: number;
      readonly modifiers: Readonly<Record<string, unknown>>;
      readonly at: number;
    }
  | { readonly type: 'window_open'; readonly id: string; readonly at: number }
  | { readonly type: 'window_close'; readonly id: string; readonly at: number }
  | { readonly type: 'scheduled_fire'; readonly id: string; readonly at: number };

export type TimerEventType = TimerEvent['type'];

/** A tick's outcome. */
export interface TimerResult<S> {
  readonly state: S;
  readonly events: readonly TimerEvent[];
}
