/**
 * The `actor` scenario: Hajime's process runtime against nact (the baseline) and a bare mailbox loop (the
 * limit), in one run on one machine. Cast throughput to one process and across 1,000, call round trips,
 * spawn+exit, and the heap an idle process retains (plus whether a million of them fit in one node).
 *
 * Targets (from the issue): cast throughput ≥ 10× nact and ≥ 0.5× the bare loop; ≤ 1 KB per idle process;
 * 1,000,000 idle processes in one node.
 */
import type { RunOptions, Scenario, ScenarioReport, TargetCheck } from '../lib/scenario.js';
import { sample, type Contender, type Sample } from '../lib/sampling.js';
import { formatBytes, formatRate, formatRatio } from '../lib/table.js';
import { bare } from './bare.js';
import { hajime } from './hajime.js';
import { nactRuntime } from './nact.js';

/** Workload sizes: the same operation count for every contender in a workload. */
interface Sizes {
  readonly castN: number;
  readonly castProcesses: number;
  readonly callN: number;
  readonly spawnN: number;
  readonly startStopN: number;
  readonly idleN: number;
  /** 0 skips the million-process check. */
  readonly millionN: number;
  readonly runs: number;
  /** Warm-up size as a fraction of the measured size. */
  readonly warmup: number;
}

const FULL: Sizes = {
  castN: 1_000_000,
  castProcesses: 1_000,
  callN: 100_000,
  spawnN: 50_000,
  startStopN: 50_000,
  idleN: 100_000,
  millionN: 1_000_000,
  runs: 5,
  warmup: 0.25,
};

const SMOKE: Sizes = {
  castN: 20_000,
  castProcesses: 1_000,
  callN: 2_000,
  spawnN: 2_000,
  startStopN: 2_000,
  idleN: 10_000,
  millionN: 0,
  runs: 2,
  warmup: 0.5,
};

const TARGET_CAST_VS_NACT = 10;
const TARGET_CAST_VS_BARE = 0.5;
const TARGET_BYTES_PER_IDLE = 1_024;
const MIB = 2 ** 20;

const n = (count: number): string => count.toLocaleString('en-US');
const rate = (s: Sample | undefined): string => (s === undefined ? '–' : formatRate(s.median));
const ratio = (a: Sample, b: Sample | undefined): string => (b === undefined ? '–' : formatRatio(a.median / b.median));
const round = (x: number, digits = 0): number => Math.round(x * 10 ** digits) / 10 ** digits;

