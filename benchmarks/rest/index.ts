/**
 * The `rest` scenario: autocannon against Hajime's authenticated REST reads (`GET /api/v1/friends`,
 * `/wallets`, `/players/:id`, `/matches`, rotated per request over seeded players and their tokens) with
 * 100 connections, on a real Postgres (a throwaway schema at `DATABASE_URL`, dropped at the end; embedded
 * PGlite when Postgres is unreachable, and the output says so). The server runs with its default options
 * (request logging included) but for a raised rate limit. In the same run, the limit: the same SQL the
 * repositories run (players.get, social.listFriends, economy.wallets, matches.list), issued directly
 * through postgres.js by 100 closed-loop workers for the same duration and pool size.
 *
 * Targets (from the issue): ≥ 0.5× the raw query throughput; p99 ≤ 50 ms.
 */
import autocannon from 'autocannon';
import type { RunOptions, Scenario, ScenarioReport, TargetCheck } from '../lib/scenario.js';
import { collectGarbage } from '../lib/gc.js';
import { median } from '../lib/sampling.js';
import { formatRate, formatRatio } from '../lib/table.js';
import type { RawResult } from './ipc.js';
import { RestServerProcess } from './server-process-handle.js';

interface Sizes {
  /** autocannon connections and raw workers. */
  readonly connections: number;
  readonly players: number;
  /** Accepted friendships each player starts (each adds a row in both directions). */
  readonly friendsPerPlayer: number;
  /** Finished match records (`GET /matches` answers the newest 50). */
  readonly matches: number;
  readonly warmupSeconds: number;
  readonly runSeconds: number;
  readonly runs: number;
}

const FULL: Sizes = { connections: 100, players: 1_000, friendsPerPlayer: 5, matches: 500, warmupSeconds: 3, runSeconds: 8, runs: 3 };
const SMOKE: Sizes = { connections: 10, players: 30, friendsPerPlayer: 2, matches: 60, warmupSeconds: 0.5, runSeconds: 1, runs: 1 };

const TARGET_VS_RAW = 0.5;
const TARGET_P99_MS = 50;

const ROUTES = ['/friends', '/wallets', '/players/:id', '/matches'] as const;

const n = (count: number): string => count.toLocaleString('en-US');
const ms = (x: number): string => `${x.toFixed(2)} ms`;
const round = (x: number, digits = 0): number => Math.round(x * 10 ** digits) / 10 ** digits;

interface HttpRun {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly requests: number;
  /** Server child CPU µs per request, and as a share of one core. */
  readonly cpuPerReq: number;
  readonly serverCore: number;
}

/** One autocannon run: every request takes the next route of the rotation and a player's token. */
async function httpRun(server: RestServerProcess, ids: readonly string[], tokens: readonly string[], connections: number, seconds: number): Promise<HttpRun> {
  const base = server.hello.url;
  let k = 0;
  const cpu0 = await server.cpu();
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => {
          const i = k++;
          const p = (i * 7919) % ids.length;
          const route = i % 4;
          const path = route === 0 ? '/api/v1/friends' : route === 1 ? '/api/v1/wallets' : route === 2 ? `/api/v1/players/${ids[(p + 1) % ids.length]!}` : '/api/v1/matches';
          return { ...req, method: 'GET', path, headers: { authorization: `Bearer ${tokens[p]!}` } };
        },
      },
    ],
  });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    throw new Error(`autocannon: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx responses of ${result.requests.total}`);
  }
  const cpu = (await server.cpu()) - cpu0;
  const total = result['2xx'];
  return { rate: total / result.duration, p50: result.latency.p50, p99: result.latency.p99, p999: result.latency.p99_9, requests: total, cpuPerReq: cpu / total, serverCore: cpu / 1e6 / result.duration };
}

