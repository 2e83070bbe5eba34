// objectsPlugin: per-player storage objects over HTTP: versions, permissions between players, listing,
// every storage.* code, and global rows staying out of reach.
import t from 'tap';
import { OBJECT_MAX_BYTES } from '@hajime/storage';
import { objectsPlugin } from '../src/index.js';
import { testServer, testStorage, uniqueName } from './helpers.js';

t.test('objectsPlugin', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, {}, { plugins: [objectsPlugin] });
  const app = server.app;
  const player = async (): Promise<{ id: string; auth: { authorization: string } }> => {
    const r = (await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username: uniqueName('ob'), password: 'password123' } })).json();
    return { id: r.player_id, auth: { authorization: `Bearer ${r.access_token}` } };
  };
  const url = (collection: string, key: string, query = '') => `/api/v1/storage/${encodeURIComponent(collection)}/${encodeURIComponent(key)}${query}`;
  const put = (auth: Record<string, string>, path: string, payload: object) => app.inject({ method: 'PUT', url: path, headers: auth, payload });
  const get = (auth: Record<string, string>, path: string) => app.inject({ method: 'GET', url: path, headers: auth });
  const del = (auth: Record<string, string>, path: string) => app.inject({ method: 'DELETE', url: path, headers: auth });

  t.test('PUT creates at version 1 with owner-only permissions; updates add one; GET reads it back', async (t) => {
    const p = await player();
    const created = await put(p.auth, url('decks', 'main'), { value: { cards: [1, 2] } });
    t.equal(created.statusCode, 200);
    t.match(created.json(), { collection: 'decks', key: 'main', player_id: p.id, value: { cards: [1, 2] }, version: 1, read_perm: 'owner', write_perm: 'owner' });
    t.ok(!Number.isNaN(Date.parse(created.json().updated_at)));
    const updated = await put(p.auth, url('decks', 'main'), { value: { cards: [3] }, version: 1, read_perm: 'public' });
    t.match(updated.json(), { value: { cards: [3] }, version: 2, read_perm: 'public', write_perm: 'owner' }, 'permissions change only when given');
    t.same((await get(p.auth, url('decks', 'main'))).json(), updated.json());
    t.same((await get(p.auth, url('decks', 'main', `?player_id=${p.id}`))).json(), updated.json(), 'naming yourself as the owner is the same');
    t.equal((await put(p.auth, url('scalars', 'n'), { value: 7 })).json().value, 7, 'any JSON value');
    t.equal((await put(p.auth, url('long', 'k'.repeat(100)), { value: 1 })).json().key, 'k'.repeat(100), 'a 100-character key');
  });

  t.test('storage.not_found (404)', async (t) => {
    const p = await player();
    const r = await get(p.auth, url('decks', 'missing'));
    t.equal(r.statusCode, 404);
    t.equal(r.json().error.code, 'storage.not_found');
    const d = await del(p.auth, url('decks', 'missing'));
    t.equal(d.statusCode, 404);
    t.equal(d.json().error.code, 'storage.not_found');
  });

  t.test('storage.conflict (409) with details.current_version, on PUT and DELETE', async (t) => {
    const p = await player();
    await put(p.auth, url('c', 'k'), { value: 1 });
    await put(p.auth, url('c', 'k'), { value: 2 });
    const stale = await put(p.auth, url('c', 'k'), { value: 'stale', version: 1 });
    t.equal(stale.statusCode, 409);
    t.equal(stale.json().error.code, 'storage.conflict');
    t.equal(stale.json().error.details.current_version, 2);
    t.equal((await put(p.auth, url('c', 'k'), { value: 3, version: 0 })).json().error.code, 'storage.conflict', 'version 0: must not exist yet');
    t.equal((await put(p.auth, url('c', 'new'), { value: 3, version: 0 })).json().version, 1, 'version 0 creates');
    const staleDelete = await del(p.auth, url('c', 'k', '?version=1'));
    t.equal(staleDelete.statusCode, 409);
    t.equal(staleDelete.json().error.details.current_version, 2);
    t.same((await del(p.auth, url('c', 'k', '?version=2'))).json(), { success: true });
    t.equal((await get(p.auth, url('c', 'k'))).statusCode, 404, 'deleted');
  });

  t.test('storage.value_too_large (413) over 256 KB of JSON', async (t) => {
    const p = await player();
    const r = await put(p.auth, url('big', 'v'), { value: 'x'.repeat(OBJECT_MAX_BYTES) });
    t.equal(r.statusCode, 413);
    t.equal(r.json().error.code, 'storage.value_too_large');
    t.equal(r.json().error.details.limitBytes, OBJECT_MAX_BYTES);
    t.equal((await get(p.auth, url('big', 'v'))).statusCode, 404);
  });

  t.test('storage.invalid_perm (422) for a permission other than public or owner', async (t) => {
    const p = await player();
    for (const body of [{ value: 1, read_perm: 'everyone' }, { value: 1, write_perm: 'friends' }, { value: 1, read_perm: 3 }]) {
      const r = await put(p.auth, url('perm', 'k'), body);
      t.equal(r.statusCode, 422, JSON.stringify(body));
      t.equal(r.json().error.code, 'storage.invalid_perm');
      t.ok(['read_perm', 'write_perm'].includes(r.json().error.details.field), 'details.field names it');
    }
    t.equal((await get(p.auth, url('perm', 'k'))).statusCode, 404, 'nothing was written');
  });

  t.test('storage.invalid_request (400) for any other malformed input', async (t) => {
    const p = await player();
    const cases: [string, string, object?][] = [
      ['PUT', url('c', 'k'), {}],
      ['PUT', url('c', 'k'), { value: 1, version: -1 }],
      ['PUT', url('c', 'k', '?player_id=not-a-uuid'), { value: 1 }],
      ['PUT', url('c', 'k'), { value: 'a\u0000b' }],
      ['PUT', url('c', '€'.repeat(43)), { value: 1 }], // 43 characters, 129 bytes
      ['GET', url('c', 'k', '?player_id=nope')],
      ['GET', '/api/v1/storage/c?limit=0'],
      ['GET', '/api/v1/storage/c?limit=201'],
      ['GET', `/api/v1/storage/${'€'.repeat(43)}`],
      ['DELETE', url('c', 'k', '?version=x')],
    ];
    for (const [method, path, payload] of cases) {
      const r = await app.inject({ method: method as 'GET', url: path, headers: p.auth, ...(payload === undefined ? {} : { payload }) });
      t.equal(r.statusCode, 400, `${method} ${path.slice(0, 60)} ${JSON.stringify(payload ?? '')}`);
      t.equal(r.json().error.code, 'storage.invalid_request');
      t.type(r.json().error.details.fields, 'object', 'details.fields says what');
    }
  });

  t.test("another player's object: read only if public, written or deleted only if public-write, never created", async (t) => {
    const a = await player();
    const b = await player();
    const mine = url('notes', 'private', `?player_id=${a.id}`);
    await put(a.auth, url('notes', 'private'), { value: { text: 'a-secret' } });

    const read = await get(b.auth, mine);
    t.equal(read.statusCode, 403);
    t.equal(read.json().error.code, 'storage.forbidden');
    t.notOk(read.body.includes('a-secret'), 'the refusal does not leak the value');
    const write = await put(b.auth, mine, { value: { text: 'b-was-here' } });
    t.equal(write.json().error.code, 'storage.forbidden');
    t.equal((await del(b.auth, mine)).json().error.code, 'storage.forbidden');
    t.same((await get(a.auth, url('notes', 'private'))).json().value, { text: 'a-secret' }, 'untouched');
    t.equal((await get(b.auth, url('notes', 'private'))).json().error.code, 'storage.not_found', "without player_id, b reads b's own namespace");

    const create = await put(b.auth, url('notes', 'planted', `?player_id=${a.id}`), { value: 1 });
    t.equal(create.statusCode, 403, "only the owner creates objects in the owner's namespace");
    t.equal(create.json().error.code, 'storage.forbidden');
    t.equal((await get(a.auth, url('notes', 'planted'))).statusCode, 404);

    await put(a.auth, url('notes', 'private'), { value: { text: 'now public' }, read_perm: 'public' });
    const publicRead = await get(b.auth, mine);
    t.equal(publicRead.statusCode, 200, 'public read');
    t.match(publicRead.json(), { player_id: a.id, value: { text: 'now public' } });
    t.equal((await put(b.auth, mine, { value: 'x' })).json().error.code, 'storage.forbidden', 'public read is not public write');

    await put(a.auth, url('notes', 'private'), { value: { text: 'wiki' }, write_perm: 'public' });
    const edited = await put(b.auth, mine, { value: { text: 'edited by b' }, read_perm: 'owner', write_perm: 'owner' });
    t.equal(edited.statusCode, 200, 'public write');
    t.match(edited.json(), { player_id: a.id, value: { text: 'edited by b' }, read_perm: 'public', write_perm: 'public' }, "a non-owner's permissions are ignored");
    t.same((await del(b.auth, mine)).json(), { success: true }, 'public write includes delete');
    t.equal((await get(a.auth, url('notes', 'private'))).statusCode, 404);
  });

  t.test("GET /storage/:collection lists your own and others' public objects, by key, up to limit", async (t) => {
    const a = await player();
    const b = await player();
    const col = uniqueName('col');
    await put(a.auth, url(col, 'a1'), { value: 'a own' });
    await put(a.auth, url(col, 'a2'), { value: 'a public', read_perm: 'public' });
    await put(b.auth, url(col, 'b1'), { value: 'b own' });
    await put(b.auth, url(col, 'b2'), { value: 'b public', read_perm: 'public' });
    await put(b.auth, url(`${col}-other`, 'b3'), { value: 'elsewhere', read_perm: 'public' });
    const list = (await get(a.auth, `/api/v1/storage/${col}`)).json().objects as { key: string; player_id: string }[];
    t.same(
      list.map((o) => o.key),
      ['a1', 'a2', 'b2'],
      "a's own objects and b's public one, not b's owner-only one nor other collections",
    );
    t.equal(list.find((o) => o.key === 'b2')?.player_id, b.id, 'each object names its owner');
    t.same((await get(a.auth, `/api/v1/storage/${col}?limit=2`)).json().objects.map((o: { key: string }) => o.key), ['a1', 'a2'], 'limit');
    t.same((await get(a.auth, `/api/v1/storage/${uniqueName('empty')}`)).json(), { objects: [] });
  });

  t.test('global rows (no owner) are never reached over HTTP', async (t) => {
    const p = await player();
    const col = uniqueName('global');
    await storage.objects.put({ collection: col, key: 'motd', value: 'server only', read_perm: 'public', write_perm: 'public' });
    t.equal((await get(p.auth, url(col, 'motd'))).statusCode, 404, "GET reads the caller's namespace, not the global row");
    t.same((await get(p.auth, `/api/v1/storage/${col}`)).json(), { objects: [] }, 'listing skips global rows');
    t.equal((await put(p.auth, url(col, 'motd'), { value: 'mine' })).json().player_id, p.id, "PUT writes the caller's own row");
    t.equal((await storage.objects.get(col, 'motd'))?.value, 'server only', 'the global row is untouched');
  });

  t.test('every route needs a token', async (t) => {
    for (const [method, path] of [['GET', '/api/v1/storage/c'], ['GET', url('c', 'k')], ['PUT', url('c', 'k')], ['DELETE', url('c', 'k')]] as const) {
      const r = await app.inject({ method, url: path, ...(method === 'PUT' ? { payload: { value: 1 } } : {}) });
      t.equal(r.statusCode, 401, `${method} ${path}`);
      t.equal(r.json().error.code, 'unauthenticated');
    }
  });
});
