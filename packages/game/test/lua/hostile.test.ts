/**
 * Hostile scripts: every match callback misbehaving in every way (endless loops, loops hiding behind
 * pcall, heap bombs, deep recursion, binary chunks, string.dump, metatable tricks, huge / non-table /
 * non-plain returns, errors thrown after bad game.* calls). The match process and the node survive each,
 * the previous state is kept, and the failure is logged once per window.
 */
import t from 'tap';
import { P1, P2, luaHarness } from './helpers.js';

const HOSTILE = `
match_size = 2
quick_play = false

local function huge() local t = {} for i = 1, 300000 do t[i] = i end return t end
local function misbehave(cb, state)
  local h = state and state.hostile
  if type(h) ~= "string" then return nil end
  local want, kind = string.match(h, "^(.-):(.*)$")
  if want ~= cb then return nil end
  if kind == "loop" then while true do end
  elseif kind == "pcall_loop" then while true do pcall(function() while true do end end) end
  elseif kind == "bomb" then local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 4096) .. i end
  elseif kind == "recurse" then local function r(n) return r(n + 1) + 1 end return r(1)
  elseif kind == "error" then error("hostile error")
  elseif kind == "game_error" then
    local r1 = game.broadcast(nil)
    local r2 = game.send()
    local r3 = game.economy.grant(1, 2, "x")
    error("after bad game calls: " .. tostring(r1.error) .. tostring(r2.error) .. tostring(r3.error))
  elseif kind == "metatable" then setmetatable(_G, { __index = function() while true do end end }) return undefined_global
  elseif kind == "load_binary" then local f = assert(load(string.char(27) .. "LuaT\\0")) return f()
  elseif kind == "dump" then return string.dump(misbehave)
  elseif kind == "gc" then setmetatable({}, { __gc = function() while true do end end })
  end
  return kind
end
local function hostile_return(k, state)
  if k == "nontable" then return 42 end
  if k == "huge" then return huge() end
  if k == "fn" then return { f = function() end } end
  if k == "cycle" then state.self = state return state end
  return nil
end

function init(config)
  local s = { hostile = config.hostile, pos = {}, ticks = 0, inputs = 0 }
  local k = misbehave("init", s)
  local r = hostile_return(k, s)
  if r ~= nil then return r end
  return s
end
function join(id, state)
  local k = misbehave("join", state)
  local r = hostile_return(k, state)
  if r ~= nil then return r end
  state.pos[id] = 0
  return state
end
function leave(id, state)
  state.pos[id] = nil
  local k = misbehave("leave", state)
  local r = hostile_return(k, state)
  if r ~= nil then return r end
  return state
end
function handle_input(id, input, state)
  state.inputs = state.inputs + 1
  local k = misbehave("handle_input", state)
  local r = hostile_return(k, state)
  if r ~= nil then return r end
  return state
end
function tick(state)
  state.ticks = state.ticks + 1
  local k = misbehave("tick", state)
  local r = hostile_return(k, state)
  if r ~= nil then return r end
  return state
end
function get_state(id, state)
  local k = misbehave("get_state", state)
  local r = hostile_return(k, state)
  if r ~= nil then return r end
  return { ticks = state.ticks, inputs = state.inputs, n = 0 }
end
`;

const KINDS = ['loop', 'pcall_loop', 'bomb', 'recurse', 'error', 'game_error', 'metatable', 'load_binary', 'dump', 'gc', 'nontable', 'huge', 'fn', 'cycle'];
const OPTIONS = {
  reload: false,
  budgets: { init: 300_000, join: 300_000, leave: 300_000, handle_input: 300_000, tick: 300_000, get_state: 300_000 },
  timeLimitsMs: { init: 150, join: 150, leave: 150, handle_input: 150, tick: 150, get_state: 150 },
  engine: { memoryMaxBytes: 24 * 1024 * 1024 },
};

for (const cb of ['handle_input', 'tick', 'get_state', 'join', 'leave', 'init']) {
  t.test(`hostile ${cb}: the match and the node survive every kind, the previous state is kept`, async (t) => {
    const { h } = await luaHarness(t, { 'match.lua': HOSTILE }, OPTIONS);
    for (const kind of KINDS) {
      const id = await h.matches.create('default', { hostile: `${cb}:${kind}` });
      const a = h.session(P1);
      const b = h.session(P2);
      let joined = 0;
      for (const [p, s] of [[P1, a], [P2, b]] as const) {
        await h.matches.join(id, p, s.pid).then(
          () => (joined += 1),
          () => undefined,
        );
      }
      if (cb === 'join') {
        t.equal(joined, 0, `${kind}: a failing join refuses`);
        t.ok(h.matches.get(id), `${kind}: the match lives`);
        continue;
      }
      if (cb === 'init') {
        t.ok(h.matches.get(id), `${kind}: a failing init leaves an empty state, the match lives`);
        continue;
      }
      t.equal(joined, 2, `${kind}: both joined`);
      const pid = h.matches.whereis(id);
      h.matches.input(P1, { go: 1 });
      await h.clock.advance(100);
      h.matches.input(P1, { go: 1 });
      await h.clock.advance(100);
      t.equal(h.matches.whereis(id), pid, `${kind}: the same match process (no crash)`);
      const last = a.of('match.state').at(-1) as { ticks?: number; inputs?: number } | undefined;
      if (cb === 'tick') t.same(last, { ticks: 0, inputs: 2, n: 0 }, `${kind}: the tick result is discarded (ticks stay 0)`);
      if (cb === 'handle_input') {
        t.same(last, { ticks: 2, inputs: 0, n: 0 }, `${kind}: the input results are discarded`);
        t.equal(a.of('module.error').length, 2, `${kind}: dev mode tells the sender each time`);
      }
      if (cb === 'get_state') t.same(last, {}, `${kind}: no good view yet: an empty one`);
      if (cb === 'leave') {
        await h.matches.leave(P2);
        t.equal(h.matches.whereis(id), pid, `${kind}: leave failing does not crash`);
        t.notOk(h.matches.isPlayerIn(id, P2), `${kind}: the player is out anyway`);
      }
      await h.matches.cancel(id);
    }
    t.notOk(h.log.entries.some((e) => e.msg === 'match_resumed_from_snapshot'), 'no match ever crashed');
  });
}

t.test('hostile: a callback failing every tick is logged once per 10 s window', async (t) => {
  const { h } = await luaHarness(t, { 'match.lua': HOSTILE }, OPTIONS);
  const id = await h.matches.create('default', { hostile: 'tick:error' });
  await h.matches.join(id, P1, h.session(P1).pid);
  await h.matches.join(id, P2, h.session(P2).pid);
  await h.clock.advance(5_000);
  const lines = () => h.log.entries.filter((e) => e.msg === 'lua_callback_failed' && e.obj['callback'] === 'tick');
  t.equal(lines().length, 1, '50 failures, one line');
  t.match(lines()[0]?.obj, { reason_class: 'runtime_error', script: /^match\.lua:\d+$/, suppressed_since_last: 0 });
  await h.clock.advance(5_100);
  t.equal(lines().length, 2, 'the next window logs again');
  t.ok((lines()[1]?.obj['suppressed_since_last'] as number) >= 40, 'with the count suppressed meanwhile');
});
