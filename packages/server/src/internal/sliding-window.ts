/**
 * A sliding-window rate limiter (the two-window approximation: the previous window's count weighted by
 * how much of it still overlaps, plus the current one). Keyed by player or IP; memory stays bounded by
 * sweeping idle keys. Time comes from the injected clock.
 */
import type { Clock } from '@hajime/actor';

interface Bucket {
  windowStart: number;
  prev: number;
  curr: number;
}

export interface LimitDecision {
  readonly allowed: boolean;
  /** When refused: ms until a request would be allowed. */
  readonly retryAfterMs: number;
}

export class SlidingWindowLimiter {
  readonly #buckets = new Map<string, Bucket>();
  #lastSweep = 0;

  constructor(
    private readonly clock: Clock,
    readonly max: number,
    readonly windowMs: number,
  ) {}

  /** Counts one hit for `key` if allowed. */
  hit(key: string): LimitDecision {
    const now = this.clock.now();
    this.#sweep(now);
    let b = this.#buckets.get(key);
    if (b === undefined) {
      b = { windowStart: now - (now % this.windowMs), prev: 0, curr: 0 };
      this.#buckets.set(key, b);
    }
    const start = now - (now % this.windowMs);
    if (start !== b.windowStart) {
      b.prev = start - b.windowStart === this.windowMs ? b.curr : 0;
      b.curr = 0;
      b.windowStart = start;
    }
    const overlap = 1 - (now - start) / this.windowMs;
    const estimate = b.prev * overlap + b.curr;
    if (estimate + 1 > this.max) {
      // Time until the weighted count drops enough: the current window's end at the latest.
      const needed = b.prev > 0 ? Math.ceil(((estimate + 1 - this.max) / b.prev) * this.windowMs) : start + this.windowMs - now;
      return { allowed: false, retryAfterMs: Math.max(1, Math.min(needed, start + 2 * this.windowMs - now)) };
    }
    b.curr++;
    return { allowed: true, retryAfterMs: 0 };
  }

  /** Number of tracked keys. */
  get size(): number {
    return this.#buckets.size;
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < this.windowMs * 2 || this.#buckets.size < 1024) return;
    this.#lastSweep = now;
    for (const [k, b] of this.#buckets) if (now - b.windowStart >= 2 * this.windowMs) this.#buckets.delete(k);
  }
}
