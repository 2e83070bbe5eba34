import t from 'tap';
import { isGameError } from '../../src/errors.js';
import { isFinished, isRefusal, isInputRejected, type MatchBehaviour } from '../../src/match/behaviour.js';
import { createLuaModes } from '../../src/lua/lua-modes.js';
import { isLuaLoadError } from '@hajime/lua';
import { P1, P2, P3, RACE, fakeApi, luaHarness, tempGame } from './helpers.js';

t.test('createLuaModes: mode globals become the mode config', async (t) => {
  const g = tempGame(t, { 'config.lua': 'return { race = "race.lua", w = "world.lua" }', 'race.lua': RACE, 'world.lua': 'match_size = 1\ngame_type = "world"' });
  const lua = await createLuaModes(g.dir, { reload: false });
  t.teardown(() => lua.close());
  const m = lua.modes['race'];
  t.match(m, { matchSize: 2, minPlayers: 2, maxPlayers: 4, tickMs: 100, quickPlay: true, listed: true, strategy: 'fill' });
  t.equal(typeof m?.behaviour.getState, 'function', 'per-player get_state');
  t.equal(m?.behaviour.getSharedState, undefined);
  t.same(lua.worlds, ['w'], 'world modes are left out');
  t.equal(lua.modes['w'], undefined);
  t.equal(lua.reloader.enabled, false);
});

t.test('createLuaModes: a script body may call game.* at load (probe engines have the API)', async (t) => {
  const g = tempGame(t, { 'match.lua': RACE + '\nLOADED = game.log("info", "loading")\nID = game.id()' });
  const lua = await createLuaModes(g.dir, { reload: false });
  t.teardown(() => lua.close());
  t.ok(lua.modes['default']);
});

t.test('createLuaModes: a broken script fails with file:line', async (t) => {
  const g = tempGame(t, { 'match.lua': RACE.replace('function tick(state)', 'function tick(state') });
  let err: unknown;
  await createLuaModes(g.dir).catch((e: unknown) => (err = e));
  t.ok(isLuaLoadError(err, 'LUA_ERR_SCRIPT'));
  t.match((err as { details: unknown }).details, { file: 'match.lua' });
});

t.test('Lua match end to end: join, refuse, inputs, ticks, per-player state, finish with _result', async (t) => {
  const { h, lua } = await luaHarness(t, { 'match.lua': RACE });
  const a = h.session(P1);
  const b = h.session(P2);
  const c = h.session(P3);
  const j1 = await h.matches.findOrCreate('default', P1, a.pid);
  t.equal(j1.status, 'waiting');
  await h.matches.join(j1.match_id, P3, c.pid, { password: 'nope' }).then(
    () => t.fail('should refuse'),
    (e: unknown) => {
      t.ok(isGameError(e, 'join_refused'), 'join returning nil, reason refuses');
      t.same((e as { details: unknown }).details, { refused_reason: 'wrong password' });
    },
  );
  await h.matches.join(j1.match_id, P3, c.pid, { silent: true }).then(
    () => t.fail('should refuse'),
    (e: unknown) => t.ok(isGameError(e, 'join_refused'), 'join returning nothing refuses'),
  );
  const j2 = await h.matches.findOrCreate('default', P2, b.pid);
  t.equal(j2.status, 'running');
  await h.clock.advance(100);
  t.same(a.of('match.state'), [{ me: 0, ticks: 1, speed: 1 }]);
  h.matches.input(P1, { dx: 4 });
  h.matches.input(P2, { dx: 1 });
  h.matches.input(P1, { dx: 3 });
  await h.clock.advance(100);
  t.same(a.of('match.state').at(-1), { me: 7, ticks: 2, speed: 1 }, 'inputs in order, then tick');
  t.same(b.of('match.state').at(-1), { me: 1, ticks: 2, speed: 1 }, 'each player gets their own view');
  h.matches.input(P1, { dx: 3 });
  await h.clock.advance(100);
  t.same(a.of('match.finished'), [{ match_id: j1.match_id, result: { winners: [P1] } }], 'tick setting _finished/_result ends the match');
  t.equal(h.records.finished.length, 1);
  t.equal(h.matches.count, 0);
  t.equal(lua.engines, 0, 'the finished match released its engine');
});

