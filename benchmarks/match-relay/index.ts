/**
 * The `match-relay` scenario: a realistic room workload on Hajime, on Colyseus 0.18 and on a bare `ws`
 * server with plain objects and JSON (the baseline), in one run on one machine. Rooms of 8 clients, a
 * 20 Hz server tick applying queued inputs and sending every player's position and last processed input
 * seq, each client sending 10 inputs/s. Each server runs in its own child process (forked with
 * `--expose-gc`, fresh for every load), the load generator in another.
 *
 * Per server and fixed load (400, 1,200, 2,000 clients): server CPU µs per input applied (over a steady
 * window), server RSS growth per client after a forced GC (baseline taken before the clients, after a
 * small warm-up), and input → state latency at about one recording client per room.
 *
 * Targets (from the issue, at 1,200 clients): server CPU per input ≤ 0.75× Colyseus's; RSS per client
 * ≤ the bare server's + 3 KB; p99 input → state ≤ the tick interval (50 ms) + 10 ms.
 */
import { fileURLToPath } from 'node:url';
import type { RunOptions, Scenario, ScenarioReport, Table, TargetCheck } from '../lib/scenario.js';
import { formatRate, formatRatio } from '../lib/table.js';
import { Child } from './child.js';
import { SERVER_KINDS, type Joined, type LoadWindow, type MemoryReading, type ServerKind, type ServerWindow } from './ipc.js';
import { ROOM_SIZE, TICK_MS } from './relay-server.js';

const SERVER_ENTRY = fileURLToPath(new URL('./server-process.js', import.meta.url));
const LOAD_ENTRY = fileURLToPath(new URL('./load-process.js', import.meta.url));

/**
 * Every server runs with V8's young generation fixed at its default maximum (16 MB semi-spaces, the size
 * it grows to under this load anyway), so the RSS growth is the clients' and not the young generation
 * growing from 1 MB with the allocation rate (about 16–28 MB here, more than the clients themselves).
 */
const SEMI_SPACE_MB = 16;
const SERVER_FLAGS = [`--min-semi-space-size=${SEMI_SPACE_MB}`, `--max-semi-space-size=${SEMI_SPACE_MB}`];

interface Sizes {
  /** Fixed loads, clients (multiples of 8). */
  readonly loads: readonly number[];
  /** The load the headline figures and targets are read at. */
  readonly headline: number;
  /** Warm-up clients (JIT, lazy state) run and closed before the memory baseline, and for how long. */
  readonly warmClients: number;
  readonly warmMs: number;
  /** After connecting and starting inputs, time before the measured window. */
  readonly settleMs: number;
  /** The measured window. */
  readonly windowMs: number;
}

const FULL: Sizes = { loads: [400, 1_200, 2_000], headline: 1_200, warmClients: 64, warmMs: 2_000, settleMs: 3_000, windowMs: 10_000 };
const SMOKE: Sizes = { loads: [256], headline: 256, warmClients: 16, warmMs: 1_000, settleMs: 500, windowMs: 1_500 };

const TARGET_CPU_VS_COLYSEUS = 0.75;
const TARGET_KB_OVER_BARE = 3;
const TARGET_P99_OVER_TICK_MS = 10;

const LABEL: Record<ServerKind, string> = { hajime: 'Hajime', colyseus: 'Colyseus 0.18', bare: 'bare ws' };
/** JSON key prefix per server: Hajime's figures are unprefixed. */
const PREFIX: Record<ServerKind, string> = { hajime: '', colyseus: 'colyseus_', bare: 'bare_' };

const n = (count: number): string => count.toLocaleString('en-US');
const ms = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : '–');
const us = (x: number): string => `${x.toFixed(2)} µs`;
const kb = (x: number): string => `${x.toFixed(2)} KB`;
const pct = (x: number): string => `${Math.round(x * 100)} %`;
const round = (x: number, digits = 0): number => Math.round(x * 10 ** digits) / 10 ** digits;
const sleep = (t: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, t));

/** What one server measured at one load. */
interface Measurement {
  readonly kind: ServerKind;
  readonly clients: number;
  readonly joined: Joined;
  readonly server: ServerWindow;
  readonly load: LoadWindow;
  readonly before: MemoryReading;
  readonly after: MemoryReading;
  readonly description: string;
}

