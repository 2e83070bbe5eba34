/**
 * Time for an actor system. Every timer, tick loop, call timeout, restart window and snapshot timestamp
 * in Hajime reads this port, so tests can replace real time with a {@link SimulatedClock} and advance it
 * instead of sleeping.
 */

/** An opaque handle returned by {@link Clock.setTimer}. */
export type TimerHandle = { readonly __timerHandle: unique symbol } | object;

/** The time port. `now()` is monotonic milliseconds; `epochMs()` is wall-clock Unix milliseconds. */
export interface Clock {
  /** Monotonic milliseconds; only differences are meaningful. */
  now(): number;
  /** Wall-clock Unix time in milliseconds (for timestamps shown to people and UTC schedules). */
  epochMs(): number;
  /** Runs `fn` once after `delayMs` (clamped to ≥ 0). */
  setTimer(fn: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer; cancelling a fired or cancelled timer is a no-op. */
  clearTimer(handle: TimerHandle): void;
}

/** Real time: `performance.now()`, `Date.now()` and Node's timers. */
export class RealClock implements Clock {
  now(): number {
    return performance.now();
  }
  epochMs(): number {
    return Date.now();
  }
  setTimer(fn: () => void, delayMs: number): TimerHandle {
    return setTimeout(fn, delayMs < 0 ? 0 : delayMs);
  }
  clearTimer(handle: TimerHandle): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}

interface SimTimer {
  at: number;
  seq: number;
  fn: (() => void) | null;
}

/** Something that can tell the clock when the work a timer started has settled (an actor system). */
export type Settler = () => Promise<void>;

/**
 * Simulated time for tests. Nothing fires until {@link SimulatedClock.advance} is awaited; timers fire in
 * due order (ties in creation order), and after each one every attached actor system is allowed to
 * process the messages it caused before the next timer fires.
 *
 * @example
 * const clock = new SimulatedClock();
 * const system = new ActorSystem({ clock });
 * // ... start processes ...
 * await clock.advance(5_000); // fires every timer due in the next 5 s
 */
export class SimulatedClock implements Clock {
  #now: number;
  readonly #epochStartMs: number;
  #seq = 0;
  #heap: SimTimer[] = [];
  #pending = 0;
  readonly #settlers = new Set<Settler>();

  constructor(options: { startMs?: number; epochStartMs?: number } = {}) {
    this.#now = options.startMs ?? 0;
    this.#epochStartMs = options.epochStartMs ?? Date.UTC(2026, 0, 1);
  }

  now(): number {
    return this.#now;
  }
  epochMs(): number {
    return this.#epochStartMs + this.#now;
  }

  setTimer(fn: () => void, delayMs: number): TimerHandle {
    const t: SimTimer = { at: this.#now + Math.max(0, delayMs), seq: this.#seq++, fn };
    this.#push(t);
    this.#pending++;
    return t;
  }

  clearTimer(handle: TimerHandle): void {
    const t = handle as SimTimer;
    if (t.fn !== null) {
      t.fn = null;
      this.#pending--;
    }
  }

  /** Number of timers set and neither fired nor cleared. */
  pendingTimers(): number {
    return this.#pending;
  }

  /** Registers a settle hook (an `ActorSystem` does this for itself). Returns a detach function. */
  attach(settler: Settler): () => void {
    this.#settlers.add(settler);
    return () => this.#settlers.delete(settler);
  }

  /** Lets attached systems process everything already sent, without moving time. */
  async settle(): Promise<void> {
    for (const s of this.#settlers) await s();
  }

  /** Moves time forward by `ms`, firing every timer that falls due, each followed by a settle. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + Math.max(0, ms);
    await this.settle();
    for (;;) {
      const next = this.#peek();
      if (next === undefined || next.at > target) break;
      this.#pop();
      const fn = next.fn;
      if (fn === null) continue;
      next.fn = null;
      this.#pending--;
      if (next.at > this.#now) this.#now = next.at;
      fn();
      await this.settle();
    }
    this.#now = target;
    await this.settle();
  }

  #peek(): SimTimer | undefined {
    while (this.#heap.length > 0 && this.#heap[0]!.fn === null) this.#pop();
    return this.#heap[0];
  }

  #less(a: SimTimer, b: SimTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(t: SimTimer): void {
    const h = this.#heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop();
    if (h.length === 0 || last === undefined) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.#less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.#less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
