// The pure parts of leaderboards (src/leaderboards/sorted-board.ts, operators.ts, options.ts): the sorted
// working set against a brute-force sort, the three operators, and option validation and patterns.
import t from 'tap';
import fc from 'fast-check';
import { SortedBoard, applyOperator, compareEntries, resolveLeaderboardsOptions, clientSubmitAllowed, operatorOf, type BoardEntry } from '../src/index.js';

const entry = (player_id: string, score: number): BoardEntry => ({ player_id, score, sub_score: 0, metadata: {}, updated_at_ms: 0 });

t.test('SortedBoard', async (t) => {
  t.test('orders by score descending, then player id ascending, with 1-based ranks', async (t) => {
    const b = SortedBoard.from([entry('c', 10), entry('a', 5), entry('b', 10)]);
    t.same(b.top(10).map((e) => [e.player_id, e.rank]), [['b', 1], ['c', 2], ['a', 3]]);
    t.equal(b.rank('a'), 3);
    t.equal(b.rank('nobody'), undefined);
    t.equal(b.size, 3);
  });

  t.test('put replaces a player\'s entry and answers its new rank', async (t) => {
    const b = SortedBoard.from([entry('a', 1), entry('b', 2)]);
    t.equal(b.put(entry('a', 3)), 1);
    t.equal(b.size, 2);
    t.same(b.entries().map((e) => e.player_id), ['a', 'b']);
    t.ok(b.remove('a'));
    t.notOk(b.remove('a'));
    t.same(b.top(5).map((e) => e.player_id), ['b']);
  });

  t.test('around answers the player and up to range either side, clipped at both ends', async (t) => {
    const b = SortedBoard.from(Array.from({ length: 10 }, (_, i) => entry(`p${i}`, 100 - i)));
    t.same(b.around('p0', 2).map((e) => e.rank), [1, 2, 3]);
    t.same(b.around('p5', 2).map((e) => e.rank), [4, 5, 6, 7, 8]);
    t.same(b.around('p9', 3).map((e) => e.rank), [7, 8, 9, 10]);
    t.same(b.around('nobody', 3), []);
  });

  t.test('agrees with a brute-force sort after any sequence of puts and removes', async () => {
    const op = fc.record({ player: fc.integer({ min: 0, max: 30 }), score: fc.integer({ min: -5, max: 5 }), remove: fc.boolean() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const b = new SortedBoard();
        const model = new Map<string, BoardEntry>();
        for (const o of ops) {
          const id = `p${String(o.player).padStart(2, '0')}`;
          if (o.remove) {
            b.remove(id);
            model.delete(id);
          } else {
            b.put(entry(id, o.score));
            model.set(id, entry(id, o.score));
          }
        }
        const expected = [...model.values()].sort(compareEntries);
        const got = b.top(1000);
        if (got.length !== expected.length) return false;
        return expected.every((e, i) => got[i]!.player_id === e.player_id && got[i]!.rank === i + 1 && b.rank(e.player_id) === i + 1);
      }),
    );
  });
});

t.test('applyOperator', async (t) => {
  t.test('set replaces the score, whatever it was', async (t) => {
    t.equal(applyOperator('set', 100, 5), 5);
    t.equal(applyOperator('set', undefined, 5), 5);
  });
  t.test('best keeps the higher score and answers undefined when nothing changes', async (t) => {
    t.equal(applyOperator('best', 100, 5), undefined);
    t.equal(applyOperator('best', 100, 100), undefined);
    t.equal(applyOperator('best', 100, 101), 101);
    t.equal(applyOperator('best', undefined, -3), -3);
  });
  t.test('incr adds to the score, from 0 for a new entry', async (t) => {
    t.equal(applyOperator('incr', 100, 5), 105);
    t.equal(applyOperator('incr', 100, -150), -50);
    t.equal(applyOperator('incr', undefined, 7), 7);
  });
});

t.test('resolveLeaderboardsOptions', async (t) => {
  t.test('defaults: 5 s flushes, 1000 boards, no client submits, operator set', async (t) => {
    const o = resolveLeaderboardsOptions();
    t.same(o, { flushIntervalMs: 5000, idleStopMs: 900_000, maxBoards: 1000, clientSubmit: [], operators: {}, defaultOperator: 'set', resets: [], resetRetryMs: 30_000 });
    t.ok(Object.isFrozen(o));
    t.notOk(clientSubmitAllowed(o, 'weekly'));
    t.equal(operatorOf(o, 'weekly'), 'set');
  });
  t.test('patterns are exact ids or prefixes ending in *; the first matching operator wins', async (t) => {
    const o = resolveLeaderboardsOptions({ clientSubmit: ['casual:*', 'open'], operators: { 'kills:*': 'incr', 'kills:x': 'best', 'hi': 'best' }, defaultOperator: 'set' });
    t.ok(clientSubmitAllowed(o, 'casual:2026'));
    t.ok(clientSubmitAllowed(o, 'open'));
    t.notOk(clientSubmitAllowed(o, 'opener'));
    t.equal(operatorOf(o, 'kills:x'), 'incr');
    t.equal(operatorOf(o, 'hi'), 'best');
    t.equal(operatorOf(o, 'other'), 'set');
    t.ok(clientSubmitAllowed(resolveLeaderboardsOptions({ clientSubmit: 'all' }), 'anything'));
  });
  t.test('refuses bad values, naming the option', async (t) => {
    t.throws(() => resolveLeaderboardsOptions({ flushIntervalMs: 0 }), /flushIntervalMs/);
    t.throws(() => resolveLeaderboardsOptions({ maxBoards: 1.5 }), /maxBoards/);
    t.throws(() => resolveLeaderboardsOptions({ idleStopMs: -1 }), /idleStopMs/);
    t.throws(() => resolveLeaderboardsOptions({ operators: { x: 'max' as never } }), /operators/);
    t.throws(() => resolveLeaderboardsOptions({ defaultOperator: 'max' as never }), /defaultOperator/);
    t.throws(() => resolveLeaderboardsOptions({ clientSubmit: 'some' as never }), /clientSubmit/);
  });
});
