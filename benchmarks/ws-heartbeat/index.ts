/**
 * The `ws-heartbeat` scenario: asobi's own WebSocket benchmark (asobi-reference.md §6) against Hajime's
 * real server and a bare `ws` server (the limit), in one run on one machine. N connections authenticate
 * with `session.connect`, then run closed-loop `session.heartbeat` round trips; each server runs in its own
 * child process (so its CPU is measured alone, over the measured window), the load generator here.
 *
 * Reports round trips per second, RTT p50/p99, server CPU µs per round trip, and the memory an idle
 * authenticated connection costs the server at 2,000 connections.
 *
 * Targets (from the issue): ≥ 0.9× the bare server's round trips/s; p99 ≤ 1.2× the bare server's;
 * ≤ 11 KB (11 × 1,024 B) per idle authenticated connection, measured as the server's `heapUsed + external`
 * growth after a full GC (RSS is reported too, but it follows V8's heap sizing more than the connections).
 */
import type { RunOptions, Scenario, ScenarioReport, TargetCheck } from '../lib/scenario.js';
import { median, sample } from '../lib/sampling.js';
import { formatBytes, formatRate, formatRatio } from '../lib/table.js';
import { RAISED_LIMIT } from './hajime-server.js';
import { LatencyHistogram } from './latency.js';
import { closeAll, closedLoop, connectAll, type HeartbeatClient } from './load.js';
import { ServerProcess } from './server-process-handle.js';

interface Sizes {
  /** Closed-loop connections for the throughput runs. */
  readonly clients: number;
  /** Round trips per measured run (the same for both servers), spread evenly over the connections. */
  readonly n: number;
  readonly runs: number;
  /** Warm-up size as a fraction of `n`. */
  readonly warmup: number;
  /** Idle authenticated connections for the memory figure. */
  readonly idleConns: number;
  /** Connections opened, used and closed before the memory baseline (JIT, lazy state). */
  readonly warmConns: number;
}

const FULL: Sizes = { clients: 500, n: 200_000, runs: 5, warmup: 0.25, idleConns: 2_000, warmConns: 100 };
const SMOKE: Sizes = { clients: 8, n: 8_000, runs: 2, warmup: 0.5, idleConns: 200, warmConns: 20 };

const TARGET_MSGS_VS_BARE = 0.9;
const TARGET_P99_VS_BARE = 1.2;
const TARGET_BYTES_PER_CONN = 11 * 1_024;

const n = (count: number): string => count.toLocaleString('en-US');
const ms = (x: number): string => `${x.toFixed(2)} ms`;
const us = (x: number): string => `${x.toFixed(2)} µs`;
const pct = (x: number): string => `${Math.round(x * 100)} %`;
const round = (x: number, digits = 0): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** One server under test and what was measured against it. */
interface Contestant {
  readonly label: string;
  readonly server: ServerProcess;
  /** Round trips of all measured runs. */
  readonly rtt: LatencyHistogram;
  /** Per measured run: server CPU µs per round trip, server and load-generator CPU as a share of one core. */
  readonly cpuPerMsg: number[];
  readonly serverCore: number[];
  readonly loadCore: number[];
  trials: number;
}

interface MemoryResult {
  /** RSS growth per connection, bytes. */
  readonly rss: number;
  /** `heapUsed + external` growth per connection, bytes. */
  readonly heap: number;
  /** Connections opened and authenticated per second (handshake + session.connect, 200 at a time). */
  readonly connectPerS: number;
}

async function measureMemory(c: Contestant, warmTokens: readonly string[], idleTokens: readonly string[]): Promise<MemoryResult> {
  const { server } = c;
  const warm = await connectAll(server.url, warmTokens);
  await closedLoop(warm, warm.length * 10, new LatencyHistogram());
  await closeAll(warm);
  const before = await server.memory();
  const t0 = performance.now();
  const idle = await connectAll(server.url, idleTokens);
  const connectMs = performance.now() - t0;
  await closedLoop(idle, idle.length, new LatencyHistogram()); // every connection has been used once
  const after = await server.memory();
  await closeAll(idle);
  const k = idleTokens.length;
  return {
    rss: (after.rss - before.rss) / k,
    heap: (after.heapUsed + after.external - (before.heapUsed + before.external)) / k,
    connectPerS: k / (connectMs / 1000),
  };
}

