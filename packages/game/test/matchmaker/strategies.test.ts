// The built-in strategies, the query wrapper and the self-match guard: examples plus properties
// (every group has exactly matchSize distinct players, every ticket is grouped once or left waiting,
// fill keeps submission order, skill windows hold).
import fc from 'fast-check';
import t, { type Test } from 'tap';
import { dropSelfMatches, fill, resolveStrategy, runStrategy, skillBased, skillOf, withQuery } from '../../src/matchmaker/strategies.js';
import type { MatchmakerStrategy, StrategyContext, StrategyResult, Ticket } from '../../src/matchmaker/strategy.js';

const NOW = 1_000_000;
/** fast-check's assert (throws on a counterexample), counted as an assertion. */
function assertProperty(t: Test, property: fc.IPropertyWithHooks<never> | fc.IProperty<never> | Parameters<typeof fc.assert>[0]): void {
  fc.assert(property);
  t.pass('the property holds');
}
let seq = 0;
function ticket(over: Partial<Ticket> = {}): Ticket {
  const n = seq++;
  return { id: `t${n}`, player_id: `p${n}`, mode: 'default', properties: {}, submitted_at: NOW, attempts: 0, ...over };
}
const ctx = (matchSize: number, config: Record<string, unknown> = {}, now = NOW): StrategyContext => ({ matchSize, config, now });
const ids = (ts: readonly Ticket[]): string[] => ts.map((x) => x.id);

/** Checks the invariants every safe strategy result must satisfy. */
function checkPartition(t: Test, input: readonly Ticket[], r: StrategyResult, size: number): void {
  const seen = new Map<string, number>();
  for (const g of r.groups) {
    t.equal(g.length, size, 'every group has exactly matchSize tickets');
    t.equal(new Set(g.map((x) => x.player_id)).size, g.length, 'players in a group are distinct');
    for (const x of g) seen.set(x.id, (seen.get(x.id) ?? 0) + 1);
  }
  for (const x of r.unmatched) seen.set(x.id, (seen.get(x.id) ?? 0) + 1);
  t.equal(seen.size, input.length, 'every ticket appears');
  t.ok([...seen.values()].every((c) => c === 1), 'every ticket appears exactly once');
}

const arbTickets = fc
  .array(
    fc.record({
      player: fc.integer({ min: 0, max: 30 }),
      skill: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
      ageS: fc.integer({ min: 0, max: 120 }),
    }),
    { maxLength: 40 },
  )
  .map((rows) =>
    rows.map((r, i): Ticket => ({
      id: `t${i}`,
      player_id: `p${r.player}`,
      mode: 'm',
      properties: r.skill === undefined ? {} : { skill: r.skill },
      submitted_at: NOW - r.ageS * 1000 - i,
      attempts: 0,
    })),
  );

t.test('fill', async (t) => {
  t.test('groups of exactly matchSize in submission order; the remainder waits', async (t) => {
    const ts = [ticket(), ticket(), ticket(), ticket(), ticket()];
    const r = fill(ts, ctx(2));
    t.same(r.groups.map(ids), [ids(ts.slice(0, 2)), ids(ts.slice(2, 4))]);
    t.same(ids(r.unmatched), [ts[4]!.id]);
  });
  t.test('fewer tickets than matchSize: nothing is grouped', async (t) => {
    const ts = [ticket(), ticket()];
    t.same(fill(ts, ctx(3)), { groups: [], unmatched: ts });
  });
  t.test('property: partition, sizes, and order preserved', async (t) => {
    assertProperty(t, 
      fc.property(arbTickets, fc.integer({ min: 1, max: 6 }), (ts, size) => {
        const r = fill(ts, ctx(size));
        const flat = [...r.groups.flat(), ...r.unmatched];
        if (JSON.stringify(ids(flat)) !== JSON.stringify(ids(ts))) return false;
        return r.groups.every((g) => g.length === size) && r.unmatched.length < size;
      }),
    );
  });
});

