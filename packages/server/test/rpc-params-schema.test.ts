// compileParamsSchema: the JSON-schema subset RPC methods declare their params with.
import t from 'tap';
import { compileParamsSchema, type ParamsSchema } from '../src/index.js';

t.test('compileParamsSchema', async (t) => {
  t.test('types: each JSON type, integers as numbers, lists of types', async (t) => {
    const cases: [ParamsSchema, unknown, boolean][] = [
      [{ type: 'object' }, {}, true],
      [{ type: 'object' }, [], false],
      [{ type: 'object' }, null, false],
      [{ type: 'array' }, [1], true],
      [{ type: 'string' }, 's', true],
      [{ type: 'string' }, 1, false],
      [{ type: 'number' }, 1.5, true],
      [{ type: 'number' }, 2, true],
      [{ type: 'integer' }, 2, true],
      [{ type: 'integer' }, 2.5, false],
      [{ type: 'boolean' }, false, true],
      [{ type: 'boolean' }, 0, false],
      [{ type: 'null' }, null, true],
      [{ type: ['string', 'null'] }, null, true],
      [{ type: ['string', 'null'] }, 3, false],
      [{}, { anything: [1] }, true],
    ];
    for (const [schema, value, ok] of cases) t.equal(compileParamsSchema(schema)(value) === undefined, ok, `${JSON.stringify(schema)} ${JSON.stringify(value)}`);
    t.same(compileParamsSchema({ type: 'integer' })(1.5), { params: 'must be integer' }, 'the value itself fails at "params"');
  });

  t.test('objects: required, properties, additionalProperties, property counts; every failure by path', async (t) => {
    const check = compileParamsSchema({
      type: 'object',
      required: ['quest_id', 'count'],
      properties: { quest_id: { type: 'string' }, count: { type: 'integer', minimum: 1 }, meta: { type: 'object', properties: { tag: { type: 'string' } }, additionalProperties: false } },
      additionalProperties: false,
    });
    t.equal(check({ quest_id: 'q', count: 1 }), undefined);
    t.same(check({ count: 0, extra: 1, meta: { tag: 1, x: 2 } }), { quest_id: 'is required', count: 'must be >= 1', extra: 'is not allowed', 'meta.tag': 'must be string', 'meta.x': 'is not allowed' });
    const typed = compileParamsSchema({ type: 'object', additionalProperties: { type: 'number' }, minProperties: 1, maxProperties: 2 });
    t.equal(typed({ a: 1 }), undefined);
    t.same(typed({ a: 'x' }), { a: 'must be number' }, 'additionalProperties as a schema');
    t.same(typed({}), { params: 'must have at least 1 properties' });
    t.same(typed({ a: 1, b: 2, c: 3 }), { params: 'must have at most 2 properties' });
    t.same(compileParamsSchema({ required: ['a'] })([]), undefined, 'object keywords ignore non-objects (as JSON Schema does)');
  });

  t.test('arrays: items, minItems, maxItems, nested paths', async (t) => {
    const check = compileParamsSchema({ type: 'object', properties: { ids: { type: 'array', items: { type: 'string', minLength: 2 }, minItems: 1, maxItems: 3 } } });
    t.equal(check({ ids: ['ab', 'cd'] }), undefined);
    t.same(check({ ids: ['ab', 'c'] }), { 'ids.1': 'must NOT have fewer than 2 characters' });
    t.same(check({ ids: [] }), { ids: 'must have at least 1 items' });
    t.same(check({ ids: ['aa', 'bb', 'cc', 'dd'] }), { ids: 'must have at most 3 items' });
  });

  t.test('strings: lengths in code points, unicode patterns', async (t) => {
    const check = compileParamsSchema({ type: 'string', minLength: 2, maxLength: 3, pattern: '^\\p{L}+$' });
    t.equal(check('日本語'), undefined, 'three code points');
    t.equal(compileParamsSchema({ maxLength: 2 })('😀😀'), undefined, 'astral characters count once');
    t.same(check('a'), { params: 'must NOT have fewer than 2 characters' });
    t.same(check('abcd'), { params: 'must NOT have more than 3 characters' });
    t.match(check('a1'), { params: /must match pattern/ });
  });

  t.test('numbers: minimum, maximum, exclusive bounds', async (t) => {
    const check = compileParamsSchema({ type: 'number', minimum: 0, maximum: 10, exclusiveMaximum: 10 });
    t.equal(check(0), undefined);
    t.equal(check(9.5), undefined);
    t.same(check(-1), { params: 'must be >= 0' });
    t.same(check(10), { params: 'must be < 10' });
    t.same(compileParamsSchema({ exclusiveMinimum: 0 })(0), { params: 'must be > 0' });
    t.same(compileParamsSchema({ maximum: 1 })(2), { params: 'must be <= 1' });
  });

  t.test('enum, const (deep equality), anyOf', async (t) => {
    const e = compileParamsSchema({ enum: ['a', { b: [1] }] });
    t.equal(e('a'), undefined);
    t.equal(e({ b: [1] }), undefined);
    t.ok(e({ b: [2] }));
    t.ok(e({ b: [1], c: 1 }));
    const c = compileParamsSchema({ const: { v: 1 } });
    t.equal(c({ v: 1 }), undefined);
    t.same(c({ v: 2 }), { params: 'must be equal to constant' });
    const any = compileParamsSchema({ anyOf: [{ type: 'string' }, { type: 'integer', minimum: 5 }] });
    t.equal(any('x'), undefined);
    t.equal(any(7), undefined);
    t.same(any(3), { params: 'must match a schema in anyOf' });
  });

  t.test('annotations are ignored; unsupported keywords and malformed values are refused at compile time', async (t) => {
    t.equal(compileParamsSchema({ type: 'object', title: 't', description: 'd', default: {}, examples: [{}], $comment: 'c' })({}), undefined);
    const refused: unknown[] = [
      { $ref: '#/x' },
      { oneOf: [{}] },
      { format: 'email' },
      { type: 'object', properties: { a: { allOf: [] } } },
      { type: 'text' },
      { type: [] },
      { minLength: -1 },
      { maxItems: 1.5 },
      { minimum: 'zero' },
      { pattern: '(' },
      { pattern: 3 },
      { enum: [] },
      { anyOf: [] },
      { properties: [] },
      { required: 'a' },
      'not a schema',
      { items: { nope: true } },
    ];
    for (const schema of refused) t.throws(() => compileParamsSchema(schema as ParamsSchema), TypeError, JSON.stringify(schema));
  });
});
