/**
 * The matchmaker query language (a Hajime addition; asobi has none): a small, Nakama-style filter a
 * ticket carries on the *other* players' ticket properties.
 *
 *     +region:eu +rank:>=5 -mode:ranked rank:<=10 +name:"big bad"
 *
 * Terms are separated by spaces. `+field:value` must hold, `-field:value` must not hold, a bare
 * `field:value` is a *should*: it never decides whether two tickets can meet, it only orders preference
 * (see `withQuery`). A value is `>=n`, `<=n`, `>n`, `<n` (numbers only: the property must be a number),
 * or a literal matched exactly: a number literal equals a number property of the same value, anything
 * else compares the property's text (`eu`, `true`, `"two words"` with `\"` and `\\` escapes). A missing
 * property never satisfies a term (so `-k:v` holds for a ticket without `k`).
 *
 * Parsing is pure; errors are `GameError('invalid_query', { position, why })` with the 0-based character
 * position of the fault.
 */
import { GameError } from '../errors.js';

/** Longest query accepted, in characters. */
export const QUERY_MAX_LENGTH = 512;
/** Most terms in one query. */
export const QUERY_MAX_TERMS = 16;
const FIELD_RE = /[A-Za-z0-9_.-]/;
const NUMBER_RE = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

export type Occurrence = 'must' | 'must_not' | 'should';
export type Comparison = '>=' | '<=' | '>' | '<';

/** One parsed term. */
export type QueryTerm =
  | { readonly occur: Occurrence; readonly field: string; readonly op: 'eq'; readonly text: string; readonly number: number | undefined }
  | { readonly occur: Occurrence; readonly field: string; readonly op: Comparison; readonly number: number };

/** A parsed query: its terms in source order. */
export interface Query {
  readonly terms: readonly QueryTerm[];
}

/** The query that accepts everyone. */
export const MATCH_ALL: Query = Object.freeze({ terms: Object.freeze([]) });

function fail(position: number, why: string): never {
  throw new GameError('invalid_query', { position, why });
}

/**
 * Parses a query. Empty (or blank) text is {@link MATCH_ALL}.
 *
 * @example
 * parseQuery('+region:eu +rank:>=5'); // { terms: [{ occur: 'must', field: 'region', op: 'eq', text: 'eu', ... }, ...] }
 * parseQuery('+rank:>=x'); // throws GameError('invalid_query', { position: 8, why: 'number_expected' })
 */
export function parseQuery(text: string): Query {
  if (typeof text !== 'string') fail(0, 'not_a_string');
  if (text.length > QUERY_MAX_LENGTH) fail(QUERY_MAX_LENGTH, 'too_long');
  const terms: QueryTerm[] = [];
  let i = 0;
  const n = text.length;
  const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
  for (;;) {
    while (i < n && isSpace(text[i])) i++;
    if (i >= n) break;
    if (terms.length >= QUERY_MAX_TERMS) fail(i, 'too_many_terms');
    let occur: Occurrence = 'should';
    if (text[i] === '+') {
      occur = 'must';
      i++;
    } else if (text[i] === '-') {
      occur = 'must_not';
      i++;
    }
    const fieldStart = i;
    while (i < n && FIELD_RE.test(text[i]!)) i++;
    if (i === fieldStart) fail(i, 'field_expected');
    if (i - fieldStart > 64) fail(fieldStart + 64, 'field_too_long');
    const field = text.slice(fieldStart, i);
    if (text[i] !== ':') fail(i, 'colon_expected');
    i++;
    let op: Comparison | 'eq' = 'eq';
    for (const c of ['>=', '<=', '>', '<'] as const) {
      if (text.startsWith(c, i)) {
        op = c;
        i += c.length;
        break;
      }
    }
    const valueStart = i;
    let value: string;
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
      let out = '';
      for (;;) {
        if (i >= n) fail(i, 'unterminated_string');
        const c = text[i]!;
        if (c === '"') {
          i++;
          break;
        }
        if (c === '\\') {
          const e = text[i + 1];
          if (e !== '"' && e !== '\\') fail(i, 'bad_escape');
          out += e;
          i += 2;
          continue;
        }
        out += c;
        i++;
      }
      value = out;
      if (i < n && !isSpace(text[i])) fail(i, 'space_expected');
    } else {
      while (i < n && !isSpace(text[i])) {
        if (text[i] === '"') fail(i, 'unexpected_quote');
        i++;
      }
      value = text.slice(valueStart, i);
      if (value === '') fail(valueStart, 'value_expected');
    }
    if (op === 'eq') {
      const number = !quoted && NUMBER_RE.test(value) ? Number(value) : undefined;
      terms.push({ occur, field, op, text: value, number: number !== undefined && Number.isFinite(number) ? number : undefined });
    } else {
      if (quoted || !NUMBER_RE.test(value) || !Number.isFinite(Number(value))) fail(valueStart, 'number_expected');
      terms.push({ occur, field, op, number: Number(value) });
    }
  }
  return terms.length === 0 ? MATCH_ALL : { terms };
}

/** Whether one term holds for `properties`. A missing property never satisfies a term. */
export function termHolds(term: QueryTerm, properties: Readonly<Record<string, unknown>>): boolean {
  if (!Object.prototype.hasOwnProperty.call(properties, term.field)) return false;
  const v = properties[term.field];
  if (term.op === 'eq') {
    if (typeof v === 'number') return term.number !== undefined ? v === term.number : String(v) === term.text;
    if (typeof v === 'string') return v === term.text;
    if (typeof v === 'boolean') return String(v) === term.text;
    return false;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  switch (term.op) {
    case '>=':
      return v >= term.number;
    case '<=':
      return v <= term.number;
    case '>':
      return v > term.number;
    case '<':
      return v < term.number;
  }
}

/** Whether `query` accepts a ticket with `properties`: every `+` term holds and no `-` term holds. */
export function accepts(query: Query, properties: Readonly<Record<string, unknown>>): boolean {
  for (const t of query.terms) {
    if (t.occur === 'must' && !termHolds(t, properties)) return false;
    if (t.occur === 'must_not' && termHolds(t, properties)) return false;
  }
  return true;
}

/** How many of the query's bare (should) terms hold for `properties`: the preference score. */
export function preference(query: Query, properties: Readonly<Record<string, unknown>>): number {
  let score = 0;
  for (const t of query.terms) if (t.occur === 'should' && termHolds(t, properties)) score++;
  return score;
}

/**
 * Checks a query for a ticket (`undefined` and blank are fine). Returns the normalised text (trimmed),
 * or undefined for none; throws `invalid_query`.
 */
export function validateQuery(query: unknown): string | undefined {
  if (query === undefined || query === null) return undefined;
  if (typeof query !== 'string') fail(0, 'not_a_string');
  parseQuery(query);
  const trimmed = query.trim();
  return trimmed === '' ? undefined : trimmed;
}
