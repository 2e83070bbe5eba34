/**
 * Ticket properties: what a player says about themself to the strategies (`skill`, `region`, ...). Flat and
 * bounded, like asobi's join context (§2.5): an object of at most {@link PROPERTY_LIMITS}.maxKeys keys, each
 * 1..64 bytes, with values that are strings (≤ 256 bytes), finite numbers or booleans. No nesting, no null.
 * Errors are `GameError('invalid_properties', { why, key? })`.
 */
import { GameError } from '../errors.js';

export const PROPERTY_LIMITS = Object.freeze({ maxKeys: 16, maxKeyBytes: 64, maxStringBytes: 256 });

export type TicketProperties = Readonly<Record<string, string | number | boolean>>;

function bad(why: string, key?: string): never {
  throw new GameError('invalid_properties', key === undefined ? { why } : { why, key });
}

/**
 * Checks ticket properties and returns a frozen copy (undefined → `{}`).
 *
 * @example
 * validateProperties({ skill: 1200, region: 'eu' }); // ok
 * validateProperties({ nested: { a: 1 } }); // throws GameError('invalid_properties', { why: 'bad_value', key: 'nested' })
 */
export function validateProperties(v: unknown): TicketProperties {
  if (v === undefined) return Object.freeze({});
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad('not_an_object');
  const keys = Object.keys(v);
  if (keys.length > PROPERTY_LIMITS.maxKeys) bad('too_many_keys');
  const out: Record<string, string | number | boolean> = {};
  for (const k of keys) {
    const kb = Buffer.byteLength(k);
    if (kb === 0 || kb > PROPERTY_LIMITS.maxKeyBytes) bad('bad_key', k.slice(0, PROPERTY_LIMITS.maxKeyBytes));
    const value = (v as Record<string, unknown>)[k];
    if (typeof value === 'string') {
      if (Buffer.byteLength(value) > PROPERTY_LIMITS.maxStringBytes) bad('value_too_long', k);
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) bad('bad_value', k);
    } else if (typeof value !== 'boolean') bad('bad_value', k);
    Object.defineProperty(out, k, { value, enumerable: true, writable: false, configurable: false });
  }
  return Object.freeze(out);
}
