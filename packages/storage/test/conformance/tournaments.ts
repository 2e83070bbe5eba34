import { newId } from '../../src/index.js';
import type { Suite } from './harness.js';
import { player, unique } from './harness.js';

const NOBODY = '00000000-0000-7000-8000-000000000000';
const day = (n: number): Date => new Date(Date.UTC(2030, 0, 1) + n * 86_400_000);

export const tournamentsSuite: Suite = async (t, { storage }) => {
  const tours = storage.tournaments;

  t.test('create, get, setStatus; defaults', async (t) => {
    const name = unique('Spring Cup');
    const tour = await tours.create({
      name,
      leaderboard_id: unique('cup'),
      max_entries: 64,
      entry_fee: { currency: 'gold', amount: 100 },
      rewards: [{ rank: 1, gold: 1000 }],
      start_at: day(1),
      end_at: day(2),
      metadata: { region: 'eu' },
    });
    t.match(tour, { name, max_entries: 64, entry_fee: { currency: 'gold', amount: 100 }, rewards: [{ rank: 1, gold: 1000 }], status: 'pending', metadata: { region: 'eu' } });
    t.same(tour.start_at, day(1));
    t.same(await tours.get(tour.id), tour);
    t.equal(await tours.get(NOBODY), undefined);
    const bare = await tours.create({ name: 'Open', start_at: day(1), end_at: day(3) });
    t.match(bare, { leaderboard_id: `tournament:${bare.id}`, max_entries: null, entry_fee: null, rewards: null, metadata: {} });
    t.match(await tours.setStatus(tour.id, 'active'), { id: tour.id, status: 'active' });
    t.equal((await tours.get(tour.id))?.status, 'active');
    await t.rejects(tours.setStatus(NOBODY, 'active'), { code: 'STO_ERR_NOT_FOUND' });
    await t.rejects(tours.create({ id: tour.id, name: 'dup', start_at: day(1), end_at: day(2) }), { code: 'STO_ERR_CONFLICT' });
  });

  t.test('list: ordered by start_at, filtered by status, limited', async (t) => {
    const offset = 1000 + Math.floor(Math.random() * 1000);
    const late = await tours.create({ name: 'late', start_at: day(offset + 3), end_at: day(offset + 4), status: 'finished' });
    const early = await tours.create({ name: 'early', start_at: day(offset + 1), end_at: day(offset + 2), status: 'finished' });
    const mid = await tours.create({ name: 'mid', start_at: day(offset + 2), end_at: day(offset + 3), status: 'finished' });
    const mine = new Set([late.id, early.id, mid.id]);
    const listed = (await tours.list({ status: 'finished', limit: 200 })).filter((x) => mine.has(x.id)).map((x) => x.id);
    t.same(listed, [early.id, mid.id, late.id]);
    const all = await tours.list({ limit: 200 });
    t.same(all.map((x) => x.start_at.getTime()), all.map((x) => x.start_at.getTime()).sort((a, b) => a - b), 'every list is in start_at order');
    t.ok((await tours.list({ status: 'pending' })).every((x) => x.status === 'pending'));
    t.equal((await tours.list({ limit: 1 })).length, 1);
  });

  t.test('join, leave, entries, countEntries; duplicates, full and finished are coded', async (t) => {
    const tour = await tours.create({ name: 'Duel', max_entries: 2, start_at: day(1), end_at: day(2) });
    const [a, b, c] = [await player(storage), await player(storage), await player(storage)];
    t.match(await tours.join(tour.id, a.id), { tournament_id: tour.id, player_id: a.id });
    await t.rejects(tours.join(tour.id, a.id), { code: 'STO_ERR_ALREADY_JOINED', wire: 'tournament.already_joined', status: 409 });
    await tours.join(tour.id, b.id);
    await t.rejects(tours.join(tour.id, c.id), { code: 'STO_ERR_TOURNAMENT_FULL', wire: 'tournament.full', status: 409, details: { max_entries: 2 } });
    t.same((await tours.entries(tour.id)).map((e) => e.player_id), [a.id, b.id], 'in join order');
    t.equal(await tours.countEntries(tour.id), 2);
    t.equal(await tours.leave(tour.id, a.id), true);
    t.equal(await tours.leave(tour.id, a.id), false);
    await tours.join(tour.id, c.id);
    t.same((await tours.entries(tour.id)).map((e) => e.player_id), [b.id, c.id], 'a freed place can be taken');
    await tours.setStatus(tour.id, 'finished');
    await tours.leave(tour.id, c.id);
    await t.rejects(tours.join(tour.id, a.id), { code: 'STO_ERR_TOURNAMENT_CLOSED', wire: 'tournament.closed' });
    t.equal(await tours.countEntries(tour.id), 1);
    await t.rejects(tours.join(NOBODY, a.id), { code: 'STO_ERR_NOT_FOUND', details: { tournament_id: NOBODY } });
    const open = await tours.create({ name: 'Open', start_at: day(1), end_at: day(2) });
    await t.rejects(tours.join(open.id, NOBODY), { code: 'STO_ERR_NOT_FOUND', details: { player_id: NOBODY } });
    t.equal(await tours.countEntries(open.id), 0);
    t.same(await tours.entries(open.id), []);
    await t.rejects(tours.entries(NOBODY), { code: 'STO_ERR_NOT_FOUND' });
    await t.rejects(tours.countEntries(NOBODY), { code: 'STO_ERR_NOT_FOUND' });
  });

  t.test('concurrent joins never exceed max_entries; concurrent duplicates join once', async (t) => {
    const tour = await tours.create({ name: 'Rush', max_entries: 10, start_at: day(1), end_at: day(2) });
    const players = await Promise.all(Array.from({ length: 40 }, () => player(storage, 'tj')));
    const results = await Promise.allSettled(players.map((p) => tours.join(tour.id, p.id)));
    t.equal(results.filter((r) => r.status === 'fulfilled').length, 10);
    t.same(new Set(results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as { code: string }).code)), new Set(['STO_ERR_TOURNAMENT_FULL']));
    t.equal(await tours.countEntries(tour.id), 10);

    const open = await tours.create({ name: 'Open rush', start_at: day(1), end_at: day(2) });
    const same = await Promise.allSettled(Array.from({ length: 10 }, () => tours.join(open.id, players[0]!.id)));
    t.equal(same.filter((r) => r.status === 'fulfilled').length, 1);
    t.same(new Set(same.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as { code: string }).code)), new Set(['STO_ERR_ALREADY_JOINED']));
    t.equal(await tours.countEntries(open.id), 1);
  });

  t.test('bad input is a coded error', async (t) => {
    const ok = { name: 'x', start_at: day(1), end_at: day(2) };
    const tid = (await tours.create(ok)).id;
    const p = newId();
    const bad: Array<[() => Promise<unknown>, string, string]> = [
      [() => tours.create({ ...ok, name: '' }), 'STO_ERR_INVALID_INPUT', 'name'],
      [() => tours.create({ ...ok, name: 'n'.repeat(129) }), 'STO_ERR_TOO_LARGE', 'name'],
      [() => tours.create({ ...ok, end_at: day(1) }), 'STO_ERR_INVALID_INPUT', 'end_at'],
      [() => tours.create({ ...ok, start_at: new Date('x') }), 'STO_ERR_INVALID_INPUT', 'start_at'],
      [() => tours.create({ ...ok, max_entries: 0 }), 'STO_ERR_INVALID_INPUT', 'max_entries'],
      [() => tours.create({ ...ok, max_entries: 1.5 }), 'STO_ERR_INVALID_INPUT', 'max_entries'],
      [() => tours.create({ ...ok, status: 'cancelled' as never }), 'STO_ERR_INVALID_INPUT', 'status'],
      [() => tours.create({ ...ok, leaderboard_id: 'a b' }), 'STO_ERR_INVALID_INPUT', 'leaderboard_id'],
      [() => tours.create({ ...ok, rewards: { x: 'y'.repeat(20_000) } }), 'STO_ERR_TOO_LARGE', 'rewards'],
      [() => tours.create({ ...ok, entry_fee: () => 1 }), 'STO_ERR_INVALID_INPUT', 'entry_fee'],
      [() => tours.create({ ...ok, metadata: [] as never }), 'STO_ERR_INVALID_INPUT', 'metadata'],
      [() => tours.create({ ...ok, id: 't1' }), 'STO_ERR_INVALID_INPUT', 'id'],
      [() => tours.get('t1'), 'STO_ERR_INVALID_INPUT', 'id'],
      [() => tours.list({ status: 'live' as never }), 'STO_ERR_INVALID_INPUT', 'status'],
      [() => tours.list({ limit: 201 }), 'STO_ERR_INVALID_INPUT', 'limit'],
      [() => tours.setStatus(tid, 'done' as never), 'STO_ERR_INVALID_INPUT', 'status'],
      [() => tours.join('t1', p), 'STO_ERR_INVALID_INPUT', 'tournament_id'],
      [() => tours.join(tid, 'p1'), 'STO_ERR_INVALID_INPUT', 'player_id'],
      [() => tours.leave(tid, 'p1'), 'STO_ERR_INVALID_INPUT', 'player_id'],
      [() => tours.entries('t1'), 'STO_ERR_INVALID_INPUT', 'tournament_id'],
      [() => tours.countEntries('t1'), 'STO_ERR_INVALID_INPUT', 'tournament_id'],
    ];
    for (const [call, code, field] of bad) await t.rejects(call(), { code, details: { field } }, `${code} ${field}`);
  });
};