t.test('Lua match: handle_input errors reject the input with module.error in dev mode; the state is kept', async (t) => {
  const { h } = await luaHarness(t, { 'match.lua': RACE });
  const a = h.session(P1);
  const b = h.session(P2);
  await h.matches.findOrCreate('default', P1, a.pid);
  await h.matches.findOrCreate('default', P2, b.pid);
  h.matches.input(P1, { dx: 2 });
  h.matches.input(P1, { bad: true, dx: 5 });
  h.matches.input(P1, { dx: 1 });
  await h.clock.advance(100);
  t.same(a.of('match.state').at(-1), { me: 3, ticks: 1, speed: 1 }, 'the failed input changed nothing; the others applied');
  const errs = a.of('module.error') as { module: string; callback: string; script: string; message: string }[];
  t.equal(errs.length, 1);
  t.match(errs[0], { module: 'lua', callback: 'handle_input', script: /^match\.lua:\d+$/ });
  t.match(errs[0]?.message, /bad input/);
  t.equal(b.of('module.error').length, 0, 'only the sender is told');
  const logged = h.log.entries.filter((e) => e.msg === 'lua_callback_failed');
  t.equal(logged.length, 1);
  t.match(logged[0]?.obj, { callback: 'handle_input', reason_class: 'runtime_error', script: /^match\.lua:\d+$/ });
});

t.test('Lua match: state_strategy = "shared" calls get_state(state) once per tick', async (t) => {
  const shared = RACE.replace('function get_state(id, state) return { me = state.pos[id] or -1, ticks = state.ticks, speed = SPEED } end', 'calls = 0\nfunction get_state(state) calls = calls + 1 return { pos = state.pos, ticks = state.ticks, calls = calls } end').replace('match_size = 2', 'match_size = 2\nstate_strategy = "shared"');
  const { h, lua } = await luaHarness(t, { 'match.lua': shared });
  t.equal(typeof lua.modes['default']?.behaviour.getSharedState, 'function');
  t.equal(lua.modes['default']?.behaviour.getState, undefined);
  const a = h.session(P1);
  const b = h.session(P2);
  await h.matches.findOrCreate('default', P1, a.pid);
  await h.matches.findOrCreate('default', P2, b.pid);
  await h.clock.advance(200);
  t.same(a.of('match.state'), [
    { pos: { [P1]: 0, [P2]: 0 }, ticks: 1, calls: 1 },
    { pos: { [P1]: 0, [P2]: 0 }, ticks: 2, calls: 2 },
  ]);
  t.same(b.of('match.state'), a.of('match.state'), 'one view for everyone');
});

t.test('Lua behaviour: engine per match, created lazily after a restart, closed on dispose', async (t) => {
  const g = tempGame(t, { 'match.lua': RACE + '\nfunction tick(state) state.ticks = state.ticks + 1 state.seen_init = INIT_RAN return state end\nfunction init(c) INIT_RAN = true return { pos = {}, ticks = 0 } end' });
  const lua = await createLuaModes(g.dir, { reload: false });
  t.teardown(() => lua.close());
  const b = lua.modes['default']!.behaviour as MatchBehaviour<Record<string, unknown>, unknown>;
  const api = fakeApi('m1');
  const s0 = (await b.init({ match_id: 'm1', mode: 'default' }, api)) as Record<string, unknown>;
  t.equal(lua.engines, 1);
  const s1 = (await b.tick!(s0, api)) as Record<string, unknown>;
  t.equal(s1['seen_init'], true);
  // a restart from a snapshot: no init, the engine is created on the first callback
  const other = fakeApi('m2');
  const s2 = (await b.tick!({ pos: {}, ticks: 41 }, other)) as Record<string, unknown>;
  t.equal(s2['ticks'], 42, 'the snapshot state goes on');
  t.equal(s2['seen_init'], undefined, 'init was not re-run');
  t.equal(lua.engines, 2);
  b.dispose!('m1');
  b.dispose!('m2');
  t.equal(lua.engines, 0);
  t.equal(lua.game.runtime.openEngines, 0, 'engines closed');
});

