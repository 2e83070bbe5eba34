/** Input checks shared by the repositories: every failure is `STO_ERR_INVALID_INPUT` naming the field. */
import { StorageError } from '../errors.js';
import { isUuid } from '../ids.js';

export function invalid(field: string, why: string): StorageError {
  return new StorageError('STO_ERR_INVALID_INPUT', { details: { field, why } });
}

export function uuid(field: string, v: unknown): string {
  if (!isUuid(v)) throw invalid(field, 'must be a UUID');
  return v.toLowerCase();
}

export function text(field: string, v: unknown, opts: { min?: number; max: number }): string {
  if (typeof v !== 'string') throw invalid(field, 'must be a string');
  if (v.includes('\u0000')) throw invalid(field, 'must not contain NUL');
  const len = Buffer.byteLength(v, 'utf8');
  if (len < (opts.min ?? 1)) throw invalid(field, `must be at least ${opts.min ?? 1} byte(s)`);
  if (len > opts.max) throw new StorageError('STO_ERR_TOO_LARGE', { details: { field, limitBytes: opts.max } });
  return v;
}

export function optText(field: string, v: unknown, opts: { max: number }): string | null {
  if (v === undefined || v === null) return null;
  return text(field, v, { min: 0, max: opts.max });
}

export function int(field: string, v: unknown, opts: { min?: number; max?: number } = {}): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalid(field, 'must be an integer');
  if (opts.min !== undefined && v < opts.min) throw invalid(field, `must be ≥ ${opts.min}`);
  if (opts.max !== undefined && v > opts.max) throw invalid(field, `must be ≤ ${opts.max}`);
  return v;
}

export function limit(v: unknown, def: number, max: number): number {
  if (v === undefined) return def;
  return int('limit', v, { min: 1, max });
}

/** Serialises a JSON value for a `::jsonb` parameter, enforcing a byte cap and plain-JSON content. */
export function json(field: string, v: unknown, maxBytes: number): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {
    throw invalid(field, 'must be JSON-serialisable');
  }
  if (s === undefined) throw invalid(field, 'must be a JSON value');
  if (s.includes('\\u0000')) throw invalid(field, 'must not contain NUL');
  if (Buffer.byteLength(s, 'utf8') > maxBytes) throw new StorageError('STO_ERR_TOO_LARGE', { details: { field, limitBytes: maxBytes } });
  return s;
}

export function object(field: string, v: unknown, maxBytes: number): string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(field, 'must be an object');
  return json(field, v, maxBytes);
}

export function oneOf<T extends string>(field: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw invalid(field, `must be one of ${allowed.join(', ')}`);
  return v as T;
}

export function bool(field: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw invalid(field, 'must be a boolean');
  return v;
}

export function date(field: string, v: unknown): Date {
  if (!(v instanceof Date) || Number.isNaN(v.getTime())) throw invalid(field, 'must be a valid Date');
  return v;
}

/** Default size cap for metadata objects (bytes). */
export const METADATA_MAX_BYTES = 16 * 1024;
