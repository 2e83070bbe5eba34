import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ActorSystem, GenServer, MemoryLogger, SimulatedClock, Supervisor } from '@hajime/actor';
import { loadConfig } from '../src/config.js';
import { startDemo } from '../src/demo.js';

interface TickerState {
  tick: number;
  restarts: number;
}

t.test('the supervised demo', async (t) => {
  t.test('crashes on schedule, is restarted by the root supervisor and resumes from its snapshot', async (t) => {
    const clock = new SimulatedClock();
    const logger = new MemoryLogger();
    const system = new ActorSystem({ clock, logger });
    const root = await startDemo(system, { tickIntervalMs: 100, crashEveryTicks: 3, reportEveryTicks: 1 });
    await clock.advance(300);
    let state = await GenServer.call<TickerState>('demo:ticker', 'state', {}, system);
    t.same(state, { ...state, tick: 3, restarts: 1 }, 'crashed at tick 3 and resumed at tick 3');
    t.equal(logger.reports('child_terminated').length, 1);
    t.match(logger.reports('child_terminated')[0], { supervisor: 'hajime:root', child: { id: 'ticker' } });
    await clock.advance(600);
    state = await GenServer.call<TickerState>('demo:ticker', 'state', {}, system);
    t.equal(state.tick, 9, 'never went back');
    t.equal(state.restarts, 3);
    t.same((await Supervisor.whichChildren(root, system)).map((c) => c.id), ['ticker']);
    await system.stop();
  });

  t.test('config is read from the environment and validated', async (t) => {
    t.same(loadConfig({}).demo, { tickIntervalMs: 1000, crashEveryTicks: 7, reportEveryTicks: 1 });
    t.equal(loadConfig({}).port, 8080);
    t.equal(loadConfig({}).demoTicker, false);
    t.equal(loadConfig({ HAJIME_DEMO: '1' }).demoTicker, true);
    t.same(loadConfig({ HAJIME_CORS_ORIGINS: 'https://a.example, https://b.example' }).corsOrigins, ['https://a.example', 'https://b.example']);
    t.throws(() => loadConfig({ PORT: '70000' }), /PORT/);
    t.throws(() => loadConfig({ HAJIME_GUEST_PEPPER: 'short' }), /HAJIME_GUEST_PEPPER/);
    t.throws(() => loadConfig({ HAJIME_DEV: 'maybe' }), /HAJIME_DEV/);
    t.equal(loadConfig({}).dataDir, './data');
    t.equal(loadConfig({}).databaseUrl, undefined);
    t.equal(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).databaseUrl, 'postgres://u@h/db');
    t.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
    t.equal(loadConfig({ HAJIME_DEMO_TICK_MS: '50', HAJIME_LOG_LEVEL: 'warn' }).demo.tickIntervalMs, 50);
    t.throws(() => loadConfig({ HAJIME_DEMO_TICK_MS: 'fast' }), /HAJIME_DEMO_TICK_MS/);
    t.throws(() => loadConfig({ HAJIME_LOG_LEVEL: 'loud' }), /HAJIME_LOG_LEVEL/);
  });

  t.test('the release runs on the embedded database, shows supervisor reports, stops cleanly and resumes after a restart', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hajime-demo-'));
    t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await runRelease(dataDir, 2);
    t.equal(first.code, 0, 'exits 0 after SIGTERM');
    const reports = first.lines.filter((l) => l['report'] === 'child_terminated');
    t.ok(reports.length >= 2, 'a child_terminated report per crash');
    t.match(reports[0], { level: 'error', supervisor: 'hajime:root', child: { id: 'ticker', restart: 'permanent' } });
    const started = first.lines.find((l) => l['event'] === 'started');
    t.match(started, { storage: 'pglite', ready: true, address: /^http:\/\/127\.0\.0\.1:\d+$/ });
    t.equal(await first.ready, 200, 'GET /ready answers 200 on the listening server');
    const resumed = first.lines.filter((l) => l['event'] === 'resumed').map((l) => l['tick']);
    t.same(resumed.slice(0, 2), [4, 8], 'each restart resumes at the tick it crashed on');
    t.ok(first.lines.some((l) => l['event'] === 'stopped'));
    const lastTick = Math.max(...first.lines.filter((l) => l['event'] === 'tick').map((l) => l['tick'] as number));

    const second = await runRelease(dataDir, 1);
    t.equal(second.code, 0);
    const resumedAt = second.lines.find((l) => l['event'] === 'resumed')?.['tick'] as number;
    t.ok(resumedAt >= lastTick, `a new process resumes from the snapshot in the database (tick ${resumedAt} ≥ ${lastTick})`);
  });
});

/** Runs `node dist/src/main.js` until it has logged `resumes` resumed events, then sends SIGTERM. */
async function runRelease(dataDir: string, resumes: number): Promise<{ code: number | null; lines: Record<string, unknown>[]; ready: Promise<number> | undefined }> {
  let ready: Promise<number> | undefined;
  const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'main.js');
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, DATABASE_URL: '', HAJIME_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', HAJIME_DEMO: '1', HAJIME_DEMO_TICK_MS: '20', HAJIME_DEMO_CRASH_EVERY: '4', HAJIME_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let buffer = '';
  const enough = new Promise<void>((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let i;
      while ((i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          lines.push(entry);
          // The HTTP server answers as soon as it says it is listening.
          if (entry['event'] === 'started') ready = fetch(`${String(entry['address'])}/ready`).then((r) => r.status);
        } catch {
          lines.push({ raw: line });
        }
        if (lines.some((l) => l['event'] === 'started') && lines.filter((l) => l['event'] === 'resumed').length >= resumes) resolve();
      }
    });
    child.on('exit', () => resolve());
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await enough;
  const readyStatus = ready === undefined ? undefined : await ready;
  child.kill('SIGTERM');
  const code = await exit;
  clearTimeout(killer);
  return { code, lines, ready: readyStatus === undefined ? undefined : Promise.resolve(readyStatus) };
}
