/**
 * Generic key/value storage objects (the `storage` table, asobi-reference.md §2.19): `(collection, key)`
 * maps to a JSON `value` with a `version`, either per player (`player_id` set) or global (`player_id`
 * NULL; the two live in separate partial unique indexes, so a global row and a player's row never clash).
 *
 * Access: an omitted `readerId`/`writerId` means trusted server code (Lua, game logic), which may read
 * and write anything. A player acting as reader or writer never touches global rows, reads a per-player
 * row only if it is theirs or its `read_perm` is `public`, and writes (or deletes) one only if it is
 * theirs or its `write_perm` is `public`; only the owner (or the server) may create a row or change its
 * permissions. Every write is optimistic-concurrency checked when the caller names the `version` it
 * read (0 = "must not exist yet"): a mismatch is `STO_ERR_OBJECT_CONFLICT` with
 * `details.current_version`. Writes lock the row (`FOR UPDATE`), so racing writers with one version see
 * exactly one win.
 */
import type { Driver, Queryable } from '../driver.js';
import { StorageError, isStorageError } from '../errors.js';
import { newId, type PlayerId } from '../ids.js';
import { int, json, limit, oneOf, text, uuid } from '../internal/validate.js';

/** Who may read or write a per-player object besides its owner: everyone (`public`) or nobody (`owner`). */
export type Perm = 'public' | 'owner';
export const PERMS: readonly Perm[] = ['public', 'owner'];
/** Largest object `value`, in bytes of its JSON text (the cloud save cap). */
export const OBJECT_MAX_BYTES = 256 * 1024;
/** Largest collection name or key, in UTF-8 bytes. */
export const OBJECT_NAME_MAX_BYTES = 128;

export interface StorageObject {
  readonly id: string;
  readonly collection: string;
  readonly key: string;
  /** The owner; null for a global row. */
  readonly player_id: PlayerId | null;
  readonly value: unknown;
  readonly version: number;
  readonly read_perm: Perm;
  readonly write_perm: Perm;
  readonly updated_at: Date;
}

/** Input of {@link ObjectsRepo.put}. */
export interface PutObject {
  readonly collection: string;
  readonly key: string;
  /** The owning player; omitted (or null) for a global row. */
  readonly ownerId?: string | null | undefined;
  /** Any JSON value, at most 256 KB of JSON text. */
  readonly value: unknown;
  /** The version the caller last read (0: the object must not exist yet); omitted: no check. */
  readonly version?: number | undefined;
  /** Set on create (default `owner`) or by the owner or server on update; omitted on update: unchanged. */
  readonly read_perm?: Perm | undefined;
  readonly write_perm?: Perm | undefined;
  /** The player writing; omitted for trusted server code. */
  readonly writerId?: string | null | undefined;
}

/** Who is reading: `ownerId` picks the row (omitted: global), `readerId` the player reading (omitted: server). */
export interface ReadAs {
  readonly ownerId?: string | null | undefined;
  readonly readerId?: string | null | undefined;
}

function name(field: string, v: unknown): string {
  return text(field, v, { min: 1, max: OBJECT_NAME_MAX_BYTES });
}

function optUuid(field: string, v: unknown): string | null {
  return v === undefined || v === null ? null : uuid(field, v);
}

function perm(field: string, v: unknown): Perm | undefined {
  if (v === undefined) return undefined;
  try {
    return oneOf(field, v, PERMS);
  } catch {
    throw new StorageError('STO_ERR_INVALID_PERM', { details: { field } });
  }
}

function objectValue(v: unknown): string {
  try {
    return json('value', v, OBJECT_MAX_BYTES);
  } catch (e) {
    if (isStorageError(e, 'STO_ERR_TOO_LARGE')) throw new StorageError('STO_ERR_OBJECT_TOO_LARGE', { details: { field: 'value', limitBytes: OBJECT_MAX_BYTES } });
    throw e;
  }
}

function version(v: unknown): number | undefined {
  return v === undefined ? undefined : int('version', v, { min: 0, max: 2 ** 31 - 1 });
}

function forbidden(collection: string, key: string, reason: 'global' | 'read_perm' | 'write_perm' | 'not_owner'): StorageError {
  return new StorageError('STO_ERR_OBJECT_FORBIDDEN', { details: { collection, key, reason } });
}

