import type { Suite } from './harness.js';
import { unique } from './harness.js';

export const zonesSuite: Suite = async (t, { storage }) => {
  const zones = storage.zones;

  t.test('save upserts on (world, x, y); load, list, deleteWorld', async (t) => {
    const world = unique('world');
    const at = new Date('2020-05-01T00:00:00.000Z');
    const first = await zones.save({
      world_id: world,
      zone_x: 3,
      zone_y: -4,
      entities: { npc_1: { x: 10, y: 20, persistent: true } },
      zone_state: { weather: 'rain' },
      entity_timers: { t1: { end_at: 1_800_000_000_000, on_complete: { grow: 1 } } },
      spawner_state: { wolves: { next_at: 5 } },
      tick: 600,
      snapshot_at: at,
    });
    t.match(first, { world_id: world, zone_x: 3, zone_y: -4, entities: { npc_1: { x: 10 } }, zone_state: { weather: 'rain' }, spawner_state: { wolves: { next_at: 5 } }, tick: 600 });
    t.same(first.snapshot_at, at);
    t.same(await zones.load(world, 3, -4), first);
    const second = await zones.save({ world_id: world, zone_x: 3, zone_y: -4, entities: {}, tick: 1200 });
    t.equal(second.id, first.id, 'the row is replaced in place');
    t.match(second, { entities: {}, zone_state: {}, entity_timers: {}, spawner_state: {}, tick: 1200 });
    t.ok(second.snapshot_at > at, 'snapshot_at defaults to now');
    await zones.save({ world_id: world, zone_x: 0, zone_y: 1, tick: 1200 });
    await zones.save({ world_id: world, zone_x: 0, zone_y: 0, tick: 1200 });
    const other = unique('world');
    await zones.save({ world_id: other, zone_x: 0, zone_y: 0, tick: 1 });
    t.same((await zones.list(world)).map((z) => [z.zone_x, z.zone_y]), [[0, 0], [0, 1], [3, -4]]);
    t.equal(await zones.load(world, 9, 9), undefined);
    t.same(await zones.deleteWorld(world), { deleted: 3 });
    t.same(await zones.list(world), []);
    t.same(await zones.deleteWorld(world), { deleted: 0 });
    t.equal((await zones.list(other)).length, 1, 'other worlds are untouched');
  });

  t.test('saveMany writes a batch in one transaction', async (t) => {
    const world = unique('batch');
    const batch = Array.from({ length: 25 }, (_, i) => ({ world_id: world, zone_x: i % 5, zone_y: Math.floor(i / 5), entities: { [`e${i}`]: { i } }, tick: 600 }));
    t.same(await zones.saveMany(batch), { saved: 25 });
    t.equal((await zones.list(world)).length, 25);
    t.same(await zones.saveMany(batch.map((s) => ({ ...s, tick: 1200 }))), { saved: 25 });
    t.ok((await zones.list(world)).every((z) => z.tick === 1200), 'overwritten');
    t.same(await zones.saveMany([]), { saved: 0 });
    const bad = [{ world_id: world, zone_x: 100, zone_y: 100, tick: 1 }, { world_id: world, zone_x: 101, zone_y: 100, tick: -1 }];
    await t.rejects(zones.saveMany(bad), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'tick' } });
    await t.rejects(zones.saveMany([batch[0]!, batch[0]!]), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'snapshots' } });
    t.equal(await zones.load(world, 100, 100), undefined, 'a refused batch wrote nothing');
  });

  t.test('bad input is a coded error', async (t) => {
    const w = unique('w');
    const bad: Array<[() => Promise<unknown>, string, string]> = [
      [() => zones.save({ world_id: 'a b', zone_x: 0, zone_y: 0, tick: 0 }), 'STO_ERR_INVALID_INPUT', 'world_id'],
      [() => zones.save({ world_id: 'w'.repeat(129), zone_x: 0, zone_y: 0, tick: 0 }), 'STO_ERR_TOO_LARGE', 'world_id'],
      [() => zones.save({ world_id: w, zone_x: 0.5, zone_y: 0, tick: 0 }), 'STO_ERR_INVALID_INPUT', 'zone_x'],
      [() => zones.save({ world_id: w, zone_x: 0, zone_y: 2 ** 31, tick: 0 }), 'STO_ERR_INVALID_INPUT', 'zone_y'],
      [() => zones.save({ world_id: w, zone_x: 0, zone_y: 0, tick: -1 }), 'STO_ERR_INVALID_INPUT', 'tick'],
      [() => zones.save({ world_id: w, zone_x: 0, zone_y: 0, tick: 0, entities: [] as never }), 'STO_ERR_INVALID_INPUT', 'entities'],
      [() => zones.save({ world_id: w, zone_x: 0, zone_y: 0, tick: 0, zone_state: { s: 'x'.repeat(1_100_000) } }), 'STO_ERR_TOO_LARGE', 'zone_state'],
      [() => zones.save({ world_id: w, zone_x: 0, zone_y: 0, tick: 0, snapshot_at: new Date('x') }), 'STO_ERR_INVALID_INPUT', 'snapshot_at'],
      [() => zones.saveMany({} as never), 'STO_ERR_INVALID_INPUT', 'snapshots'],
      [() => zones.saveMany([null as never]), 'STO_ERR_INVALID_INPUT', 'snapshot'],
      [() => zones.load(w, 0, Number.NaN), 'STO_ERR_INVALID_INPUT', 'zone_y'],
      [() => zones.list(''), 'STO_ERR_INVALID_INPUT', 'world_id'],
      [() => zones.deleteWorld('a\u0000'), 'STO_ERR_INVALID_INPUT', 'world_id'],
    ];
    for (const [call, code, field] of bad) await t.rejects(call(), { code, details: { field } }, `${code} ${field}`);
    t.same(await zones.list(w), [], 'nothing was written');
  });
};
