// The matchmaker query language: parsing (terms, quoting, errors with positions) and matching
// (must / must not / should, comparisons, exact matches), with properties checked by fast-check.
import fc from 'fast-check';
import t, { type Test } from 'tap';
import { isGameError } from '../../src/errors.js';
import { accepts, MATCH_ALL, parseQuery, preference, QUERY_MAX_LENGTH, QUERY_MAX_TERMS, termHolds, validateQuery } from '../../src/matchmaker/query.js';

function assertProperty(t: Test, property: Parameters<typeof fc.assert>[0]): void {
  fc.assert(property);
  t.pass('the property holds');
}

/** The `invalid_query` position of parsing `text`, or undefined when it parses. */
function errorAt(text: string): number | undefined {
  try {
    parseQuery(text);
    return undefined;
  } catch (e) {
    if (!isGameError(e, 'invalid_query')) throw e;
    return e.details['position'] as number;
  }
}

t.test('parseQuery', async (t) => {
  t.test('reads must, must-not and should terms with their operators', async (t) => {
    const q = parseQuery('+region:eu +rank:>=5 -mode:ranked rank:<=10 x:>1 y:<2.5');
    t.same(q.terms, [
      { occur: 'must', field: 'region', op: 'eq', text: 'eu', number: undefined },
      { occur: 'must', field: 'rank', op: '>=', number: 5 },
      { occur: 'must_not', field: 'mode', op: 'eq', text: 'ranked', number: undefined },
      { occur: 'should', field: 'rank', op: '<=', number: 10 },
      { occur: 'should', field: 'x', op: '>', number: 1 },
      { occur: 'should', field: 'y', op: '<', number: 2.5 },
    ]);
  });
  t.test('quoted values with escapes; number literals', async (t) => {
    t.same(parseQuery('+name:"big \\"bad\\" \\\\ wolf"').terms, [{ occur: 'must', field: 'name', op: 'eq', text: 'big "bad" \\ wolf', number: undefined }]);
    t.same(parseQuery('level:-3').terms, [{ occur: 'should', field: 'level', op: 'eq', text: '-3', number: -3 }]);
    t.same(parseQuery('code:"7"').terms, [{ occur: 'should', field: 'code', op: 'eq', text: '7', number: undefined }], 'a quoted number is text');
  });
  t.test('empty and blank queries accept everyone', async (t) => {
    t.equal(parseQuery(''), MATCH_ALL);
    t.equal(parseQuery('   \t '), MATCH_ALL);
    t.ok(accepts(MATCH_ALL, {}));
  });
  t.test('errors are invalid_query with the position of the fault', async (t) => {
    t.equal(errorAt('+:eu'), 1, 'field expected');
    t.equal(errorAt('+region'), 7, 'colon expected');
    t.equal(errorAt('+region=eu'), 7, 'colon expected');
    t.equal(errorAt('region:'), 7, 'value expected');
    t.equal(errorAt('+rank:>=x'), 8, 'number expected');
    t.equal(errorAt('+rank:>="5"'), 8, 'comparisons need a bare number');
    t.equal(errorAt('a:"open'), 7, 'unterminated string');
    t.equal(errorAt('a:"\\n"'), 3, 'bad escape');
    t.equal(errorAt('a:"x"y'), 5, 'a space must follow a quoted value');
    t.equal(errorAt('a:b"c'), 3, 'stray quote');
    t.equal(errorAt('x'.repeat(QUERY_MAX_LENGTH + 1)), QUERY_MAX_LENGTH, 'too long');
    const many = Array.from({ length: QUERY_MAX_TERMS + 1 }, (_, i) => `k${i}:v`).join(' ');
    t.equal(errorAt(many), many.lastIndexOf(`k${QUERY_MAX_TERMS}:`), 'too many terms');
    t.equal(errorAt(`${'f'.repeat(65)}:v`), 64, 'field too long');
    try {
      parseQuery('+rank:>=x');
      t.fail('should throw');
    } catch (e) {
      t.ok(isGameError(e, 'invalid_query'));
      t.equal((e as { details: Record<string, unknown> }).details['why'], 'number_expected');
    }
  });
  t.test('validateQuery: undefined, null and blank mean none; non-strings are refused', async (t) => {
    t.equal(validateQuery(undefined), undefined);
    t.equal(validateQuery(null), undefined);
    t.equal(validateQuery('  '), undefined);
    t.equal(validateQuery(' +a:b '), '+a:b');
    let caught: unknown;
    try {
      validateQuery(42);
    } catch (e) {
      caught = e;
    }
    t.ok(isGameError(caught, 'invalid_query'), 'a number is not a query');
  });
  t.test('property: any text either parses or fails with invalid_query at a position inside it', async (t) => {
    assertProperty(
      t,
      fc.property(fc.string({ maxLength: 80, unit: fc.constantFrom('+', '-', ':', '"', '\\', ' ', '>', '=', '<', 'a', 'b', '1', '.', 'é') }), (text) => {
        const pos = errorAt(text);
        return pos === undefined || (pos >= 0 && pos <= text.length);
      }),
    );
  });
});

