/**
 * Reload latency end to end: a real server (`createServer` + `createGamePlugin` with the Lua modes of a
 * scratch copy of the benchmark game, hot reload on with its default watcher), one WebSocket client in a
 * running match reading `match.state`. Each round rewrites `match.lua` with a new `VERSION` and times from
 * just before the write until the first `match.state` whose `v` is the new version.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModeRegistry, createLuaModes } from '@hajime/game';
import { createGamePlugin, createServer } from '@hajime/server';
import { Storage } from '@hajime/storage';
import { WebSocket } from 'ws';
import { GAME_DIR } from './game.js';

export interface ReloadResult {
  /** ms from the write to the first `match.state` showing it, one per round. */
  readonly samplesMs: readonly number[];
  /** ms from the write to the reloader's `reloaded` event (the new code in the match's engine), one per round. */
  readonly appliedMs: readonly number[];
  readonly tickMs: number;
  readonly debounceMs: number;
  readonly pollIntervalMs: number;
}

interface Frame {
  readonly type?: string;
  readonly payload?: Record<string, unknown>;
}

const VERSION_LINE = /^VERSION = \d+$/m;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureReload(rounds: number): Promise<ReloadResult> {
  const dir = await mkdtemp(join(tmpdir(), 'hajime-lua-bench-'));
  const source = await readFile(join(GAME_DIR, 'match.lua'), 'utf8');
  if (!VERSION_LINE.test(source)) throw new Error('match.lua has no "VERSION = <n>" line');
  const file = join(dir, 'match.lua');
  await writeFile(file, source);
  const lua = await createLuaModes(dir, {});
  const registry = new ModeRegistry(lua.modes);
  lua.reloader.on((ev) => {
    if (ev.type === 'mode_config') registry.set(ev.mode, ev.config);
  });
  const failures: string[] = [];
  let reloadedAt = Number.NaN;
  lua.reloader.on((ev) => {
    if (ev.type === 'reload_failed') failures.push(`${ev.where ?? ev.file}: ${ev.message}`);
    if (ev.type === 'reloaded' && Number.isNaN(reloadedAt)) reloadedAt = performance.now();
  });
  const storage = await Storage.open({ dataDir: null });
  const server = await createServer({ storage, logger: false }, { plugins: [createGamePlugin({ modes: registry })] });
  let ws: WebSocket | undefined;
  try {
    const http = await server.listen({ port: 0, host: '127.0.0.1' });
    const player = await storage.players.create({ username: `lua_reload_${randomBytes(4).toString('hex')}` });
    const { access_token } = await server.context.auth.issuePair(player.id);
    const socket = new WebSocket(`${http.replace(/^http/, 'ws')}/ws`);
    ws = socket;
    let waiting: { version: number; resolve: () => void } | undefined;
    let seen = 0;
    socket.on('message', (data) => {
      const f = JSON.parse(String(data)) as Frame;
      if (f.type === 'session.connected') socket.send(JSON.stringify({ type: 'match.find_or_create', cid: 'join', payload: { mode: 'default' } }));
      if (f.type === 'error' || f.type === 'match.join_refused') failures.push(`server: ${String(data).slice(0, 300)}`);
      if (f.type !== 'match.state') return;
      const p = f.payload ?? {};
      const v = p['v'] ?? (p['state'] as Record<string, unknown> | undefined)?.['v'];
      if (typeof v === 'number') seen = v;
      if (waiting !== undefined && v === waiting.version) waiting.resolve();
    });
    const until = (version: number, timeoutMs: number): Promise<void> =>
      new Promise((resolve, reject) => {
        if (seen === version) return resolve();
        const timer = setTimeout(() => reject(new Error(`no match.state with v = ${version} within ${timeoutMs} ms (saw ${seen}) ${failures.join('; ')}`)), timeoutMs);
        waiting = {
          version,
          resolve: () => {
            clearTimeout(timer);
            waiting = undefined;
            resolve();
          },
        };
      });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.send(JSON.stringify({ type: 'session.connect', cid: 'connect', payload: { token: access_token } }));
    await until(1, 10_000);
    const samplesMs: number[] = [];
    const appliedMs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const version = r + 2;
      // between rounds: past the poll interval's stat, so each write is its own change; the extra
      // r/rounds of a tick moves each write to a different point of the tick, so the rounds sample the
      // wait for the next match.state evenly instead of all at one phase
      await sleep((r === 0 ? 150 : 700) + Math.round((r * 100) / rounds));
      reloadedAt = Number.NaN;
      const t0 = performance.now();
      const seenIt = until(version, 10_000);
      await writeFile(file, source.replace(VERSION_LINE, `VERSION = ${version}`));
      await seenIt;
      samplesMs.push(performance.now() - t0);
      appliedMs.push(reloadedAt - t0);
    }
    return { samplesMs, appliedMs, tickMs: 100, debounceMs: 50, pollIntervalMs: 500 };
  } finally {
    ws?.terminate();
    await server.close();
    await storage.close();
    lua.close();
    await rm(dir, { recursive: true, force: true });
  }
}
