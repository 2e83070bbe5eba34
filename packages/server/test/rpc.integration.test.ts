// rpc.call over a real WebSocket: rpc.ok / rpc.error replies echoing the cid, every error code, the
// handler's session handle, and the cid, protocol and authentication rules of the frame.
import t from 'tap';
import { frame } from '@hajime/protocol';
import { ApiError, rpcPlugin, type RpcContext } from '../src/index.js';
import { clients, connected, listenWs, registerPlayer } from './gateway-client.js';
import { testServer, testStorage, uniqueName } from './helpers.js';

t.test('rpc.call over the WebSocket', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, {}, { plugins: [rpcPlugin] });
  const url = await listenWs(server);
  const open = clients(t, url);
  const player = await registerPlayer(server, uniqueName('rpcws'));
  const call = (method: string, params: unknown = {}) => ({ protocol: 1, method, params });

  let lastCtx: RpcContext | undefined;
  const rpc = server.context.rpc;
  rpc.registerRpc('test.echo', (params, ctx) => {
    lastCtx = ctx;
    return { params, player_id: ctx.playerId };
  });
  rpc.registerRpc('test.add', ({ a, b }) => ({ sum: (a as number) + (b as number) }), {
    paramsSchema: { type: 'object', required: ['a', 'b'], properties: { a: { type: 'integer' }, b: { type: 'integer' } } },
  });
  rpc.registerRpc('test.push_first', (_params, { session }) => {
    session?.push(frame('module.event', { module: 'test', event: 'test.pushed', data: { before_reply: true } }));
    return { pushed: true };
  });
  rpc.registerRpc('test.broke', async () => {
    throw new ApiError('economy.insufficient_funds', { currency: 'gold' });
  });
  rpc.registerRpc('test.crash', () => {
    throw new Error('do-not-leak-this');
  });

  t.test('rpc.ok {result} with the cid echoed; the handler sees the player, transport ws and the session', async (t) => {
    const s = await connected(open, player.access_token);
    t.same(await s.request('rpc.call', call('test.echo', { x: [1, 'two'] }), 'c-1'), { type: 'rpc.ok', cid: 'c-1', payload: { result: { params: { x: [1, 'two'] }, player_id: player.player_id } } });
    t.match(lastCtx, { playerId: player.player_id, method: 'test.echo', transport: 'ws' });
    t.equal(lastCtx?.session?.playerId, player.player_id, 'the session handle of the caller');
    t.same(await s.request('rpc.call', call('test.add', { a: 1, b: 2 }), 'c-2'), { type: 'rpc.ok', cid: 'c-2', payload: { result: { sum: 3 } } });
    t.same(await s.request('rpc.call', { method: 'test.echo' }, 'c-3'), { type: 'rpc.ok', cid: 'c-3', payload: { result: { params: {}, player_id: player.player_id } } }, 'protocol defaults to 1, params to {}');
  });

  t.test('a handler may push to its session before it replies', async (t) => {
    const s = await connected(open, player.access_token);
    s.send({ type: 'rpc.call', cid: 'p-1', payload: call('test.push_first') });
    const pushed = await s.next();
    t.same(pushed, { type: 'module.event', payload: { module: 'test', event: 'test.pushed', data: { before_reply: true } } }, 'the push carries no cid');
    t.same(await s.next(), { type: 'rpc.ok', cid: 'p-1', payload: { result: { pushed: true } } });
  });

  t.test('rpc.error {error} for each refusal, cid echoed, the session going on', async (t) => {
    const s = await connected(open, player.access_token);
    t.same(await s.request('rpc.call', call('nobody.home'), 'e-1'), { type: 'rpc.error', cid: 'e-1', payload: { error: { code: 'rpc.unknown_method', message: 'Unknown RPC method.', details: {} } } });
    t.match(await s.request('rpc.call', call('test.add', { a: 'one' }), 'e-2'), { type: 'rpc.error', cid: 'e-2', payload: { error: { code: 'rpc.invalid_params', details: { fields: { a: 'must be integer', b: 'is required' } } } } });
    t.match(await s.request('rpc.call', call('test.echo', [1]), 'e-3'), { type: 'rpc.error', cid: 'e-3', payload: { error: { code: 'rpc.invalid_params' } } }, 'params must be an object');
    t.same(await s.request('rpc.call', call('test.broke'), 'e-4'), { type: 'rpc.error', cid: 'e-4', payload: { error: { code: 'economy.insufficient_funds', message: 'Not enough funds.', details: { currency: 'gold' } } } });
    const crash = await s.request('rpc.call', call('test.crash'), 'e-5');
    t.same(crash, { type: 'rpc.error', cid: 'e-5', payload: { error: { code: 'internal', message: 'Something went wrong on the server.', details: {} } } });
    t.notOk(JSON.stringify(crash).includes('do-not-leak-this'));
    t.equal((await s.request('rpc.call', call('test.add', { a: 2, b: 2 }), 'e-6')).payload.result.sum, 4, 'the session goes on');
  });

  t.test('the frame rules: cid required (and not echoed when invalid), protocol 1, a method, authentication first', async (t) => {
    const s = await connected(open, player.access_token);
    const noCid = await s.request('rpc.call', call('test.echo'));
    t.match(noCid, { type: 'error', payload: { error: { code: 'rpc.invalid_cid' } } });
    t.notOk('cid' in noCid, 'no cid to echo');
    const badCid = await s.request('rpc.call', call('test.echo'), 'x'.repeat(65));
    t.match(badCid, { type: 'error', payload: { error: { code: 'rpc.invalid_cid' } } });
    t.notOk('cid' in badCid, 'an invalid cid is never echoed');
    t.match(await s.request('rpc.call', { protocol: 2, method: 'test.echo', params: {} }, 'v-2'), { type: 'error', cid: 'v-2', payload: { error: { code: 'rpc.unsupported_protocol', details: { supported: [1] } } } });
    t.match(await s.request('rpc.call', { protocol: 1, params: {} }, 'no-method'), { type: 'error', cid: 'no-method', payload: { error: { code: 'missing_field' } } });

    const anon = await open();
    t.match(await anon.request('rpc.call', call('test.echo'), 'anon'), { type: 'error', cid: 'anon', payload: { error: { code: 'unauthenticated' } } });
  });

  t.test('the same call answers the same on both transports', async (t) => {
    const s = await connected(open, player.access_token);
    const viaWs = await s.request('rpc.call', call('test.add', { a: 'x', b: 1 }), 'same');
    const viaHttp = await server.app.inject({ method: 'POST', url: '/api/v1/rpc/test.add', headers: { authorization: `Bearer ${player.access_token}` }, payload: { params: { a: 'x', b: 1 } } });
    t.same(viaHttp.json(), { type: viaWs.type, payload: viaWs.payload });
    t.equal(viaHttp.statusCode, 400);
  });
});