t.test('matching', async (t) => {
  t.test('must, must not, should', async (t) => {
    const q = parseQuery('+region:eu -mode:ranked casual:true');
    t.ok(accepts(q, { region: 'eu' }), 'a missing property satisfies must-not');
    t.ok(accepts(q, { region: 'eu', mode: 'casual' }));
    t.notOk(accepts(q, { region: 'eu', mode: 'ranked' }));
    t.notOk(accepts(q, { mode: 'casual' }), 'a missing property fails must');
    t.equal(preference(q, { region: 'eu', casual: true }), 1, 'booleans match their text');
    t.equal(preference(q, { region: 'eu' }), 0, 'should terms never refuse');
  });
  t.test('comparisons need number properties', async (t) => {
    const q = parseQuery('+rank:>=5 +rank:<10');
    t.ok(accepts(q, { rank: 5 }));
    t.ok(accepts(q, { rank: 9.5 }));
    t.notOk(accepts(q, { rank: 10 }));
    t.notOk(accepts(q, { rank: 4 }));
    t.notOk(accepts(q, { rank: '7' }), 'text is not a number');
  });
  t.test('exact matches: numbers by value, text by text; objects never match', async (t) => {
    t.ok(termHolds(parseQuery('lvl:5.0').terms[0]!, { lvl: 5 }));
    t.ok(termHolds(parseQuery('lvl:5').terms[0]!, { lvl: '5' }), 'a text property compares as text');
    t.ok(termHolds(parseQuery('lvl:"5"').terms[0]!, { lvl: 5 }), "a quoted literal compares with the number's text");
    t.notOk(termHolds(parseQuery('lvl:"5.0"').terms[0]!, { lvl: 5 }));
    t.notOk(termHolds(parseQuery('o:x').terms[0]!, { o: { x: 1 } }));
    t.notOk(termHolds(parseQuery('toString:x').terms[0]!, {}), 'only own properties count');
  });
  t.test('property: -k:v is the negation of +k:v; k:>=n agrees with JS', async (t) => {
    assertProperty(
      t,
      fc.property(
        fc.constantFrom('a', 'b', 'c'),
        fc.oneof(fc.constantFrom('x', 'y', 'true'), fc.integer({ min: -5, max: 5 }).map(String)),
        fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.oneof(fc.constantFrom('x', 'y'), fc.boolean(), fc.integer({ min: -5, max: 5 }))),
        (k, v, props) => accepts(parseQuery(`-${k}:${v}`), props) === !accepts(parseQuery(`+${k}:${v}`), props),
      ),
    );
    assertProperty(
      t,
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), fc.integer({ min: -1000, max: 1000 }), (value, n) => {
        return (
          accepts(parseQuery(`+k:>=${n}`), { k: value }) === value >= n &&
          accepts(parseQuery(`+k:<${n}`), { k: value }) === value < n &&
          accepts(parseQuery(`+k:${n}`), { k: value }) === (value === n)
        );
      }),
    );
  });
  t.test('property: a quoted string literal matches exactly that string', async (t) => {
    assertProperty(
      t,
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (s, other) => {
        const literal = `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
        const q = parseQuery(`+k:${literal}`);
        return accepts(q, { k: s }) && accepts(q, { k: other }) === (other === s);
      }),
    );
  });
});
