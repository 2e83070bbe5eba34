import t from 'tap';
import type { MatchBehaviour } from '../../src/match/behaviour.js';
import { createLuaModes } from '../../src/lua/lua-modes.js';
import { P1, P2, RACE, fakeApi, luaHarness, tempGame } from './helpers.js';

const PHASED = RACE + `
function phases(config)
  return { { name = "warmup", duration = 200 }, { name = "main", duration = 300, config = { speed = 2 } } }
end
function on_phase_started(name, state) state.log = (state.log or "") .. "+" .. name return state end
function on_phase_ended(name, state) state.log = (state.log or "") .. "-" .. name return state end
function get_state(id, state) return { log = state.log or "" } end
`;

t.test('phases, on_phase_started, on_phase_ended drive the match', async (t) => {
  const { h } = await luaHarness(t, { 'match.lua': PHASED });
  const a = h.session(P1);
  const b = h.session(P2);
  const j = await h.matches.findOrCreate('default', P1, a.pid);
  await h.matches.findOrCreate('default', P2, b.pid);
  await h.clock.advance(1_000);
  const logs = a.of('match.state').map((s) => (s as { log: string }).log);
  t.ok(logs.includes('+warmup'), 'the first phase started');
  t.ok(logs.some((l) => l.startsWith('+warmup-warmup+main')), 'warmup ended, main started');
  t.same(a.of('match.finished'), [{ match_id: j.match_id, result: { status: 'phases_complete' } }], 'all phases complete: the match ends');
});

t.test('vote_requested and vote_resolved', async (t) => {
  const g = tempGame(t, {
    'match.lua':
      RACE +
      `
function vote_requested(state)
  if state.ticks == 2 and not state.voted then
    state.voted = true
    return { template = "map", options = { { id = "a", label = "Alpha" }, { id = "b" } }, window_ms = 1000 }
  end
end
function vote_resolved(template, result, state) state.map = template .. ":" .. tostring(result.winner) return state end
`,
  });
  const lua = await createLuaModes(g.dir, { reload: false });
  t.teardown(() => lua.close());
  const b = lua.modes['default']!.behaviour as MatchBehaviour<Record<string, unknown>, unknown>;
  const api = fakeApi('m1');
  const s = (await b.init({ match_id: 'm1', mode: 'default' }, api)) as Record<string, unknown>;
  t.equal(b.voteRequested!(s, api), undefined, 'nil: no vote');
  const req = b.voteRequested!({ ...s, ticks: 2 }, api);
  t.same(req, { template: 'map', options: [{ id: 'a', label: 'Alpha' }, { id: 'b' }], window_ms: 1000 });
  const after = (await b.voteResolved!('map', { vote_id: 'v', winner: 'b', status: 'decided', counts: { b: 2 }, distribution: {}, total_votes: 2, turnout: 1 } as never, s, api)) as Record<string, unknown>;
  t.equal(after['map'], 'map:b');
  t.same(b.phases!({ match_id: 'm1', mode: 'default' }), [], 'no phases function: no phases');
  t.same(await b.onPhaseStarted!('x', s, api), s, 'no hook: the state as it was');
});

t.test('optional callbacks that fail keep the state', async (t) => {
  const g = tempGame(t, {
    'match.lua':
      RACE +
      `
function vote_requested(state) while true do end end
function vote_resolved(template, result, state) error("nope") end
function phases(config) return { { duration = 5 } } end
function on_phase_started(name, state) return 7 end
`,
  });
  const lua = await createLuaModes(g.dir, { reload: false, budgets: { vote_requested: 100_000 } });
  t.teardown(() => lua.close());
  const b = lua.modes['default']!.behaviour as MatchBehaviour<Record<string, unknown>, unknown>;
  const api = fakeApi('m1');
  const s = (await b.init({ match_id: 'm1', mode: 'default' }, api)) as Record<string, unknown>;
  t.equal(b.voteRequested!(s, api), undefined);
  t.equal(await b.voteResolved!('t', {} as never, s, api), s);
  t.same(b.phases!({ match_id: 'm1', mode: 'default' }), [], 'phases without names are refused');
  t.equal(await b.onPhaseStarted!('x', s, api), s, 'a non-table result keeps the state');
});

t.test('textState: a tick hands out the state as JSON text; failures, finishing and a state from elsewhere work on it', async (t) => {
  const g = tempGame(t, { 'match.lua': RACE });
  const lua = await createLuaModes(g.dir, { reload: false, textState: true });
  t.teardown(() => lua.close());
  const b = lua.modes['default']!.behaviour as MatchBehaviour<unknown, unknown>;
  const api = fakeApi('m1');
  let s = await b.init({ match_id: 'm1', mode: 'default' }, api);
  s = await b.join(P1, s, {}, api);
  s = await b.join(P2, s, {}, api);
  const text = (v: unknown): Record<string, unknown> => {
    t.type((v as { lua_state?: unknown }).lua_state, 'string', 'the state is its JSON text');
    return JSON.parse((v as { lua_state: string }).lua_state) as Record<string, unknown>;
  };
  await b.handleInput(P1, { dx: 3 }, s, api);
  s = await b.tick!(s, api);
  t.same(text(s), { pos: { [P1]: 3, [P2]: 0 }, ticks: 1, mode: 'default' });
  t.same(JSON.parse((b.getState!(P1, s, api) as { json: string }).json), { me: 3, ticks: 1, speed: 1 }, 'the views as before');
  // a failing input is undone; the ones around it count
  await b.handleInput(P1, { dx: 2 }, s, api);
  await b.handleInput(P2, { bad: true }, s, api);
  await b.handleInput(P2, { dx: 1 }, s, api);
  s = await b.tick!(s, api);
  t.same(text(s), { pos: { [P1]: 5, [P2]: 1 }, ticks: 2, mode: 'default' }, 'the failed input left no trace');
  t.equal(api.calls.filter((c) => c[0] === 'rejectedInput').length, 1, 'and was reported');
  // a state from elsewhere (a snapshot: another object) is copied in
  const snap = { lua_state: JSON.stringify({ pos: { [P1]: 8, [P2]: 1 }, ticks: 7, mode: 'default' }) };
  await b.handleInput(P1, { dx: 1 }, snap, api);
  s = await b.tick!(snap, api);
  t.same(text(s), { pos: { [P1]: 9, [P2]: 1 }, ticks: 8, mode: 'default' }, 'the snapshot state went on');
  await b.handleInput(P1, { dx: 1 }, s, api);
  const end = (await b.tick!(s, api)) as { finished?: unknown; result?: unknown; state?: unknown };
  t.same(end.result, { winners: [P1] }, '_finished in the text state ends the match with its _result');
  t.equal(text(end.state)['_finished'], true);
});
