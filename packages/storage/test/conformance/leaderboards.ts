import type { LeaderboardEntry, Player } from '../../src/index.js';
import type { Suite } from './harness.js';
import { player, unique } from './harness.js';

const NOBODY = '00000000-0000-7000-8000-000000000000';

/** The documented order: score descending, then player_id ascending. */
function byRank(a: { score: number; player_id: string }, b: { score: number; player_id: string }): number {
  return b.score - a.score || (a.player_id < b.player_id ? -1 : a.player_id > b.player_id ? 1 : 0);
}

export const leaderboardsSuite: Suite = async (t, { storage }) => {
  const lb = storage.leaderboards;
  // One pool of players for every test here (the concurrency test needs 1,000, the chunked flush 1,200).
  const pool: Player[] = [];
  for (let i = 0; i < 12; i++) pool.push(...(await Promise.all(Array.from({ length: 100 }, () => player(storage, 'lb')))));
  const ids = (n: number, from = 0): string[] => pool.slice(from, from + n).map((p) => p.id);

  t.test('submit replaces the score and answers the rank; ties break by player_id', async (t) => {
    const board = unique('board');
    const [a, b, c, d] = ids(4).sort();
    t.match(await lb.submit(board, c!, 100), { leaderboard_id: board, player_id: c, score: 100, sub_score: 0, metadata: {}, rank: 1 });
    t.match(await lb.submit(board, a!, 50, 7, { class: 'mage' }), { score: 50, sub_score: 7, metadata: { class: 'mage' }, rank: 2 });
    t.match(await lb.submit(board, b!, 50), { rank: 3 }, 'same score: the larger player id ranks below');
    t.match(await lb.submit(board, d!, 200), { rank: 1 });
    t.match(await lb.submit(board, d!, 10), { score: 10, rank: 4 }, 'a lower score replaces a higher one (not best-of)');
    t.match(await lb.submit(board, c!, 100), { rank: 1 }, 'resubmitting the same score keeps the rank');
    t.same((await lb.load(board)).map((e) => [e.player_id, e.score]), [[c, 100], [a, 50], [b, 50], [d, 10]]);
    t.same((await lb.top(board, 3)).map((e) => [e.player_id, e.rank]), [[c, 1], [a, 2], [b, 3]]);
    t.equal((await lb.top(board)).length, 4);
    t.same([await lb.rank(board, c!), await lb.rank(board, a!), await lb.rank(board, b!), await lb.rank(board, d!)], [1, 2, 3, 4]);
    t.equal(await lb.rank(board, NOBODY), undefined);
    t.match(await lb.entry(board, a!), { score: 50, sub_score: 7, rank: 2 });
    t.equal(await lb.entry(board, NOBODY), undefined);
    t.equal(await lb.remove(board, a!), true);
    t.equal(await lb.remove(board, a!), false);
    t.equal(await lb.rank(board, b!), 2, 'ranks close up after a removal');
    t.same(await lb.load(unique('empty')), []);
    t.same(await lb.top(unique('empty')), []);
    await t.rejects(lb.submit(board, NOBODY, 1), { code: 'STO_ERR_NOT_FOUND', details: { player_id: NOBODY } });
  });

  t.test('around: the player and up to range either side, with ranks, clipped at the ends', async (t) => {
    const board = unique('around');
    const players = ids(20, 20);
    for (const [i, p] of players.entries()) await lb.submit(board, p, 1000 - i * 10);
    const order = (await lb.load(board)).map((e) => e.player_id);
    t.same(order, players);
    t.same((await lb.around(board, players[10]!, 2)).map((e) => [e.player_id, e.rank]), [8, 9, 10, 11, 12].map((i) => [players[i], i + 1]));
    t.same((await lb.around(board, players[0]!, 3)).map((e) => e.rank), [1, 2, 3, 4], 'clipped at the top');
    t.same((await lb.around(board, players[19]!, 3)).map((e) => e.rank), [17, 18, 19, 20], 'clipped at the bottom');
    t.equal((await lb.around(board, players[10]!)).length, 11, 'default range 5');
    t.same(await lb.around(board, NOBODY), []);
    t.notOk('better' in (await lb.around(board, players[3]!, 1))[0]!, 'no helper column leaks');
  });

  t.test('upsertMany: a batch in one transaction (chunked), replacing entries; unknown players write nothing', async (t) => {
    const board = unique('flush');
    t.same(await lb.upsertMany(board, []), { upserted: 0 });
    const first = ids(1200).map((player_id, i) => ({ player_id, score: i, sub_score: i % 3, metadata: { i } }));
    t.same(await lb.upsertMany(board, first), { upserted: 1200 });
    const loaded = await lb.load(board);
    t.equal(loaded.length, 1200);
    t.same(loaded[0], { ...loaded[0], player_id: first[1199]!.player_id, score: 1199, sub_score: 1199 % 3, metadata: { i: 1199 } });
    const again = ids(3).map((player_id) => ({ player_id, score: 5000 }));
    t.same(await lb.upsertMany(board, again), { upserted: 3 });
    t.same((await lb.top(board, 3)).map((e) => e.player_id), ids(3).sort(), 'replaced, not added');
    t.same((await lb.top(board, 3)).map((e) => e.metadata), [{}, {}, {}], 'metadata replaced too');
    t.equal((await lb.load(board)).length, 1200);

    const before = await lb.load(board);
    // Unknown players sort first and last, so they fall in different chunks: every one is reported.
    const LAST = 'ffffffff-ffff-7fff-bfff-ffffffffffff';
    const poisoned = [{ player_id: LAST, score: 1 }, ...ids(1100).map((player_id) => ({ player_id, score: -1 })), { player_id: NOBODY, score: 1 }];
    await t.rejects(lb.upsertMany(board, poisoned), { code: 'STO_ERR_NOT_FOUND', details: { leaderboard_id: board, player_ids: [NOBODY, LAST] } });
    t.same(await lb.load(board), before, 'nothing was written');
    await t.rejects(lb.upsertMany(board, [{ player_id: ids(1)[0]!, score: 1 }, { player_id: ids(1)[0]!, score: 2 }]), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'entries' } });
  });

  t.test('archive moves a board to an archive id in one transaction and leaves it empty', async (t) => {
    const board = unique('weekly');
    const archiveId = `${board}:2026-w10`;
    for (const [i, p] of ids(5, 40).entries()) await lb.submit(board, p, i * 100);
    const before = await lb.load(board);
    t.same(await lb.archive(board, archiveId), { archived: 5 });
    t.same(await lb.load(board), []);
    t.same(await lb.load(archiveId), before.map((e) => ({ ...e, leaderboard_id: archiveId })), 'scores, ids and timestamps kept');
    await lb.submit(board, ids(1, 40)[0]!, 1);
    t.equal((await lb.load(board)).length, 1, 'the board starts the next period');
    await t.rejects(lb.archive(board, archiveId), { code: 'STO_ERR_CONFLICT', details: { leaderboard_id: archiveId } });
    t.equal((await lb.load(board)).length, 1, 'a refused archive moved nothing');
    t.same(await lb.archive(unique('never'), unique('arch')), { archived: 0 });
    await t.rejects(lb.archive(board, board), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'archive_id' } });
  });

  t.test('boards lists every board with its entry count and top score', async (t) => {
    const b1 = unique('b1');
    const b2 = unique('b2');
    await lb.submit(b1, ids(1)[0]!, -5);
    await lb.submit(b2, ids(1)[0]!, 7);
    await lb.submit(b2, ids(1, 1)[0]!, 70);
    const all = await lb.boards();
    t.same(all.filter((b) => b.leaderboard_id === b1 || b.leaderboard_id === b2), [
      { leaderboard_id: b1, entries: 1, top_score: -5 },
      { leaderboard_id: b2, entries: 2, top_score: 70 },
    ]);
    const sorted = all.map((b) => b.leaderboard_id);
    t.same(sorted, [...sorted].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)), 'ordered by id');
  });

  t.test('1,000 concurrent submits for different players: ranks agree with the sorted order', async (t) => {
    const board = unique('rush');
    const players = ids(1000);
    // Many ties (50 distinct scores), so the player_id tie-break decides most ranks.
    const results = await Promise.all(players.map((p, i) => lb.submit(board, p, (i * 7919) % 50)));
    t.ok(results.every((r) => r.rank >= 1 && r.rank <= 1000), 'every answered rank is in range');
    const loaded = await lb.load(board);
    t.equal(loaded.length, 1000);
    const expected = [...loaded].sort(byRank);
    t.same(loaded.map((e) => e.player_id), expected.map((e) => e.player_id), 'load is in rank order');
    const ranks = await Promise.all(players.map((p) => lb.rank(board, p)));
    const position = new Map<string, number>(expected.map((e, i) => [e.player_id, i + 1]));
    t.same(ranks, players.map((p) => position.get(p)), 'rank(p) is p\'s position');
    t.same((await lb.top(board, 1000)).map((e: LeaderboardEntry & { rank: number }) => [e.player_id, e.rank]), expected.map((e, i) => [e.player_id, i + 1]));
    const mid = expected[500]!.player_id;
    t.same((await lb.around(board, mid, 50)).map((e) => [e.player_id, e.rank]), expected.slice(450, 551).map((e, i) => [e.player_id, 451 + i]));
    // Each answer was exact for its own snapshot: the last submit of the run saw everyone.
    const last = await lb.submit(board, players[0]!, (0 * 7919) % 50);
    t.equal(last.rank, position.get(players[0]!));
  });

  t.test('bad input is a coded error', async (t) => {
    const p = ids(1)[0]!;
    const bad: Array<[() => Promise<unknown>, string, string]> = [
      [() => lb.submit('has space', p, 1), 'STO_ERR_INVALID_INPUT', 'leaderboard_id'],
      [() => lb.submit('', p, 1), 'STO_ERR_INVALID_INPUT', 'leaderboard_id'],
      [() => lb.submit('b'.repeat(129), p, 1), 'STO_ERR_TOO_LARGE', 'leaderboard_id'],
      [() => lb.submit('board', 'nope', 1), 'STO_ERR_INVALID_INPUT', 'player_id'],
      [() => lb.submit('board', p, 1.5), 'STO_ERR_INVALID_INPUT', 'score'],
      [() => lb.submit('board', p, 2 ** 60), 'STO_ERR_INVALID_INPUT', 'score'],
      [() => lb.submit('board', p, '10' as never), 'STO_ERR_INVALID_INPUT', 'score'],
      [() => lb.submit('board', p, 1, 0.5), 'STO_ERR_INVALID_INPUT', 'sub_score'],
      [() => lb.submit('board', p, 1, 0, { x: 'y'.repeat(20_000) }), 'STO_ERR_TOO_LARGE', 'metadata'],
      [() => lb.top('board', 0), 'STO_ERR_INVALID_INPUT', 'limit'],
      [() => lb.top('board', 1001), 'STO_ERR_INVALID_INPUT', 'limit'],
      [() => lb.around('board', p, 0), 'STO_ERR_INVALID_INPUT', 'range'],
      [() => lb.around('board', p, 51), 'STO_ERR_INVALID_INPUT', 'range'],
      [() => lb.rank('board', 'nope'), 'STO_ERR_INVALID_INPUT', 'player_id'],
      [() => lb.remove('a b', p), 'STO_ERR_INVALID_INPUT', 'leaderboard_id'],
      [() => lb.upsertMany('board', {} as never), 'STO_ERR_INVALID_INPUT', 'entries'],
      [() => lb.upsertMany('board', [null as never]), 'STO_ERR_INVALID_INPUT', 'entries'],
      [() => lb.upsertMany('board', [{ player_id: p, score: Number.NaN }]), 'STO_ERR_INVALID_INPUT', 'score'],
      [() => lb.archive('board', 'a b'), 'STO_ERR_INVALID_INPUT', 'archive_id'],
      [() => lb.load('\u0000'), 'STO_ERR_INVALID_INPUT', 'leaderboard_id'],
    ];
    for (const [call, code, field] of bad) await t.rejects(call(), { code, details: { field } }, `${code} ${field}`);
    t.same(await lb.load('board'), [], 'nothing was written');
  });
};
