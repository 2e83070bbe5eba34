// Vote counting (src/vote/methods.ts): every method against a plain reference written here (fast-check),
// tie breakers, the spectator blend, quorum, supermajority, ballot checks, delegation and defaults.
import t from 'tap';
import fc from 'fast-check';
import {
  backedWinner,
  countVotes,
  instantRunoff,
  leaderShare,
  liveTally,
  normaliseBallot,
  resolveBallots,
  voterWeight,
  type CountInput,
} from '../../src/vote/methods.js';
import type { VoteBallot } from '../../src/vote/types.js';

const OPTIONS = ['a', 'b', 'c', 'd'];

/** Option lists and ballots over them. */
const optionsArb = fc.integer({ min: 1, max: 5 }).map((n) => ['a', 'b', 'c', 'd', 'e'].slice(0, n));
const voters = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`);

function singleBallots(options: string[]) {
  return fc.array(fc.constantFrom(...options), { maxLength: 30 }).map((picks) => Object.fromEntries(picks.map((o, i) => [`p${i}`, o])));
}
function listBallots(options: string[]) {
  return fc
    .array(fc.shuffledSubarray(options, { minLength: 1 }), { maxLength: 30 })
    .map((lists) => Object.fromEntries(lists.map((l, i) => [`p${i}`, l as readonly string[]])));
}

function base(method: CountInput['method'], options: string[], ballots: Record<string, VoteBallot>): CountInput {
  return { method, options, ballots, tieBreaker: 'first', eligibleCount: Object.keys(ballots).length, voters: Object.keys(ballots).length };
}

/** Reference: the first option (in order) with the highest count, or null with no votes. */
function refWinner(options: string[], counts: Record<string, number>): string | null {
  let best: string | null = null;
  for (const o of options) if ((counts[o] ?? 0) > 0 && (best === null || counts[o]! > counts[best]!)) best = o;
  return best;
}

/** Reference IRV: count highest remaining choices, a strict majority of live ballots wins, else drop the fewest (ties: the last in order). */
function refIrv(options: string[], ballots: Record<string, readonly string[]>): string | null {
  let remaining = [...options];
  for (;;) {
    const counts: Record<string, number> = Object.fromEntries(remaining.map((o) => [o, 0]));
    let live = 0;
    for (const b of Object.values(ballots)) {
      const top = b.find((o) => remaining.includes(o));
      if (top !== undefined) {
        counts[top]! += 1;
        live++;
      }
    }
    if (live === 0) return null;
    if (remaining.length === 1) return remaining[0]!;
    for (const o of remaining) if (counts[o]! * 2 > live) return o;
    const min = Math.min(...remaining.map((o) => counts[o]!));
    const lowest = remaining.filter((o) => counts[o] === min);
    const out = lowest[lowest.length - 1];
    remaining = remaining.filter((o) => o !== out);
  }
}

t.test('countVotes: plurality', async (t) => {
  t.test('the winner has the highest count; ties go to the first option under `first`', async (t) => {
    fc.assert(
      fc.property(
        optionsArb.chain((o) => fc.tuple(fc.constant(o), singleBallots(o))),
        ([options, ballots]) => {
          const r = countVotes(base('plurality', options, ballots));
          const counts: Record<string, number> = Object.fromEntries(options.map((o) => [o, 0]));
          for (const b of Object.values(ballots)) counts[b as string]! += 1;
          t.same(r.counts, counts);
          t.equal(r.winner, refWinner(options, counts));
          t.equal(r.total_votes, Object.keys(ballots).length);
          const n = Object.keys(ballots).length;
          for (const o of options) t.ok(Math.abs(r.distribution[o]! - (n === 0 ? 0 : counts[o]! / n)) < 1e-9);
        },
      ),
    );
  });
  t.test('example: 2-1 decided, turnout of eligible', async (t) => {
    const r = countVotes({ ...base('plurality', ['a', 'b'], { p1: 'a', p2: 'a', p3: 'b' }), eligibleCount: 4 });
    t.match(r, { winner: 'a', status: 'decided', counts: { a: 2, b: 1 }, total_votes: 3, turnout: 0.75 });
  });
  t.test('no ballots: no winner, still decided, zero distribution', async (t) => {
    const r = countVotes({ ...base('plurality', ['a', 'b'], {}), eligibleCount: 3 });
    t.same(r, { winner: null, status: 'decided', counts: { a: 0, b: 0 }, distribution: { a: 0, b: 0 }, total_votes: 0, turnout: 0 });
  });
});

t.test('countVotes: approval', async (t) => {
  t.test('every approved option counts once; the winner has the most approvals', async (t) => {
    fc.assert(
      fc.property(
        optionsArb.chain((o) => fc.tuple(fc.constant(o), listBallots(o))),
        ([options, ballots]) => {
          const r = countVotes(base('approval', options, ballots));
          const counts: Record<string, number> = Object.fromEntries(options.map((o) => [o, 0]));
          for (const b of Object.values(ballots)) for (const o of b) counts[o]! += 1;
          t.same(r.counts, counts);
          t.equal(r.winner, refWinner(options, counts));
        },
      ),
    );
  });
});

t.test('countVotes: weighted', async (t) => {
  t.test('vote × weight (absent = 1) plus frustration × bonus', async (t) => {
    fc.assert(
      fc.property(
        optionsArb.chain((o) =>
          fc.tuple(
            fc.constant(o),
            singleBallots(o),
            fc.dictionary(fc.constantFrom(...voters(30)), fc.integer({ min: 0, max: 5 })),
            fc.dictionary(fc.constantFrom(...voters(30)), fc.integer({ min: 0, max: 4 })),
            fc.constantFrom(0, 0.5, 1),
          ),
        ),
        ([options, ballots, weights, frustration, bonus]) => {
          const r = countVotes({ ...base('weighted', options, ballots), weights, frustration, frustrationBonus: bonus });
          const counts: Record<string, number> = Object.fromEntries(options.map((o) => [o, 0]));
          for (const [p, b] of Object.entries(ballots)) counts[b as string]! += (weights[p] ?? 1) + (frustration[p] ?? 0) * bonus;
          for (const o of options) t.ok(Math.abs(r.counts[o]! - counts[o]!) < 1e-9);
          t.equal(r.winner, refWinner(options, counts));
        },
      ),
    );
  });
  t.test('a heavy voter outweighs two light ones; frustration bonus defaults to 0.5', async (t) => {
    t.equal(countVotes({ ...base('weighted', ['a', 'b'], { p1: 'a', p2: 'a', p3: 'b' }), weights: { p3: 3 } }).winner, 'b');
    t.equal(voterWeight('p', { frustration: { p: 2 } }), 2);
    t.equal(voterWeight('p', { weights: { p: 2 }, frustration: { p: 1 }, frustrationBonus: 1 }), 3);
    t.equal(countVotes({ ...base('plurality', ['a', 'b'], { p1: 'a', p2: 'b', p3: 'b' }), weights: { p1: 10 } }).winner, 'b', 'only weighted reads weights');
  });
});

t.test('countVotes: ranked (instant runoff)', async (t) => {
  t.test('equals a naive IRV', async (t) => {
    fc.assert(
      fc.property(
        optionsArb.chain((o) => fc.tuple(fc.constant(o), listBallots(o))),
        ([options, ballots]) => {
          t.equal(countVotes(base('ranked', options, ballots)).winner, refIrv(options, ballots));
        },
      ),
      { numRuns: 300 },
    );
  });
  t.test('a first-choice plurality loser wins after transfers', async (t) => {
    // a: 4 first choices, b: 3, c: 2 (c voters prefer b). Plurality says a; IRV says b.
    const ballots: Record<string, string[]> = {};
    for (let i = 0; i < 4; i++) ballots[`a${i}`] = ['a', 'b', 'c'];
    for (let i = 0; i < 3; i++) ballots[`b${i}`] = ['b', 'a', 'c'];
    for (let i = 0; i < 2; i++) ballots[`c${i}`] = ['c', 'b', 'a'];
    const r = countVotes(base('ranked', ['a', 'b', 'c'], ballots));
    t.equal(r.winner, 'b');
    t.same(r.counts, { a: 4, b: 5, c: 0 }, 'counts are the final round');
    const irv = instantRunoff(base('ranked', ['a', 'b', 'c'], ballots));
    t.same(irv.rounds.map((x) => x.eliminated), ['c', undefined]);
  });
  t.test('live tally shows first choices', async (t) => {
    t.same(liveTally({ method: 'ranked', options: ['a', 'b'], ballots: { p1: ['b', 'a'], p2: ['a'] } }), { a: 1, b: 1 });
  });
});

t.test('tie breakers', async (t) => {
  const tied = { p1: 'a', p2: 'b', p3: 'c', p4: 'c', p5: 'b' };
  t.equal(countVotes({ ...base('plurality', OPTIONS, tied), tieBreaker: 'first' }).winner, 'b', '`first` takes option order');
  t.equal(countVotes({ ...base('plurality', OPTIONS, tied), tieBreaker: 'random', random: () => 0 }).winner, 'b');
  t.equal(countVotes({ ...base('plurality', OPTIONS, tied), tieBreaker: 'random', random: () => 0.99 }).winner, 'c', '`random` uses the injected source');
  fc.assert(
    fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (x) => {
      const w = countVotes({ ...base('plurality', OPTIONS, tied), tieBreaker: 'random', random: () => x }).winner;
      t.ok(w === 'b' || w === 'c', 'only a tied option can win');
    }),
  );
});

t.test('spectator pool blending', async (t) => {
  t.test('score = player_norm × (1 - w) + spectator_norm × w', async (t) => {
    fc.assert(
      fc.property(
        optionsArb.chain((o) => fc.tuple(fc.constant(o), singleBallots(o), singleBallots(o), fc.double({ min: 0, max: 1, noNaN: true }))),
        ([options, players, spectatorsRaw, w]) => {
          const spectators = Object.fromEntries(Object.entries(spectatorsRaw).map(([k, v]) => [`s${k}`, v]));
          const r = countVotes({ ...base('plurality', options, players), spectatorBallots: spectators, spectatorWeight: w });
          const norm = (b: Record<string, VoteBallot>) => {
            const n = Object.keys(b).length;
            const c: Record<string, number> = Object.fromEntries(options.map((o) => [o, 0]));
            for (const v of Object.values(b)) c[v as string]! += 1;
            return Object.fromEntries(options.map((o) => [o, n === 0 ? 0 : c[o]! / n]));
          };
          const pn = norm(players);
          const sn = norm(spectators);
          const score = Object.fromEntries(options.map((o) => [o, pn[o]! * (1 - w) + sn[o]! * w]));
          const max = Math.max(...options.map((o) => score[o]!));
          if (max <= 0) t.equal(r.winner, null);
          else t.ok(Math.abs(score[r.winner!]! - max) < 1e-9, 'the winner has the best blended score');
          t.equal(r.total_votes, Object.keys(players).length + Object.keys(spectators).length);
        },
      ),
    );
  });
  t.test('a loud audience decides at weight 1 (eligible [] = audience decides)', async (t) => {
    const r = countVotes({ method: 'plurality', options: ['a', 'b'], ballots: {}, spectatorBallots: { s1: 'b', s2: 'b', s3: 'a' }, spectatorWeight: 1, tieBreaker: 'first', eligibleCount: 0, voters: 0 });
    t.equal(r.winner, 'b');
    t.equal(r.turnout, 0);
    t.equal(r.status, 'decided');
  });
  t.test('a small player pool outweighs a large audience at the default 0.3', async (t) => {
    const audience = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`s${i}`, 'b']));
    const r = countVotes({ ...base('plurality', ['a', 'b'], { p1: 'a', p2: 'a' }), spectatorBallots: audience });
    t.equal(r.winner, 'a');
    t.ok(Math.abs(r.distribution['a']! - 0.7) < 1e-9);
  });
});

t.test('quorum and supermajority', async (t) => {
  t.test('turnout below quorum is no_quorum with a null winner', async (t) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 1, noNaN: true }), (eligible, castRaw, quorum) => {
        const cast = Math.min(castRaw, eligible);
        const ballots = Object.fromEntries(voters(cast).map((p) => [p, 'a']));
        const r = countVotes({ ...base('plurality', ['a', 'b'], ballots), eligibleCount: eligible, voters: cast, quorum });
        if (Math.abs(cast / eligible - quorum) < 1e-9) return; // the boundary itself: see the example below
        if (cast / eligible < quorum) t.match(r, { status: 'no_quorum', winner: null });
        else t.match(r, { status: 'decided', winner: cast > 0 ? 'a' : null });
      }),
    );
  });
  t.test('exactly at quorum is enough', async (t) => {
    t.match(countVotes({ ...base('plurality', ['a', 'b'], { p1: 'a' }), eligibleCount: 2, voters: 1, quorum: 0.5 }), { status: 'decided', winner: 'a', turnout: 0.5 });
    t.match(countVotes({ ...base('plurality', ['a', 'b'], { p1: 'a' }), eligibleCount: 3, voters: 1, quorum: 0.5 }), { status: 'no_quorum', winner: null });
  });
  t.test('require_supermajority: below the share is no_consensus', async (t) => {
    const ballots = { p1: 'a', p2: 'a', p3: 'b' };
    t.match(countVotes({ ...base('plurality', ['a', 'b'], ballots), requireSupermajority: true }), { status: 'no_consensus', winner: null, counts: { a: 2, b: 1 } });
    t.match(countVotes({ ...base('plurality', ['a', 'b'], ballots), requireSupermajority: true, supermajority: 0.6 }), { status: 'decided', winner: 'a' });
    t.match(countVotes({ ...base('plurality', ['a', 'b'], ballots), supermajority: 0.9 }), { status: 'decided', winner: 'a' }, 'only when required');
  });
});

t.test('resolveBallots: delegation then defaults, at close', async (t) => {
  const eligible = ['p1', 'p2', 'p3', 'p4', 'p5'];
  const r = resolveBallots({
    eligible,
    cast: { p1: 'a', p4: 'b', x: 'a' },
    delegation: { p2: 'p1', p3: 'p2', p4: 'p1', p5: 'p6' },
    defaults: { p5: 'c', p3: 'c', x2: 'a' },
  });
  t.same(r, { p1: 'a', p2: 'a', p3: 'a', p4: 'b', p5: 'c' }, "own ballot wins; chains are followed; absentees get their default; non-eligible ignored");
  t.same(resolveBallots({ eligible: ['p1', 'p2'], cast: {}, delegation: { p1: 'p2', p2: 'p1' }, defaults: { p2: 'b' } }), { p2: 'b' }, 'a cycle ends the chain');
});

t.test('normaliseBallot', async (t) => {
  const opts = new Set(['a', 'b', 'c']);
  t.equal(normaliseBallot('plurality', opts, 'a'), 'a');
  t.equal(normaliseBallot('plurality', opts, ['a']), 'a');
  t.equal(normaliseBallot('plurality', opts, ['a', 'b']), undefined);
  t.equal(normaliseBallot('weighted', opts, 'z'), undefined);
  t.same(normaliseBallot('approval', opts, 'a'), ['a']);
  t.same(normaliseBallot('ranked', opts, ['c', 'a']), ['c', 'a']);
  t.equal(normaliseBallot('ranked', opts, ['a', 'a']), undefined);
  t.equal(normaliseBallot('approval', opts, []), undefined);
  t.equal(normaliseBallot('approval', opts, [1]), undefined);
  t.equal(normaliseBallot('plurality', opts, { id: 'a' }), undefined);
});

t.test('leaderShare and backedWinner', async (t) => {
  t.equal(leaderShare({ a: 3, b: 1 }, 'plurality', 4), 0.75);
  t.equal(leaderShare({ a: 2, b: 2 }, 'approval', 2), 1, 'approval shares are of voters');
  t.equal(leaderShare({ a: 0 }, 'plurality', 0), 0);
  t.ok(backedWinner('approval', ['b', 'a'], 'a'));
  t.notOk(backedWinner('ranked', ['b', 'a'], 'a'));
  t.ok(backedWinner('plurality', 'a', 'a'));
});