async function run({ smoke, progress }: RunOptions): Promise<ScenarioReport> {
  const z = smoke ? SMOKE : FULL;
  const measure = async (what: string, count: number, contenders: Contender[]): Promise<Sample[]> => {
    progress(`${what}: n=${n(count)}, ${z.runs} runs each of ${contenders.map((c) => c.label).join(', ')}`);
    return sample(contenders, { n: count, warmupN: Math.max(1, Math.round(count * z.warmup)), runs: z.runs });
  };
  const P = z.castProcesses;

  const [castH, castN, castB] = await measure('cast → 1 process', z.castN, [
    { label: 'Hajime', trial: (k) => hajime.castOne(k) },
    { label: 'nact', trial: (k) => nactRuntime.castOne(k) },
    { label: 'bare', trial: (k) => bare.castOne(k) },
  ]);
  const [manyH, manyN, manyB] = await measure(`cast → ${n(P)} processes`, z.castN, [
    { label: 'Hajime', trial: (k) => hajime.castMany(k, P) },
    { label: 'nact', trial: (k) => nactRuntime.castMany(k, P) },
    { label: 'bare', trial: (k) => bare.castMany(k, P) },
  ]);
  const [callH, callH0, callN, callB] = await measure('call round trip', z.callN, [
    { label: 'Hajime', trial: (k) => hajime.call(k) },
    { label: 'Hajime (no timeout)', trial: (k) => hajime.callWithoutTimeout(k) },
    { label: 'nact', trial: (k) => nactRuntime.call(k) },
    { label: 'bare', trial: (k) => bare.call(k) },
  ]);
  const [spawnH, spawnN] = await measure('spawn + exit', z.spawnN, [
    { label: 'Hajime', trial: (k) => hajime.spawnExit!(k) },
    { label: 'nact', trial: (k) => nactRuntime.spawnExit!(k) },
  ]);
  const [startStopH] = await measure('GenServer start + stop', z.startStopN, [{ label: 'Hajime', trial: (k) => hajime.startStop(k) }]);

  progress(`idle processes: ${n(z.idleN)} each (heapUsed after a full GC, before and after)`);
  const idleH = await hajime.idleBytes(z.idleN);
  const idleGs = await hajime.idleGenServerBytes(z.idleN);
  const idleN = await nactRuntime.idleBytes(z.idleN);
  const idleB = await bare.idleBytes(z.idleN);

  let million: Awaited<ReturnType<typeof hajime.millionIdle>> | undefined;
  if (z.millionN > 0) {
    progress(`${n(z.millionN)} idle processes in one node`);
    million = await hajime.millionIdle(z.millionN);
  }

  const castVsNact = castH!.median / castN!.median;
  const castVsBare = castH!.median / castB!.median;
  const figures: Record<string, number> = {
    cast_per_s: round(castH!.median),
    nact_cast_per_s: round(castN!.median),
    bare_cast_per_s: round(castB!.median),
    cast_vs_nact: round(castVsNact, 2),
    cast_vs_bare: round(castVsBare, 3),
    cast_1000_per_s: round(manyH!.median),
    nact_cast_1000_per_s: round(manyN!.median),
    bare_cast_1000_per_s: round(manyB!.median),
    cast_1000_vs_nact: round(manyH!.median / manyN!.median, 2),
    cast_1000_vs_bare: round(manyH!.median / manyB!.median, 3),
    call_per_s: round(callH!.median),
    call_no_timeout_per_s: round(callH0!.median),
    nact_call_per_s: round(callN!.median),
    bare_call_per_s: round(callB!.median),
    call_vs_nact: round(callH!.median / callN!.median, 2),
    spawn_exit_per_s: round(spawnH!.median),
    nact_spawn_exit_per_s: round(spawnN!.median),
    spawn_exit_vs_nact: round(spawnH!.median / spawnN!.median, 2),
    gen_server_start_stop_per_s: round(startStopH!.median),
    bytes_per_idle_process: round(idleH),
    bytes_per_idle_gen_server: round(idleGs),
    nact_bytes_per_idle_process: round(idleN),
    bare_bytes_per_idle_process: round(idleB),
  };
  if (million !== undefined) {
    figures['million_idle_heap_mb'] = round(million.heapUsedBytes / MIB, 1);
    figures['million_idle_bytes_per_process'] = round(million.bytesPerProcess);
    figures['million_spawn_per_s'] = round(z.millionN / (million.spawnMs / 1000));
  }

  const targets: TargetCheck[] = [
    { target: `cast throughput ≥ ${TARGET_CAST_VS_NACT}× nact`, measured: formatRatio(castVsNact), status: castVsNact >= TARGET_CAST_VS_NACT ? 'met' : 'missed' },
    { target: `cast throughput ≥ ${TARGET_CAST_VS_BARE}× bare loop`, measured: formatRatio(castVsBare), status: castVsBare >= TARGET_CAST_VS_BARE ? 'met' : 'missed' },
    { target: `≤ ${formatBytes(TARGET_BYTES_PER_IDLE)} per idle process`, measured: formatBytes(idleH), status: idleH <= TARGET_BYTES_PER_IDLE ? 'met' : 'missed' },
    million === undefined
      ? { target: '1,000,000 idle processes in one node', measured: 'not run in smoke mode', status: 'skipped' }
      : {
          target: `${n(z.millionN)} idle processes in one node`,
          measured: `heap used ${(million.heapUsedBytes / MIB).toFixed(0)} MiB (${formatBytes(million.bytesPerProcess)} each)`,
          status: 'met',
        },
  ];

  return {
    tables: [
      {
        title: 'Throughput',
        headers: ['workload', 'n', 'Hajime', 'nact', 'bare loop', 'Hajime ÷ nact', 'Hajime ÷ bare'],
        rows: [
          ['cast → 1 process', n(z.castN), rate(castH), rate(castN), rate(castB), ratio(castH!, castN), ratio(castH!, castB)],
          [`cast → ${n(P)} processes`, n(z.castN), rate(manyH), rate(manyN), rate(manyB), ratio(manyH!, manyN), ratio(manyH!, manyB)],
          ['call round trip', n(z.callN), rate(callH), rate(callN), rate(callB), ratio(callH!, callN), ratio(callH!, callB)],
          ['call, timeoutMs: Infinity', n(z.callN), rate(callH0), '–', rate(callB), ratio(callH0!, callN), ratio(callH0!, callB)],
          ['spawn + exit', n(z.spawnN), rate(spawnH), rate(spawnN), '–', ratio(spawnH!, spawnN), '–'],
          ['GenServer start + stop', n(z.startStopN), rate(startStopH), '–', '–', '–', '–'],
        ],
        notes: [
          `ops/s, median of ${z.runs} runs after a warm-up; runs of all contenders alternate, with a full GC before each`,
          `best runs: cast ${formatRate(castH!.best)} / ${formatRate(castN!.best)} / ${formatRate(castB!.best)}; ` +
            `call ${formatRate(callH!.best)} / ${formatRate(callN!.best)} / ${formatRate(callB!.best)} (Hajime / nact / bare)`,
          'cast: GenServer.cast / nact dispatch / push+microtask, timed from the first send until the last message was handled',
          'call: sequential GenServer.call (5 s timeout timer) / nact query (5 s timeout) / promise through the bare mailbox',
          'spawn + exit: system.spawn, one message, the process exits itself / nact spawn, dispatch, stop(self)',
        ],
      },
      {
        title: 'Memory (heap retained per idle process, after a full GC)',
        headers: ['workload', 'n', 'Hajime', 'nact', 'bare loop'],
        rows: [
          ['idle process (spawn)', n(z.idleN), formatBytes(idleH), formatBytes(idleN), formatBytes(idleB)],
          ['idle GenServer', n(z.idleN), formatBytes(idleGs), '–', '–'],
          ...(million === undefined
            ? []
            : [[`${n(z.millionN)} idle processes`, n(z.millionN), `${(million.heapUsedBytes / MIB).toFixed(0)} MiB heap`, '–', '–']]),
        ],
        notes: [
          'Hajime and nact include their process tables; the bare loop includes the array that holds the mailboxes',
          ...(million === undefined
            ? []
            : [`${n(z.millionN)} spawned in ${(million.spawnMs / 1000).toFixed(2)} s; ${formatBytes(million.bytesPerProcess)} per process`]),
        ],
      },
    ],
    targets,
    figures,
  };
}

export const actorScenario: Scenario = {
  name: 'actor',
  description: 'Hajime processes and GenServers vs nact (baseline) and a bare mailbox loop (limit): cast, call, spawn+exit, idle memory',
  requiredFigures: [
    'cast_per_s',
    'nact_cast_per_s',
    'bare_cast_per_s',
    'call_per_s',
    'nact_call_per_s',
    'spawn_exit_per_s',
    'bytes_per_idle_process',
  ],
  run,
};
