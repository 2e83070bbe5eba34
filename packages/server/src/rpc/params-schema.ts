/**
 * The parameter schemas of RPC methods: a small JSON Schema validator (the subset below, with ajv's
 * meaning), compiled once when a method is registered. A keyword outside the subset is refused at
 * registration, so a schema never silently validates less than it says. Failures come back as
 * `{ path: message }` (the `details.fields` of `rpc.invalid_params`, the same shape as REST's
 * `validation_failed`); every failure is collected, not only the first.
 *
 * Supported: `type` (one or a list of `object`, `array`, `string`, `number`, `integer`, `boolean`,
 * `null`), `properties`, `required`, `additionalProperties` (boolean or schema), `minProperties`,
 * `maxProperties`, `items` (one schema), `minItems`, `maxItems`, `minLength`, `maxLength` (in code
 * points), `pattern` (unicode), `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `enum`,
 * `const`, `anyOf`; the annotations `title`, `description`, `default`, `examples`, `$comment` are ignored.
 *
 * @example
 * const check = compileParamsSchema({ type: 'object', required: ['quest_id'], properties: { quest_id: { type: 'string', maxLength: 64 } } });
 * check({ quest_id: 7 }); // { quest_id: 'must be string' }
 * check({ quest_id: 'q-1' }); // undefined
 */

export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

/** A JSON Schema in the supported subset (plain objects, `as const` ones included). */
export interface ParamsSchema {
  readonly type?: JsonType | readonly JsonType[];
  readonly properties?: Readonly<Record<string, ParamsSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | ParamsSchema;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly items?: ParamsSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly ParamsSchema[];
  readonly title?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
  readonly $comment?: string;
}

/** Failures by path (`quest_id`, `items.2.count`; `params` for the value itself), or undefined when valid. */
export type ParamsValidator = (value: unknown) => Record<string, string> | undefined;

const KEYWORDS: ReadonlySet<string> = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties', 'items', 'minItems', 'maxItems',
  'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'enum', 'const', 'anyOf',
  'title', 'description', 'default', 'examples', '$comment',
]);
const TYPES: ReadonlySet<string> = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);

type Check = (value: unknown, path: string, out: Map<string, string>) => void;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeOf(v: unknown): JsonType | undefined {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'object':
      return 'object';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isFinite(v) ? (Number.isInteger(v) ? 'integer' : 'number') : undefined;
    default:
      return undefined;
  }
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]));
  }
  return false;
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

function fail(out: Map<string, string>, path: string, message: string): void {
  const at = path === '' ? 'params' : path;
  if (!out.has(at)) out.set(at, message);
}

function bad(where: string, why: string): never {
  throw new TypeError(`invalid RPC params schema at ${where === '' ? '(root)' : where}: ${why}`);
}

function count(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) bad(where, `${name} must be a non-negative integer`);
  return v;
}

function num(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(where, `${name} must be a finite number`);
  return v;
}

