/**
 * The server child process: `node server-process.js bare|colyseus|hajime`. Starts that server, says
 * hello with its URL, then answers the parent (tokens, GC, the measured window, memory, close).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { collectGarbage } from '../lib/gc.js';
import { serveParent } from './child.js';
import type { MemoryReading, ServerWindow } from './ipc.js';
import type { RelayServer } from './relay-server.js';

async function start(kind: string | undefined): Promise<RelayServer> {
  if (kind === 'bare') return (await import('./bare-server.js')).startBare();
  if (kind === 'colyseus') return (await import('./colyseus-server.js')).startColyseus();
  if (kind === 'hajime') return (await import('./hajime-server.js')).startHajime();
  throw new Error(`unknown server kind ${String(kind)} (bare, colyseus or hajime)`);
}

/** Bytes of short-lived garbage allocated before a reading: several times the young generation. */
const CHURN_BYTES = 128 * 2 ** 20;

/**
 * Cycles the young generation so every one of its pages is resident at both readings (it is fixed in
 * size by the parent's Node flags): RSS growth then counts the clients, not pages of the young generation
 * touched for the first time since the baseline.
 */
function churnYoungGeneration(): number {
  let keep = 0;
  for (let allocated = 0; allocated < CHURN_BYTES; allocated += 8 * 1_024 + 64) {
    const a = new Array<number>(1_024).fill(allocated);
    keep ^= a.length;
  }
  return keep;
}

/**
 * RSS and heap once they have settled: the young generation cycled, everything collectable collected,
 * and read again (up to 20 times, 250 ms apart) until RSS moves by less than 256 KB: pages freed by a
 * collection leave RSS a little later (concurrent sweeping, the allocator), and a process that has just
 * started (Hajime's embedded PGlite, its WebAssembly being recompiled in the background) keeps changing
 * for a few seconds.
 */
async function settledMemory(): Promise<MemoryReading> {
  await new Promise<void>((resolve) => setTimeout(resolve, 100));
  churnYoungGeneration();
  let rss = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 20; i++) {
    collectGarbage();
    await new Promise<void>((resolve) => setTimeout(resolve, 250));
    const now = process.memoryUsage.rss();
    const settled = Math.abs(now - rss) < 256 * 1_024;
    rss = now;
    if (settled) break;
  }
  collectGarbage();
  collectGarbage();
  const m = process.memoryUsage();
  const young = getHeapSpaceStatistics().find((sp) => sp.space_name === 'new_space')?.space_size ?? 0;
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, heapTotal: m.heapTotal, youngGeneration: young };
}

let server: RelayServer | undefined;
/** Enabled from the start, so its histogram is allocated before the memory baseline. */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let window: { cpu: NodeJS.CpuUsage; inputs: number; at: number } | undefined;

/**
 * `MATCH_RELAY_WINDOW_PROF=DIR`: a CPU profile of the measured window only (not the start-up, joins and
 * memory readings that `--cpu-prof` also records), written to DIR as `<kind>-<pid>.cpuprofile`.
 */
const windowProfDir = process.env['MATCH_RELAY_WINDOW_PROF'];
let profiler: Session | undefined;
function post(method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => profiler!.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
}
async function profileStart(): Promise<void> {
  if (windowProfDir === undefined || windowProfDir === '') return;
  profiler = new Session();
  profiler.connect();
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 250 });
  await post('Profiler.start');
}
async function profileStop(): Promise<void> {
  if (profiler === undefined) return;
  const { profile } = (await post('Profiler.stop')) as { profile: unknown };
  writeFileSync(join(windowProfDir!, `${process.argv[2] ?? 'server'}-${process.pid}.cpuprofile`), JSON.stringify(profile));
  profiler.disconnect();
  profiler = undefined;
}

serveParent(
  async () => {
    server = await start(process.argv[2]);
    return { url: server.url, description: server.description };
  },
  async (req) => {
    const s = server!;
    switch (req.op) {
      case 'tokens':
        return s.tokens(req['count'] as number);
      case 'gc':
        collectGarbage();
        return null;
      case 'window-start':
        await profileStart();
        window = { cpu: process.cpuUsage(), inputs: s.inputsApplied(), at: performance.now() };
        loopDelay.reset();
        return null;
      case 'window-stop': {
        if (window === undefined) throw new Error('window-stop before window-start');
        const d = process.cpuUsage(window.cpu);
        const result: ServerWindow = { cpuUs: d.user + d.system, sysUs: d.system, maxLoopDelayMs: loopDelay.max / 1e6, inputs: s.inputsApplied() - window.inputs, ms: performance.now() - window.at };
        window = undefined;
        await profileStop();
        return result;
      }
      case 'memory':
        return settledMemory();
      case 'close':
        await s.close();
        setImmediate(() => process.exit(0));
        return null;
      default:
        throw new Error(`unknown op ${req.op}`);
    }
  },
);
