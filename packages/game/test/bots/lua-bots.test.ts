import t from 'tap';
import type { LuaHostServices } from '../../src/lua/host-services.js';
import { readBotScript, BotScript } from '../../src/bots/bot-script.js';
import { luaBotConfig, luaBotScripts } from '../../src/bots/lua-bots.js';
import type { Bots } from '../../src/bots/bots.js';
import { luaHarness, tempGame, P1 } from '../lua/helpers.js';
import { runtime, startBots } from './helpers.js';

/** A Lua arena: players at x/y; inputs move them, or add/remove bots through game.bots. */
const ARENA = (botsLine: string) => `
match_size = 1
max_players = 8
${botsLine}

function init(config) return { players = {}, n = 0, calls = {} } end
function join(id, state)
  state.players[id] = { x = state.n * 100, y = 0, hp = 10 }
  state.n = state.n + 1
  return state
end
function leave(id, state) state.players[id] = nil return state end
function handle_input(id, input, state)
  if input.add_bot ~= nil then table.insert(state.calls, game.bots.add(input.add_bot)) return state end
  if input.remove_bot ~= nil then table.insert(state.calls, game.bots.remove(input.remove_bot)) return state end
  local p = state.players[id]
  if p ~= nil then
    p.x = p.x + (input.dx or 0) * 10
    p.y = p.y + (input.dy or 0) * 10
  end
  return state
end
function tick(state) return state end
function get_state(id, state) return { players = state.players, calls = state.calls } end
`;

interface View {
  players: Record<string, { x: number; y: number }>;
  calls: ({ ok?: string; error?: string })[];
}

async function setup(t: Parameters<typeof luaHarness>[0], files: Record<string, string>, options: Parameters<typeof startBots>[2] = {}) {
  const ref: { bots?: Bots } = {};
  const services: LuaHostServices = {
    bots: {
      add: (c, n) => ref.bots!.services().add(c, n),
      remove: (c, n) => ref.bots!.services().remove(c, n),
    },
  };
  const rt = await runtime();
  const lh = await luaHarness(t, files, { services, runtime: rt });
  const bots = await startBots(t, lh.h, { runtime: rt, scripts: luaBotScripts(lh.lua.game), ...options });
  ref.bots = bots;
  const a = lh.h.session(P1);
  const id = await lh.h.matches.create('default');
  await lh.h.matches.join(id, P1, a.pid);
  const view = () => {
    const s = a.of('match.state');
    return s[s.length - 1] as View;
  };
  return { ...lh, bots, a, id, view };
}

t.test('game.bots.add / remove from a Lua match; the bot script thinks and moves the bot', async (t) => {
  const { h, bots, id, view } = await setup(t, {
    'match.lua': ARENA('bots = { script = "bots/mover.lua" }'),
    'bots/mover.lua': 'names = { "Alpha" }\nfunction think(bot_id, state) if state.players[bot_id] == nil then return nil end return { dx = 0, dy = 1 } end',
  });
  h.matches.input(P1, { add_bot: 'Alpha' });
  await h.clock.advance(200);
  const added = view().calls[0]!;
  t.match(added.ok, /^bot_Alpha_[0-9a-f]{6}$/, 'add answers {ok = bot_id} at once');
  const botId = added.ok!;
  t.ok(h.matches.isPlayerIn(id, botId), 'the bot joined (async)');
  await h.clock.advance(1_000);
  t.ok(view().players[botId]!.y >= 80, 'think(bot_id, state) moved it (dy = 1 every 100 ms)');
  t.equal(view().players[botId]!.x, 100, 'only as the script says');

  h.matches.input(P1, { remove_bot: 'Alpha' });
  await h.clock.advance(300);
  t.same(view().calls[1], { ok: botId }, 'remove by name answers the id');
  t.notOk(h.matches.isPlayerIn(id, botId), 'the bot left');
  t.equal(bots.count, 0);
  t.same(view().players[botId], undefined);

  h.matches.input(P1, { add_bot: '' });
  h.matches.input(P1, { remove_bot: 'nobody' });
  await h.clock.advance(200);
  t.same(view().calls.slice(2), [{ error: 'invalid_bot_name' }, { error: 'bot_not_found' }]);
});

t.test('game.bots.add: 64 bots per match (the ceiling is an option)', async (t) => {
  const { h, view } = await setup(t, { 'match.lua': ARENA('') }, { options: { maxBotsPerMatch: 2 } });
  for (const n of ['A', 'B', 'C']) h.matches.input(P1, { add_bot: n });
  await h.clock.advance(300);
  t.same(view().calls.map((c) => (c.ok === undefined ? c.error : 'ok')), ['ok', 'ok', 'too_many_bots']);
});

