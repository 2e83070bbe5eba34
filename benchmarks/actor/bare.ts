/**
 * The limit: the least a mailbox can be in Node (an array queue drained in one microtask, no scheduler,
 * no fairness, no links, no failure handling). Hajime's cast throughput is reported as a fraction of it.
 */
import { settledHeapUsed } from '../lib/gc.js';
import { countdown } from './countdown.js';
import type { ActorRuntime } from './runtime.js';

/** A mailbox: `send` appends, the first send of a burst schedules a microtask that drains the queue. */
export class BareMailbox<M> {
  #q: (M | undefined)[] = [];
  #head = 0;
  #scheduled = false;
  constructor(private readonly handler: (msg: M) => void) {}

  send(msg: M): void {
    this.#q.push(msg);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.#drain());
  }

  #drain(): void {
    const q = this.#q;
    while (this.#head < q.length) {
      const msg = q[this.#head] as M;
      q[this.#head++] = undefined;
      this.handler(msg);
    }
    q.length = 0;
    this.#head = 0;
    this.#scheduled = false;
  }
}

type Request = { readonly v: number; readonly resolve: (v: number) => void };

export const bare: ActorRuntime = {
  label: 'bare loop',

  async castOne(n) {
    const cd = countdown(n);
    const box = new BareMailbox<number>(() => cd.tick());
    const t0 = performance.now();
    for (let i = 0; i < n; i++) box.send(i);
    await cd.finished;
    return performance.now() - t0;
  },

  async castMany(n, processes) {
    const cd = countdown(n);
    const handler = (): void => cd.tick();
    const boxes = Array.from({ length: processes }, () => new BareMailbox<number>(handler));
    const t0 = performance.now();
    for (let i = 0, k = 0; i < n; i++) {
      boxes[k]!.send(i);
      if (++k === processes) k = 0;
    }
    await cd.finished;
    return performance.now() - t0;
  },

  async call(n) {
    const box = new BareMailbox<Request>((m) => m.resolve(m.v));
    let last = -1;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) last = await new Promise<number>((resolve) => box.send({ v: i, resolve }));
    const ms = performance.now() - t0;
    if (last !== n - 1) throw new Error(`bare call: last reply ${last}, expected ${n - 1}`);
    return ms;
  },

  async idleBytes(n) {
    const handler = (): void => {};
    const before = await settledHeapUsed();
    const boxes: BareMailbox<number>[] = [];
    for (let i = 0; i < n; i++) boxes.push(new BareMailbox<number>(handler));
    const after = await settledHeapUsed();
    if (boxes.length !== n) throw new Error('bare idle: boxes went missing');
    return (after - before) / n;
  },
};
