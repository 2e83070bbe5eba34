/**
 * The time port of the SDK: request and reply timeouts, the heartbeat and reconnect backoff all read it,
 * so tests can pass a simulated clock and advance it instead of sleeping. It has the same shape as the
 * `Clock` of `@hajime/actor`, so its `SimulatedClock` fits, without the SDK depending on that package.
 */

/** An opaque timer handle. */
export type ClientTimer = object | number;

export interface ClientClock {
  /** Monotonic milliseconds; only differences are meaningful. */
  now(): number;
  /** Wall-clock Unix milliseconds (to compare with the server time of a heartbeat). */
  epochMs(): number;
  /** Runs `fn` once after `delayMs`. */
  setTimer(fn: () => void, delayMs: number): ClientTimer;
  /** Cancels a timer; cancelling a fired timer is a no-op. */
  clearTimer(handle: ClientTimer): void;
}

/** Real time: `performance.now()`, `Date.now()` and the platform's timers. */
export const realClock: ClientClock = Object.freeze({
  now: () => performance.now(),
  epochMs: () => Date.now(),
  setTimer: (fn: () => void, delayMs: number): ClientTimer => setTimeout(fn, Math.max(0, delayMs)) as unknown as ClientTimer,
  clearTimer: (handle: ClientTimer): void => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
});