for (const [name, script] of [
  ['throws', 'function think(id, state) error("broken bot") end'],
  ['loops forever', 'function think(id, state) while true do end end'],
  ['has no think', 'x = 1'],
  ['returns a non-table', 'function think(id, state) return 42 end'],
  ['does not load', 'function think(id, state'],
] as const) {
  t.test(`a bot script that ${name} falls back to the default AI, logged once a minute`, async (t) => {
    const { h, view } = await setup(t, { 'match.lua': ARENA('bots = { script = "bot.lua" }'), 'bot.lua': script });
    h.matches.input(P1, { add_bot: 'Spark' });
    await h.clock.advance(1_200);
    const botId = view().calls[0]!.ok!;
    t.ok(view().players[botId]!.x < 100, 'the default AI chases P1 (at x = 0)');
    const failures = () => h.log.entries.filter((e) => e.msg === 'bot_think_failed' && e.obj['bot_id'] === botId).length;
    t.equal(failures(), 1, 'logged once');
    await h.clock.advance(58_000);
    t.equal(failures(), 1, 'not again within the minute');
    await h.clock.advance(1_500);
    t.equal(failures(), 2, 'again after a minute');
  });
}

t.test('a bot script that overran rests for scriptBackoffMs, then is tried again', async (t) => {
  const { h, view } = await setup(
    t,
    { 'match.lua': ARENA('bots = { script = "bot.lua" }'), 'bot.lua': 'calls = 0\nfunction think(id, state) calls = calls + 1 if calls == 1 then while true do end end return { dx = 0, dy = 1 } end' },
    { options: { scriptBackoffMs: 2_000 } },
  );
  h.matches.input(P1, { add_bot: 'Spark' });
  await h.clock.advance(1_000);
  const botId = view().calls[0]!.ok!;
  t.equal(view().players[botId]!.y, 0, 'the default AI plays (the script would move it down)');
  t.ok(view().players[botId]!.x < 100);
  await h.clock.advance(2_000);
  t.ok(view().players[botId]!.y > 0, 'the script plays again after the rest');
});

t.test('bot scripts have no game table; names come from the script', async (t) => {
  const g = tempGame(t, { 'bots/probe.lua': 'names = { "Ada", "Bob" }\nfunction think(id, state) return { has_game = game ~= nil, id = id, seen = state.n } end' });
  const s = new BotScript(await runtime(), readBotScript(g.dir, 'bots.probe'));
  t.teardown(() => s.close());
  t.same(s.names(), ['Ada', 'Bob']);
  t.same(s.think('bot_Ada_000000', { n: 3 }), { ok: true, value: { has_game: false, id: 'bot_Ada_000000', seen: 3 } });
  t.throws(() => readBotScript(g.dir, '../outside.lua'), 'a path out of the game folder is refused');
});

t.test('queue fill of a Lua mode: its bots table and its script names', async (t) => {
  const { Matchmaker } = await import('../../src/matchmaker/matchmaker.js');
  const rt = await runtime();
  const lh = await luaHarness(t, {
    'match.lua': ARENA('bots = { script = "bots/named.lua", min_players = 3 }').replace('match_size = 1', 'match_size = 3'),
    'bots/named.lua': 'names = { "Ada" }\nfunction think(id, state) return { dx = 1 } end',
  }, { runtime: rt });
  const { h, lua } = lh;
  const ref: { bots?: Bots } = {};
  const mm = new Matchmaker({ system: h.system, modes: h.modes, startMatch: (m, ids) => ref.bots!.guardStartMatch((mm2, p) => h.matches.startWithPlayers(mm2, p))(m, ids), notify: () => undefined });
  await mm.start();
  t.teardown(() => mm.stop());
  t.same(luaBotConfig(lua.game)('default'), { script: 'bots/named.lua', minPlayers: 3 });
  const bots = await startBots(t, h, { runtime: rt, matchmaker: mm, botConfig: luaBotConfig(lua.game), scripts: luaBotScripts(lua.game) });
  ref.bots = bots;
  const a = h.session(P1);
  await mm.add(P1, { mode: 'default' });
  await h.clock.advance(10_000);
  const id = h.matches.matchOf(P1)!;
  t.ok(id, 'matched with bots');
  t.same(bots.botsIn(id).map((b) => b.name).sort(), ['2', 'Ada'], 'the script names, then the fill position');
  const s = a.of('match.state');
  const last = s[s.length - 1] as View;
  const xs = bots.botsIn(id).map((b) => last.players[b.id]!.x);
  t.ok(xs[0]! + xs[1]! > 100 + 200, 'the bots moved right, as their script says (they joined at x = 100 and 200)');
});

t.test('game.bots.add in init: the bot joins once the match is up', async (t) => {
  const src = ARENA('').replace('function init(config) return { players = {}, n = 0, calls = {} } end', 'function init(config) return { players = {}, n = 0, calls = { game.bots.add("Early") } } end');
  const { h, bots, id, view } = await setup(t, { 'match.lua': src });
  await h.clock.advance(1_000);
  const botId = view().calls[0]!.ok!;
  t.match(botId, /^bot_Early_/);
  t.ok(h.matches.isPlayerIn(id, botId), 'joined');
  t.equal(bots.botsIn(id).length, 1);
  t.equal(h.log.entries.filter((e) => e.msg === 'bot_join_failed').length, 0);
});
