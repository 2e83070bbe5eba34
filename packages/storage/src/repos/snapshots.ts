/**
 * The Postgres-backed `SnapshotStore` for `@hajime/actor`: a match's snapshot outlives the process (and,
 * with the cluster layer, the node). One row per snapshot key.
 */
import type { SnapshotStore, StoredSnapshot } from '@hajime/actor';
import type { Driver } from '../driver.js';
import { json, text } from '../internal/validate.js';

/** Snapshots are capped at 8 MiB of JSON. */
export const SNAPSHOT_MAX_BYTES = 8 * 1024 * 1024;

export class SqlSnapshotStore implements SnapshotStore {
  constructor(private readonly db: Driver) {}

  async save(key: string, snapshot: StoredSnapshot): Promise<void> {
    await this.db.query(
      `INSERT INTO actor_snapshots (key, version, data, saved_at) VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version, data = EXCLUDED.data, saved_at = EXCLUDED.saved_at`,
      [text('key', key, { max: 512 }), snapshot.version, json('data', snapshot.data ?? null, SNAPSHOT_MAX_BYTES), new Date(snapshot.savedAtMs)],
    );
  }

  async load(key: string): Promise<StoredSnapshot | undefined> {
    const [row] = await this.db.query<{ version: number; data: unknown; saved_at: Date }>('SELECT version, data, saved_at FROM actor_snapshots WHERE key = $1', [text('key', key, { max: 512 })]);
    return row === undefined ? undefined : { version: row.version, data: row.data, savedAtMs: row.saved_at.getTime() };
  }

  async delete(key: string): Promise<void> {
    await this.db.query('DELETE FROM actor_snapshots WHERE key = $1', [text('key', key, { max: 512 })]);
  }

  /** Every stored key (operators and failover use it). */
  async keys(prefix = ''): Promise<string[]> {
    const rows = await this.db.query<{ key: string }>(`SELECT key FROM actor_snapshots WHERE starts_with(key, $1) ORDER BY key`, [prefix]);
    return rows.map((r) => r.key);
  }
}
