// Lua engines in worker threads (createLuaModes({ workers })): the same matches, callbacks across a
// thread boundary. The harness's clock is simulated but a worker answers in real time, so each check
// waits (bounded) for what it expects.
import t from 'tap';
import { P1, P2, RACE, luaHarness } from './helpers.js';
import type { LuaHostServices } from '../../src/lua/host-services.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) return false;
    await sleep(5);
  }
  return true;
}

const REPLAY = `
match_size = 1
quick_play = true
tick_rate = 100
function init(config) return { log = {}, n = 0 } end
function join(id, state) return state end
function leave(id, state) return state end
function handle_input(id, input, state)
  state.n = state.n + 1
  if input.fail then error("failed input") end
  state.log[#state.log + 1] = input.tag
  game.broadcast("applied", { tag = input.tag })
  if input.grant then game.economy.grant(id, "gold", 5, "won") end
  return state
end
function tick(state) return state end
function get_state(id, state) return { log = state.log, n = state.n } end
`;

t.test('workers: a match runs in a worker: joins, inputs in order, per-player views, the finish and its record', async (t) => {
  const { h, lua } = await luaHarness(t, { 'match.lua': RACE }, { workers: 2 });
  const a = h.session(P1);
  const b = h.session(P2);
  const j = await h.matches.findOrCreate('default', P1, a.pid);
  await h.matches.findOrCreate('default', P2, b.pid);
  t.equal(lua.engines, 1, 'the match has its engine in a worker');
  await h.clock.advance(100);
  t.ok(await until(() => a.of('match.state').length > 0), 'a first state');
  t.same(a.of('match.state').at(-1), { me: 0, ticks: 1, speed: 1 });
  h.matches.input(P1, { dx: 4 });
  h.matches.input(P1, { dx: 3 });
  h.matches.input(P2, { dx: 1 });
  await h.clock.advance(100);
  t.ok(await until(() => (a.of('match.state').at(-1) as { ticks?: number } | undefined)?.ticks === 2));
  t.same(a.of('match.state').at(-1), { me: 7, ticks: 2, speed: 1 }, 'inputs applied in order, then tick');
  t.same(b.of('match.state').at(-1), { me: 1, ticks: 2, speed: 1 }, 'each player their own view');
  h.matches.input(P1, { dx: 3 });
  await h.clock.advance(100);
  t.ok(await until(() => a.of('match.finished').length > 0), 'tick setting _finished ends the match');
  t.same(a.of('match.finished'), [{ match_id: j.match_id, result: { winners: [P1] } }]);
  t.ok(await until(() => h.records.finished.length === 1), 'one record');
  t.ok(await until(() => lua.engines === 0), 'the worker released the engine');
});

t.test('workers: game.* calls made in the worker happen on the match, in order, once; a failed input is undone and reported; services are reached', async (t) => {
  const grants: unknown[][] = [];
  const services: LuaHostServices = {
    economy: {
      grant: (ctx, ...args) => {
        grants.push([ctx, ...args]);
        return { ok: true };
      },
      debit: () => ({ ok: true }),
      balance: () => ({ ok: 0 }),
      purchase: () => ({ ok: true }),
    },
  };
  const { h } = await luaHarness(t, { 'match.lua': REPLAY }, { workers: 1, services });
  const a = h.session(P1);
  const j = await h.matches.findOrCreate('default', P1, a.pid);
  h.matches.input(P1, { tag: 'a' });
  h.matches.input(P1, { tag: 'b', grant: true });
  h.matches.input(P1, { tag: 'x', fail: true });
  h.matches.input(P1, { tag: 'c' });
  await h.clock.advance(100);
  t.ok(await until(() => a.of('match.state').length > 0));
  t.same(a.of('match.state').at(-1), { log: ['a', 'b', 'c'], n: 3 }, 'the failed input left nothing behind');
  t.same(a.of('match.applied'), [{ tag: 'a' }, { tag: 'b' }, { tag: 'c' }], 'each broadcast once');
  t.equal(a.of('module.error').length, 1, 'the failed input is reported to its sender');
  t.same(grants, [[{ matchId: j.match_id, mode: 'default' }, P1, 'gold', 5, 'won']], 'the service call reached the main thread once');
});

t.test('workers: a broken script fails createLuaModes with file:line, and no worker is left running', async (t) => {
  await t.rejects(luaHarness(t, { 'match.lua': RACE.replace('function tick(state)', 'function tick(state') }, { workers: 1 }), /match\.lua:\d+/);
});

t.test('workers: a saved script reaches the running match in its worker (state kept)', async (t) => {
  const { h, lua, write } = await luaHarness(t, { 'match.lua': RACE }, { workers: 1 });
  const a = h.session(P1);
  await h.matches.findOrCreate('default', P1, a.pid);
  await h.matches.findOrCreate('default', P2, h.session(P2).pid);
  h.matches.input(P1, { dx: 2 });
  await h.clock.advance(100);
  t.ok(await until(() => (a.of('match.state').at(-1) as { me?: number } | undefined)?.me === 2));
  write('match.lua', RACE.replace('SPEED = 1', 'SPEED = 9'));
  lua.reloader.reload(['match.lua']);
  await sleep(200); // the worker applies it on its own message
  await h.clock.advance(100);
  t.ok(await until(() => (a.of('match.state').at(-1) as { speed?: number } | undefined)?.speed === 9), 'the new code runs');
  t.match(a.of('match.state').at(-1), { me: 2, speed: 9 }, 'the state was kept');
});

t.test('workers: a worker that dies is started again; its match resumes from the state the main thread holds', async (t) => {
  const { h, lua } = await luaHarness(t, { 'match.lua': RACE }, { workers: 1 });
  const a = h.session(P1);
  await h.matches.findOrCreate('default', P1, a.pid);
  await h.matches.findOrCreate('default', P2, h.session(P2).pid);
  h.matches.input(P1, { dx: 4 });
  await h.clock.advance(100);
  t.ok(await until(() => (a.of('match.state').at(-1) as { me?: number } | undefined)?.me === 4));
  const ticks = (a.of('match.state').at(-1) as { ticks: number }).ticks;
  await lua.workerPool!.kill(0);
  h.matches.input(P1, { dx: 1 });
  await h.clock.advance(100);
  t.ok(await until(() => (a.of('match.state').at(-1) as { me?: number } | undefined)?.me === 5), 'the match goes on in a new worker');
  t.match(a.of('match.state').at(-1), { me: 5, ticks: ticks + 1 }, 'from the state it had: nothing lost, nothing applied twice');
  t.equal(h.matches.count, 1);
});
