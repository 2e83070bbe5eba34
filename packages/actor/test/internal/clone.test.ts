import fc from 'fast-check';
import t from 'tap';
import { Cloner, cloneValue } from '../../src/internal/clone.js';

/** Deep equality that also tells -0 from 0, NaN from NaN, holes from undefined and prototypes apart. */
function sameShape(a: unknown, b: unknown, seen = new Map<object, unknown>()): boolean {
  if (typeof a !== 'object' || a === null) return Object.is(a, b);
  if (typeof b !== 'object' || b === null) return false;
  if (seen.has(a)) return seen.get(a) === b;
  seen.set(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Map || a instanceof Set) {
    const ea = [...a.entries()];
    const eb = [...(b as Map<unknown, unknown>).entries()];
    return ea.length === eb.length && ea.every(([k, v], i) => sameShape(k, eb[i]![0], seen) && sameShape(v, eb[i]![1], seen));
  }
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => sameShape((a as Record<PropertyKey, unknown>)[k], (b as Record<PropertyKey, unknown>)[k], seen));
}

t.test('cloneValue', async (t) => {
  t.test('copies plain JSON-like values exactly as structuredClone does, sharing nothing with the original', async (t) => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.anything({ withNullPrototype: false, withBoxedValues: false, withMap: true, withSet: true, withDate: true, withTypedArray: true, withSparseArray: true }), (json, any) => {
        for (const v of [json, any]) {
          let expected: unknown;
          try {
            expected = structuredClone(v);
          } catch {
            t.throws(() => cloneValue(v));
            continue;
          }
          const got = cloneValue(v);
          if (!sameShape(got, expected)) return false;
          if (typeof v === 'object' && v !== null && got === v) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  t.test('a later change to the original never reaches the copy', async (t) => {
    const v = { players: { a: { x: 1, seq: 2 } }, order: ['a'] };
    const c = cloneValue(v);
    v.players.a.x = 9;
    v.order.push('b');
    t.same(c, { players: { a: { x: 1, seq: 2 } }, order: ['a'] });
  });

  t.test('keeps shared and cyclic references as shared and cyclic', async (t) => {
    const shared = { hp: 3 };
    const v: Record<string, unknown> = { a: shared, b: [shared] };
    v['self'] = v;
    const c = cloneValue(v) as { a: object; b: object[]; self: unknown };
    t.equal(c.a, c.b[0], 'shared once');
    t.equal(c.self, c, 'cycle kept');
    t.not(c.a, shared);
  });

  t.test('a reused Cloner keeps nothing from one copy to the next, and handles values past its linear lookup', async (t) => {
    const cloner = new Cloner();
    const shared = { n: 1 };
    const first = cloner.clone({ a: shared });
    const second = cloner.clone({ b: shared });
    t.not(first.a, second.b, 'separate copies of the same original in separate calls');
    t.same(second, { b: { n: 1 } });
    const many: Record<string, unknown>[] = Array.from({ length: 300 }, (_, i) => ({ i }));
    const big = { many, again: many[250], self: undefined as unknown };
    big.self = big;
    const c = cloner.clone(big);
    t.equal(c.again, c.many[250], 'shared reference found past the linear lookup');
    t.equal(c.self, c);
    t.same(c.many.map((x) => x['i']), many.map((x) => x['i']));
    t.throws(() => cloner.clone({ f: () => 1 }), { name: 'DataCloneError' });
    t.same(cloner.clone({ ok: [1] }), { ok: [1] }, 'still usable after a throw');
  });

  t.test('leaves anything not plain to structuredClone, deep inside too', async (t) => {
    const when = new Date(5);
    const c = cloneValue({ deep: [{ when, m: new Map([[1, 'x']]), bytes: new Uint8Array([1, 2]) }] });
    const d = c.deep[0]!;
    t.ok(d.when instanceof Date && d.when.getTime() === 5 && d.when !== when);
    t.ok(d.m instanceof Map && d.m.get(1) === 'x');
    t.ok(d.bytes instanceof Uint8Array && d.bytes[1] === 2);
    class Pos {
      x = 1;
    }
    t.equal(Object.getPrototypeOf(cloneValue({ p: new Pos() }).p), Object.prototype, 'class instance copied as structuredClone does');
    const bare = Object.assign(Object.create(null) as object, { k: 1 });
    t.equal(Object.getPrototypeOf(cloneValue({ bare }).bare), Object.prototype, 'null prototype as structuredClone');
    const sparse = [1, , 3];
    t.notOk(1 in cloneValue({ sparse }).sparse, 'holes kept');
    const named = Object.assign([1], { extra: true });
    t.equal((cloneValue({ named }).named as unknown as { extra: boolean }).extra, true, 'named array properties kept');
    const proto = JSON.parse('{"__proto__": {"x": 1}}') as object;
    const pc = cloneValue({ proto }).proto;
    t.ok(Object.hasOwn(pc, '__proto__') && Object.getPrototypeOf(pc) === Object.prototype, 'own __proto__ stays a property');
  });

  t.test('throws where structuredClone throws (functions, symbols), at any depth', async (t) => {
    t.throws(() => cloneValue({ a: [{ f: () => 1 }] }), { name: 'DataCloneError' });
    t.throws(() => cloneValue({ s: Symbol('x') }), { name: 'DataCloneError' });
  });
});
