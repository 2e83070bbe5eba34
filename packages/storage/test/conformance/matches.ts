import { newId, type Storage } from '../../src/index.js';
import type { Suite } from './harness.js';
import { player, unique } from './harness.js';

const NOBODY = '00000000-0000-7000-8000-000000000000';

async function wl(storage: Storage, id: string): Promise<[number, number, number]> {
  const s = await storage.stats.get(id);
  return [s.games_played, s.wins, s.losses];
}

export const matchesSuite: Suite = async (t, { storage }) => {
  const matches = storage.matches;

  t.test('start records a running match; finish completes it and writes the stats', async (t) => {
    const [a, b] = [await player(storage), await player(storage)];
    const mode = unique('arena');
    const started = await matches.start({ mode, players: [a.id, b.id], metadata: { map: 'forest' } });
    t.match(started, { mode, status: 'running', players: [a.id, b.id], result: null, metadata: { map: 'forest' }, finished_at: null });
    t.match(started.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7/, 'a UUIDv7');
    t.ok(started.started_at instanceof Date);
    const done = await matches.finish({ id: started.id, mode, players: [a.id, b.id], result: { winners: [a.id], score: [3, 1] } });
    t.match(done, { id: started.id, status: 'finished', result: { winners: [a.id], score: [3, 1] }, metadata: { map: 'forest' } });
    t.same(done.started_at, started.started_at, 'the start time is kept');
    t.ok(done.finished_at instanceof Date);
    t.same(await matches.get(started.id), done);
    t.same(await wl(storage, a.id), [1, 1, 0], 'winner');
    t.same(await wl(storage, b.id), [1, 0, 1], 'winners without losers: every other player lost');
    t.equal(await matches.get(NOBODY), undefined);
    await t.rejects(matches.start({ id: started.id, mode }), { code: 'STO_ERR_CONFLICT' });
  });

  t.test('stats rules: explicit losers, a single winner, co-op, no winners; games_played for everyone', async (t) => {
    const [a, b, c] = [await player(storage), await player(storage), await player(storage)];
    const mode = unique('rules');
    const all = [a.id, b.id, c.id];
    await matches.finish({ mode, players: all, result: { winners: [a.id], losers: [b.id] } });
    t.same([await wl(storage, a.id), await wl(storage, b.id), await wl(storage, c.id)], [[1, 1, 0], [1, 0, 1], [1, 0, 0]], 'explicit losers: c neither won nor lost');
    await matches.finish({ mode, players: all, result: { winner: c.id } });
    t.same([await wl(storage, a.id), await wl(storage, b.id), await wl(storage, c.id)], [[2, 1, 1], [2, 0, 2], [2, 1, 0]], '`winner` alone: the others lost');
    await matches.finish({ mode, players: all, result: { winners: all, losers: [] } });
    t.same([await wl(storage, a.id), await wl(storage, b.id), await wl(storage, c.id)], [[3, 2, 1], [3, 1, 2], [3, 2, 0]], '`losers: []` is co-op: nobody lost');
    await matches.finish({ mode, players: all, result: { reason: 'timeout' } });
    await matches.finish({ mode, players: all });
    t.same([await wl(storage, a.id), await wl(storage, b.id), await wl(storage, c.id)], [[5, 2, 1], [5, 1, 2], [5, 2, 0]], 'no winners: only games_played');
    const none = await matches.finish({ mode, players: [] });
    t.same(none.players, []);
  });

  t.test('one transaction: an unknown player rolls back the record and every stat', async (t) => {
    const a = await player(storage);
    const mode = unique('atomic');
    await matches.finish({ mode, players: [a.id] });
    t.same(await wl(storage, a.id), [1, 0, 0]);
    const fresh = newId();
    await t.rejects(matches.finish({ id: fresh, mode, players: [a.id, NOBODY], result: { winners: [a.id] } }), {
      code: 'STO_ERR_NOT_FOUND',
      details: { player_ids: [NOBODY] },
    });
    t.equal(await matches.get(fresh), undefined, 'no record');
    t.same(await wl(storage, a.id), [1, 0, 0], 'no stats');
    const running = await matches.start({ mode, players: [a.id] });
    await t.rejects(matches.finish({ id: running.id, mode, players: [a.id, NOBODY] }), { code: 'STO_ERR_NOT_FOUND' });
    t.match(await matches.get(running.id), { status: 'running', result: null, finished_at: null }, 'the started row is untouched');
    t.equal((await matches.list({ mode, limit: 200 })).length, 2, 'only the good finish and the started row');
  });

  t.test('a match finishes once, also when finishes race', async (t) => {
    const [a, b] = [await player(storage), await player(storage)];
    const mode = unique('once');
    const m = await matches.finish({ mode, players: [a.id, b.id], result: { winners: [a.id] } });
    await t.rejects(matches.finish({ id: m.id, mode, players: [a.id, b.id], result: { winners: [b.id] } }), {
      code: 'STO_ERR_CONFLICT',
      details: { match_id: m.id, reason: 'already_finished' },
    });
    t.same(await wl(storage, a.id), [1, 1, 0]);
    const running = await matches.start({ mode, players: [a.id, b.id] });
    const raced = await Promise.allSettled(Array.from({ length: 8 }, () => matches.finish({ id: running.id, mode, players: [a.id, b.id], result: { winners: [b.id] } })));
    t.equal(raced.filter((r) => r.status === 'fulfilled').length, 1, 'exactly one finish wins');
    t.same(new Set(raced.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as { code: string }).code)), new Set(['STO_ERR_CONFLICT']));
    t.same(await wl(storage, a.id), [2, 1, 1], 'stats counted once');
    t.same(await wl(storage, b.id), [2, 1, 1]);
  });

  t.test('list: newest first, filters by mode and status, pages with a cursor', async (t) => {
    const a = await player(storage);
    const mode = unique('list');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await matches.finish({ mode, players: [a.id], result: { i } })).id);
    const live = await matches.start({ mode, players: [a.id] });
    t.same((await matches.list({ mode })).map((m) => m.id), [live.id, ...ids.slice().reverse()]);
    t.same((await matches.list({ mode, status: 'finished' })).map((m) => m.id), ids.slice().reverse());
    t.same((await matches.list({ mode, status: 'running' })).map((m) => m.id), [live.id]);
    t.same(await matches.list({ mode, status: 'paused' }), []);
    const page1 = await matches.list({ mode, status: 'finished', limit: 2 });
    const page2 = await matches.list({ mode, status: 'finished', limit: 2, before: page1.at(-1)!.id });
    const page3 = await matches.list({ mode, status: 'finished', limit: 2, before: page2.at(-1)!.id });
    t.same([...page1, ...page2, ...page3].map((m) => m.id), ids.slice().reverse(), 'the pages cover everything once');
    t.same((await matches.list({ mode, before: new Date(0) })).length, 0);
    t.equal((await matches.list({ mode, before: new Date(Date.now() + 60_000) })).length, 6);
    t.ok((await matches.list()).length >= 6);
    await t.rejects(matches.list({ before: NOBODY }), { code: 'STO_ERR_NOT_FOUND' });
  });

  t.test('bad input is a coded error before any SQL', async (t) => {
    const a = await player(storage);
    const bad: Array<[() => Promise<unknown>, string, string]> = [
      [() => matches.finish({ mode: 'has space', players: [a.id] }), 'STO_ERR_INVALID_INPUT', 'mode'],
      [() => matches.finish({ mode: '', players: [a.id] }), 'STO_ERR_INVALID_INPUT', 'mode'],
      [() => matches.finish({ mode: 'm'.repeat(65), players: [a.id] }), 'STO_ERR_TOO_LARGE', 'mode'],
      [() => matches.finish({ mode: 'arena', players: ['nope'] }), 'STO_ERR_INVALID_INPUT', 'players'],
      [() => matches.finish({ mode: 'arena', players: [a.id, a.id.toUpperCase()] }), 'STO_ERR_INVALID_INPUT', 'players'],
      [() => matches.finish({ mode: 'arena', players: a.id as never }), 'STO_ERR_INVALID_INPUT', 'players'],
      [() => matches.finish({ mode: 'arena', players: Array.from({ length: 1001 }, () => a.id) }), 'STO_ERR_TOO_LARGE', 'players'],
      [() => matches.finish({ mode: 'arena', players: [a.id], result: [a.id] as never }), 'STO_ERR_INVALID_INPUT', 'result'],
      [() => matches.finish({ mode: 'arena', players: [a.id], result: { log: 'x'.repeat(70_000) } }), 'STO_ERR_TOO_LARGE', 'result'],
      [() => matches.finish({ mode: 'arena', players: [a.id], metadata: { big: 'x'.repeat(20_000) } }), 'STO_ERR_TOO_LARGE', 'metadata'],
      [() => matches.finish({ mode: 'arena', players: [a.id], finished_at: new Date('nope') }), 'STO_ERR_INVALID_INPUT', 'finished_at'],
      [() => matches.finish({ id: 'm1', mode: 'arena', players: [a.id] }), 'STO_ERR_INVALID_INPUT', 'id'],
      [() => matches.start({ mode: 'arena', started_at: 'yesterday' as never }), 'STO_ERR_INVALID_INPUT', 'started_at'],
      [() => matches.get('m1'), 'STO_ERR_INVALID_INPUT', 'id'],
      [() => matches.list({ status: 'done' as never }), 'STO_ERR_INVALID_INPUT', 'status'],
      [() => matches.list({ mode: 'a b' }), 'STO_ERR_INVALID_INPUT', 'mode'],
      [() => matches.list({ limit: 0 }), 'STO_ERR_INVALID_INPUT', 'limit'],
      [() => matches.list({ limit: 201 }), 'STO_ERR_INVALID_INPUT', 'limit'],
      [() => matches.list({ before: 'x' }), 'STO_ERR_INVALID_INPUT', 'before'],
    ];
    for (const [call, code, field] of bad) await t.rejects(call(), { code, details: { field } }, `${code} ${field}`);
    t.same(await wl(storage, a.id), [0, 0, 0], 'nothing was counted');
  });
};