async function run({ smoke, progress }: RunOptions): Promise<ScenarioReport> {
  const z = smoke ? SMOKE : FULL;
  progress('starting the Hajime and bare servers (one child process each)');
  const servers = await Promise.allSettled([ServerProcess.start('hajime'), ServerProcess.start('bare')]);
  const started = servers.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const pools: HeartbeatClient[][] = [];
  try {
    for (const s of servers) if (s.status === 'rejected') throw s.reason;
    const [hajimeServer, bareServer] = started as [ServerProcess, ServerProcess];
    const perServer = z.warmConns + z.idleConns + z.clients;
    progress(`creating ${n(perServer)} players and tokens on each server`);
    const [hajimeTokens, bareTokens] = await Promise.all([hajimeServer.tokens(perServer), bareServer.tokens(perServer)]);
    const contestant = (label: string, server: ServerProcess): Contestant => ({ label, server, rtt: new LatencyHistogram(), cpuPerMsg: [], serverCore: [], loadCore: [], trials: 0 });
    const hajime = contestant('Hajime', hajimeServer);
    const bare = contestant('bare ws', bareServer);
    const tokens = new Map([
      [hajime, hajimeTokens],
      [bare, bareTokens],
    ]);
    const slice = (c: Contestant, from: number, count: number): string[] => tokens.get(c)!.slice(from, from + count);

    const memory = new Map<Contestant, MemoryResult>();
    for (const c of [hajime, bare]) {
      progress(`${c.label}: memory of ${n(z.idleConns)} idle authenticated connections (after ${n(z.warmConns)} warm-up connections)`);
      memory.set(c, await measureMemory(c, slice(c, 0, z.warmConns), slice(c, z.warmConns, z.idleConns)));
    }

    progress(`opening ${n(z.clients)} authenticated connections to each server`);
    const from = z.warmConns + z.idleConns;
    for (const c of [hajime, bare]) pools.push(await connectAll(c.server.url, slice(c, from, z.clients)));
    const poolOf = new Map([
      [hajime, pools[0]!],
      [bare, pools[1]!],
    ]);
    const trial = (c: Contestant) => async (k: number) => {
      const measured = c.trials++ > 0; // sample() runs each contender's warm-up first
      await c.server.gc();
      await c.server.cpuStart();
      const load0 = process.cpuUsage();
      const elapsed = await closedLoop(poolOf.get(c)!, k, measured ? c.rtt : new LatencyHistogram());
      const load = process.cpuUsage(load0);
      const cpu = await c.server.cpuStop();
      if (measured) {
        c.cpuPerMsg.push(cpu / k);
        c.serverCore.push(cpu / 1000 / elapsed);
        c.loadCore.push((load.user + load.system) / 1000 / elapsed);
      }
      return elapsed;
    };
    progress(`heartbeat round trips: ${n(z.clients)} connections, closed loop, n=${n(z.n)}, ${z.runs} runs each of Hajime, bare ws`);
    const [rateH, rateB] = await sample(
      [
        { label: hajime.label, trial: trial(hajime) },
        { label: bare.label, trial: trial(bare) },
      ],
      { n: z.n, warmupN: Math.max(z.clients, Math.round(z.n * z.warmup)), runs: z.runs },
    );

    const memH = memory.get(hajime)!;
    const memB = memory.get(bare)!;
    const p = (c: Contestant, q: number): number => c.rtt.percentile(q);
    const cpuH = median(hajime.cpuPerMsg);
    const cpuB = median(bare.cpuPerMsg);
    const msgsVsBare = rateH!.median / rateB!.median;
    const p99VsBare = p(hajime, 99) / p(bare, 99);

    const figures: Record<string, number> = {
      msgs_per_s: round(rateH!.median),
      bare_msgs_per_s: round(rateB!.median),
      msgs_vs_bare: round(msgsVsBare, 3),
      p50_ms: round(p(hajime, 50), 3),
      p99_ms: round(p(hajime, 99), 3),
      bare_p50_ms: round(p(bare, 50), 3),
      bare_p99_ms: round(p(bare, 99), 3),
      p99_vs_bare: round(p99VsBare, 3),
      bytes_per_conn: round(memH.heap),
      bare_bytes_per_conn: round(memB.heap),
      bytes_per_conn_vs_bare: round(memH.heap / memB.heap, 3),
      rss_bytes_per_conn: round(memH.rss),
      bare_rss_bytes_per_conn: round(memB.rss),
      cpu_us_per_msg: round(cpuH, 3),
      bare_cpu_us_per_msg: round(cpuB, 3),
      cpu_vs_bare: round(cpuH / cpuB, 3),
      connect_per_s: round(memH.connectPerS),
      bare_connect_per_s: round(memB.connectPerS),
      connections: z.clients,
      idle_connections: z.idleConns,
    };

    const targets: TargetCheck[] = [
      { target: `round trips/s ≥ ${TARGET_MSGS_VS_BARE}× bare ws`, measured: formatRatio(msgsVsBare), status: msgsVsBare >= TARGET_MSGS_VS_BARE ? 'met' : 'missed' },
      { target: `RTT p99 ≤ ${TARGET_P99_VS_BARE}× bare ws`, measured: `${formatRatio(p99VsBare)} (${ms(p(hajime, 99))} vs ${ms(p(bare, 99))})`, status: p99VsBare <= TARGET_P99_VS_BARE ? 'met' : 'missed' },
      {
        target: `≤ 11 KB (${formatBytes(TARGET_BYTES_PER_CONN)}) heap per idle authenticated connection`,
        measured: `${formatBytes(memH.heap)} at ${n(z.idleConns)} (RSS growth ${formatBytes(memH.rss)})`,
        status: memH.heap <= TARGET_BYTES_PER_CONN ? 'met' : 'missed',
      },
    ];

    const row = (label: string, h: string, b: string, ratio: string): string[] => [label, h, b, ratio];
    return {
      tables: [
        {
          title: `Heartbeat round trips (${n(z.clients)} connections, closed loop)`,
          headers: ['figure', 'Hajime', 'bare ws', 'Hajime ÷ bare'],
          rows: [
            row('round trips/s (median)', formatRate(rateH!.median), formatRate(rateB!.median), formatRatio(msgsVsBare)),
            row('round trips/s (best run)', formatRate(rateH!.best), formatRate(rateB!.best), formatRatio(rateH!.best / rateB!.best)),
            row('RTT p50', ms(p(hajime, 50)), ms(p(bare, 50)), formatRatio(p(hajime, 50) / p(bare, 50))),
            row('RTT p99', ms(p(hajime, 99)), ms(p(bare, 99)), formatRatio(p99VsBare)),
            row('RTT p99.9', ms(p(hajime, 99.9)), ms(p(bare, 99.9)), formatRatio(p(hajime, 99.9) / p(bare, 99.9))),
            row('server CPU per round trip', us(cpuH), us(cpuB), formatRatio(cpuH / cpuB)),
            row('server CPU (share of one core)', pct(median(hajime.serverCore)), pct(median(bare.serverCore)), '–'),
            row('load generator CPU (share of one core)', pct(median(hajime.loadCore)), pct(median(bare.loadCore)), '–'),
          ],
          notes: [
            `n=${n(z.n)} round trips per run, ${z.runs} runs each after a warm-up, interleaved, full GC in both processes before each; rates are medians, RTT percentiles over all ${n(z.runs * z.n)} measured round trips`,
            'each client sends {"type":"session.heartbeat","cid":"<n>","payload":{}} when the previous reply arrived and checks type, cid and ts',
            'server CPU: process.cpuUsage() (user + system) in the server child over the measured window, divided by the round trips',
            `Hajime rate limits raised to ${n(RAISED_LIMIT)} (ws_connect per second, ws.framesPerSecond) so this measures throughput, not limits`,
            `Hajime: ${hajime.server.description}`,
            `bare: ${bare.server.description}`,
          ],
        },
        {
          title: `Memory per idle authenticated connection (${n(z.idleConns)} connections, server child, after a full GC)`,
          headers: ['figure', 'Hajime', 'bare ws', 'Hajime ÷ bare'],
          rows: [
            row('heapUsed + external growth per connection', formatBytes(memH.heap), formatBytes(memB.heap), formatRatio(memH.heap / memB.heap)),
            row('RSS growth per connection', formatBytes(memH.rss), formatBytes(memB.rss), formatRatio(memH.rss / memB.rss)),
            row('connect + session.connect (/s, 200 at a time)', formatRate(memH.connectPerS), formatRate(memB.connectPerS), formatRatio(memH.connectPerS / memB.connectPerS)),
          ],
          notes: [
            `before: after ${n(z.warmConns)} connections were opened, used and closed; after: ${n(z.idleConns)} connections authenticated and one heartbeat each, then idle`,
            'bytes_per_conn (JSON) and the target use the heap figure: what the server retains per connection, repeatable to a few per cent',
            "RSS growth is shown but not judged: it mostly follows V8's heap sizing (the young generation growing, pages already committed), not the connections",
          ],
        },
      ],
      targets,
      figures,
    };
  } finally {
    for (const pool of pools) await closeAll(pool);
    await Promise.all(started.map((s) => s.close()));
  }
}

export const wsHeartbeatScenario: Scenario = {
  name: 'ws-heartbeat',
  description: "Hajime's /ws gateway vs a bare ws server (limit): session.connect, closed-loop session.heartbeat round trips, RTT, CPU, memory per connection",
  requiredFigures: ['msgs_per_s', 'bare_msgs_per_s', 'p50_ms', 'p99_ms', 'bare_p99_ms', 'bytes_per_conn', 'cpu_us_per_msg'],
  run,
};
