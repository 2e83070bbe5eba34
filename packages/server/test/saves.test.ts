// savesPlugin: GET /saves, GET/PUT /saves/:slot with optimistic concurrency, the slot and size caps, and
// each player reaching only their own slots.
import t from 'tap';
import { SAVE_MAX_BYTES, SAVE_MAX_SLOTS } from '@hajime/storage';
import { savesPlugin } from '../src/index.js';
import { testServer, testStorage, uniqueName } from './helpers.js';

t.test('savesPlugin', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, {}, { plugins: [savesPlugin] });
  const app = server.app;
  const player = async (): Promise<{ id: string; auth: { authorization: string } }> => {
    const r = (await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username: uniqueName('sv'), password: 'password123' } })).json();
    return { id: r.player_id, auth: { authorization: `Bearer ${r.access_token}` } };
  };
  const put = (auth: Record<string, string>, slot: string, payload: object) => app.inject({ method: 'PUT', url: `/api/v1/saves/${encodeURIComponent(slot)}`, headers: auth, payload });
  const get = (auth: Record<string, string>, url: string) => app.inject({ method: 'GET', url, headers: auth });

  t.test('the first write is version 1, each update adds one; GET reads it back', async (t) => {
    const p = await player();
    t.same((await get(p.auth, '/api/v1/saves')).json(), { saves: [] }, 'no saves yet');
    const first = await put(p.auth, 'main', { data: { level: 1, items: ['sword'] } });
    t.equal(first.statusCode, 200);
    t.match(first.json(), { slot: 'main', data: { level: 1, items: ['sword'] }, version: 1 });
    t.ok(!Number.isNaN(Date.parse(first.json().updated_at)), 'updated_at is an ISO timestamp');
    t.equal((await put(p.auth, 'main', { data: { level: 2 } })).json().version, 2, 'no version: last write wins');
    const third = await put(p.auth, 'main', { data: { level: 3 }, version: 2 });
    t.equal(third.statusCode, 200);
    t.equal(third.json().version, 3, 'the current version: accepted');
    const read = await get(p.auth, '/api/v1/saves/main');
    t.equal(read.statusCode, 200);
    t.same(read.json(), third.json(), 'GET answers what PUT returned');
    t.equal((await put(p.auth, 'scalar', { data: 42 })).json().data, 42, 'data may be any JSON value');
    t.equal((await put(p.auth, 'nothing', { data: null })).json().data, null, 'null included');
  });

  t.test('GET /saves lists slot, version and updated_at only, by slot', async (t) => {
    const p = await player();
    await put(p.auth, 'b-slot', { data: { big: 'x'.repeat(100) } });
    await put(p.auth, 'a-slot', { data: {} });
    await put(p.auth, 'a-slot', { data: {} });
    const list = (await get(p.auth, '/api/v1/saves')).json().saves;
    t.same(
      list.map((s: { slot: string; version: number }) => [s.slot, s.version]),
      [
        ['a-slot', 2],
        ['b-slot', 1],
      ],
    );
    for (const s of list) t.same(Object.keys(s).sort(), ['slot', 'updated_at', 'version'], 'no data in the listing');
  });

  t.test('save.version_conflict (409) carries details.current_version', async (t) => {
    const p = await player();
    await put(p.auth, 'main', { data: { a: 1 } });
    await put(p.auth, 'main', { data: { a: 2 } });
    const stale = await put(p.auth, 'main', { data: { a: 'stale' }, version: 1 });
    t.equal(stale.statusCode, 409);
    t.equal(stale.json().error.code, 'save.version_conflict');
    t.equal(stale.json().error.details.current_version, 2);
    t.same((await get(p.auth, '/api/v1/saves/main')).json().data, { a: 2 }, 'the refused write changed nothing');
    const mustBeNew = await put(p.auth, 'main', { data: {}, version: 0 });
    t.equal(mustBeNew.json().error.code, 'save.version_conflict', 'version 0: the slot must not exist yet');
    const ahead = await put(p.auth, 'empty', { data: {}, version: 3 });
    t.equal(ahead.statusCode, 409);
    t.equal(ahead.json().error.details.current_version, 0, 'an empty slot is version 0');
    t.equal((await put(p.auth, 'fresh', { data: {}, version: 0 })).json().version, 1, 'version 0 creates a new slot');
  });

  t.test('racing writers naming the same version: exactly one wins', async (t) => {
    const p = await player();
    await put(p.auth, 'race', { data: { n: 0 } });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => put(p.auth, 'race', { data: { n: i + 1 }, version: 1 })));
    t.equal(results.filter((r) => r.statusCode === 200).length, 1, 'one write accepted');
    t.ok(results.filter((r) => r.statusCode !== 200).every((r) => r.json().error.code === 'save.version_conflict'), 'the others conflict');
    t.equal((await get(p.auth, '/api/v1/saves/race')).json().version, 2);
  });

  t.test('save.not_found (404) for an empty slot', async (t) => {
    const p = await player();
    const r = await get(p.auth, '/api/v1/saves/never-written');
    t.equal(r.statusCode, 404);
    t.equal(r.json().error.code, 'save.not_found');
  });

  t.test('save.too_large (413) over 256 KB of JSON', async (t) => {
    const p = await player();
    const big = await put(p.auth, 'big', { data: 'x'.repeat(SAVE_MAX_BYTES) });
    t.equal(big.statusCode, 413);
    t.equal(big.json().error.code, 'save.too_large');
    t.equal(big.json().error.details.limitBytes, SAVE_MAX_BYTES);
    t.equal((await get(p.auth, '/api/v1/saves/big')).statusCode, 404, 'nothing was written');
    t.equal((await put(p.auth, 'fits', { data: 'x'.repeat(SAVE_MAX_BYTES - 2) })).statusCode, 200, 'exactly at the cap fits');
  });

  t.test('save.slot_limit_reached (409) on the 11th slot; existing slots stay writable', async (t) => {
    const p = await player();
    for (let i = 0; i < SAVE_MAX_SLOTS; i++) t.equal((await put(p.auth, `slot-${i}`, { data: { i } })).statusCode, 200);
    const over = await put(p.auth, 'one-too-many', { data: {} });
    t.equal(over.statusCode, 409);
    t.equal(over.json().error.code, 'save.slot_limit_reached');
    t.equal(over.json().error.details.limit, SAVE_MAX_SLOTS);
    t.equal((await put(p.auth, 'slot-0', { data: { i: 'again' } })).json().version, 2);
    t.equal((await get(p.auth, '/api/v1/saves')).json().saves.length, SAVE_MAX_SLOTS);
  });

  t.test('malformed input is validation_failed (422)', async (t) => {
    const p = await player();
    const cases: [string, object][] = [
      ['main', {}],
      ['main', { data: {}, version: -1 }],
      ['main', { data: {}, version: 1.5 }],
      ['s'.repeat(65), { data: {} }],
      ['€'.repeat(22), { data: {} }], // 22 characters, 66 bytes
    ];
    for (const [slot, body] of cases) {
      const r = await put(p.auth, slot, body);
      t.equal(r.statusCode, 422, `${slot.slice(0, 8)} ${JSON.stringify(body)}`);
      t.equal(r.json().error.code, 'validation_failed');
    }
    const nul = await put(p.auth, 'main', { data: 'a\u0000b' });
    t.equal(nul.json().error.code, 'validation_failed', 'NUL cannot be stored');
    t.equal((await get(p.auth, `/api/v1/saves/${'€'.repeat(22)}`)).json().error.code, 'validation_failed', 'GET checks the slot the same way');
    t.equal((await put(p.auth, 'unicode ✓ slot', { data: {} })).json().slot, 'unicode ✓ slot', 'slot names are any text within 64 bytes');
  });

  t.test("a player reaches only their own slots; the same slot name is another player's own", async (t) => {
    const a = await player();
    const b = await player();
    await put(a.auth, 'main', { data: { owner: 'a' } });
    t.same((await get(b.auth, '/api/v1/saves')).json(), { saves: [] }, "b does not see a's saves");
    t.equal((await get(b.auth, '/api/v1/saves/main')).json().error.code, 'save.not_found');
    const mine = await put(b.auth, 'main', { data: { owner: 'b' } });
    t.equal(mine.json().version, 1, "b's write creates b's own slot");
    t.same((await get(a.auth, '/api/v1/saves/main')).json(), { slot: 'main', data: { owner: 'a' }, version: 1, updated_at: (await storage.saves.get(a.id, 'main'))!.updated_at.toISOString() }, "a's save is untouched");
  });

  t.test('every route needs a token', async (t) => {
    for (const [method, url] of [['GET', '/api/v1/saves'], ['GET', '/api/v1/saves/main'], ['PUT', '/api/v1/saves/main']] as const) {
      const r = await app.inject({ method, url, ...(method === 'PUT' ? { payload: { data: {} } } : {}) });
      t.equal(r.statusCode, 401, `${method} ${url}`);
      t.equal(r.json().error.code, 'unauthenticated');
    }
  });
});
