/** Hot reload of a running Lua match, on real files in a temp dir. */
import t from 'tap';
import { P1, P2, RACE, luaHarness } from './helpers.js';

t.test('reload while a match runs: the next tick uses the new code; state kept; init not re-run; no input lost', async (t) => {
  const script = RACE.replace('function init(config)', 'inits = 0\nfunction init(config)\n  inits = inits + 1').replace('return { pos = {}, ticks = 0, mode = config.mode }', 'return { pos = {}, ticks = 0, mode = config.mode, inits = inits }');
  const { h, lua, write } = await luaHarness(t, { 'match.lua': script });
  const a = h.session(P1);
  const b = h.session(P2);
  await h.matches.findOrCreate('default', P1, a.pid);
  await h.matches.findOrCreate('default', P2, b.pid);
  h.matches.input(P1, { dx: 2 });
  await h.clock.advance(100);
  t.same(a.of('match.state').at(-1), { me: 2, ticks: 1, speed: 1 });

  // save a new version: SPEED 5, handle_input doubles the step, get_state shows inits
  const v2 = script
    .replace('SPEED = 1', 'SPEED = 5')
    .replace('state.pos[id] = (state.pos[id] or 0) + (input.dx or 0)', 'state.pos[id] = (state.pos[id] or 0) + 2 * (input.dx or 0)')
    .replace('speed = SPEED }', 'speed = SPEED, inits = state.inits }');
  h.matches.input(P1, { dx: 1 }); // queued before the save
  write('match.lua', v2);
  const events = lua.reloader.reload(['match.lua']);
  t.match(events, [{ type: 'reloaded', mode: 'default', file: 'match.lua', engines: 1 }]);
  h.matches.input(P1, { dx: 1 }); // after the save
  await h.clock.advance(100);
  t.same(a.of('match.state').at(-1), { me: 6, ticks: 2, speed: 5, inits: 1 }, 'both inputs applied with the new code; state and init count kept');
  t.equal(a.of('match.finished').length, 0);
});

t.test('a syntax error on save keeps the old code running and reports file:line', async (t) => {
  const logs: unknown[][] = [];
  const { h, lua, write } = await luaHarness(t, { 'match.lua': RACE }, { log: (...x) => void logs.push(x) });
  const a = h.session(P1);
  await h.matches.findOrCreate('default', P1, a.pid);
  await h.matches.findOrCreate('default', P2, h.session(P2).pid);
  write('match.lua', RACE.replace('SPEED = 1', 'SPEED = 9\nfunction oops(') );
  const events = lua.reloader.reload(['match.lua']);
  t.match(events, [{ type: 'reload_failed', mode: 'default', file: 'match.lua', where: /^match\.lua:\d+$/ }]);
  t.ok(logs.some((l) => l[1] === 'lua_reload_failed'));
  await h.clock.advance(100);
  t.same(a.of('match.state').at(-1), { me: 0, ticks: 1, speed: 1 }, 'the old code runs on');
});

t.test('mode globals apply to new matches; reload off does nothing', async (t) => {
  const { h, lua, write } = await luaHarness(t, { 'match.lua': RACE });
  const a = h.session(P1);
  const first = await h.matches.findOrCreate('default', P1, a.pid);
  write('match.lua', RACE.replace('match_size = 2', 'match_size = 1'));
  const events = lua.reloader.reload(['match.lua']);
  t.ok(events.some((e) => e.type === 'mode_config' && e.config.matchSize === 1), 'a mode_config event with the new shape');
  t.equal(h.modes.get('default')?.matchSize, 1, 'the registry was updated');
  t.equal(lua.modes['default']?.matchSize, 1);
  t.equal(h.matches.get(first.match_id)?.status, 'waiting', 'the running match keeps its shape');
  const b = h.session(P2);
  await h.matches.leave(P1);
  const second = await h.matches.findOrCreate('default', P2, b.pid);
  t.equal(second.status, 'running', 'a new match starts with one player');

  const off = await luaHarness(t, { 'match.lua': RACE }, { reload: false });
  off.write('match.lua', RACE.replace('SPEED = 1', 'SPEED = 3'));
  t.same(off.lua.reloader.reload(['match.lua']), []);
  t.equal(off.lua.reloader.enabled, false);
});
