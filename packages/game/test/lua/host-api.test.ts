import t from 'tap';
import { GameError } from '../../src/errors.js';
import type { MatchBehaviour } from '../../src/match/behaviour.js';
import { createLuaModes } from '../../src/lua/lua-modes.js';
import { checkArgs } from '../../src/lua/host-api.js';
import type { LuaHostServices } from '../../src/lua/host-services.js';
import { P1, P2, fakeApi, luaHarness, tempGame } from './helpers.js';

const CALLER = `
match_size = 1
quick_play = true
function init(c) return {} end
function join(id, s) return s end
function leave(id, s) return s end
function handle_input(id, input, s)
  local f = game
  for part in string.gmatch(input.call, "[^.]+") do f = f[part] end
  local args = input.args or {}
  s.result = f(table.unpack(args, 1, input.n or #args))
  return s
end
function tick(s) return s end
function get_state(id, s) return s end
`;

async function caller(t: { teardown(fn: () => void): void }, services?: LuaHostServices, extra: Parameters<typeof createLuaModes>[1] = {}) {
  const g = tempGame(t, { 'match.lua': CALLER });
  const logs: unknown[][] = [];
  const lua = await createLuaModes(g.dir, { reload: false, now: () => 5_000, log: (...a) => void logs.push(a), ...(services === undefined ? {} : { services }), ...extra });
  t.teardown(() => lua.close());
  const b = lua.modes['default']!.behaviour as MatchBehaviour<Record<string, unknown>, unknown>;
  const api = fakeApi('m1', [P1, P2]);
  const s0 = (await b.init({ match_id: 'm1', mode: 'default' }, api)) as Record<string, unknown>;
  const call = async (name: string, ...args: unknown[]): Promise<unknown> => {
    const s1 = (await b.handleInput(P1, { call: name, args, n: args.length }, s0, api)) as Record<string, unknown>;
    const r = (await b.tick!(s1, api)) as Record<string, unknown>;
    return r['result'];
  };
  return { call, api, logs };
}