t.test('Lua behaviour: results map to refuse / finished / rejectInput', async (t) => {
  const g = tempGame(t, { 'match.lua': RACE });
  const lua = await createLuaModes(g.dir, { reload: false });
  t.teardown(() => lua.close());
  const b = lua.modes['default']!.behaviour as MatchBehaviour<Record<string, unknown>, unknown>;
  const api = fakeApi('m1');
  const s = (await b.init({ match_id: 'm1', mode: 'default' }, api)) as Record<string, unknown>;
  t.same(s, { pos: {}, ticks: 0, mode: 'default' });
  const r = await b.join(P1, s, { password: 'x' }, api);
  t.ok(isRefusal(r) && r.reason === 'wrong password');
  const j = (await b.join(P1, s, {}, api)) as Record<string, unknown>;
  t.same(j['pos'], { [P1]: 0 });
  // inputs are queued and run by the tick (one crossing); a failed one is reported through the api
  const bad = await b.handleInput(P1, { bad: true }, j, api);
  t.equal(bad, j, 'queued: the state as it was');
  const moved = (await b.handleInput(P1, { dx: 11 }, j, api)) as Record<string, unknown>;
  const fin = await b.tick!(moved, api);
  const rejected = api.calls.filter((c) => c[0] === 'rejectedInput');
  t.equal(rejected.length, 1, 'the bad input was rejected, once');
  const rej = rejected[0]?.[2];
  t.ok(rejected[0]?.[1] === P1 && isInputRejected(rej) && rej.module === 'lua' && /^match\.lua:\d+$/.test(rej.script ?? ''), 'with the script line');
  t.ok(isFinished(fin));
  t.same(isFinished(fin) ? fin.result : undefined, { winners: [P1] });
  t.same(JSON.parse(JSON.stringify(b.getState!(P1, isFinished(fin) ? fin.state : moved, api))), { me: 11, ticks: 1, speed: 1 }, 'the view, as JSON text');
});

const REPLAY = `
match_size = 1
quick_play = true
tick_rate = 100
function init(config) return { log = {}, n = 0, ticks = 0 } end
function join(id, state) return state end
function leave(id, state) return state end
function handle_input(id, input, state)
  state.n = state.n + 1                       -- changed before the failure: must be undone
  if input.fail then error("failed input") end
  if input.corrupt then state.log = nil return state end  -- breaks tick, not itself
  state.log[#state.log + 1] = input.tag
  game.broadcast("applied", { tag = input.tag })
  return state
end
function tick(state)
  if state.log == nil then error("no log") end
  if state.fail_tick then state.fail_tick = nil error("tick failed") end
  state.ticks = state.ticks + 1
  return state
end
function get_state(id, state) return { log = state.log, n = state.n, ticks = state.ticks } end
`;

t.test('Lua match: one tick, one crossing: a failed input is undone whole, the inputs around it apply once, their game.* calls are not repeated', async (t) => {
  const { h } = await luaHarness(t, { 'match.lua': REPLAY });
  const a = h.session(P1);
  await h.matches.findOrCreate('default', P1, a.pid);
  h.matches.input(P1, { tag: 'a' });
  h.matches.input(P1, { tag: 'b' });
  h.matches.input(P1, { tag: 'x', fail: true });
  h.matches.input(P1, { tag: 'c' });
  await h.clock.advance(100);
  t.same(a.of('match.state').at(-1), { log: ['a', 'b', 'c'], n: 3, ticks: 1 }, 'the failed input left nothing (n counts 3, not 4)');
  t.same(a.of('match.applied'), [{ tag: 'a' }, { tag: 'b' }, { tag: 'c' }], 'each broadcast once: the replay of a and b was muted');
  t.equal(a.of('module.error').length, 1, 'the failed input is reported to its sender (dev mode)');
});

t.test('Lua match: an input that breaks the state for a later callback is the one rejected (checked replay)', async (t) => {
  const { h } = await luaHarness(t, { 'match.lua': REPLAY });
  const a = h.session(P1);
  await h.matches.findOrCreate('default', P1, a.pid);
  h.matches.input(P1, { tag: 'a' });
  h.matches.input(P1, { tag: 'y', corrupt: true });
  h.matches.input(P1, { tag: 'c' });
  await h.clock.advance(100);
  // y set log = nil; c then failed on it. The replay of a and y finds nothing wrong by itself (nil is
  // plain data), so c is rejected, y stays, and tick fails on the missing log: the tick is skipped.
  const last = a.of('match.state').at(-1) as { n: number; ticks: number; log?: unknown };
  t.equal(last.ticks, 0, 'the failing tick changed nothing');
  t.equal(last.n, 2, 'a and y applied, c undone');
  t.ok(a.of('module.error').length >= 1, 'the sender is told');
  t.equal(h.matches.count, 1, 'the match goes on');
});