/** Every route answers 200 with the seeded rows before anything is timed. */
async function check(base: string, ids: readonly string[], tokens: readonly string[], friendsPerPlayer: number, matches: number): Promise<void> {
  const get = async (path: string): Promise<Record<string, unknown>> => {
    const res = await fetch(`${base}/api/v1${path}`, { headers: { authorization: `Bearer ${tokens[0]!}` } });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const friends = (await get('/friends'))['friends'] as unknown[];
  if (friends.length !== 2 * friendsPerPlayer) throw new Error(`GET /friends: ${friends.length} rows, expected ${2 * friendsPerPlayer}`);
  const wallets = (await get('/wallets'))['wallets'] as unknown[];
  if (wallets.length !== 2) throw new Error(`GET /wallets: ${wallets.length} rows, expected 2`);
  const player = await get(`/players/${ids[1]!}`);
  if (player['id'] !== ids[1]) throw new Error('GET /players/:id: wrong player');
  const page = (await get('/matches'))['matches'] as unknown[];
  if (page.length !== Math.min(50, matches)) throw new Error(`GET /matches: ${page.length} records, expected ${Math.min(50, matches)}`);
}

async function run({ smoke, progress }: RunOptions): Promise<ScenarioReport> {
  const z = smoke ? SMOKE : FULL;
  progress(`starting the server child: seeding ${n(z.players)} players, ${z.friendsPerPlayer} accepted friends and 2 wallets each, ${n(z.matches)} match records, tokens`);
  const server = await RestServerProcess.start(z.players, z.friendsPerPlayer, z.matches);
  try {
    const { url, playerIds, tokens, engine } = server.hello;
    if (engine === 'pglite') progress(`Postgres unreachable (${server.hello.fallbackReason ?? ''}); using the embedded database`);
    await check(url, playerIds, tokens, z.friendsPerPlayer, z.matches);

    const http: HttpRun[] = [];
    const raw: RawResult[] = [];
    const trialHttp = async (seconds: number): Promise<HttpRun> => {
      await server.gc();
      collectGarbage();
      return httpRun(server, playerIds, tokens, z.connections, seconds);
    };
    const trialRaw = async (seconds: number): Promise<RawResult> => {
      await server.gc();
      const r = await server.raw(seconds, z.connections);
      if (r.errors > 0) throw new Error(`raw baseline: ${r.errors} failed queries`);
      return r;
    };
    progress(`warm-up: ${z.warmupSeconds} s of each`);
    await trialHttp(z.warmupSeconds);
    await trialRaw(z.warmupSeconds);
    for (let r = 0; r < z.runs; r++) {
      progress(`run ${r + 1}/${z.runs}: ${z.runSeconds} s of HTTP (${z.connections} connections), ${z.runSeconds} s of raw queries (${z.connections} workers)`);
      if (r % 2 === 0) {
        http.push(await trialHttp(z.runSeconds));
        raw.push(await trialRaw(z.runSeconds));
      } else {
        raw.push(await trialRaw(z.runSeconds));
        http.push(await trialHttp(z.runSeconds));
      }
    }

    const reqPerS = median(http.map((h) => h.rate));
    const rawPerS = median(raw.map((q) => q.queries / (q.ms / 1000)));
    const p50 = median(http.map((h) => h.p50));
    const p99 = median(http.map((h) => h.p99));
    const worstP99 = Math.max(...http.map((h) => h.p99));
    const rawP50 = median(raw.map((q) => q.p50Ms));
    const rawP99 = median(raw.map((q) => q.p99Ms));
    const vsRaw = reqPerS / rawPerS;
    // autocannon reports whole milliseconds; a sub-millisecond percentile would read 0 (never positive).
    const positive = (x: number): number => Math.max(x, 0.001);

    const figures: Record<string, number> = {
      req_per_s: round(reqPerS),
      raw_query_per_s: round(rawPerS),
      req_vs_raw: round(vsRaw, 3),
      p50_ms: round(positive(p50), 3),
      p99_ms: round(positive(p99), 3),
      worst_p99_ms: round(positive(worstP99), 3),
      raw_p50_ms: round(positive(rawP50), 3),
      raw_p99_ms: round(positive(rawP99), 3),
      cpu_us_per_req: round(median(http.map((h) => h.cpuPerReq)), 1),
      connections: z.connections,
      players: z.players,
      postgres: engine === 'postgres' ? 1 : 0,
    };
    const targets: TargetCheck[] = [
      { target: `HTTP req/s ≥ ${TARGET_VS_RAW}× raw ${engine === 'postgres' ? 'postgres.js' : 'PGlite'} queries/s`, measured: `${formatRatio(vsRaw)} (${formatRate(reqPerS)} vs ${formatRate(rawPerS)})`, status: vsRaw >= TARGET_VS_RAW ? 'met' : 'missed' },
      { target: `p99 ≤ ${TARGET_P99_MS} ms at ${n(z.connections)} connections`, measured: `${ms(p99)} (worst run ${ms(worstP99)})`, status: p99 <= TARGET_P99_MS ? 'met' : 'missed' },
    ];
    if (engine === 'pglite') targets.push({ target: 'measured on a real Postgres', measured: 'no: embedded PGlite fallback', status: 'skipped' });

    const engineNote =
      engine === 'postgres'
        ? `database: Postgres; a throwaway schema, dropped at the end; pool of 10 connections for both (Storage's default)`
        : `database: EMBEDDED PGlite (fallback: Postgres unreachable: ${server.hello.fallbackReason ?? ''}); the raw baseline goes through the same PGlite driver`;
    return {
      tables: [
        {
          title: `REST reads vs raw queries (${n(z.connections)} connections / workers, ${z.runs} runs of ${z.runSeconds} s each)`,
          headers: ['figure', 'Hajime HTTP', engine === 'postgres' ? 'raw postgres.js' : 'raw SQL (PGlite)', 'Hajime ÷ raw'],
          rows: [
            ['requests or queries/s (median run)', formatRate(reqPerS), formatRate(rawPerS), formatRatio(vsRaw)],
            ['per run', http.map((h) => formatRate(h.rate)).join(' / '), raw.map((q) => formatRate(q.queries / (q.ms / 1000))).join(' / '), '–'],
            ['latency p50', ms(p50), ms(rawP50), formatRatio(positive(p50) / positive(rawP50))],
            ['latency p99', ms(p99), ms(rawP99), formatRatio(positive(p99) / positive(rawP99))],
            ['latency p99 (worst run)', ms(worstP99), ms(Math.max(...raw.map((q) => q.p99Ms))), '–'],
            ['latency p99.9 (median run)', ms(median(http.map((h) => h.p999))), '–', '–'],
            ['server child CPU per request (median run)', `${median(http.map((h) => h.cpuPerReq)).toFixed(1)} µs`, '–', '–'],
            ['server child CPU, share of one core (median run)', `${Math.round(median(http.map((h) => h.serverCore)) * 100)} %`, '–', '–'],
          ],
          notes: [
            `routes, rotated per request: GET /api/v1${ROUTES.join(', /api/v1')} (each authenticated with a Bearer token of one of ${n(z.players)} seeded players; /matches answers the newest 50 records)`,
            `raw: the repositories' SQL (listFriends outgoing LIMIT 50, wallets, players.get by id, match records newest first LIMIT 50) in the same rotation, ${n(z.connections)} closed-loop workers in the server child, prepared statements`,
            `seeded: ${n(z.players)} players, ${n(server.hello.friendships)} friendship rows (${2 * z.friendsPerPlayer} per player), ${n(server.hello.wallets)} wallets, ${n(server.hello.matches)} finished match records`,
            'server: createServer with its default options (logging at info, request lines at debug, pool of 10) but the rate limit; the game plugin (no modes) serves /matches',
            'HTTP: autocannon in the benchmark process, server in a child process; latencies are autocannon\'s (1 ms resolution); runs alternate HTTP and raw after a warm-up of each, full GC before each',
            `Hajime 'api' rate limit raised to 1,000,000,000 per second so this measures throughput, not limits`,
            engineNote,
            `server: ${server.hello.description}`,
          ],
        },
      ],
      targets,
      figures,
    };
  } finally {
    await server.close();
  }
}

export const restScenario: Scenario = {
  name: 'rest',
  description: 'autocannon on authenticated REST reads (/friends, /wallets, /players/:id, /matches) vs the same SQL through postgres.js (limit), 100 connections, Postgres',
  requiredFigures: ['req_per_s', 'raw_query_per_s', 'p50_ms', 'p99_ms'],
  run,
};
