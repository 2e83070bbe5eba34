import t from 'tap';
import { LuaRuntime } from '../src/runtime.js';
import { LuaGame, type LuaGameEvent } from '../src/lua-game.js';
import { isLuaLoadError } from '../src/errors.js';
import { gameDir, matchScript } from './helpers/tmp.js';

const rt = await LuaRuntime.create();
t.teardown(() => rt.close());

async function open(t: { teardown(fn: () => void): void }, files: Record<string, string>, reload = true) {
  const g = gameDir(t, files);
  const game = await LuaGame.open(g.dir, { runtime: rt, reload, watch: { fsWatch: false, pollIntervalMs: 0 } });
  t.teardown(() => game.close());
  const events: LuaGameEvent[] = [];
  game.on((ev) => events.push(ev));
  return { ...g, game, events };
}

t.test('LuaGame.reload: a changed function is used by running engines; globals state kept; body re-run, init not', async (t) => {
  const { game, write, events } = await open(t, { 'match.lua': matchScript('function score(s) return s.ticks * 1 end\ncounter = (counter or 0) + 1') });
  const e = game.createEngine('default');
  t.same(e.call('init', [{}]), { ok: true, value: [{ players: {}, ticks: 0 }] });
  t.same(e.call('score', [{ ticks: 5 }]), { ok: true, value: [5] });
  write('match.lua', matchScript('function score(s) return s.ticks * 10 end\ncounter = (counter or 0) + 1'));
  game.reload(['match.lua']);
  t.same(e.call('score', [{ ticks: 5 }]), { ok: true, value: [50] }, 'the new function runs');
  t.same(e.read('counter'), { ok: true, value: 2 }, 'the body ran again in the same engine: globals kept and updated');
  t.same(events.map((ev) => ev.type), ['reloaded']);
  t.same(events[0], { type: 'reloaded', mode: 'default', file: 'match.lua', engines: 1 });
  t.equal(game.modes['default']?.source.includes('* 10'), true, 'new engines get the new source');
  const e2 = game.createEngine('default');
  t.same(e2.call('score', [{ ticks: 1 }]), { ok: true, value: [10] });
  t.equal(game.enginesOf('default'), 2);
  game.releaseEngine(e2);
  t.equal(game.enginesOf('default'), 1);
});

t.test('LuaGame.reload: a syntax or runtime error keeps the old code and reports file:line', async (t) => {
  const { game, write, events } = await open(t, { 'match.lua': matchScript('function v() return 1 end') });
  const e = game.createEngine('default');
  write('match.lua', matchScript('function v() return 2 end\nfunction broken(') );
  game.reload(['match.lua']);
  t.same(e.call('v', []), { ok: true, value: [1] }, 'old code still runs');
  t.equal(events[0]?.type, 'reload_failed');
  t.match(events[0], { type: 'reload_failed', mode: 'default', file: 'match.lua', code: 'LUA_ERR_SCRIPT', where: 'match.lua:9' });
  write('match.lua', matchScript('function v() return 3 end\nerror("nope")'));
  game.reload(['match.lua']);
  t.same(e.call('v', []), { ok: true, value: [1] });
  t.match(events[1], { type: 'reload_failed', where: 'match.lua:9' });
  write('match.lua', matchScript('', 'match_size = 0'));
  game.reload(['match.lua']);
  t.match(events[2], { type: 'reload_failed', code: 'LUA_ERR_MODE_GLOBAL' });
  write('match.lua', matchScript('function v() return 4 end'));
  game.reload(['match.lua']);
  t.same(e.call('v', []), { ok: true, value: [4] }, 'a fixed file reloads');
});

t.test('LuaGame.reload: shape changes are events; modules reload every mode; config changes add and remove modes', async (t) => {
  const { game, write, events } = await open(t, {
    'config.lua': 'return { a = "a.lua", b = "b.lua" }',
    'a.lua': matchScript('local lib = require("lib")\nfunction which() return lib.name end'),
    'b.lua': matchScript(),
    'lib.lua': 'return { name = "v1" }',
  });
  const ea = game.createEngine('a');
  t.same(ea.call('which', []), { ok: true, value: ['v1'] });
  write('lib.lua', 'return { name = "v2" }');
  game.reload(['lib.lua']);
  t.same(ea.call('which', []), { ok: true, value: ['v2'] }, 'require cache cleared, module reloaded');
  t.same(events.filter((e) => e.type === 'reloaded').map((e) => (e as { mode: string }).mode).sort(), ['a', 'b']);
  events.length = 0;
  write('b.lua', matchScript('', 'match_size = 4'));
  game.reload(['b.lua']);
  t.match(events.find((e) => e.type === 'mode_changed'), { mode: 'b', script: { shape: { matchSize: 4 } } });
  events.length = 0;
  write('config.lua', 'return { a = "a.lua", c = "b.lua" }');
  game.reload(['config.lua']);
  t.same(Object.keys(game.modes).sort(), ['a', 'c']);
  t.ok(events.some((e) => e.type === 'mode_removed' && e.mode === 'b'));
  t.ok(events.some((e) => e.type === 'mode_changed' && e.mode === 'c'));
  events.length = 0;
  write('config.lua', 'return { a = "../x.lua" }');
  game.reload(['config.lua']);
  t.match(events, [{ type: 'reload_failed', file: 'config.lua', code: 'LUA_ERR_PATH' }]);
  t.same(Object.keys(game.modes).sort(), ['a', 'c'], 'a broken config keeps the modes');
});

t.test('LuaGame: reload off ignores changes; open fails on a broken script', async (t) => {
  const { game, write } = await open(t, { 'match.lua': matchScript('function v() return 1 end') }, false);
  const e = game.createEngine('default');
  write('match.lua', matchScript('function v() return 2 end'));
  t.same(game.reload(['match.lua']), []);
  t.same(e.call('v', []), { ok: true, value: [1] });
  const g = gameDir(t, { 'match.lua': 'match_size = 2\nlocal x = = 1' });
  let err: unknown;
  await LuaGame.open(g.dir, { runtime: rt }).catch((e: unknown) => (err = e));
  t.ok(isLuaLoadError(err, 'LUA_ERR_SCRIPT'), 'a broken script fails the open with LUA_ERR_SCRIPT');
});

t.test('LuaGame: the watcher picks up a save on disk (fs.watch and poll)', async (t) => {
  const g = gameDir(t, { 'match.lua': matchScript('function v() return 1 end') });
  const game = await LuaGame.open(g.dir, { runtime: rt, watch: { debounceMs: 10, pollIntervalMs: 100 } });
  t.teardown(() => game.close());
  const e = game.createEngine('default');
  const reloaded = new Promise<LuaGameEvent>((resolve) => game.on(resolve));
  g.write('match.lua', matchScript('function v() return 2 end -- saved'));
  const ev = await Promise.race([reloaded, new Promise<undefined>((r) => setTimeout(() => r(undefined), 3000))]);
  t.match(ev, { type: 'reloaded', mode: 'default' });
  t.same(e.call('v', []), { ok: true, value: [2] });
});
