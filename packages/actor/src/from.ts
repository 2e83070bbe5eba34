/**
 * The caller of a `GenServer.call`, handed to `handleCall`. Reply at once with `reply(value, state)` or
 * keep the `From` and answer later with `GenServer.reply(from, value)` (or `from.reply(value)`).
 */
import type { Clock, TimerHandle } from './clock.js';
import { ActorError } from './errors.js';
import type { Pid } from './pid.js';

/** A pending call. Settles once: later replies, and replies after the caller's timeout, are dropped. */
export class From<R = unknown> {
  /** @internal */ timer: TimerHandle | null = null;
  /** @internal */ owner: { openCalls: Set<From> | null } | null = null;
  #settled = false;
  /** @internal */
  constructor(
    /** The calling process, when the call came from inside a process. */
    readonly caller: Pid | undefined,
    /** @internal */ readonly msg: unknown,
    private readonly resolveFn: (value: R) => void,
    private readonly rejectFn: (err: unknown) => void,
    private readonly clock: Clock,
  ) {}

  /** True once replied to, failed or timed out. */
  get settled(): boolean {
    return this.#settled;
  }

  /** Sends the reply. Returns false when the call was already settled (e.g. the caller timed out). */
  reply(value: R): boolean {
    if (!this.#settle()) return false;
    this.resolveFn(value);
    return true;
  }

  /** @internal fails the call. */
  fail(err: ActorError): boolean {
    if (!this.#settle()) return false;
    this.rejectFn(err);
    return true;
  }

  /** @internal */
  timeout(timeoutMs: number): void {
    this.timer = null;
    this.fail(new ActorError('ACT_ERR_CALL_TIMEOUT', { details: { timeoutMs } }));
  }

  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    if (this.timer !== null) {
      this.clock.clearTimer(this.timer);
      this.timer = null;
    }
    const owner = this.owner;
    if (owner !== null) {
      owner.openCalls?.delete(this as From);
      this.owner = null;
    }
    return true;
  }
}
