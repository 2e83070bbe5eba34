/** Timer references returned by `sendAfter` / `sendInterval`. */
import type { TimerHandle } from './clock.js';
import type { Dest } from './context.js';

/** A pending timer. Pass it to `cancelTimer`. */
export class TimerRef {
  /** @internal */
  handle: TimerHandle | null = null;
  /** @internal the process that owns it (its exit cancels the timer). */
  owner: { timers: Set<TimerRef> | null } | null = null;
  constructor(
    /** @internal */ readonly dest: Dest,
    /** @internal */ readonly msg: unknown,
    /** 0 for a one-shot timer. */
    readonly intervalMs: number,
  ) {}
  /** True until it fires (one-shot) or is cancelled. */
  get active(): boolean {
    return this.handle !== null;
  }
}
