/**
 * Schema migrations: numbered plain `.sql` files (`0001_initial.sql`, ...) applied in order, all pending
 * ones in one transaction under a Postgres advisory lock, each recorded with a checksum in
 * `hajime_migrations`. Two nodes starting at once never race: the second waits for the lock and then
 * finds nothing to do. A failure rolls everything back and raises `STO_ERR_MIGRATION_FAILED`.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Driver } from './driver.js';
import { StorageError } from './errors.js';

/** One migration file. */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

export interface MigrationResult {
  /** Migrations applied by this call, in order. */
  readonly applied: readonly string[];
  /** Every migration now recorded. */
  readonly total: number;
}

/** Advisory lock key: "hajime" in ASCII. */
export const MIGRATION_LOCK_KEY = 0x68616a696d65;

/** The folder holding this package's migrations (`src/migrations`, beside `dist`). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../src/migrations/', import.meta.url));

/** Reads `NNNN_name.sql` files from a folder, sorted by number. */
export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const out: Migration[] = [];
  for (const f of files) out.push({ id: Number(f.slice(0, 4)), name: f.replace(/\.sql$/, ''), sql: await readFile(new URL(f, `file://${dir.endsWith('/') ? dir : dir + '/'}`), 'utf8') });
  const ids = new Set<number>();
  for (const m of out) {
    if (ids.has(m.id)) throw new StorageError('STO_ERR_MIGRATION_FAILED', { details: { migration: m.name, why: 'duplicate number' } });
    ids.add(m.id);
  }
  return out;
}

function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** Applies every pending migration. */
export async function migrate(driver: Driver, migrations?: readonly Migration[]): Promise<MigrationResult> {
  const list = migrations ?? (await loadMigrations());
  let current = '(setup)';
  try {
    return await driver.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await tx.exec(
        'CREATE TABLE IF NOT EXISTS hajime_migrations (id integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const done = new Map((await tx.query<{ id: number; name: string; checksum: string }>('SELECT id, name, checksum FROM hajime_migrations')).map((r) => [r.id, r]));
      const applied: string[] = [];
      for (const m of list) {
        current = m.name;
        const prior = done.get(m.id);
        if (prior !== undefined) {
          if (prior.checksum !== checksum(m.sql)) {
            throw new StorageError('STO_ERR_MIGRATION_FAILED', { details: { migration: m.name, why: 'an applied migration was edited (checksum differs); add a new migration instead' } });
          }
          continue;
        }
        await tx.exec(m.sql);
        await tx.query('INSERT INTO hajime_migrations (id, name, checksum) VALUES ($1, $2, $3)', [m.id, m.name, checksum(m.sql)]);
        applied.push(m.name);
      }
      return { applied, total: done.size + applied.length };
    });
  } catch (e) {
    if (e instanceof StorageError && e.code === 'STO_ERR_MIGRATION_FAILED') throw e;
    throw new StorageError('STO_ERR_MIGRATION_FAILED', { details: { migration: current, ...(e instanceof StorageError ? { sqlState: e.details?.['sqlState'] } : {}) }, cause: e });
  }
}