t.test('game.id, game.log', async (t) => {
  const { call, api } = await caller(t);
  t.match(await call('id'), /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUIDv7');
  t.equal(await call('log', 'info', 'hello', { a: 1 }), true);
  t.same(api.calls.at(-1), ['log', 'info', 'hello', { source: 'lua', meta: { a: 1 } }]);
  t.equal(await call('log', 'warning', 'w'), true);
  t.same(api.calls.at(-1)?.slice(0, 3), ['log', 'warn', 'w'], '"warning" is warn');
  await call('log', 'info', 'x'.repeat(2000), { big: 'y'.repeat(5000) });
  t.equal((api.calls.at(-1)?.[2] as string).length, 500, 'message cut at 500');
  t.same(api.calls.at(-1)?.[3], { source: 'lua', _truncated: true }, 'meta over 2 KB replaced');
  t.match(await call('log', 'loud', 'x'), { error: /level/ });
  t.match(await call('log', 'info'), { error: 'expected game.log(level: string, message: string[, meta: table])' });
});

t.test('game.log is rate limited per match (30/s) and per node', async (t) => {
  const { call } = await caller(t);
  const results: unknown[] = [];
  for (let i = 0; i < 35; i++) results.push(await call('log', 'info', `line ${i}`));
  t.equal(results.filter((r) => r === true).length, 30);
  t.equal(results.filter((r) => r === false).length, 5, 'dropped lines answer false');
  const node = await caller(t, undefined, { logPerNodePerSecond: 3 });
  const r2: unknown[] = [];
  for (let i = 0; i < 5; i++) r2.push(await node.call('log', 'info', 'x'));
  t.same(r2, [true, true, true, false, false]);
});

t.test('game.send, game.broadcast, game.match.set_joinable', async (t) => {
  const { call, api } = await caller(t);
  t.equal(await call('send', P2, { hello: 1 }), true);
  t.same(api.calls.at(-1), ['sendMessage', P2, { hello: 1 }, 'lua']);
  t.equal(await call('send', P2, 'text'), true, 'any Lua value');
  t.same(await call('send', 'someone-else', 1), { error: 'not_in_match' });
  t.equal(await call('broadcast', 'boom', { x: 1 }), true);
  t.same(api.calls.at(-1), ['broadcast', 'boom', { x: 1 }]);
  t.same(await call('broadcast', 'big', { s: 'x'.repeat(70_000) }), { error: 'payload_too_large' });
  t.equal(await call('match.set_joinable', false), true);
  t.same(api.calls.at(-1), ['setJoinable', false]);
  t.same(await call('send'), { error: 'expected game.send(player_id: string, message: any)' });
  t.same(await call('broadcast', 1, {}), { error: 'expected game.broadcast(event: string[, payload: any])' });
  t.same(await call('match.set_joinable', 'yes'), { error: 'expected game.match.set_joinable(joinable: boolean)' });
});

t.test('game.broadcast / send through a real match: frames, and the match refusing a bad event', async (t) => {
  const script = CALLER.replace('function tick(s) return s end', 'function tick(s) s.b1 = game.broadcast("score", {n = 1}) s.b2 = game.broadcast("state", {}) s.b3 = game.broadcast("bad event!", {}) for _, p in ipairs(PLAYERS or {}) do end return s end');
  const { h } = await luaHarness(t, { 'match.lua': script });
  const a = h.session(P1);
  await h.matches.findOrCreate('default', P1, a.pid);
  h.matches.input(P1, { call: 'send', args: [P1, { private: true }], n: 2 });
  await h.clock.advance(100);
  t.same(a.of('module.message'), [{ module: 'lua', message: { private: true } }], 'game.send → module.message {module: "lua"}');
  t.same(a.of('match.score'), [{ n: 1 }], 'game.broadcast → match.<event>');
  const st = a.of('match.state').at(-1) as Record<string, unknown>;
  t.equal(st['b1'], true);
  t.same(st['b2'], { error: 'invalid_event' }, 'reserved leaf refused');
  t.same(st['b3'], { error: 'invalid_event' });
});

const SERVICE_CALLS: [string, unknown[], string][] = [
  ['bots.add', ['chaser'], 'bots.add'],
  ['bots.remove', ['bot_chaser_ab'], 'bots.remove'],
  ['economy.grant', [P1, 'gold', 5, 'win'], 'economy.grant'],
  ['economy.debit', [P1, 'gold', 5], 'economy.debit'],
  ['economy.balance', [P1], 'economy.balance'],
  ['economy.purchase', [P1, 'listing-1'], 'economy.purchase'],
  ['leaderboard.submit', ['weekly', P1, 10], 'leaderboard.submit'],
  ['leaderboard.top', ['weekly', 3], 'leaderboard.top'],
  ['leaderboard.rank', ['weekly', P1], 'leaderboard.rank'],
  ['leaderboard.around', ['weekly', P1, 2], 'leaderboard.around'],
  ['notify', [P1, 'reward', 'You won', { n: 1 }], 'notify.notify'],
  ['notify_many', [[P1, P2], 'reward', 'You won'], 'notify.notifyMany'],
  ['storage.get', ['saves', 'k'], 'storage.get'],
  ['storage.set', ['saves', 'k', { v: 1 }], 'storage.set'],
  ['storage.player_get', [P1, 'saves', 'k'], 'storage.playerGet'],
  ['storage.player_set', [P1, 'saves', 'k', 1], 'storage.playerSet'],
  ['chat.send', ['room:1', P1, 'gg'], 'chat.send'],
];

t.test('game service calls without services answer not_available', async (t) => {
  const { call } = await caller(t);
  for (const [name, args] of SERVICE_CALLS) t.same(await call(name, ...args), { error: 'not_available' }, name);
});

t.test('game service calls reach the host services port', async (t) => {
  const seen: unknown[][] = [];
  const rec =
    (name: string, answer: unknown = { ok: name }) =>
    (...args: unknown[]) => {
      seen.push([name, ...args]);
      return answer as never;
    };
  const services: LuaHostServices = {
    bots: { add: rec('bots.add'), remove: rec('bots.remove') },
    economy: { grant: rec('economy.grant'), debit: rec('economy.debit'), balance: rec('economy.balance', { ok: { gold: 3 } }), purchase: rec('economy.purchase') },
    leaderboard: { submit: rec('leaderboard.submit', true), top: rec('leaderboard.top'), rank: rec('leaderboard.rank'), around: rec('leaderboard.around') },
    notify: { notify: rec('notify.notify'), notifyMany: rec('notify.notifyMany') },
    storage: { get: rec('storage.get'), set: rec('storage.set'), playerGet: rec('storage.playerGet'), playerSet: rec('storage.playerSet') },
    chat: { send: rec('chat.send', true) },
  };
  const { call } = await caller(t, services);
  for (const [name, args, port] of SERVICE_CALLS) {
    const r = await call(name, ...args);
    const last = seen.at(-1);
    t.equal(last?.[0], port, `${name} → ${port}`);
    t.same(last?.[1], { matchId: 'm1', mode: 'default' }, `${name}: the caller's context`);
    t.same(last?.slice(2), args, `${name}: the arguments`);
    if (port === 'leaderboard.submit' || port === 'chat.send') t.equal(r, true, `${name} answers a boolean`);
    else if (port === 'economy.balance') t.same(r, { ok: { gold: 3 } });
    else t.same(r, { ok: port }, `${name} answers the wrapped result`);
  }
});

t.test('game service calls: wrong arguments, failures, promises', async (t) => {
  const services: LuaHostServices = {
    economy: {
      grant: () => {
        throw new GameError('insufficient_funds');
      },
      debit: () => {
        throw new Error('db down');
      },
      balance: async () => ({ ok: 1 }),
      purchase: () => Promise.reject(new Error('later')),
    },
  };
  const { call, logs } = await caller(t, services);
  t.same(await call('economy.grant', P1, 'gold'), { error: 'expected game.economy.grant(player_id: string, currency: string, amount: number[, reason: string])' });
  t.same(await call('economy.grant', 1, 'gold', 5), { error: 'expected game.economy.grant(player_id: string, currency: string, amount: number[, reason: string])' });
  t.same(await call('notify_many', 'not a list', 't', 's'), { error: 'expected game.notify_many(player_ids: {string}, type: string, subject: string[, data: any])' });
  t.same(await call('economy.grant', P1, 'gold', 5), { error: 'insufficient_funds' }, 'a GameError answers its reason');
  t.same(await call('economy.debit', P1, 'gold', 5), { error: 'host_error' }, 'any other throw is host_error');
  t.same(await call('economy.balance', P1), { ok: 'pending' }, 'a promise answers pending');
  t.same(await call('economy.purchase', P1, 'l1'), { ok: 'pending' });
  await new Promise((r) => setImmediate(r));
  t.ok(logs.some((l) => l[1] === 'lua_host_call_failed'), 'a rejected promise is logged');
});

t.test('checkArgs', async (t) => {
  const sig = { name: 'x', args: [['a', 'string'], ['b', 'number'], ['c', 'table']] as const, optionalFrom: 2 };
  t.equal(checkArgs(sig, ['s', 1]), undefined);
  t.equal(checkArgs(sig, ['s', 1, {}]), undefined);
  t.equal(checkArgs(sig, ['s', 1, undefined]), undefined, 'trailing nils are absent');
  t.equal(checkArgs(sig, ['s']), 'expected game.x(a: string, b: number[, c: table])');
  t.equal(checkArgs(sig, ['s', 1, {}, 4]), 'expected game.x(a: string, b: number[, c: table])', 'too many');
  t.equal(checkArgs(sig, ['s', Number.NaN]), 'expected game.x(a: string, b: number[, c: table])', 'NaN is no number');
});
