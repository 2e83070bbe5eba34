// The reference release's game settings: HAJIME_GAME_DIR / HAJIME_LUA_RELOAD / HAJIME_DEMO_PAGE, the
// generated guest pepper, and loading a Lua game folder into a mode registry that follows saves.
import t from 'tap';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryLogger } from '@hajime/actor';
import { isLuaLoadError } from '@hajime/game';
import { loadConfig } from '../src/config.js';
import { DEMO_DIR, guestPepper, loadGame } from '../src/game.js';

t.test('game settings from the environment', async (t) => {
  const d = loadConfig({});
  t.equal(d.gameDir, undefined, 'default: the built-in demo');
  t.equal(d.demoPage, true);
  t.equal(d.luaReload, true);
  const own = loadConfig({ HAJIME_GAME_DIR: '/srv/game', HAJIME_LUA_RELOAD: '0' });
  t.equal(own.gameDir, '/srv/game');
  t.equal(own.demoPage, false, 'your own game: no demo page unless asked');
  t.equal(own.luaReload, false);
  t.equal(loadConfig({ HAJIME_GAME_DIR: '/srv/game', HAJIME_DEMO_PAGE: '1' }).demoPage, true);
  t.equal(loadConfig({ HAJIME_GAME_DIR: 'none' }).gameDir, null);
  t.throws(() => loadConfig({ HAJIME_LUA_RELOAD: 'maybe' }), /HAJIME_LUA_RELOAD/);
  t.equal(d.luaExactMemory, false, 'the heap-count cap by default');
  t.equal(loadConfig({ HAJIME_LUA_EXACT_MEMORY: '1' }).luaExactMemory, true);
  t.equal(d.luaWorkers, 0, 'engines in the main thread by default');
  t.equal(loadConfig({ HAJIME_LUA_WORKERS: '2' }).luaWorkers, 2);
  t.throws(() => loadConfig({ HAJIME_LUA_WORKERS: '-1' }), /HAJIME_LUA_WORKERS/);
});

t.test('guestPepper: the configured one, else one generated once and kept', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hajime-pepper-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  t.equal(await guestPepper('x'.repeat(40), dir), 'x'.repeat(40));
  const data = join(dir, 'data');
  const a = await guestPepper(undefined, data);
  t.ok(Buffer.byteLength(a) >= 32);
  t.equal(await guestPepper(undefined, data), a, 'stable across restarts');
  t.equal((await stat(join(data, 'guest-pepper'))).mode & 0o777, 0o600, 'owner-readable only');
  t.equal((await readFile(join(data, 'guest-pepper'), 'utf8')).trim(), a);
});

t.test('loadGame: the demo loads; the registry follows a saved shape; a broken script names file:line', async (t) => {
  const logger = new MemoryLogger();
  const demo = await loadGame(join(DEMO_DIR, 'lua'), { reload: false, logger });
  t.teardown(() => demo.lua.close());
  t.same(demo.modes.names(), ['default']);
  t.match(demo.modes.get('default'), { matchSize: 1, maxPlayers: 32, quickPlay: true, listed: true, tickMs: 50 });

  const dir = await mkdtemp(join(tmpdir(), 'hajime-game-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const script = (size: number) => `match_size = ${size}\nquick_play = true\nfunction init() return {} end\nfunction join(p, s) return s end\nfunction leave(p, s) return s end\nfunction handle_input(p, i, s) return s end\nfunction tick(s) return s end\nfunction get_state(p, s) return {} end\n`;
  await writeFile(join(dir, 'match.lua'), script(2));
  const game = await loadGame(dir, { reload: true, logger });
  t.teardown(() => game.lua.close());
  t.equal(game.modes.get('default')?.matchSize, 2);
  await writeFile(join(dir, 'match.lua'), script(4));
  game.lua.reloader.reload(['match.lua']);
  t.equal(game.modes.get('default')?.matchSize, 4, 'a saved shape reaches the registry (new matches)');

  await writeFile(join(dir, 'match.lua'), 'match_size = 2\nfunction init( return {} end\n');
  const broken = await loadGame(dir, { reload: false, logger }).catch((e: unknown) => e);
  t.ok(isLuaLoadError(broken), 'a broken script is a load error');
  t.match((broken as Error).message, /match\.lua:2/, 'naming file:line');
});