t.test('skillBased', async (t) => {
  t.test('sorts by skill and groups close skills', async (t) => {
    const a = ticket({ properties: { skill: 1500 } });
    const b = ticket({ properties: { skill: 1000 } });
    const c = ticket({ properties: { skill: 1520 } });
    const d = ticket({ properties: { skill: 1100 } });
    const r = skillBased([a, b, c, d], ctx(2));
    t.same(r.groups.map(ids), [[b.id, d.id], [a.id, c.id]]);
    t.same(r.unmatched, []);
  });
  t.test('a window too wide pushes its first ticket to unmatched and slides by one', async (t) => {
    const a = ticket({ properties: { skill: 100 } });
    const b = ticket({ properties: { skill: 1000 } });
    const c = ticket({ properties: { skill: 1150 } });
    const r = skillBased([a, b, c], ctx(2));
    t.same(r.groups.map(ids), [[b.id, c.id]]);
    t.same(ids(r.unmatched), [a.id]);
  });
  t.test('skill defaults to 1000 when absent or not an integer', async (t) => {
    t.equal(skillOf(ticket()), 1000);
    t.equal(skillOf(ticket({ properties: { skill: 12.5 } })), 1000);
    t.equal(skillOf(ticket({ properties: { skill: '1200' } })), 1000);
    t.equal(skillOf(ticket({ properties: { skill: 1200 } })), 1200);
  });
  t.test('the window widens by skill_expand_rate per whole 5 s the first ticket waited', async (t) => {
    const low = (ageMs: number) => ticket({ properties: { skill: 1000 }, submitted_at: NOW - ageMs });
    const high = () => ticket({ properties: { skill: 1300 } });
    t.equal(skillBased([low(0), high()], ctx(2)).groups.length, 0, '300 > 200 at first');
    t.equal(skillBased([low(9_999), high()], ctx(2)).groups.length, 0, '9 s: 200 + 1*50 = 250 < 300');
    t.equal(skillBased([low(10_000), high()], ctx(2)).groups.length, 1, '10 s: 200 + 2*50 = 300');
    t.equal(skillBased([low(0), high()], ctx(2, { skill_window: 300 })).groups.length, 1, 'skill_window config');
    t.equal(skillBased([low(5_000), high()], ctx(2, { skill_window: 0, skill_expand_rate: 300 })).groups.length, 1, 'skill_expand_rate config');
    t.equal(skillBased([low(0), high()], ctx(2, { skill_window: 'wide' })).groups.length, 0, 'bad config falls back to the default');
  });
  t.test('property: partition, sizes, and every group within its window', async (t) => {
    assertProperty(t, 
      fc.property(arbTickets, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 100 }), (ts, size, win, rate) => {
        const r = skillBased(ts, ctx(size, { skill_window: win, skill_expand_rate: rate }));
        const all = [...r.groups.flat(), ...r.unmatched];
        if (all.length !== ts.length || new Set(ids(all)).size !== ts.length) return false;
        return r.groups.every((g) => {
          if (g.length !== size) return false;
          const skills = g.map(skillOf);
          const first = g[0]!;
          const allowed = win + Math.floor(Math.floor((NOW - first.submitted_at) / 1000) / 5) * rate;
          const sorted = skills.every((s, i) => i === 0 || s >= skills[i - 1]!);
          return sorted && skills[skills.length - 1]! - skills[0]! <= allowed;
        });
      }),
    );
  });
});

