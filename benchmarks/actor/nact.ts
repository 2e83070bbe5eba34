/**
 * The `actor` workloads on nact 7.6.2, the baseline: `spawn` (a stateful actor function), `dispatch` for
 * casts, `query` (with its mandatory timeout) for calls, `stop` for exits. Actors get explicit unique
 * names: nact's generated names are 32-bit random numbers, which collide among 100,000 live actors.
 */
import nact from 'nact';
import { settledHeapUsed } from '../lib/gc.js';
import { countdown } from './countdown.js';
import type { ActorRuntime } from './runtime.js';

type Ref = ReturnType<typeof nact.start>;
type Query = { readonly sender: Ref; readonly v: number };

const QUERY_TIMEOUT_MS = 5_000;

export const nactRuntime: ActorRuntime = {
  label: 'nact',

  async castOne(n) {
    const system = nact.start();
    const cd = countdown(n);
    const f = (state: number): number => {
      cd.tick();
      return state + 1;
    };
    const ref = nact.spawn(system, f, 'sink', { initialState: 0 });
    const t0 = performance.now();
    for (let i = 0; i < n; i++) nact.dispatch(ref, i);
    await cd.finished;
    const ms = performance.now() - t0;
    nact.stop(system);
    return ms;
  },

  async castMany(n, processes) {
    const system = nact.start();
    const cd = countdown(n);
    const f = (state: number): number => {
      cd.tick();
      return state + 1;
    };
    const refs = Array.from({ length: processes }, (_, i) => nact.spawn(system, f, `sink-${i}`, { initialState: 0 }));
    const t0 = performance.now();
    for (let i = 0, k = 0; i < n; i++) {
      nact.dispatch(refs[k]!, i);
      if (++k === processes) k = 0;
    }
    await cd.finished;
    const ms = performance.now() - t0;
    nact.stop(system);
    return ms;
  },

  async call(n) {
    const system = nact.start();
    const f = (state: number, msg: Query): number => {
      nact.dispatch(msg.sender, msg.v);
      return state;
    };
    const ref = nact.spawn(system, f, 'echo', { initialState: 0 });
    let last = -1;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) last = (await nact.query(ref, (sender: Ref) => ({ sender, v: i }), QUERY_TIMEOUT_MS)) as number;
    const ms = performance.now() - t0;
    if (last !== n - 1) throw new Error(`nact query: last reply ${last}, expected ${n - 1}`);
    nact.stop(system);
    return ms;
  },

  async spawnExit(n) {
    const system = nact.start();
    const cd = countdown(n);
    const f = (state: number, _msg: number, ctx: { self: Ref }): number => {
      nact.stop(ctx.self);
      cd.tick();
      return state;
    };
    const t0 = performance.now();
    for (let i = 0; i < n; i++) nact.dispatch(nact.spawn(system, f, `p-${i}`, { initialState: 0 }), i);
    await cd.finished;
    const ms = performance.now() - t0;
    nact.stop(system);
    return ms;
  },

  async idleBytes(n) {
    const system = nact.start();
    const f = (state: number): number => state;
    const before = await settledHeapUsed();
    for (let i = 0; i < n; i++) nact.spawn(system, f, `p-${i}`, { initialState: 0 });
    const after = await settledHeapUsed();
    nact.stop(system);
    return (after - before) / n;
  },
};