/** The row at (collection, key, owner), optionally locked for the rest of the transaction. */
async function find(q: Queryable, collection: string, key: string, owner: string | null, lock: boolean): Promise<StorageObject | undefined> {
  const params: unknown[] = [collection, key];
  let where = 'collection = $1 AND key = $2 AND ';
  if (owner === null) where += 'player_id IS NULL';
  else {
    params.push(owner);
    where += 'player_id = $3';
  }
  const [row] = await q.query<StorageObject & Record<string, unknown>>(`SELECT * FROM storage WHERE ${where}${lock ? ' FOR UPDATE' : ''}`, params);
  return row;
}

/** Throws unless `writer` may write `row` (or create it, when absent) at (collection, key, owner). */
function checkWrite(row: StorageObject | undefined, collection: string, key: string, owner: string | null, writer: string | null): void {
  if (writer === null || writer === owner) return;
  if (owner === null) throw forbidden(collection, key, 'global');
  if (row === undefined) throw forbidden(collection, key, 'not_owner');
  if (row.write_perm !== 'public') throw forbidden(collection, key, 'write_perm');
}

function checkVersion(row: StorageObject | undefined, collection: string, key: string, expected: number | undefined): void {
  const current = row?.version ?? 0;
  if (expected !== undefined && expected !== current) throw new StorageError('STO_ERR_OBJECT_CONFLICT', { details: { collection, key, current_version: current } });
}

export class ObjectsRepo {
  constructor(protected readonly db: Driver) {}

  /**
   * One object, or undefined when there is none. `STO_ERR_OBJECT_FORBIDDEN` when a player (`readerId`)
   * asks for a global row, or for another player's row whose `read_perm` is `owner`.
   *
   * @example
   * await storage.objects.get('settings', 'audio', { ownerId: me, readerId: me }); // a player's own row
   * await storage.objects.get('config', 'motd');                                    // a global row (server)
   */
  async get(collection: string, key: string, as: ReadAs = {}): Promise<StorageObject | undefined> {
    const c = name('collection', collection);
    const k = name('key', key);
    const owner = optUuid('ownerId', as.ownerId);
    const reader = optUuid('readerId', as.readerId);
    if (reader !== null && owner === null) throw forbidden(c, k, 'global');
    const row = await find(this.db, c, k, owner, false);
    if (row !== undefined && reader !== null && reader !== owner && row.read_perm !== 'public') throw forbidden(c, k, 'read_perm');
    return row;
  }