t.test('withQuery', async (t) => {
  const wq = withQuery(fill);
  t.test('without queries it is the inner strategy, unchanged', async (t) => {
    const ts = [ticket(), ticket(), ticket()];
    t.same(wq(ts, ctx(2)), fill(ts, ctx(2)));
  });
  t.test('a must term keeps apart players it does not accept, in both directions', async (t) => {
    const eu = ticket({ properties: { region: 'eu' }, query: '+region:eu' });
    const na = ticket({ properties: { region: 'na' } });
    const eu2 = ticket({ properties: { region: 'eu' } });
    const r = wq([eu, na, eu2], ctx(2));
    t.same(r.groups.map(ids), [[eu.id, eu2.id]]);
    t.same(ids(r.unmatched), [na.id]);
    const strict = ticket({ properties: { region: 'na' } , query: '+region:na' });
    const r2 = wq([eu2, strict], ctx(2));
    t.same(r2.groups, [], "the other's query must accept me too");
  });
  t.test('must_not and comparisons', async (t) => {
    const a = ticket({ properties: { rank: 7 }, query: '+rank:>=5 -mode:ranked' });
    const b = ticket({ properties: { rank: 3 } });
    const c = ticket({ properties: { rank: 9, mode: 'ranked' } });
    const d = ticket({ properties: { rank: 5, mode: 'casual' } });
    const r = wq([a, b, c, d], ctx(2));
    t.same(r.groups.map(ids), [[a.id, d.id], [b.id, c.id]], 'b and c have no query: they meet each other');
    const e = ticket({ properties: { rank: 1 } });
    const r2 = wq([a, b, c, e], ctx(2));
    t.same(r2.groups.map(ids), [[b.id, c.id]]);
    t.same(ids(r2.unmatched), [a.id, e.id], 'unmatched keep submission order');
  });
  t.test('should terms pick the preferred bucket', async (t) => {
    const a = ticket({ properties: { region: 'eu' }, query: '-banned:true' });
    const b = ticket({ properties: { region: 'na', banned: true } });
    const d = ticket({ properties: {}, query: 'region:na' });
    const r = wq([a, b, d], ctx(2));
    t.same(r.groups.map(ids), [[b.id, d.id]], 'd fits both buckets and prefers the na one');
    t.same(ids(r.unmatched), [a.id]);
    const r2 = wq([a, b, ticket({ properties: {}, query: '-x:1' })], ctx(2));
    t.same(r2.groups.map((g) => g[0]!.id), [a.id], 'without a preference the earliest bucket wins');
  });
  t.test('leftovers of different buckets get a second chance', async (t) => {
    const a = ticket({ properties: { k: 1 } });
    const b = ticket({ properties: { k: 2 }, query: '-k:1' });
    const c = ticket({ properties: { k: 3 } });
    // Round 1: buckets {a, c} (b refuses a) and {b}; fill(2) groups a+c... b stays.
    const r = wq([a, b, c], ctx(2));
    checkPartition(t, [a, b, c], r, 2);
    t.equal(r.groups.length, 1);
  });
  t.test('an unparsable query is never grouped', async (t) => {
    const bad = ticket({ query: '+rank:>=x' });
    const r = wq([bad, ticket(), ticket()], ctx(2));
    t.same(ids(r.unmatched), [bad.id]);
  });
  t.test('property: groups are pairwise compatible and the result partitions the input', async (t) => {
    const regions = ['eu', 'na', 'ap'];
    const arb = fc.array(
      fc.record({
        region: fc.constantFrom(...regions),
        rank: fc.integer({ min: 0, max: 10 }),
        q: fc.option(fc.tuple(fc.constantFrom('+', '-', ''), fc.constantFrom(...regions), fc.constantFrom('', '+rank:>=3', '-rank:<2')), { nil: undefined }),
      }),
      { maxLength: 30 },
    );
    assertProperty(t, 
      fc.property(arb, fc.integer({ min: 1, max: 4 }), (rows, size) => {
        const ts: Ticket[] = rows.map((r, i) => ({
          id: `t${i}`,
          player_id: `p${i}`,
          mode: 'm',
          properties: { region: r.region, rank: r.rank },
          submitted_at: NOW - i,
          attempts: 0,
          ...(r.q === undefined ? {} : { query: `${r.q[0]}region:${r.q[1]} ${r.q[2]}` }),
        }));
        const r = withQuery(skillBased)(ts, ctx(size));
        const all = [...r.groups.flat(), ...r.unmatched];
        if (all.length !== ts.length || new Set(ids(all)).size !== ts.length) return false;
        const ok = (x: Ticket, y: Ticket): boolean => {
          const holds = (q: string | undefined, p: Ticket['properties']): boolean => {
            if (q === undefined) return true;
            for (const term of q.trim().split(/\s+/)) {
              if (term === '') continue;
              const occ = term[0] === '+' ? 'must' : term[0] === '-' ? 'not' : 'should';
              const body = occ === 'should' ? term : term.slice(1);
              const [f, v] = body.split(':') as [string, string];
              const val = p[f] as number | string;
              const h = v.startsWith('>=') ? (val as number) >= Number(v.slice(2)) : v.startsWith('<') ? (val as number) < Number(v.slice(1)) : val === v;
              if (occ === 'must' && !h) return false;
              if (occ === 'not' && h) return false;
            }
            return true;
          };
          return holds(x.query, y.properties) && holds(y.query, x.properties);
        };
        return r.groups.every((g) => g.length === size && g.every((x) => g.every((y) => x === y || ok(x, y))));
      }),
    );
  });
});

