// RpcRegistry: registration rules and the transport-free dispatcher (every outcome and error code).
import t from 'tap';
import { StorageError } from '@hajime/storage';
import { ApiError, RpcRegistry, type RpcContext } from '../src/index.js';

class RecordingLogger {
  readonly entries: { obj: Record<string, unknown>; msg: string | undefined }[] = [];
  error(obj: object, msg?: string): void {
    this.entries.push({ obj: obj as Record<string, unknown>, msg });
  }
}

const caller = { playerId: '0190f2a4-0000-7000-8000-000000000001', transport: 'http', session: undefined } as const;

t.test('RpcRegistry.registerRpc', async (t) => {
  t.test('names are dot-separated segments of letters, digits, _ and -, at most 128 characters', async (t) => {
    const rpc = new RpcRegistry({ log: new RecordingLogger() });
    for (const name of ['echo', 'quests.claim', 'a.b-c.d_e', 'x'.repeat(128)]) t.doesNotThrow(() => rpc.registerRpc(name, () => ({})), name);
    for (const name of ['', '.a', 'a.', 'a..b', 'a b', 'a/b', 'é', 'x'.repeat(129)]) t.throws(() => rpc.registerRpc(name, () => ({})), TypeError, JSON.stringify(name));
    t.throws(() => rpc.registerRpc('nofn', 'not a function' as never), TypeError);
    t.throws(() => rpc.registerRpc('bad.schema', () => ({}), { paramsSchema: { oneOf: [] } as never }), TypeError, 'a schema outside the subset is refused at registration');
    t.notOk(rpc.has('bad.schema'));
  });

  t.test('one handler per name unless replace; unregister; methods() sorted', async (t) => {
    const rpc = new RpcRegistry({ log: new RecordingLogger() });
    rpc.registerRpc('b.two', () => ({ v: 1 }));
    rpc.registerRpc('a.one', () => ({}));
    t.throws(() => rpc.registerRpc('b.two', () => ({ v: 2 })), /already registered/);
    rpc.registerRpc('b.two', () => ({ v: 2 }), { replace: true });
    t.same(await rpc.call('b.two', {}, caller), { ok: true, result: { v: 2 } }, 'replaced');
    t.same(rpc.methods(), ['a.one', 'b.two']);
    t.ok(rpc.unregisterRpc('a.one'));
    t.notOk(rpc.unregisterRpc('a.one'), 'already gone');
    t.same(rpc.methods(), ['b.two']);
    t.match(await rpc.call('a.one', {}, caller), { ok: false, error: { code: 'rpc.unknown_method' } });
  });
});

t.test('RpcRegistry.call', async (t) => {
  const log = new RecordingLogger();
  const rpc = new RpcRegistry({ log });
  let seen: { params: unknown; ctx: RpcContext } | undefined;
  rpc.registerRpc('test.echo', (params, ctx) => {
    seen = { params, ctx };
    return { params };
  });
  rpc.registerRpc(
    'quests.claim',
    async ({ quest_id }) => ({ reward: `reward-for-${String(quest_id)}` }),
    { paramsSchema: { type: 'object', required: ['quest_id'], properties: { quest_id: { type: 'string', maxLength: 8 } }, additionalProperties: false } },
  );
  rpc.registerRpc('test.api_error', () => {
    throw new ApiError('economy.insufficient_funds', { currency: 'gold', needed: 5 });
  });
  rpc.registerRpc('test.storage_error', async () => {
    throw new StorageError('STO_ERR_OBJECT_CONFLICT', { details: { current_version: 3, sqlState: '40001' } });
  });
  rpc.registerRpc('test.unavailable', async () => {
    throw new StorageError('STO_ERR_UNAVAILABLE', { cause: new Error('connection refused 10.0.0.7') });
  });
  rpc.registerRpc('test.crash', () => {
    throw new Error('secret internals: password=hunter2');
  });
  rpc.registerRpc('test.reject', () => Promise.reject(new TypeError('nope')));
  rpc.registerRpc('test.array', () => [1, 2] as never);
  rpc.registerRpc('test.undefined', () => undefined as never);
  rpc.registerRpc('test.cyclic', () => {
    const o: Record<string, unknown> = {};
    o['self'] = o;
    return o;
  });
  rpc.registerRpc('test.bigint', () => ({ n: 1n }));

  t.test('a result: { ok: true, result }, the handler seeing params and its context', async (t) => {
    t.same(await rpc.call('test.echo', { a: [1, { b: null }] }, caller), { ok: true, result: { params: { a: [1, { b: null }] } } });
    t.same(seen, { params: { a: [1, { b: null }] }, ctx: { ...caller, method: 'test.echo' } });
    t.same(await rpc.call('quests.claim', { quest_id: 'q-1' }, caller), { ok: true, result: { reward: 'reward-for-q-1' } });
  });

  t.test('rpc.unknown_method for a name nobody registered', async (t) => {
    t.same(await rpc.call('nobody.here', {}, caller), { ok: false, error: { code: 'rpc.unknown_method', message: 'Unknown RPC method.', details: {} } });
  });

  t.test('rpc.invalid_params: params not an object, or failing the schema, with details.fields', async (t) => {
    for (const params of [null, [], 'x', 3, undefined]) {
      t.match(await rpc.call('test.echo', params, caller), { ok: false, error: { code: 'rpc.invalid_params', details: { fields: { params: 'must be object' } } } }, JSON.stringify(params) ?? 'undefined');
    }
    t.match(await rpc.call('quests.claim', {}, caller), { ok: false, error: { code: 'rpc.invalid_params', details: { fields: { quest_id: 'is required' } } } });
    t.same((await rpc.call('quests.claim', { quest_id: 'much-too-long', x: 1 }, caller)) as unknown, {
      ok: false,
      error: { code: 'rpc.invalid_params', message: 'Invalid RPC parameters.', details: { fields: { quest_id: 'must NOT have more than 8 characters', x: 'is not allowed' } } },
    });
  });

  t.test("a thrown ApiError or StorageError answers its wire code and details (driver internals dropped)", async (t) => {
    t.match(await rpc.call('test.api_error', {}, caller), { ok: false, error: { code: 'economy.insufficient_funds', details: { currency: 'gold', needed: 5 } } });
    const conflict = await rpc.call('test.storage_error', {}, caller);
    t.match(conflict, { ok: false, error: { code: 'storage.conflict', details: { current_version: 3 } } });
    t.notOk(!conflict.ok && 'sqlState' in conflict.error.details);
    const before = log.entries.length;
    t.match(await rpc.call('test.unavailable', {}, caller), { ok: false, error: { code: 'service_unavailable', details: {} } });
    t.equal(log.entries.length, before + 1, 'a 5xx code is logged');
  });

  t.test('anything else thrown, or a result that is not a JSON object: internal, logged, nothing leaked', async (t) => {
    for (const method of ['test.crash', 'test.reject', 'test.array', 'test.undefined', 'test.cyclic', 'test.bigint']) {
      const before = log.entries.length;
      const out = await rpc.call(method, {}, caller);
      t.same(out, { ok: false, error: { code: 'internal', message: 'Something went wrong on the server.', details: {} } }, method);
      t.notOk(JSON.stringify(out).includes('hunter2'));
      t.equal(log.entries.length, before + 1, `${method} is logged`);
      t.equal(log.entries.at(-1)?.obj['method'], method, 'with the method');
    }
  });
});