  /**
   * Creates (version 1) or updates (version + 1) an object. Errors: `STO_ERR_OBJECT_CONFLICT` (version
   * mismatch, `details.current_version`), `STO_ERR_OBJECT_TOO_LARGE` (value over 256 KB of JSON),
   * `STO_ERR_INVALID_PERM`, `STO_ERR_OBJECT_FORBIDDEN` (see the file header), `STO_ERR_NOT_FOUND` (unknown
   * owner). A non-owner writing a `public`-write row changes only its value, never its permissions.
   *
   * @example
   * const o = await storage.objects.put({ collection: 'decks', key: 'main', ownerId: me, writerId: me, value: { cards: [] } });
   * await storage.objects.put({ collection: 'decks', key: 'main', ownerId: me, writerId: me, value: { cards: [1] }, version: o.version });
   */
  async put(input: PutObject): Promise<StorageObject> {
    const c = name('collection', input.collection);
    const k = name('key', input.key);
    const owner = optUuid('ownerId', input.ownerId);
    const writer = optUuid('writerId', input.writerId);
    const value = objectValue(input.value);
    const expected = version(input.version);
    const readPerm = perm('read_perm', input.read_perm);
    const writePerm = perm('write_perm', input.write_perm);
    if (writer !== null && owner === null) throw forbidden(c, k, 'global');
    try {
      return await this.db.transaction(async (tx) => {
        // Two rounds at most: a lost insert race leaves a committed row for the second round to update.
        for (let round = 0; ; round++) {
          const row = await find(tx, c, k, owner, true);
          checkWrite(row, c, k, owner, writer);
          checkVersion(row, c, k, expected);
          if (row !== undefined) {
            const owns = writer === null || writer === owner;
            const [updated] = await tx.query<StorageObject & Record<string, unknown>>(
              `UPDATE storage SET value = $2::jsonb, version = version + 1, updated_at = now(),
                 read_perm = COALESCE($3, read_perm), write_perm = COALESCE($4, write_perm)
               WHERE id = $1 RETURNING *`,
              [row.id, value, owns ? (readPerm ?? null) : null, owns ? (writePerm ?? null) : null],
            );
            return updated!;
          }
          const [created] = await tx.query<StorageObject & Record<string, unknown>>(
            `INSERT INTO storage (id, collection, key, player_id, value, version, read_perm, write_perm)
             VALUES ($1, $2, $3, $4, $5::jsonb, 1, $6, $7) ON CONFLICT DO NOTHING RETURNING *`,
            [newId(), c, k, owner, value, readPerm ?? 'owner', writePerm ?? 'owner'],
          );
          if (created !== undefined) return created;
          if (round > 0) throw new StorageError('STO_ERR_OBJECT_CONFLICT', { details: { collection: c, key: k, current_version: 0 } });
        }
      });
    } catch (e) {
      if (isStorageError(e, 'STO_ERR_NOT_FOUND') && e.details?.['constraint'] === 'storage_player_id_fkey') {
        throw new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: owner } });
      }
      throw e;
    }
  }

  /**
   * Deletes an object; returns whether one existed. `writerId` and `version` are checked as in
   * {@link put} (`STO_ERR_OBJECT_FORBIDDEN`, `STO_ERR_OBJECT_CONFLICT`).
   */
  async delete(collection: string, key: string, as: { ownerId?: string | null | undefined; writerId?: string | null | undefined; version?: number | undefined } = {}): Promise<boolean> {
    const c = name('collection', collection);
    const k = name('key', key);
    const owner = optUuid('ownerId', as.ownerId);
    const writer = optUuid('writerId', as.writerId);
    const expected = version(as.version);
    if (writer !== null && owner === null) throw forbidden(c, k, 'global');
    return this.db.transaction(async (tx) => {
      const row = await find(tx, c, k, owner, true);
      if (row === undefined) return false;
      checkWrite(row, c, k, owner, writer);
      checkVersion(row, c, k, expected);
      await tx.query('DELETE FROM storage WHERE id = $1', [row.id]);
      return true;
    });
  }

  /**
   * Objects of one collection by key (default 50, at most 200): a player's rows with `ownerId`, the global
   * rows without. A `readerId` other than the owner sees only `public`-read rows; a `readerId` without
   * `ownerId` is `STO_ERR_OBJECT_FORBIDDEN` (global rows are for server code).
   */
  async list(collection: string, options: ReadAs & { limit?: number | undefined } = {}): Promise<StorageObject[]> {
    const c = name('collection', collection);
    const owner = optUuid('ownerId', options.ownerId);
    const reader = optUuid('readerId', options.readerId);
    const n = limit(options.limit, 50, 200);
    if (owner === null) {
      if (reader !== null) throw new StorageError('STO_ERR_OBJECT_FORBIDDEN', { details: { collection: c, reason: 'global' } });
      return this.db.query<StorageObject & Record<string, unknown>>('SELECT * FROM storage WHERE collection = $1 AND player_id IS NULL ORDER BY key LIMIT $2', [c, n]);
    }
    return this.db.query<StorageObject & Record<string, unknown>>(
      `SELECT * FROM storage WHERE collection = $1 AND player_id = $2 AND ($3::uuid IS NULL OR player_id = $3 OR read_perm = 'public')
       ORDER BY key LIMIT $4`,
      [c, owner, reader, n],
    );
  }

  /**
   * Every per-player object of a collection that `readerId` may read (their own and everyone's `public`
   * rows), by key then owner (default 50, at most 200): asobi's `GET /storage/:collection`.
   */
  async listReadable(collection: string, readerId: string, options: { limit?: number | undefined } = {}): Promise<StorageObject[]> {
    return this.db.query<StorageObject & Record<string, unknown>>(
      `SELECT * FROM storage WHERE collection = $1 AND player_id IS NOT NULL AND (player_id = $2 OR read_perm = 'public')
       ORDER BY key, player_id LIMIT $3`,
      [name('collection', collection), uuid('readerId', readerId), limit(options.limit, 50, 200)],
    );
  }
}
