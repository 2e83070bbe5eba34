import type { Suite } from './harness.js';
import { player } from './harness.js';

const NOBODY = '00000000-0000-7000-8000-000000000000';

type Settled<T> = PromiseSettledResult<T>;
const codes = <T>(results: Settled<T>[]): string[] => results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as { code: string }).code);

export const savesSuite: Suite = async (t, { storage }) => {
  const saves = storage.saves;

  t.test('first write is version 1, each update adds one; list has slot, version, updated_at only', async (t) => {
    const p = await player(storage);
    t.same(await saves.list(p.id), []);
    const first = await saves.put(p.id, 'main', { level: 1, items: ['sword'] });
    t.match(first, { player_id: p.id, slot: 'main', data: { level: 1, items: ['sword'] }, version: 1 });
    t.ok(first.updated_at instanceof Date);
    const second = await saves.put(p.id, 'main', { level: 2 });
    t.equal(second.version, 2);
    t.equal(second.id, first.id, 'an update keeps the row');
    const third = await saves.put(p.id, 'main', [1, 'two', null], 2);
    t.equal(third.version, 3);
    await saves.put(p.id, 'alt', 'just a string');
    const list = await saves.list(p.id);
    t.same(list.map((s) => [s.slot, s.version]), [['alt', 1], ['main', 3]], 'by slot');
    t.same(Object.keys(list[0]!).sort(), ['slot', 'updated_at', 'version'], 'no data, no ids');
    t.same((await saves.get(p.id, 'main'))?.data, [1, 'two', null]);
    t.equal(await saves.get(p.id, 'nope'), undefined);
  });

  t.test('a stale expectedVersion is STO_ERR_VERSION_CONFLICT with details.current_version and writes nothing', async (t) => {
    const p = await player(storage);
    await t.rejects(saves.put(p.id, 'main', { a: 1 }, 3), { code: 'STO_ERR_VERSION_CONFLICT', details: { current_version: 0 } }, 'an empty slot is version 0');
    t.equal((await saves.put(p.id, 'main', { a: 1 }, 0)).version, 1, 'expectedVersion 0 creates');
    await saves.put(p.id, 'main', { a: 2 }, 1);
    await t.rejects(saves.put(p.id, 'main', { a: 3 }, 1), { code: 'STO_ERR_VERSION_CONFLICT', wire: 'save.version_conflict', status: 409, details: { current_version: 2 } });
    await t.rejects(saves.put(p.id, 'main', { a: 3 }, 0), { code: 'STO_ERR_VERSION_CONFLICT', details: { current_version: 2 } });
    t.match(await saves.get(p.id, 'main'), { version: 2, data: { a: 2 } });
  });

  t.test('data over 256 KB of JSON is STO_ERR_SAVE_TOO_LARGE; exactly 256 KB fits', async (t) => {
    const p = await player(storage);
    const pad = 256 * 1024 - JSON.stringify({ s: '' }).length;
    t.equal((await saves.put(p.id, 'big', { s: 'x'.repeat(pad) })).version, 1);
    await t.rejects(saves.put(p.id, 'big', { s: 'x'.repeat(pad + 1) }), { code: 'STO_ERR_SAVE_TOO_LARGE', wire: 'save.too_large', status: 413, details: { limitBytes: 262144 } });
    await t.rejects(saves.put(p.id, 'big', { s: 'é'.repeat(pad / 2 + 1) }), { code: 'STO_ERR_SAVE_TOO_LARGE' }, 'counted in UTF-8 bytes');
    t.equal((await saves.get(p.id, 'big'))?.version, 1);
  });

  t.test('an 11th slot is STO_ERR_SLOT_LIMIT; full slots still update; a delete frees one', async (t) => {
    const p = await player(storage);
    for (let i = 0; i < 10; i++) await saves.put(p.id, `s${i}`, { i });
    await t.rejects(saves.put(p.id, 's10', {}), { code: 'STO_ERR_SLOT_LIMIT', wire: 'save.slot_limit_reached', status: 409, details: { limit: 10 } });
    t.equal((await saves.put(p.id, 's3', { i: 33 })).version, 2, 'an existing slot still updates');
    t.equal(await saves.delete(p.id, 's0'), true);
    t.equal(await saves.delete(p.id, 's0'), false, 'already gone');
    t.equal(await saves.get(p.id, 's0'), undefined);
    t.equal((await saves.put(p.id, 's10', {})).version, 1);
    t.equal((await saves.list(p.id)).length, 10);
    const other = await player(storage);
    t.equal((await saves.put(other.id, 's10', {})).version, 1, 'the cap is per player');
  });

  t.test('bad input and unknown players are coded errors', async (t) => {
    const p = await player(storage);
    await t.rejects(saves.put(p.id, '', {}), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'slot' } });
    await t.rejects(saves.put(p.id, 'a\u0000b', {}), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'slot' } });
    await t.rejects(saves.put(p.id, 's'.repeat(65), {}), { code: 'STO_ERR_TOO_LARGE', details: { field: 'slot' } });
    await t.rejects(saves.put(p.id, 7 as never, {}), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'slot' } });
    for (const v of [-1, 1.5, '1' as never, 2 ** 31]) {
      await t.rejects(saves.put(p.id, 'main', {}, v), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'expectedVersion' } }, `expectedVersion ${String(v)}`);
    }
    await t.rejects(saves.put(p.id, 'main', undefined), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'data' } });
    await t.rejects(saves.put(p.id, 'main', { n: 1n }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'data' } });
    await t.rejects(saves.put(p.id, 'main', { s: 'a\u0000' }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'data' } });
    await t.rejects(saves.put('nope', 'main', {}), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'player_id' } });
    await t.rejects(saves.put(NOBODY, 'main', {}), { code: 'STO_ERR_NOT_FOUND', details: { player_id: NOBODY } });
    await t.rejects(saves.get('nope', 'main'), { code: 'STO_ERR_INVALID_INPUT' });
    await t.rejects(saves.list('nope'), { code: 'STO_ERR_INVALID_INPUT' });
    t.same(await saves.list(NOBODY), []);
    t.equal(await saves.delete(NOBODY, 'main'), false);
    t.same(await saves.list(p.id), [], 'no refusal wrote anything');
  });

  t.test('20 concurrent writes with the same expectedVersion: exactly one wins', async (t) => {
    const p = await player(storage);
    await saves.put(p.id, 'main', { n: 0 });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => saves.put(p.id, 'main', { n: i + 1 }, 1)));
    t.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    t.same(new Set(codes(results)), new Set(['STO_ERR_VERSION_CONFLICT']));
    t.equal((await saves.get(p.id, 'main'))?.version, 2);
    const created = await Promise.allSettled(Array.from({ length: 10 }, () => saves.put(p.id, 'fresh', {}, 0)));
    t.equal(created.filter((r) => r.status === 'fulfilled').length, 1, 'racing create-only writes: one creates');
    const blind = await Promise.all(Array.from({ length: 10 }, () => saves.put(p.id, 'blind', {})));
    t.same(blind.map((s) => s.version).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'unchecked writes serialise: no lost version');
  });

  t.test('concurrent first writes to new slots never exceed 10 slots', async (t) => {
    const p = await player(storage);
    for (let i = 0; i < 7; i++) await saves.put(p.id, `old${i}`, {});
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => saves.put(p.id, `new${i}`, { i })));
    t.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
    t.same(new Set(codes(results)), new Set(['STO_ERR_SLOT_LIMIT']));
    t.equal((await saves.list(p.id)).length, 10);
  });
};
