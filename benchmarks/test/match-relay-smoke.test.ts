/**
 * The `match-relay` scenario in smoke mode, through the real runner as a child process: three servers
 * (bare ws, Colyseus, Hajime) in child processes, 256 clients each on loopback, no network beyond it. The
 * last stdout line must carry the figures the issue names as finite numbers (positive, but for RSS growth,
 * see below), and the ones with a known scale must be in it (the 20 Hz tick as clients see it, a latency
 * no shorter than a tick allows, a few KB of heap per client).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { SCENARIOS } from '../scenarios.js';

const RUNNER = fileURLToPath(new URL('../run.js', import.meta.url));

/** The JSON keys the issue requires, spelled out so a renamed key fails here. */
const ISSUE_FIGURES = ['cpu_us_per_input', 'colyseus_cpu_us_per_input', 'bare_cpu_us_per_input', 'kb_per_client', 'colyseus_kb_per_client', 'bare_kb_per_client', 'p99_ms', 'tick_ms'];
/**
 * RSS growth per client at the smoke size (256 clients, a few MB) moves by as much for other reasons
 * (allocator and V8 page pools, code freed late) and can come out ≤ 0: those keys must be there and finite;
 * the heap growth per client, which is steady, stands in for them as a positive figure.
 */
const RSS_FIGURES = new Set(['kb_per_client', 'colyseus_kb_per_client', 'bare_kb_per_client']);
const REQUIRED = [...ISSUE_FIGURES.filter((k) => !RSS_FIGURES.has(k)), 'heap_kb_per_client', 'colyseus_heap_kb_per_client', 'bare_heap_kb_per_client'];

function runSmoke(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--enable-source-maps', RUNNER, 'match-relay', '--smoke'],
      { timeout: 120_000, maxBuffer: 16 * 2 ** 20, env: { ...process.env, MATCH_RELAY_SERVERS: '', MATCH_RELAY_LOADS: '' } },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr }),
    );
  });
}

t.test('match-relay is registered with the figures the issue names', async (t) => {
  const scenario = SCENARIOS.find((s) => s.name === 'match-relay');
  t.ok(scenario, 'registered');
  t.same([...(scenario?.requiredFigures ?? [])].sort(), [...REQUIRED].sort(), 'requires the issue figures (heap growth standing in for RSS growth)');
});

t.test('benchmarks/run.js match-relay --smoke ends with the figures as sane positive numbers', async (t) => {
  const { code, stdout, stderr } = await runSmoke();
  t.equal(code, 0, `exits 0${code === 0 ? '' : `; stderr (end):\n${stderr.slice(-3_000)}`}`);
  t.match(stdout, /^machine: .+cores.+Node v\d+/m, 'states the machine');
  t.match(stdout, /^256 clients, rooms of 8, 20 Hz tick/m, 'prints the table of its load');
  for (const server of ['bare ws', 'Colyseus 0.18', 'Hajime']) t.match(stdout, new RegExp(`^figure .*${server}`, 'm'), `the table has a ${server} column`);
  let json: Record<string, unknown> = {};
  t.doesNotThrow(() => (json = JSON.parse(stdout.trimEnd().split('\n').at(-1) ?? '') as Record<string, unknown>), 'the last line is JSON');
  t.equal(json['scenario'], 'match-relay');
  t.equal(json['smoke'], true);
  t.equal(json['clients'], 256, 'read at the smoke load');
  for (const key of ISSUE_FIGURES) {
    const v = json[key];
    if (RSS_FIGURES.has(key)) t.ok(typeof v === 'number' && Number.isFinite(v), `${key} is a finite number (got ${String(v)})`);
    else t.ok(typeof v === 'number' && Number.isFinite(v) && v > 0, `${key} is a finite positive number (got ${String(v)})`);
  }
  for (const prefix of ['', 'colyseus_', 'bare_']) {
    const heap = json[`${prefix}heap_kb_per_client`];
    t.ok(typeof heap === 'number' && heap > 1 && heap < 100, `${prefix}heap_kb_per_client is a few KB (got ${String(heap)})`);
  }
  for (const prefix of ['', 'colyseus_', 'bare_']) {
    const tick = json[`${prefix}tick_ms`] as number;
    t.ok(tick > 40 && tick < 200, `${prefix}tick_ms is about the 50 ms tick (got ${tick})`);
    const p99 = json[`${prefix}p99_ms`] as number;
    const p50 = json[`${prefix}p50_ms`] as number;
    t.ok(p50 > 0 && p99 >= p50, `${prefix}p99_ms ≥ ${prefix}p50_ms > 0 (got ${p50}, ${p99})`);
    t.ok(p99 > 10, `${prefix}p99_ms reflects waiting for a 20 Hz tick (got ${p99})`);
  }
});
