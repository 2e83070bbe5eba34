/**
 * The run queue. Processes with work are queued once; the scheduler runs each for a bounded number of
 * messages (its reductions), round-robin, and yields to the event loop (setImmediate) after a bounded
 * number of slices so sockets and timers are never starved by a busy actor system.
 */

/** Anything the scheduler can run. */
export interface Runnable {
  queued: boolean;
  run(): void;
}

export class Scheduler {
  #q: (Runnable | undefined)[] = [];
  #head = 0;
  #scheduled = false;
  #immediate = false;
  /** Slices run, in total (a progress counter for `settle`). */
  slices = 0;
  readonly #drain = (): void => this.drain();
  readonly #drainImmediate = (): void => {
    this.#immediate = false;
    this.drain();
  };

  constructor(private readonly maxSlicesPerTurn: number) {}

  get empty(): boolean {
    return this.#head >= this.#q.length;
  }

  enqueue(p: Runnable): void {
    p.queued = true;
    this.#q.push(p);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#drain);
    }
  }

  drain(): void {
    const q = this.#q;
    let budget = this.maxSlicesPerTurn;
    while (this.#head < q.length) {
      const p = q[this.#head]!;
      q[this.#head++] = undefined;
      this.slices++;
      p.run();
      if (--budget === 0 && this.#head < q.length) {
        q.splice(0, this.#head);
        this.#head = 0;
        if (!this.#immediate) {
          this.#immediate = true;
          setImmediate(this.#drainImmediate);
        }
        return;
      }
    }
    q.length = 0;
    this.#head = 0;
    this.#scheduled = false;
  }
}
