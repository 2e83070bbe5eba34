import type { Suite } from './harness.js';
import { player, unique } from './harness.js';

const NOBODY = '00000000-0000-7000-8000-000000000000';

export const objectsSuite: Suite = async (t, { storage }) => {
  const objects = storage.objects;

  t.test('per-player and global rows: create at version 1, update adds one, the two namespaces never clash', async (t) => {
    const p = await player(storage);
    const col = unique('col');
    const mine = await objects.put({ collection: col, key: 'k', ownerId: p.id, writerId: p.id, value: { a: 1 } });
    t.match(mine, { collection: col, key: 'k', player_id: p.id, value: { a: 1 }, version: 1, read_perm: 'owner', write_perm: 'owner' });
    const global = await objects.put({ collection: col, key: 'k', value: 'motd', read_perm: 'public' });
    t.match(global, { player_id: null, value: 'motd', version: 1, read_perm: 'public', write_perm: 'owner' });
    t.not(global.id, mine.id);
    const updated = await objects.put({ collection: col, key: 'k', ownerId: p.id, writerId: p.id, value: { a: 2 }, version: 1 });
    t.match(updated, { id: mine.id, version: 2, value: { a: 2 }, read_perm: 'owner' });
    t.equal((await objects.get(col, 'k'))?.value, 'motd', 'the global row is untouched');
    t.equal((await objects.get(col, 'k', { ownerId: p.id }))?.version, 2);
    t.equal(await objects.get(col, 'nope', { ownerId: p.id }), undefined);
    const perms = await objects.put({ collection: col, key: 'k', ownerId: p.id, value: [1, 2], read_perm: 'public', write_perm: 'public' });
    t.match(perms, { version: 3, read_perm: 'public', write_perm: 'public' }, 'the server may change permissions');
    t.match(await objects.put({ collection: col, key: 'k', ownerId: p.id, writerId: p.id, value: null }), { version: 4, value: null, read_perm: 'public' }, 'omitted perms are kept');
  });

  t.test('reads honour read_perm; players never read global rows', async (t) => {
    const [owner, other] = [await player(storage), await player(storage)];
    const col = unique('col');
    await objects.put({ collection: col, key: 'secret', ownerId: owner.id, value: 1 });
    await objects.put({ collection: col, key: 'open', ownerId: owner.id, value: 2, read_perm: 'public' });
    await objects.put({ collection: col, key: 'cfg', value: 3, read_perm: 'public' });
    t.equal((await objects.get(col, 'secret', { ownerId: owner.id, readerId: owner.id }))?.value, 1);
    await t.rejects(objects.get(col, 'secret', { ownerId: owner.id, readerId: other.id }), { code: 'STO_ERR_OBJECT_FORBIDDEN', wire: 'storage.forbidden', status: 403, details: { reason: 'read_perm' } });
    t.equal((await objects.get(col, 'open', { ownerId: owner.id, readerId: other.id }))?.value, 2);
    t.equal((await objects.get(col, 'secret', { ownerId: owner.id }))?.value, 1, 'server code reads anything');
    await t.rejects(objects.get(col, 'cfg', { readerId: other.id }), { code: 'STO_ERR_OBJECT_FORBIDDEN', details: { reason: 'global' } });
    t.equal((await objects.get(col, 'cfg'))?.value, 3);
    t.equal(await objects.get(col, 'missing', { ownerId: owner.id, readerId: other.id }), undefined);
  });

  t.test('writes honour write_perm: owner-only rows only by their owner; public rows by anyone, value only', async (t) => {
    const [owner, other] = [await player(storage), await player(storage)];
    const col = unique('col');
    await objects.put({ collection: col, key: 'mine', ownerId: owner.id, writerId: owner.id, value: 1 });
    await t.rejects(objects.put({ collection: col, key: 'mine', ownerId: owner.id, writerId: other.id, value: 2 }), { code: 'STO_ERR_OBJECT_FORBIDDEN', details: { reason: 'write_perm' } });
    await t.rejects(objects.put({ collection: col, key: 'new', ownerId: owner.id, writerId: other.id, value: 2 }), { code: 'STO_ERR_OBJECT_FORBIDDEN', details: { reason: 'not_owner' } }, 'nobody creates rows for another player');
    await t.rejects(objects.put({ collection: col, key: 'g', writerId: owner.id, value: 2 }), { code: 'STO_ERR_OBJECT_FORBIDDEN', details: { reason: 'global' } });
    await objects.put({ collection: col, key: 'wall', ownerId: owner.id, writerId: owner.id, value: [], write_perm: 'public' });
    const scribbled = await objects.put({ collection: col, key: 'wall', ownerId: owner.id, writerId: other.id, value: ['hi'], read_perm: 'public', write_perm: 'owner' });
    t.match(scribbled, { value: ['hi'], version: 2, read_perm: 'owner', write_perm: 'public' }, 'a non-owner never changes permissions');
    t.equal((await objects.get(col, 'mine', { ownerId: owner.id }))?.value, 1, 'refused writes changed nothing');
    t.equal(await objects.get(col, 'new', { ownerId: owner.id }), undefined);
    t.equal((await objects.put({ collection: col, key: 'g', value: { motd: 'hi' } })).version, 1, 'the server writes global rows');
  });

  t.test('delete: returns whether a row existed; honours write_perm and version', async (t) => {
    const [owner, other] = [await player(storage), await player(storage)];
    const col = unique('col');
    await objects.put({ collection: col, key: 'a', ownerId: owner.id, value: 1 });
    await objects.put({ collection: col, key: 'b', ownerId: owner.id, value: 1, write_perm: 'public' });
    await objects.put({ collection: col, key: 'g', value: 1 });
    await t.rejects(objects.delete(col, 'a', { ownerId: owner.id, writerId: other.id }), { code: 'STO_ERR_OBJECT_FORBIDDEN', details: { reason: 'write_perm' } });
    await t.rejects(objects.delete(col, 'a', { ownerId: owner.id, writerId: owner.id, version: 7 }), { code: 'STO_ERR_OBJECT_CONFLICT', details: { current_version: 1 } });
    t.equal(await objects.delete(col, 'a', { ownerId: owner.id, writerId: owner.id, version: 1 }), true);
    t.equal(await objects.delete(col, 'a', { ownerId: owner.id, writerId: owner.id }), false);
    t.equal(await objects.delete(col, 'b', { ownerId: owner.id, writerId: other.id }), true, 'a public-write row is deletable by anyone');
    await t.rejects(objects.delete(col, 'g', { writerId: owner.id }), { code: 'STO_ERR_OBJECT_FORBIDDEN', details: { reason: 'global' } });
    t.equal(await objects.delete(col, 'g'), true);
    t.same(await objects.list(col, { ownerId: owner.id }), []);
  });

  t.test('version OCC: a stale version is STO_ERR_OBJECT_CONFLICT with details.current_version; 0 means create-only', async (t) => {
    const p = await player(storage);
    const col = unique('col');
    const base = { collection: col, key: 'k', ownerId: p.id, writerId: p.id };
    await t.rejects(objects.put({ ...base, value: 1, version: 1 }), { code: 'STO_ERR_OBJECT_CONFLICT', wire: 'storage.conflict', status: 409, details: { current_version: 0 } });
    t.equal((await objects.put({ ...base, value: 1, version: 0 })).version, 1);
    await t.rejects(objects.put({ ...base, value: 2, version: 0 }), { code: 'STO_ERR_OBJECT_CONFLICT', details: { current_version: 1 } });
    t.equal((await objects.put({ ...base, value: 2, version: 1 })).version, 2);
    await t.rejects(objects.put({ ...base, value: 3, version: 1 }), { code: 'STO_ERR_OBJECT_CONFLICT', details: { current_version: 2 } });
    t.equal((await objects.get(col, 'k', { ownerId: p.id }))?.value, 2);
  });

  t.test('sizes, permissions, names and owners are validated before any SQL', async (t) => {
    const p = await player(storage);
    const col = unique('col');
    const pad = 256 * 1024 - JSON.stringify({ s: '' }).length;
    t.equal((await objects.put({ collection: col, key: 'big', ownerId: p.id, value: { s: 'x'.repeat(pad) } })).version, 1, 'exactly 256 KB fits');
    await t.rejects(objects.put({ collection: col, key: 'big', ownerId: p.id, value: { s: 'x'.repeat(pad + 1) } }), {
      code: 'STO_ERR_OBJECT_TOO_LARGE',
      wire: 'storage.value_too_large',
      status: 413,
      details: { limitBytes: 262144 },
    });
    await t.rejects(objects.put({ collection: col, key: 'k', ownerId: p.id, value: 1, read_perm: 'friends' as never }), { code: 'STO_ERR_INVALID_PERM', wire: 'storage.invalid_perm', status: 422, details: { field: 'read_perm' } });
    await t.rejects(objects.put({ collection: col, key: 'k', ownerId: p.id, value: 1, write_perm: null as never }), { code: 'STO_ERR_INVALID_PERM', details: { field: 'write_perm' } });
    await t.rejects(objects.put({ collection: '', key: 'k', value: 1 }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'collection' } });
    await t.rejects(objects.put({ collection: col, key: 'k'.repeat(129), value: 1 }), { code: 'STO_ERR_TOO_LARGE', details: { field: 'key' } });
    await t.rejects(objects.put({ collection: col, key: 'k', value: undefined }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'value' } });
    await t.rejects(objects.put({ collection: col, key: 'k', value: 1, version: -1 }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'version' } });
    await t.rejects(objects.put({ collection: col, key: 'k', ownerId: 'nope', value: 1 }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'ownerId' } });
    await t.rejects(objects.put({ collection: col, key: 'k', ownerId: p.id, writerId: 'x', value: 1 }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'writerId' } });
    await t.rejects(objects.put({ collection: col, key: 'k', ownerId: NOBODY, value: 1 }), { code: 'STO_ERR_NOT_FOUND', details: { player_id: NOBODY } });
    await t.rejects(objects.get(col, 'k', { readerId: 'x' }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'readerId' } });
    await t.rejects(objects.list(col, { ownerId: p.id, limit: 201 }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'limit' } });
    t.same((await objects.list(col, { ownerId: p.id })).map((o) => o.key), ['big'], 'no refusal wrote anything');
  });

  t.test('list: one owner or the global rows, by key, filtered by read_perm; listReadable spans players', async (t) => {
    const [a, b] = [await player(storage), await player(storage)];
    const col = unique('col');
    for (const key of ['c', 'a', 'b']) await objects.put({ collection: col, key, ownerId: a.id, value: key, read_perm: key === 'b' ? 'public' : 'owner' });
    await objects.put({ collection: col, key: 'z', ownerId: b.id, value: 'z', read_perm: 'public' });
    await objects.put({ collection: col, key: 'y', ownerId: b.id, value: 'y' });
    await objects.put({ collection: col, key: 'g', value: 'g' });
    await objects.put({ collection: unique('other'), key: 'a', ownerId: a.id, value: 'elsewhere' });
    t.same((await objects.list(col, { ownerId: a.id })).map((o) => o.key), ['a', 'b', 'c']);
    t.same((await objects.list(col, { ownerId: a.id, readerId: a.id })).map((o) => o.key), ['a', 'b', 'c']);
    t.same((await objects.list(col, { ownerId: a.id, readerId: b.id })).map((o) => o.key), ['b'], 'only public rows for others');
    t.same((await objects.list(col, { ownerId: a.id, limit: 2 })).map((o) => o.key), ['a', 'b']);
    t.same((await objects.list(col)).map((o) => o.key), ['g'], 'global rows for server code');
    await t.rejects(objects.list(col, { readerId: a.id }), { code: 'STO_ERR_OBJECT_FORBIDDEN', details: { reason: 'global' } });
    t.same((await objects.listReadable(col, a.id)).map((o) => o.key), ['a', 'b', 'c', 'z']);
    t.same((await objects.listReadable(col, b.id)).map((o) => o.key), ['b', 'y', 'z']);
    t.same((await objects.listReadable(col, b.id, { limit: 1 })).map((o) => o.key), ['b']);
  });

  t.test('racing writers: one version wins once; create-only wins once; unchecked writes lose no update', async (t) => {
    const p = await player(storage);
    const col = unique('col');
    const base = { collection: col, ownerId: p.id, writerId: p.id };
    await objects.put({ ...base, key: 'k', value: 0 });
    const raced = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => objects.put({ ...base, key: 'k', value: i, version: 1 })));
    t.equal(raced.filter((r) => r.status === 'fulfilled').length, 1);
    t.same(new Set(raced.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as { code: string }).code)), new Set(['STO_ERR_OBJECT_CONFLICT']));
    const created = await Promise.allSettled(Array.from({ length: 10 }, () => objects.put({ ...base, key: 'new', value: 1, version: 0 })));
    t.equal(created.filter((r) => r.status === 'fulfilled').length, 1);
    const blind = await Promise.all(Array.from({ length: 10 }, (_, i) => objects.put({ ...base, key: 'blind', value: i })));
    t.same(blind.map((o) => o.version).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const globals = await Promise.all(Array.from({ length: 10 }, (_, i) => objects.put({ collection: col, key: 'g', value: i })));
    t.same(globals.map((o) => o.version).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'racing first writes of a global row too');
  });
};
