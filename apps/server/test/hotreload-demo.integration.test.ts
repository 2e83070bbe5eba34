// The hot-reload demo end to end in a real browser (Debian's chromium driven by playwright-core): `npm
// start`'s server (apps/server, embedded database) serves the page at `/`; the page signs in as a guest,
// joins the match and renders match.state; keys move the player's square; saving match.lua with another
// colour changes what the page shows, over the same WebSocket (never reopened).
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const MAIN = join(here, '..', 'src', 'main.js');
const DEMO = join(here, '..', '..', '..', '..', 'examples', 'hotreload-demo');
const CHROMIUM = process.env['HAJIME_CHROMIUM'] ?? '/usr/bin/chromium';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startApp(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: '', NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${out}`);
    try {
      if ((await fetch(`${url}/ready`)).ok) return { child, url, log: () => out };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not become ready: ${out}`);
}

t.test('the hot-reload demo in a browser', { skip: existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM} (npm test installs Debian's chromium when it can)` }, async (t) => {
  const { chromium } = await import('playwright-core');
  const work = await mkdtemp(join(tmpdir(), 'hajime-demo-'));
  t.teardown(() => rm(work, { recursive: true, force: true }));
  await cp(join(DEMO, 'lua'), join(work, 'lua'), { recursive: true });
  const script = join(work, 'lua', 'match.lua');
  const app = await startApp({ HAJIME_DATA_DIR: join(work, 'data'), HAJIME_GAME_DIR: join(work, 'lua'), HAJIME_DEMO_PAGE: '1' });
  t.teardown(() => void app.child.kill('SIGTERM'));

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  const sockets: string[] = [];
  page.on('websocket', (ws) => void sockets.push(ws.url()));
  await page.goto(app.url);
  await page.waitForFunction(() => (globalThis as unknown as { demo: { joined: boolean; states: number } }).demo.states > 2, undefined, { timeout: 15_000 });
  type Demo = { playerId: string; state: { color: string; message: string; players: Record<string, { x: number; y: number }> }; sockets: number };
  const read = () => page.evaluate(() => (globalThis as unknown as { demo: Demo }).demo);
  const first = await read();
  t.equal(first.state.color, '#e4572e', 'the colour set at the top of match.lua');
  const x0 = first.state.players[first.playerId]!.x;

  // Hold D: the square moves right.
  await page.keyboard.down('d');
  await page.waitForFunction((x) => { const d = (globalThis as unknown as { demo: Demo }).demo; return d.state.players[d.playerId]!.x > x + 20; }, x0, { timeout: 5_000 });
  await page.keyboard.up('d');
  t.ok((await read()).state.players[first.playerId]!.x > x0 + 20, 'pressing D moved the square');

  // Save match.lua with another colour: the page shows it without reconnecting.
  const source = await readFile(script, 'utf8');
  const edited = source.replace('COLOR = "#e4572e"', 'COLOR = "#2e86e4"');
  t.not(edited, source, 'the demo script has the COLOR line the README names');
  const saved = Date.now();
  await writeFile(script, edited);
  await page.waitForFunction(() => (globalThis as unknown as { demo: Demo }).demo.state.color === '#2e86e4', undefined, { timeout: 5_000 });
  t.pass(`the new colour reached the page ${Date.now() - saved} ms after the save`);
  const after = await read();
  t.equal(after.sockets, 1, 'the page opened one WebSocket');
  t.equal(sockets.length, 1, 'and the browser saw only that one');
  t.equal(after.playerId, first.playerId, 'same player');
  t.ok(after.state.players[first.playerId], 'still in the match');
  const pixel = await page.evaluate(() => {
    const d = (globalThis as unknown as { demo: Demo }).demo;
    const p = d.state.players[d.playerId]!;
    // In the page: the canvas pixel in the middle of our square.
    type Canvas = { getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const canvas = (globalThis as unknown as { document: { getElementById(id: string): Canvas } }).document.getElementById('game');
    const c = canvas.getContext('2d').getImageData(p.x + 10, p.y + 10, 1, 1).data;
    return [c[0], c[1], c[2]];
  });
  t.same(pixel, [0x2e, 0x86, 0xe4], 'the canvas draws the square in the new colour');
});
