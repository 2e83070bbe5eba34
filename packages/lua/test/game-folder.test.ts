import t from 'tap';
import { symlinkSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { LuaRuntime } from '../src/runtime.js';
import { loadGameFolder } from '../src/game-folder.js';
import { isLuaLoadError, type LuaErrorCode } from '../src/errors.js';
import { moduleReader, resolveInside } from '../src/paths.js';
import { gameDir, matchScript } from './helpers/tmp.js';

const rt = await LuaRuntime.create();
t.teardown(() => rt.close());

function loadErr(dir: string): { code: LuaErrorCode; details: unknown } | undefined {
  try {
    loadGameFolder(rt, dir);
  } catch (e) {
    if (isLuaLoadError(e)) return { code: e.code, details: e.details };
    throw e;
  }
  return undefined;
}

t.test('loadGameFolder: match.lua is the mode "default"', async (t) => {
  const g = gameDir(t, { 'match.lua': matchScript('', 'match_size = 3\nlisted = true\nguest_auth = true') });
  const f = loadGameFolder(rt, g.dir);
  t.same(Object.keys(f.modes), ['default']);
  t.equal(f.modes['default']?.relFile, 'match.lua');
  t.equal(f.modes['default']?.shape.matchSize, 3);
  t.equal(f.modes['default']?.shape.listed, true);
  t.equal(f.guestAuth, true);
  t.equal(rt.openEngines, 0, 'probe engines are closed');
});

t.test('loadGameFolder: config.lua maps modes to scripts', async (t) => {
  const g = gameDir(t, {
    'config.lua': 'registration = "oauth_only"\nreturn { duel = "modes/duel.lua", ffa = "./modes/ffa.lua" }',
    'modes/duel.lua': matchScript(),
    'modes/ffa.lua': matchScript('', 'match_size = 8\nstate_strategy = "shared"'),
    'match.lua': 'this file is ignored when config.lua exists',
  });
  const f = loadGameFolder(rt, g.dir);
  t.same(Object.keys(f.modes).sort(), ['duel', 'ffa']);
  t.equal(f.modes['ffa']?.shape.stateStrategy, 'shared');
  t.equal(f.modes['duel']?.relFile, 'modes/duel.lua');
  t.equal(f.registration, 'oauth_only');
});

t.test('loadGameFolder: an empty folder has no modes', async (t) => {
  const g = gameDir(t, {});
  t.same(loadGameFolder(rt, g.dir).modes, {});
});

t.test('loadGameFolder: failures name the file and line or global', async (t) => {
  t.same(loadErr(gameDir(t, { 'match.lua': 'match_size = 2\nfunction init(\n' }).dir), { code: 'LUA_ERR_SCRIPT', details: { file: 'match.lua', line: 3, kind: 'syntax_error' } });
  t.same(loadErr(gameDir(t, { 'match.lua': 'match_size = 2\n\nerror("at boot")' }).dir), { code: 'LUA_ERR_SCRIPT', details: { file: 'match.lua', line: 3, kind: 'runtime_error' } });
  t.same(loadErr(gameDir(t, { 'match.lua': 'while true do end' }).dir)?.code, 'LUA_ERR_SCRIPT', 'an endless body is a load failure');
  t.same(loadErr(gameDir(t, { 'match.lua': matchScript('', 'match_size = "two"') }).dir), { code: 'LUA_ERR_MODE_GLOBAL', details: { file: 'match.lua', global: 'match_size' } });
  t.same(loadErr(gameDir(t, { 'match.lua': matchScript('', 'match_size = 2\nquick_play = 1') }).dir), { code: 'LUA_ERR_MODE_GLOBAL', details: { file: 'match.lua', global: 'quick_play' } });
  t.same(loadErr(gameDir(t, { 'match.lua': matchScript().replace('function tick', 'function tock') }).dir), { code: 'LUA_ERR_MISSING_CALLBACK', details: { file: 'match.lua', callback: 'tick' } });
  t.same(loadErr(gameDir(t, { 'config.lua': 'return { a = "../outside.lua" }' }).dir), { code: 'LUA_ERR_PATH', details: { path: '../outside.lua' } });
  t.same(loadErr(gameDir(t, { 'config.lua': 'return { a = "/etc/passwd" }' }).dir), { code: 'LUA_ERR_PATH', details: { path: '/etc/passwd' } });
  t.same(loadErr(gameDir(t, { 'config.lua': 'return { a = "missing.lua" }' }).dir), { code: 'LUA_ERR_PATH', details: { path: 'missing.lua' } });
  t.same(loadErr(gameDir(t, { 'config.lua': 'return 42' }).dir), { code: 'LUA_ERR_CONFIG', details: { file: 'config.lua' } });
  t.same(loadErr(gameDir(t, { 'config.lua': 'return { a = 1 }' }).dir), { code: 'LUA_ERR_CONFIG', details: { file: 'config.lua', mode: 'a' } });
  t.same(loadErr(gameDir(t, { 'config.lua': 'return { ["bad name!"] = "x.lua" }' }).dir)?.code, 'LUA_ERR_CONFIG');
});

t.test('paths: symlinks out of the folder are refused', async (t) => {
  const outside = mkdtempSync(join(tmpdir(), 'hajime-out-'));
  writeFileSync(join(outside, 'evil.lua'), matchScript());
  const g = gameDir(t, { 'config.lua': 'return { a = "link.lua" }', 'mods/ok.lua': 'return 1' });
  symlinkSync(join(outside, 'evil.lua'), join(g.dir, 'link.lua'));
  t.same(loadErr(g.dir), { code: 'LUA_ERR_PATH', details: { path: 'link.lua' } });
  t.throws(() => resolveInside(g.dir, 'mods/../../x.lua'));
  t.ok(resolveInside(g.dir, 'mods/ok.lua').endsWith('ok.lua'));
});

t.test('require: relative to the script folder, name rule, no escape, cache cleared', async (t) => {
  const g = gameDir(t, {
    'modes/duel.lua': 'x',
    'modes/lib/util.lua': 'loads = (loads or 0) + 1\nreturn { twice = function(n) return n * 2 end }',
    'top.lua': 'return "top"',
  });
  const e = rt.createEngine({ readModule: moduleReader(g.dir, join(g.dir, 'modes/duel.lua')) });
  t.teardown(() => e.close());
  t.ok(e.exec('function use(n) local u = require("lib.util") return u.twice(n), loads end\nfunction try(name) local ok, err = pcall(require, name) return ok end', '@modes/duel.lua').ok);
  t.same(e.call('use', [4]), { ok: true, value: [8, 1] });
  t.same(e.call('use', [5]), { ok: true, value: [10, 1] }, 'cached: the module body ran once');
  e.clearRequireCache();
  t.same(e.call('use', [5]), { ok: true, value: [10, 2] }, 'after clearing, the module loads again');
  for (const bad of ['../top', 'lib/util', 'top', '1abc', 'lib..util', 'nothing.here']) t.same(e.call('try', [bad]), { ok: true, value: [false] }, `require("${bad}") fails`);
});