const cpuPerInput = (m: Measurement): number => m.server.cpuUs / m.server.inputs;
const kbPerClient = (m: Measurement): number => (m.after.rss - m.before.rss) / m.clients / 1024;
const heapKbPerClient = (m: Measurement): number => (m.after.heapUsed + m.after.external - m.before.heapUsed - m.before.external) / m.clients / 1024;

/**
 * RSS per client without the one-time costs: the slope of a least-squares line through (clients, RSS
 * growth) over the loads. RSS growth ÷ clients also carries what a server pays once when load arrives
 * (compiled code, allocator arenas of GC and compiler threads), which weighs more at small loads.
 */
function marginalKbPerClient(ms: readonly Measurement[]): number {
  const xs = ms.map((m) => m.clients);
  const ys = ms.map((m) => (m.after.rss - m.before.rss) / 1024);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return num / den;
}

async function measure(kind: ServerKind, clients: number, z: Sizes, progress: (line: string) => void): Promise<Measurement> {
  const extra = (process.env['MATCH_RELAY_SERVER_FLAGS'] ?? '').split(' ').filter((f) => f !== '');
  const server = await Child.start(`${kind} server`, SERVER_ENTRY, [kind], [...SERVER_FLAGS, ...extra]);
  let load: Child | undefined;
  try {
    load = await Child.start('load generator', LOAD_ENTRY, []);
    const tokens = await server.request<string[]>('tokens', { count: z.warmClients + clients });
    // warm-up: a couple of rooms running for a moment, then closed, before the memory baseline
    await load.request<Joined>('connect', { kind, url: server.url, tokens: tokens.slice(0, z.warmClients) });
    await load.request('start-inputs');
    await sleep(z.warmMs);
    await load.request('disconnect');
    await sleep(500); // the server finishes closing them
    const before = await server.request<MemoryReading>('memory');

    const joined = await load.request<Joined>('connect', { kind, url: server.url, tokens: tokens.slice(z.warmClients) });
    if (joined.clients !== clients) throw new Error(`${kind}: ${joined.clients} of ${clients} clients joined`);
    await load.request('start-inputs');
    await sleep(z.settleMs);
    await server.request('gc');
    await Promise.all([server.request('window-start'), load.request('window-start')]);
    await sleep(z.windowMs);
    const [serverWindow, loadWindow] = await Promise.all([server.request<ServerWindow>('window-stop'), load.request<LoadWindow>('window-stop')]);
    const after = await server.request<MemoryReading>('memory');
    const m: Measurement = { kind, clients, joined, server: serverWindow, load: loadWindow, before, after, description: server.description };
    if (!(m.server.inputs > 0) || !(m.load.samples > 0)) throw new Error(`${kind} at ${clients} clients: ${m.server.inputs} inputs applied, ${m.load.samples} latency samples`);
    progress(
      `${LABEL[kind]} at ${n(clients)} clients (${joined.rooms} rooms): ${us(cpuPerInput(m))}/input, ${kb(kbPerClient(m))}/client RSS, p99 ${ms(loadWindow.p99Ms)}, ` +
        `server ${pct(serverWindow.cpuUs / 1000 / serverWindow.ms)} of a core, load ${pct(loadWindow.cpuUs / 1000 / loadWindow.ms)}`,
    );
    return m;
  } finally {
    await load?.close();
    await server.close();
  }
}

/** The loads: the sizes' own, or `MATCH_RELAY_LOADS=1200` (comma-separated) while developing. */
function loads(z: Sizes): Sizes {
  const only = process.env['MATCH_RELAY_LOADS'];
  if (only === undefined || only === '') return z;
  const list = only.split(',').map((x) => {
    const k = Number(x);
    if (!Number.isInteger(k) || k <= 0 || k % ROOM_SIZE !== 0) throw new Error(`MATCH_RELAY_LOADS: ${x} is not a positive multiple of ${ROOM_SIZE}`);
    return k;
  });
  return { ...z, loads: list, headline: list.includes(z.headline) ? z.headline : list[0]! };
}

/** The contenders, `MATCH_RELAY_SERVERS=bare,colyseus` to run a subset while developing. */
function kinds(): ServerKind[] {
  const only = process.env['MATCH_RELAY_SERVERS'];
  if (only === undefined || only === '') return [...SERVER_KINDS];
  return only.split(',').map((k) => {
    if (!(SERVER_KINDS as readonly string[]).includes(k)) throw new Error(`MATCH_RELAY_SERVERS: unknown server ${k}`);
    return k as ServerKind;
  });
}

