// Lua's game.* services on a real server: a Lua match grants currency, submits a score, notifies, writes
// storage objects and sends chat through createLuaHostServices; each call answers at once and its effect
// lands in storage (or reaches the player) shortly after.
import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModeRegistry, createLuaModes } from '@hajime/game';
import { chatPlugin, createGamePlugin, createLuaHostServices, type GameRuntime } from '../src/index.js';
import { clients, connected, listenWs, registerPlayer, type TestSocket } from './gateway-client.js';
import { testServer, testStorage, uniqueName } from './helpers.js';

const SCRIPT = `
match_size = 1
max_players = 4
quick_play = true
function init() return { answers = {} } end
function join(p, s) return s end
function leave(p, s) return s end
function handle_input(p, input, s)
  local r
  if input.op == "grant" then r = game.economy.grant(p, "gold", 5, "quest")
  elseif input.op == "submit" then r = game.leaderboard.submit("lua_board", p, 42)
  elseif input.op == "notify" then r = game.notify(p, "lua.hello", "Hello from Lua", { n = 1 })
  elseif input.op == "store" then r = game.storage.player_set(p, "progress", "level", { level = 3 })
  elseif input.op == "global" then r = game.storage.set("world", "motd", { text = "hi" })
  elseif input.op == "chat" then r = game.chat.send(input.channel, p, "gg from lua")
  elseif input.op == "bad" then r = game.economy.grant(p)
  elseif input.op == "bot" then r = game.bots.add("Spark")
  end
  s.answers[input.op] = r
  return s
end
function tick(s) return s end
function get_state(s) return { answers = s.answers } end
state_strategy = "shared"
`;

async function until<T>(fn: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

t.test("Lua's game.* services on a real server", async (t) => {
  const storage = await testStorage(t);
  const modes = new ModeRegistry();
  let game: GameRuntime | undefined;
  const server = await testServer(t, storage, {}, { plugins: [chatPlugin, createGamePlugin({ modes, onStart: (g) => (game = g) })] });
  const dir = await mkdtemp(join(tmpdir(), 'hajime-lua-services-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'match.lua'), SCRIPT);
  const lua = await createLuaModes(dir, { reload: false, services: createLuaHostServices(server.context) });
  t.teardown(() => lua.close());
  for (const [name, config] of Object.entries(lua.modes)) modes.set(name, { ...config, tickMs: 20 });

  const url = await listenWs(server);
  const open = clients(t, url);
  const p = await registerPlayer(server, uniqueName('lua'));
  const socket: TestSocket = await connected(open, p.access_token);
  const channel = `global:${uniqueName('lua')}`;
  t.match(await socket.request('chat.join', { channel_id: channel }), { type: 'chat.joined' });
  const joined = await socket.request('match.find_or_create', { mode: 'default' });
  t.match(joined, { type: 'match.joined' });
  const matchId = (joined.payload as { match_id: string }).match_id;
  const answers = async (op: string) => {
    for (;;) {
      const f = await socket.next();
      const a = (f.payload as { answers?: Record<string, unknown> }).answers;
      if (f.type === 'match.state' && a !== undefined && op in a) return a[op];
    }
  };

  socket.send({ type: 'match.input', payload: { op: 'grant' } });
  t.same(await answers('grant'), { ok: 'pending' }, 'a service call answers at once');
  t.equal(await until(async () => ((await storage.economy.balance(p.player_id, 'gold')) === 5 ? 5 : undefined), 'the grant'), 5, 'game.economy.grant credited the wallet');

  socket.send({ type: 'match.input', payload: { op: 'bad' } });
  t.match(await answers('bad'), { error: String }, 'wrong arity: an error naming the shape');

  socket.send({ type: 'match.input', payload: { op: 'submit' } });
  await answers('submit');
  t.equal(await until(async () => server.context.services.leaderboards!.rank('lua_board', p.player_id), 'the score'), 1, 'game.leaderboard.submit reached the live board');

  socket.send({ type: 'match.input', payload: { op: 'notify' } });
  const pushed = await until(async () => {
    const f = await socket.next();
    return f.type === 'notification.new' ? f : undefined;
  }, 'notification.new');
  t.match(pushed.payload, { type: 'lua.hello', subject: 'Hello from Lua', content: { n: 1 } }, 'game.notify stored and pushed it');

  socket.send({ type: 'match.input', payload: { op: 'store' } });
  await answers('store');
  t.same(await until(async () => (await storage.objects.get('progress', 'level', { ownerId: p.player_id }))?.value, 'the player object'), { level: 3 });
  socket.send({ type: 'match.input', payload: { op: 'global' } });
  await answers('global');
  t.same(await until(async () => (await storage.objects.get('world', 'motd'))?.value, 'the global object'), { text: 'hi' });

  socket.send({ type: 'match.input', payload: { op: 'bot' } });
  const bot = (await answers('bot')) as { ok: string };
  t.match(bot, { ok: /^bot_Spark_[0-9a-f]{6}$/ }, 'game.bots.add answers with the bot id');
  t.ok(await until(async () => (game!.matches.get(matchId)?.players.includes(bot.ok) ? true : undefined), 'the bot joining'), 'the bot joined the match');

  socket.send({ type: 'match.input', payload: { op: 'chat', channel } });
  const said = await until(async () => {
    const f = await socket.next();
    return f.type === 'chat.message' ? f : undefined;
  }, 'chat.message');
  t.match(said.payload, { channel_id: channel, sender_id: p.player_id, content: 'gg from lua' }, 'game.chat.send reached the channel');
});
