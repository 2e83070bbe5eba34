/**
 * Every registered benchmark scenario runs end to end in smoke mode, through the real runner as a child
 * process, and its last stdout line is one JSON object carrying every required figure as a finite,
 * positive number. Benchmarks are programs, not tests: this only proves they run and report.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { SCENARIOS } from '../scenarios.js';

const RUNNER = fileURLToPath(new URL('../run.js', import.meta.url));

/** The figures the issue requires of the `actor` scenario, spelled out so a renamed key fails here. */
const ACTOR_FIGURES = ['cast_per_s', 'nact_cast_per_s', 'bare_cast_per_s', 'call_per_s', 'nact_call_per_s', 'spawn_exit_per_s', 'bytes_per_idle_process'];
/** The figures the issue requires of the `ws-heartbeat` scenario. */
const WS_HEARTBEAT_FIGURES = ['msgs_per_s', 'bare_msgs_per_s', 'p50_ms', 'p99_ms', 'bare_p99_ms', 'bytes_per_conn', 'cpu_us_per_msg'];
/** The figures the issue requires of the `rest` scenario. */
const REST_FIGURES = ['req_per_s', 'raw_query_per_s', 'p50_ms', 'p99_ms'];

function runSmoke(name: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--enable-source-maps', RUNNER, name, '--smoke'],
      { timeout: 60_000, maxBuffer: 16 * 2 ** 20 },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr }),
    );
  });
}

t.test('benchmarks/run.js <scenario> --smoke', async (t) => {
  t.ok(SCENARIOS.length > 0, 'at least one scenario is registered');
  t.same(
    [...(SCENARIOS.find((s) => s.name === 'actor')?.requiredFigures ?? [])].sort(),
    [...ACTOR_FIGURES].sort(),
    'the actor scenario requires the figures the issue names',
  );
  t.same(
    [...(SCENARIOS.find((s) => s.name === 'ws-heartbeat')?.requiredFigures ?? [])].sort(),
    [...WS_HEARTBEAT_FIGURES].sort(),
    'the ws-heartbeat scenario requires the figures the issue names',
  );
  t.same(
    [...(SCENARIOS.find((s) => s.name === 'rest')?.requiredFigures ?? [])].sort(),
    [...REST_FIGURES].sort(),
    'the rest scenario requires the figures the issue names',
  );
  for (const scenario of SCENARIOS) {
    await t.test(`${scenario.name}: runs and ends with a JSON line of finite positive figures`, async (t) => {
      const { code, stdout, stderr } = await runSmoke(scenario.name);
      t.equal(code, 0, `exits 0${code === 0 ? '' : `; stderr:\n${stderr}`}`);
      const lines = stdout.trimEnd().split('\n');
      t.match(stdout, /^machine: .+cores.+Node v\d+/m, 'states the machine');
      let json: Record<string, unknown> = {};
      t.doesNotThrow(() => (json = JSON.parse(lines.at(-1) ?? '') as Record<string, unknown>), 'the last line is JSON');
      t.equal(json['scenario'], scenario.name, 'names the scenario');
      t.equal(json['smoke'], true, 'says it was a smoke run');
      for (const key of scenario.requiredFigures) {
        const v = json[key];
        t.ok(typeof v === 'number' && Number.isFinite(v) && v > 0, `${key} is a finite positive number (got ${String(v)})`);
      }
    });
  }
});

t.test('benchmarks/run.js rejects an unknown scenario with usage and exit code 2', async (t) => {
  const { code, stdout, stderr } = await runSmoke('no-such-scenario');
  t.equal(code, 2, 'exits 2');
  t.equal(stdout, '', 'prints nothing on stdout');
  t.match(stderr, /no scenario named "no-such-scenario"/, 'says why on stderr');
  t.match(stderr, /^ {2}actor /m, 'and lists the scenarios');
});