async function run({ smoke, progress }: RunOptions): Promise<ScenarioReport> {
  const z = loads(smoke ? SMOKE : FULL);
  const contenders = kinds();
  const results: Measurement[] = [];
  for (const [i, clients] of z.loads.entries()) {
    progress(`${n(clients)} clients in rooms of ${ROOM_SIZE}, 10 inputs/s each: ${contenders.map((k) => LABEL[k]).join(', ')}`);
    for (let k = 0; k < contenders.length; k++) {
      const kind = contenders[(i + k) % contenders.length]!; // rotate who goes first
      results.push(await measure(kind, clients, z, progress));
    }
  }
  const at = (kind: ServerKind, clients: number): Measurement | undefined => results.find((m) => m.kind === kind && m.clients === clients);

  const figures: Record<string, number> = {};
  for (const m of results) {
    const p = PREFIX[m.kind];
    figures[`${p}cpu_us_per_input_${m.clients}`] = round(cpuPerInput(m), 2);
    figures[`${p}kb_per_client_${m.clients}`] = round(kbPerClient(m), 2);
    figures[`${p}p99_ms_${m.clients}`] = round(m.load.p99Ms, 2);
  }
  for (const kind of contenders) {
    const m = at(kind, z.headline)!;
    const p = PREFIX[kind];
    figures[`${p}cpu_us_per_input`] = round(cpuPerInput(m), 2);
    figures[`${p}kb_per_client`] = round(kbPerClient(m), 2);
    figures[`${p}heap_kb_per_client`] = round(heapKbPerClient(m), 2);
    figures[`${p}p99_ms`] = round(m.load.p99Ms, 2);
    figures[`${p}p50_ms`] = round(m.load.p50Ms, 2);
    figures[`${p}tick_ms`] = round(m.load.stateIntervalMs, 2);
  }
  figures['clients'] = z.headline;
  const marginal = new Map<ServerKind, number>();
  if (z.loads.length >= 2) {
    for (const kind of contenders) {
      const k = marginalKbPerClient(results.filter((m) => m.kind === kind));
      marginal.set(kind, k);
      figures[`${PREFIX[kind]}kb_per_client_marginal`] = round(k, 2);
    }
  }

  const targets: TargetCheck[] = [];
  const h = at('hajime', z.headline);
  const c = at('colyseus', z.headline);
  const b = at('bare', z.headline);
  if (h !== undefined && c !== undefined) {
    const ratio = cpuPerInput(h) / cpuPerInput(c);
    figures['cpu_vs_colyseus'] = round(ratio, 3);
    targets.push({
      target: `server CPU per input ≤ ${TARGET_CPU_VS_COLYSEUS}× Colyseus's (${n(z.headline)} clients)`,
      measured: `${formatRatio(ratio)} (${us(cpuPerInput(h))} vs ${us(cpuPerInput(c))})`,
      status: smoke ? 'skipped' : ratio <= TARGET_CPU_VS_COLYSEUS ? 'met' : 'missed',
    });
  }
  if (h !== undefined && b !== undefined) {
    const over = kbPerClient(h) - kbPerClient(b);
    targets.push({
      target: `RSS per client after GC ≤ bare ws + ${TARGET_KB_OVER_BARE} KB (${n(z.headline)} clients)`,
      measured: `${kb(kbPerClient(h))} vs ${kb(kbPerClient(b))} (${over >= 0 ? '+' : ''}${over.toFixed(2)} KB)`,
      status: smoke ? 'skipped' : over <= TARGET_KB_OVER_BARE ? 'met' : 'missed',
    });
  }
  if (h !== undefined) {
    targets.push({
      target: `p99 input → state ≤ tick (${TICK_MS} ms) + ${TARGET_P99_OVER_TICK_MS} ms (${n(z.headline)} clients)`,
      measured: ms(h.load.p99Ms),
      status: smoke ? 'skipped' : h.load.p99Ms <= TICK_MS + TARGET_P99_OVER_TICK_MS ? 'met' : 'missed',
    });
  }

  const described = new Set<ServerKind>();
  const descriptions = results.filter((m) => !described.has(m.kind) && described.add(m.kind)).map((m) => `${LABEL[m.kind]}: ${m.description}`);
  const tables: Table[] = [];
  if (marginal.size > 0) {
    tables.push({
      title: `RSS per client, marginal: slope of RSS growth over ${z.loads.map(n).join(' / ')} clients`,
      headers: ['figure', ...contenders.map((k) => LABEL[k])],
      rows: [['KB per additional client', ...contenders.map((k) => kb(marginal.get(k)!))]],
      notes: ['least-squares slope of (clients, RSS growth after GC): what one more client costs, without the one-time costs a server pays when load arrives'],
    });
  }
  tables.unshift(...z.loads.map((clients): Table => {
    const ms_ = contenders.map((k) => at(k, clients)!);
    const row = (label: string, f: (m: Measurement) => string): string[] => [label, ...ms_.map(f)];
    return {
      title: `${n(clients)} clients, rooms of ${ROOM_SIZE}, ${1000 / TICK_MS} Hz tick, 10 inputs/s per client`,
      headers: ['figure', ...contenders.map((k) => LABEL[k])],
      rows: [
        row('server CPU per input applied', (m) => us(cpuPerInput(m))),
        row('  of which system (kernel) time', (m) => us(m.server.sysUs / m.server.inputs)),
        row('RSS growth per client (after GC)', (m) => kb(kbPerClient(m))),
        row('heap + external growth per client', (m) => kb(heapKbPerClient(m))),
        row('heapTotal growth (MB)', (m) => ((m.after.heapTotal - m.before.heapTotal) / 2 ** 20).toFixed(1)),
        row('young generation growth (MB)', (m) => ((m.after.youngGeneration - m.before.youngGeneration) / 2 ** 20).toFixed(1)),
        row('RSS growth (MB)', (m) => ((m.after.rss - m.before.rss) / 2 ** 20).toFixed(1)),
        row('input → state p50', (m) => ms(m.load.p50Ms)),
        row('input → state p99', (m) => ms(m.load.p99Ms)),
        row('input → state max', (m) => ms(m.load.maxMs)),
        row('server event-loop delay, max in the window', (m) => ms(m.server.maxLoopDelayMs)),
        row('state interval at the client (mean)', (m) => ms(m.load.stateIntervalMs)),
        row('inputs applied/s (sent/s)', (m) => `${formatRate(m.server.inputs / (m.server.ms / 1000))} (${formatRate(m.load.inputsSent / (m.load.ms / 1000))})`),
        row('rooms / recording clients', (m) => `${m.joined.rooms} / ${m.joined.recorders}`),
        row('latency samples', (m) => n(m.load.samples)),
        row('joins/s (connect + auth + join)', (m) => formatRate(m.joined.joinPerS)),
        row('server CPU (share of one core)', (m) => pct(m.server.cpuUs / 1000 / m.server.ms)),
        row('load generator CPU (share of one core)', (m) => pct(m.load.cpuUs / 1000 / m.load.ms)),
      ],
      notes: [
        `each server in a fresh child process (--expose-gc); ${z.warmClients} warm-up clients for ${z.warmMs / 1000} s, closed; memory baseline (RSS after a full GC); ${n(clients)} clients join; inputs start; ${z.settleMs / 1000} s settle; ${z.windowMs / 1000} s measured window; memory again with the clients connected`,
        'CPU per input: process.cpuUsage() (user + system) of the server child over the window ÷ inputs the game applied in it',
        'latency: about one client per room (the first to join it) decodes states; input sent → first state whose seq for that player is ≥ it; the others drop frames unread',
        ...(clients === z.loads.at(-1) ? descriptions : []),
      ],
    };
  }));
  return { tables, targets, figures };
}

export const matchRelayScenario: Scenario = {
  name: 'match-relay',
  description: 'rooms of 8 at 20 Hz, 10 inputs/s per client: Hajime vs Colyseus 0.18 vs a bare ws server; CPU per input, RSS per client, input → state p99',
  // Always in the JSON line as well: kb_per_client, colyseus_kb_per_client, bare_kb_per_client (RSS growth
  // per client). Not required to be positive: at smoke sizes (256 clients, a few MB) RSS moves by as much
  // for reasons that are not the clients (allocator and V8 page pools, code freed late), either way.
  requiredFigures: ['cpu_us_per_input', 'colyseus_cpu_us_per_input', 'bare_cpu_us_per_input', 'heap_kb_per_client', 'colyseus_heap_kb_per_client', 'bare_heap_kb_per_client', 'p99_ms', 'tick_ms'],
  run,
};
