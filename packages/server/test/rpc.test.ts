// POST /api/v1/rpc/:method: the rpc.ok / rpc.error envelope with the code's HTTP status, for every outcome.
import t from 'tap';
import { ApiError, rpcPlugin, type RpcContext } from '../src/index.js';
import { testServer, testStorage, uniqueName } from './helpers.js';

t.test('POST /api/v1/rpc/:method', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, {}, { plugins: [rpcPlugin] });
  const app = server.app;
  const r = (await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username: uniqueName('rpc'), password: 'password123' } })).json();
  const auth = { authorization: `Bearer ${r.access_token}` };
  const call = (method: string, payload?: unknown) =>
    app.inject({ method: 'POST', url: `/api/v1/rpc/${method}`, headers: auth, ...(payload === undefined ? {} : { payload: payload as object }) });

  let lastCtx: RpcContext | undefined;
  const rpc = server.context.rpc;
  rpc.registerRpc('test.echo', (params, ctx) => {
    lastCtx = ctx;
    return { params, player_id: ctx.playerId };
  });
  rpc.registerRpc('test.add', ({ a, b }) => ({ sum: (a as number) + (b as number) }), {
    paramsSchema: { type: 'object', required: ['a', 'b'], properties: { a: { type: 'integer' }, b: { type: 'integer' } } },
  });
  rpc.registerRpc('test.broke', () => {
    throw new ApiError('economy.insufficient_funds', { currency: 'gold' });
  });
  rpc.registerRpc('test.crash', () => {
    throw new Error('do-not-leak-this');
  });

  t.test('rpc.ok with the result (200); the handler sees the caller and transport http', async (t) => {
    const ok = await call('test.echo', { params: { hello: 'world', n: [1, 2] } });
    t.equal(ok.statusCode, 200);
    t.same(ok.json(), { type: 'rpc.ok', payload: { result: { params: { hello: 'world', n: [1, 2] }, player_id: r.player_id } } });
    t.match(lastCtx, { playerId: r.player_id, method: 'test.echo', transport: 'http', session: undefined });
    t.same((await call('test.add', { params: { a: 2, b: 40 } })).json(), { type: 'rpc.ok', payload: { result: { sum: 42 } } });
  });

  t.test('params default to {} when the body or params is missing', async (t) => {
    t.same((await call('test.echo', {})).json().payload.result.params, {});
    t.same((await call('test.echo')).json().payload.result.params, {}, 'no body at all');
    t.same((await call('test.echo', { params: null })).json().payload.result.params, {}, 'null params (as on the socket)');
  });

  t.test('rpc.unknown_method (404)', async (t) => {
    const res = await call('nobody.home', { params: {} });
    t.equal(res.statusCode, 404);
    t.same(res.json(), { type: 'rpc.error', payload: { error: { code: 'rpc.unknown_method', message: 'Unknown RPC method.', details: {} } } });
    for (const name of ['a%20b', '']) {
      const res2 = await call(name, { params: {} });
      t.equal(res2.statusCode, 404, `${JSON.stringify(name)}: a name no method can have`);
      t.equal(res2.json().payload.error.code, 'rpc.unknown_method');
    }
  });

  t.test('rpc.invalid_params (400) with details.fields: schema failures, params not an object, a body not an object', async (t) => {
    const bad = await call('test.add', { params: { a: 'two' } });
    t.equal(bad.statusCode, 400);
    t.equal(bad.json().type, 'rpc.error');
    t.same(bad.json().payload.error.details.fields, { a: 'must be integer', b: 'is required' });
    for (const params of [[1, 2], 'text', 7]) {
      const res = await call('test.echo', { params });
      t.equal(res.statusCode, 400, JSON.stringify(params));
      t.equal(res.json().payload.error.code, 'rpc.invalid_params');
    }
    const notObject = await app.inject({ method: 'POST', url: '/api/v1/rpc/test.echo', headers: { ...auth, 'content-type': 'application/json' }, payload: '[1,2]' });
    t.equal(notObject.statusCode, 400);
    t.match(notObject.json(), { type: 'rpc.error', payload: { error: { code: 'rpc.invalid_params', details: { fields: {} } } } });
  });

  t.test("a handler's ApiError answers its code with that code's status", async (t) => {
    const res = await call('test.broke', { params: {} });
    t.equal(res.statusCode, 402);
    t.same(res.json(), { type: 'rpc.error', payload: { error: { code: 'economy.insufficient_funds', message: 'Not enough funds.', details: { currency: 'gold' } } } });
  });

  t.test('any other throw is internal (500), nothing leaked', async (t) => {
    const res = await call('test.crash', { params: {} });
    t.equal(res.statusCode, 500);
    t.match(res.json(), { type: 'rpc.error', payload: { error: { code: 'internal', details: {} } } });
    t.notOk(res.body.includes('do-not-leak-this'));
  });

  t.test('a token is needed: 401 in the shared error format, before anything is looked up', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/rpc/test.echo', payload: { params: {} } });
    t.equal(res.statusCode, 401);
    t.equal(res.json().error.code, 'unauthenticated');
    const invalid = await app.inject({ method: 'POST', url: '/api/v1/rpc/test.echo', payload: 'not json', headers: { 'content-type': 'application/json' } });
    t.equal(invalid.statusCode, 400, 'a body that is not JSON is refused by the parser first');
    t.equal(invalid.json().error.code, 'invalid_json');
  });

  t.test('the route is in the OpenAPI document', async (t) => {
    const doc = (await app.inject('/docs/json')).json();
    t.ok(doc.paths['/api/v1/rpc/{method}'].post.requestBody, 'with its body schema');
  });
});
