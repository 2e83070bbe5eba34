/**
 * Reconnect delays: exponential backoff with jitter, as a pure function. Attempt n waits
 * `min(maxDelayMs, initialDelayMs · factor^(n-1))`, shortened by up to `jitter` of itself at random, so a
 * fleet of clients dropped together by a restart does not come back in lockstep.
 */

export interface ReconnectOptions {
  /** Delay before the first attempt, in ms (default 1000). */
  readonly initialDelayMs: number;
  /** Cap on any delay, in ms (default 30 000). */
  readonly maxDelayMs: number;
  /** Growth per attempt (default 2). */
  readonly factor: number;
  /** Share of a delay removed at random, 0..1 (default 0.5: each delay lies in [d/2, d]). */
  readonly jitter: number;
  /** Attempts before giving up with `reconnect_failed` (default 10; `Infinity` never gives up). */
  readonly maxAttempts: number;
}

export const DEFAULT_RECONNECT: ReconnectOptions = Object.freeze({ initialDelayMs: 1_000, maxDelayMs: 30_000, factor: 2, jitter: 0.5, maxAttempts: 10 });

/**
 * The delay before reconnect attempt `attempt` (1 for the first), given a random number in [0, 1).
 *
 * @example
 * backoffDelayMs(3, DEFAULT_RECONNECT, Math.random()); // between 2000 and 4000
 */
export function backoffDelayMs(attempt: number, options: Pick<ReconnectOptions, 'initialDelayMs' | 'maxDelayMs' | 'factor' | 'jitter'>, random: number): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - options.jitter * random));
}