function compile(schema: unknown, where: string): Check {
  if (!isObj(schema)) bad(where, 'a schema is an object');
  for (const k of Object.keys(schema)) if (!KEYWORDS.has(k)) bad(where, `unsupported keyword ${k}`);
  const checks: Check[] = [];
  const s = schema as ParamsSchema;

  if (s.type !== undefined) {
    const types = typeof s.type === 'string' ? [s.type] : s.type;
    if (!Array.isArray(types) || types.length === 0 || !types.every((x) => typeof x === 'string' && TYPES.has(x))) bad(where, 'type must name JSON types');
    const allowed = new Set<string>(types);
    const label = types.join(',');
    checks.push((v, path, out) => {
      const t = typeOf(v);
      const ok = t !== undefined && (allowed.has(t) || (t === 'integer' && allowed.has('number')));
      if (!ok) fail(out, path, `must be ${label}`);
    });
  }
  if (s.enum !== undefined) {
    if (!Array.isArray(s.enum) || s.enum.length === 0) bad(where, 'enum must be a non-empty array');
    const options = s.enum;
    checks.push((v, path, out) => {
      if (!options.some((o) => equal(o, v))) fail(out, path, 'must be equal to one of the allowed values');
    });
  }
  if (Object.hasOwn(s, 'const')) {
    const c = s.const;
    checks.push((v, path, out) => {
      if (!equal(c, v)) fail(out, path, 'must be equal to constant');
    });
  }

  // Objects
  const props = new Map<string, Check>();
  if (s.properties !== undefined) {
    if (!isObj(s.properties)) bad(where, 'properties must be an object');
    for (const [k, sub] of Object.entries(s.properties)) props.set(k, compile(sub, join(where, `properties.${k}`)));
  }
  const required = s.required ?? [];
  if (!Array.isArray(required) || !required.every((r) => typeof r === 'string')) bad(where, 'required must be an array of names');
  let additional: Check | false | undefined;
  if (s.additionalProperties === false) additional = false;
  else if (s.additionalProperties !== undefined && s.additionalProperties !== true) additional = compile(s.additionalProperties, join(where, 'additionalProperties'));
  const minProps = s.minProperties === undefined ? undefined : count(where, 'minProperties', s.minProperties);
  const maxProps = s.maxProperties === undefined ? undefined : count(where, 'maxProperties', s.maxProperties);
  if (props.size > 0 || required.length > 0 || additional !== undefined || minProps !== undefined || maxProps !== undefined) {
    checks.push((v, path, out) => {
      if (!isObj(v)) return;
      for (const r of required) if (!Object.hasOwn(v, r)) fail(out, join(path, r), 'is required');
      const keys = Object.keys(v);
      if (minProps !== undefined && keys.length < minProps) fail(out, path, `must have at least ${minProps} properties`);
      if (maxProps !== undefined && keys.length > maxProps) fail(out, path, `must have at most ${maxProps} properties`);
      for (const k of keys) {
        const sub = props.get(k);
        if (sub !== undefined) sub(v[k], join(path, k), out);
        else if (additional === false) fail(out, join(path, k), 'is not allowed');
        else if (additional !== undefined) additional(v[k], join(path, k), out);
      }
    });
  }

  // Arrays
  const items = s.items === undefined ? undefined : compile(s.items, join(where, 'items'));
  const minItems = s.minItems === undefined ? undefined : count(where, 'minItems', s.minItems);
  const maxItems = s.maxItems === undefined ? undefined : count(where, 'maxItems', s.maxItems);
  if (items !== undefined || minItems !== undefined || maxItems !== undefined) {
    checks.push((v, path, out) => {
      if (!Array.isArray(v)) return;
      if (minItems !== undefined && v.length < minItems) fail(out, path, `must have at least ${minItems} items`);
      if (maxItems !== undefined && v.length > maxItems) fail(out, path, `must have at most ${maxItems} items`);
      if (items !== undefined) v.forEach((x, i) => items(x, join(path, i), out));
    });
  }

  // Strings
  const minLength = s.minLength === undefined ? undefined : count(where, 'minLength', s.minLength);
  const maxLength = s.maxLength === undefined ? undefined : count(where, 'maxLength', s.maxLength);
  let pattern: RegExp | undefined;
  if (s.pattern !== undefined) {
    if (typeof s.pattern !== 'string') bad(where, 'pattern must be a string');
    try {
      pattern = new RegExp(s.pattern, 'u');
    } catch {
      bad(where, 'pattern is not a valid regular expression');
    }
  }
  if (minLength !== undefined || maxLength !== undefined || pattern !== undefined) {
    checks.push((v, path, out) => {
      if (typeof v !== 'string') return;
      const len = [...v].length;
      if (minLength !== undefined && len < minLength) fail(out, path, `must NOT have fewer than ${minLength} characters`);
      if (maxLength !== undefined && len > maxLength) fail(out, path, `must NOT have more than ${maxLength} characters`);
      if (pattern !== undefined && !pattern.test(v)) fail(out, path, `must match pattern "${s.pattern}"`);
    });
  }

  // Numbers
  const bounds: [number | undefined, (v: number, b: number) => boolean, string][] = [
    [s.minimum === undefined ? undefined : num(where, 'minimum', s.minimum), (v, b) => v >= b, 'must be >='],
    [s.maximum === undefined ? undefined : num(where, 'maximum', s.maximum), (v, b) => v <= b, 'must be <='],
    [s.exclusiveMinimum === undefined ? undefined : num(where, 'exclusiveMinimum', s.exclusiveMinimum), (v, b) => v > b, 'must be >'],
    [s.exclusiveMaximum === undefined ? undefined : num(where, 'exclusiveMaximum', s.exclusiveMaximum), (v, b) => v < b, 'must be <'],
  ];
  for (const [bound, ok, what] of bounds) {
    if (bound === undefined) continue;
    checks.push((v, path, out) => {
      if (typeof v === 'number' && !ok(v, bound)) fail(out, path, `${what} ${bound}`);
    });
  }

  // anyOf: valid when one branch is; otherwise a single failure at this path.
  if (s.anyOf !== undefined) {
    if (!Array.isArray(s.anyOf) || s.anyOf.length === 0) bad(where, 'anyOf must be a non-empty array');
    const branches = s.anyOf.map((b, i) => compile(b, join(where, `anyOf.${i}`)));
    checks.push((v, path, out) => {
      if (!branches.some((b) => validWith(b, v))) fail(out, path, 'must match a schema in anyOf');
    });
  }

  return (v, path, out) => {
    for (const c of checks) c(v, path, out);
  };
}

function validWith(check: Check, v: unknown): boolean {
  const out = new Map<string, string>();
  check(v, '', out);
  return out.size === 0;
}

/**
 * Compiles `schema` into a validator. Throws a TypeError naming the place when the schema uses a keyword
 * outside the supported subset or a keyword has a malformed value.
 */
export function compileParamsSchema(schema: ParamsSchema): ParamsValidator {
  const check = compile(schema, '');
  return (value) => {
    const out = new Map<string, string>();
    check(value, '', out);
    return out.size === 0 ? undefined : Object.fromEntries(out);
  };
}
