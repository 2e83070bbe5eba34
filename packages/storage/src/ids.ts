/**
 * Identifiers: UUIDv7 (time-ordered, as asobi), branded per kind so a `PlayerId` is never passed where a
 * `MatchId` is expected. `isUuid` validates input before it reaches SQL.
 */
import { uuidv7 } from 'uuidv7';

export type PlayerId = string & { readonly __brand: 'PlayerId' };
export type MatchId = string & { readonly __brand: 'MatchId' };
export type WalletId = string & { readonly __brand: 'WalletId' };
export type ItemId = string & { readonly __brand: 'ItemId' };
export type GroupId = string & { readonly __brand: 'GroupId' };
export type TournamentId = string & { readonly __brand: 'TournamentId' };

/** A new UUIDv7. */
export function newId<T extends string = string>(): T {
  return uuidv7() as T;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a canonical UUID string. */
export function isUuid(v: unknown): v is string {
  return typeof v === 'string' && UUID_RE.test(v);
}
