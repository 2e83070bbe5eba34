import { newId } from '../../src/index.js';
import type { Suite } from './harness.js';

export const votesSuite: Suite = async (t, { storage }) => {
  const votes = storage.votes;
  const options = [
    { id: 'forest', label: 'Forest' },
    { id: 'desert', label: 'Desert' },
  ];

  t.test('record persists every resolution field; get and listForMatch read it back', async (t) => {
    const matchId = newId();
    const [p1, p2, p3] = [newId(), newId(), newId()];
    const openedAt = new Date('2026-05-01T12:00:00.000Z');
    const closedAt = new Date('2026-05-01T12:00:15.000Z');
    const v = await votes.record({
      match_id: matchId,
      template: 'next_map',
      method: 'plurality',
      options,
      votes_cast: { [p1]: 'forest', [p2]: 'forest', [p3]: 'desert' },
      result: { winner: 'forest', counts: { forest: 2, desert: 1 }, total_votes: 3 },
      distribution: { forest: 0.667, desert: 0.333 },
      turnout: 0.75,
      eligible_count: 4,
      window_ms: 15000,
      opened_at: openedAt,
      closed_at: closedAt,
    });
    t.match(v.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    t.match(v, {
      match_id: matchId,
      template: 'next_map',
      method: 'plurality',
      options,
      votes_cast: { [p1]: 'forest', [p3]: 'desert' },
      result: { winner: 'forest', counts: { forest: 2, desert: 1 } },
      distribution: { forest: 0.667 },
      turnout: 0.75,
      eligible_count: 4,
      window_ms: 15000,
    });
    t.same(v.opened_at, openedAt);
    t.same(v.closed_at, closedAt);
    t.same(await votes.get(v.id), v);
    t.equal(await votes.get(newId()), undefined);

    const ranked = await votes.record({ id: newId(), match_id: matchId, method: 'ranked', options, votes_cast: { [p1]: ['desert', 'forest'] } });
    t.match(ranked, { template: null, result: null, distribution: null, turnout: null, eligible_count: null, window_ms: null, opened_at: null, closed_at: null });
    const noQuorum = await votes.record({ match_id: matchId, method: 'approval', options, result: { winner: null, status: 'no_quorum' } });
    t.same((await votes.listForMatch(matchId)).map((x) => x.id), [noQuorum.id, ranked.id, v.id], 'newest first');
    t.same((await votes.listForMatch(matchId, { limit: 1 })).map((x) => x.id), [noQuorum.id]);
    t.same(await votes.listForMatch(newId()), []);
    await t.rejects(votes.record({ id: v.id, match_id: matchId, method: 'plurality', options }), { code: 'STO_ERR_CONFLICT' });
  });

  t.test('bad input is a coded error', async (t) => {
    const m = newId();
    const bad: Array<[() => Promise<unknown>, string, string]> = [
      [() => votes.record({ match_id: 'm', method: 'plurality', options }), 'STO_ERR_INVALID_INPUT', 'match_id'],
      [() => votes.record({ id: 'v', match_id: m, method: 'plurality', options }), 'STO_ERR_INVALID_INPUT', 'id'],
      [() => votes.record({ match_id: m, method: 'borda' as never, options }), 'STO_ERR_INVALID_INPUT', 'method'],
      [() => votes.record({ match_id: m, method: 'plurality', options: [] }), 'STO_ERR_INVALID_INPUT', 'options'],
      [() => votes.record({ match_id: m, method: 'plurality', options: ['a'] as never }), 'STO_ERR_INVALID_INPUT', 'options'],
      [() => votes.record({ match_id: m, method: 'plurality', options: [{ id: 'a' }, { id: 'a' }] }), 'STO_ERR_INVALID_INPUT', 'options'],
      [() => votes.record({ match_id: m, method: 'plurality', options: [{ label: 'x' } as never] }), 'STO_ERR_INVALID_INPUT', 'options'],
      [() => votes.record({ match_id: m, method: 'plurality', options: Array.from({ length: 101 }, (_, i) => ({ id: `o${i}` })) }), 'STO_ERR_TOO_LARGE', 'options'],
      [() => votes.record({ match_id: m, method: 'plurality', options, votes_cast: [] as never }), 'STO_ERR_INVALID_INPUT', 'votes_cast'],
      [() => votes.record({ match_id: m, method: 'plurality', options, result: { x: 'y'.repeat(70_000) } }), 'STO_ERR_TOO_LARGE', 'result'],
      [() => votes.record({ match_id: m, method: 'plurality', options, turnout: 1.5 }), 'STO_ERR_INVALID_INPUT', 'turnout'],
      [() => votes.record({ match_id: m, method: 'plurality', options, turnout: Number.NaN }), 'STO_ERR_INVALID_INPUT', 'turnout'],
      [() => votes.record({ match_id: m, method: 'plurality', options, eligible_count: -1 }), 'STO_ERR_INVALID_INPUT', 'eligible_count'],
      [() => votes.record({ match_id: m, method: 'plurality', options, window_ms: 2 ** 31 }), 'STO_ERR_INVALID_INPUT', 'window_ms'],
      [() => votes.record({ match_id: m, method: 'plurality', options, template: 't'.repeat(65) }), 'STO_ERR_TOO_LARGE', 'template'],
      [
        () => votes.record({ match_id: m, method: 'plurality', options, opened_at: new Date('2026-01-02'), closed_at: new Date('2026-01-01') }),
        'STO_ERR_INVALID_INPUT',
        'closed_at',
      ],
      [() => votes.get('v'), 'STO_ERR_INVALID_INPUT', 'id'],
      [() => votes.listForMatch(m, { limit: 0 }), 'STO_ERR_INVALID_INPUT', 'limit'],
    ];
    for (const [call, code, field] of bad) await t.rejects(call(), { code, details: { field } }, `${code} ${field}`);
    t.same(await votes.listForMatch(m), [], 'nothing was written');
  });
};