t.test('dropSelfMatches', async (t) => {
  const a = ticket({ player_id: 'same' });
  const b = ticket({ player_id: 'same' });
  const c = ticket();
  const d = ticket();
  t.test('a group repeating a player goes back to the queue', async (t) => {
    const r = dropSelfMatches([a, b, c, d], { groups: [[a, b], [c, d]], unmatched: [] });
    t.same(r.groups.map(ids), [[c.id, d.id]]);
    t.same(ids(r.unmatched), [a.id, b.id]);
  });
  t.test('a ticket used twice, an unknown ticket, a forgotten ticket, an empty group', async (t) => {
    const stranger = ticket();
    const r = dropSelfMatches([a, c, d], { groups: [[a, c], [c, d], [d, stranger], []], unmatched: [] });
    t.same(r.groups.map(ids), [[a.id, c.id]]);
    t.same(ids(r.unmatched), [d.id], 'd was neither safely grouped nor returned: it is returned');
  });
  t.test('runStrategy: a throwing or malformed strategy forms no group', async (t) => {
    const boom: MatchmakerStrategy = () => {
      throw new Error('boom');
    };
    t.same(runStrategy(boom, [c, d], ctx(2)), { groups: [], unmatched: [c, d] });
    t.same(runStrategy((() => null) as unknown as MatchmakerStrategy, [c, d], ctx(2)), { groups: [], unmatched: [c, d] });
  });
  t.test('property: a custom strategy returning random groups is made safe', async (t) => {
    assertProperty(t, 
      fc.property(arbTickets, fc.array(fc.array(fc.nat(45), { maxLength: 4 }), { maxLength: 10 }), (ts, picks) => {
        const random: MatchmakerStrategy = (input) => ({ groups: picks.map((g) => g.map((i) => input[i]).filter((x): x is Ticket => x !== undefined)), unmatched: [] });
        const r = runStrategy(random, ts, ctx(2));
        const all = [...r.groups.flat(), ...r.unmatched];
        return all.length === ts.length && new Set(ids(all)).size === ts.length && r.groups.every((g) => new Set(g.map((x) => x.player_id)).size === g.length);
      }),
    );
  });
});

t.test('resolveStrategy', async (t) => {
  const custom: MatchmakerStrategy = (ts) => ({ groups: [], unmatched: ts });
  t.equal(resolveStrategy(custom), custom, 'custom strategies are used as given');
  const eu = ticket({ properties: { region: 'eu' }, query: '+region:eu' });
  const na = ticket({ properties: { region: 'na' } });
  t.same(resolveStrategy('fill')([eu, na], ctx(2)).groups, [], 'fill honours queries by default');
  t.same(resolveStrategy('skill_based')([eu, na], ctx(2)).groups, [], 'skill_based honours queries by default');
  t.equal(resolveStrategy('fill')([ticket(), ticket()], ctx(2)).groups.length, 1);
});
