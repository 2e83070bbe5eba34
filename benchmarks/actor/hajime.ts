/**
 * The `actor` workloads on Hajime: GenServer casts and calls, raw `spawn` processes for spawn+exit and
 * idle memory, plus Hajime-only figures (GenServer start+stop, calls without a timeout timer, a million
 * idle processes).
 */
import { ActorSystem, GenServer, noreply, ok, reply, silentLogger, type GenServerBehaviour, type ProcessContext } from '@hajime/actor';
import { settledHeapUsed } from '../lib/gc.js';
import { countdown, type Countdown } from './countdown.js';
import type { ActorRuntime } from './runtime.js';

/** Counts every cast down on a shared countdown. */
const Sink: GenServerBehaviour<Countdown, Countdown, never, number> = {
  init: (cd) => ok(cd),
  handleCast: (_msg, cd) => {
    cd.tick();
    return noreply(cd);
  },
};

/** Replies to every call with the message. */
const Echo: GenServerBehaviour<null, null, number, never, number> = {
  init: () => ok(null),
  handleCall: (msg, _from, state) => reply(msg, state),
};

/** Does nothing; holds a number. */
const Idle: GenServerBehaviour<number, number> = {
  init: (n) => ok(n),
};

function newSystem(): ActorSystem {
  return new ActorSystem({ logger: silentLogger });
}

async function timedCalls(n: number, options: { timeoutMs?: number }): Promise<number> {
  const system = newSystem();
  const pid = await GenServer.start(system, Echo, null);
  let last = -1;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) last = await GenServer.call<number>(pid, i, options);
  const ms = performance.now() - t0;
  if (last !== n - 1) throw new Error(`hajime call: last reply ${last}, expected ${n - 1}`);
  await system.stop();
  return ms;
}

export const hajime: ActorRuntime & {
  callWithoutTimeout(n: number): Promise<number>;
  startStop(n: number): Promise<number>;
  idleGenServerBytes(n: number): Promise<number>;
  millionIdle(n: number): Promise<{ heapUsedBytes: number; bytesPerProcess: number; spawnMs: number }>;
} = {
  label: 'Hajime',

  async castOne(n) {
    const system = newSystem();
    const cd = countdown(n);
    const pid = await GenServer.start(system, Sink, cd);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) GenServer.cast(pid, i);
    await cd.finished;
    const ms = performance.now() - t0;
    await system.stop();
    return ms;
  },

  async castMany(n, processes) {
    const system = newSystem();
    const cd = countdown(n);
    const pids = await Promise.all(Array.from({ length: processes }, () => GenServer.start(system, Sink, cd)));
    const t0 = performance.now();
    for (let i = 0, k = 0; i < n; i++) {
      GenServer.cast(pids[k]!, i);
      if (++k === processes) k = 0;
    }
    await cd.finished;
    const ms = performance.now() - t0;
    await system.stop();
    return ms;
  },

  call: (n) => timedCalls(n, {}),

  /** Calls with `timeoutMs: Infinity`: no timer is set per call (shows what the default 5 s timer costs). */
  callWithoutTimeout: (n) => timedCalls(n, { timeoutMs: Infinity }),

  async spawnExit(n) {
    const system = newSystem();
    const cd = countdown(n);
    const handler = (_msg: unknown, ctx: ProcessContext): void => {
      ctx.exit(ctx.self, 'normal');
      cd.tick();
    };
    const t0 = performance.now();
    for (let i = 0; i < n; i++) system.send(system.spawn(handler), i);
    await cd.finished;
    const ms = performance.now() - t0;
    const left = system.stats().processes;
    if (left !== 0) throw new Error(`hajime spawn+exit: ${left} processes still alive`);
    await system.stop();
    return ms;
  },

  /** Starts `n` GenServers (init included) and stops them again (terminate included), 1,000 at a time. */
  async startStop(n) {
    const system = newSystem();
    const batch = 1_000;
    const t0 = performance.now();
    for (let done = 0; done < n; done += batch) {
      const size = Math.min(batch, n - done);
      const pids = await Promise.all(Array.from({ length: size }, (_, i) => GenServer.start(system, Idle, i)));
      await Promise.all(pids.map((pid) => GenServer.stop(pid)));
    }
    const ms = performance.now() - t0;
    await system.stop();
    return ms;
  },

  async idleBytes(n) {
    const system = newSystem();
    const handler = (): void => {};
    const before = await settledHeapUsed();
    for (let i = 0; i < n; i++) system.spawn(handler);
    const after = await settledHeapUsed();
    if (system.stats().processes !== n) throw new Error('hajime idle: processes went missing');
    await system.stop();
    return (after - before) / n;
  },

  async idleGenServerBytes(n) {
    const system = newSystem();
    const batch = 10_000;
    const before = await settledHeapUsed();
    for (let done = 0; done < n; done += batch) {
      await Promise.all(Array.from({ length: Math.min(batch, n - done) }, (_, i) => GenServer.start(system, Idle, i)));
    }
    const after = await settledHeapUsed();
    if (system.stats().processes !== n) throw new Error('hajime idle GenServers: processes went missing');
    await system.stop();
    return (after - before) / n;
  },

  async millionIdle(n) {
    const system = newSystem();
    const handler = (): void => {};
    const before = await settledHeapUsed();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) system.spawn(handler);
    const spawnMs = performance.now() - t0;
    const after = await settledHeapUsed();
    if (system.stats().processes !== n) throw new Error('hajime million: processes went missing');
    await system.stop();
    return { heapUsedBytes: after, bytesPerProcess: (after - before) / n, spawnMs };
  },
};
