/**
 * Cloud saves: slot-keyed JSON per player (asobi-reference.md §2.19). At most 10 slots per player, data at
 * most 256 KB of JSON, and optimistic concurrency on `version`: the first write of a slot is version 1,
 * every update adds one, and a write naming an `expectedVersion` that is not the current one fails with
 * `STO_ERR_VERSION_CONFLICT` (`details.current_version`; 0 when the slot does not exist). Writes and
 * deletes lock the player row (`FOR NO KEY UPDATE`, which does not block foreign-key inserts elsewhere), so
 * one player's saves are serialised: racing writers with the same expected version see exactly one win,
 * and racing first writes cannot push a player past the slot cap.
 */
import type { Driver, Queryable } from '../driver.js';
import { StorageError, isStorageError } from '../errors.js';
import { newId, type PlayerId } from '../ids.js';
import { int, json, text, uuid } from '../internal/validate.js';

/** Most slots one player may hold. */
export const SAVE_MAX_SLOTS = 10;
/** Largest save `data`, in bytes of its JSON text. */
export const SAVE_MAX_BYTES = 256 * 1024;
/** Largest slot name, in UTF-8 bytes. */
export const SAVE_SLOT_MAX_BYTES = 64;

export interface CloudSave {
  readonly id: string;
  readonly player_id: PlayerId;
  readonly slot: string;
  readonly data: unknown;
  readonly version: number;
  readonly updated_at: Date;
}

/** One entry of {@link SavesRepo.list}: the save without its data. */
export interface CloudSaveSummary {
  readonly slot: string;
  readonly version: number;
  readonly updated_at: Date;
}

function slotName(v: unknown): string {
  return text('slot', v, { min: 1, max: SAVE_SLOT_MAX_BYTES });
}

function saveData(v: unknown): string {
  try {
    return json('data', v, SAVE_MAX_BYTES);
  } catch (e) {
    if (isStorageError(e, 'STO_ERR_TOO_LARGE')) throw new StorageError('STO_ERR_SAVE_TOO_LARGE', { details: { field: 'data', limitBytes: SAVE_MAX_BYTES } });
    throw e;
  }
}

/** Locks the player row for this transaction; `STO_ERR_NOT_FOUND` if there is none. */
async function lockPlayer(tx: Queryable, playerId: string): Promise<void> {
  const rows = await tx.query('SELECT id FROM players WHERE id = $1 FOR NO KEY UPDATE', [playerId]);
  if (rows.length === 0) throw new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: playerId } });
}

export class SavesRepo {
  constructor(protected readonly db: Driver) {}

  /**
   * The player's saves without their data, by slot name (empty for an unknown player).
   *
   * @example
   * const saves = await storage.saves.list(player.id); // [{ slot: 'main', version: 3, updated_at }]
   */
  async list(playerId: string): Promise<CloudSaveSummary[]> {
    return this.db.query<CloudSaveSummary & Record<string, unknown>>('SELECT slot, version, updated_at FROM cloud_saves WHERE player_id = $1 ORDER BY slot', [
      uuid('player_id', playerId),
    ]);
  }

  /** One save with its data, or undefined when the slot is empty (the server answers `save.not_found`). */
  async get(playerId: string, slot: string): Promise<CloudSave | undefined> {
    const [row] = await this.db.query<CloudSave & Record<string, unknown>>('SELECT * FROM cloud_saves WHERE player_id = $1 AND slot = $2', [
      uuid('player_id', playerId),
      slotName(slot),
    ]);
    return row;
  }

  /**
   * Writes a slot: creates it at version 1 or replaces its data and adds one to its version.
   * `expectedVersion` (optional) must equal the current version, 0 meaning "the slot must not exist yet";
   * otherwise `STO_ERR_VERSION_CONFLICT` with `details.current_version`. `STO_ERR_SAVE_TOO_LARGE` over
   * 256 KB of JSON, `STO_ERR_SLOT_LIMIT` when a new slot would be the 11th, `STO_ERR_NOT_FOUND` for an
   * unknown player.
   *
   * @example
   * const s = await storage.saves.put(player.id, 'main', { level: 3 });        // version 1
   * await storage.saves.put(player.id, 'main', { level: 4 }, s.version);        // version 2
   */
  async put(playerId: string, slot: string, data: unknown, expectedVersion?: number): Promise<CloudSave> {
    const pid = uuid('player_id', playerId);
    const name = slotName(slot);
    const doc = saveData(data);
    const expected = expectedVersion === undefined ? undefined : int('expectedVersion', expectedVersion, { min: 0, max: 2 ** 31 - 1 });
    return this.db.transaction(async (tx) => {
      await lockPlayer(tx, pid);
      const [current] = await tx.query<{ version: number }>('SELECT version FROM cloud_saves WHERE player_id = $1 AND slot = $2', [pid, name]);
      const currentVersion = current?.version ?? 0;
      if (expected !== undefined && expected !== currentVersion) {
        throw new StorageError('STO_ERR_VERSION_CONFLICT', { details: { slot: name, current_version: currentVersion } });
      }
      if (current !== undefined) {
        const [row] = await tx.query<CloudSave & Record<string, unknown>>(
          'UPDATE cloud_saves SET data = $3::jsonb, version = version + 1, updated_at = now() WHERE player_id = $1 AND slot = $2 RETURNING *',
          [pid, name, doc],
        );
        return row!;
      }
      const [count] = await tx.query<{ n: number }>('SELECT count(*)::int8 AS n FROM cloud_saves WHERE player_id = $1', [pid]);
      if (count!.n >= SAVE_MAX_SLOTS) throw new StorageError('STO_ERR_SLOT_LIMIT', { details: { limit: SAVE_MAX_SLOTS } });
      const [row] = await tx.query<CloudSave & Record<string, unknown>>(
        'INSERT INTO cloud_saves (id, player_id, slot, data, version) VALUES ($1, $2, $3, $4::jsonb, 1) RETURNING *',
        [newId(), pid, name, doc],
      );
      return row!;
    });
  }

  /** Deletes a slot; returns whether it existed (false for an unknown player too). */
  async delete(playerId: string, slot: string): Promise<boolean> {
    const pid = uuid('player_id', playerId);
    const name = slotName(slot);
    return this.db.transaction(async (tx) => {
      const player = await tx.query('SELECT id FROM players WHERE id = $1 FOR NO KEY UPDATE', [pid]);
      if (player.length === 0) return false;
      const rows = await tx.query('DELETE FROM cloud_saves WHERE player_id = $1 AND slot = $2 RETURNING id', [pid, name]);
      return rows.length > 0;
    });
  }
}
