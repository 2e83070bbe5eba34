/**
 * The embedded driver: Postgres compiled to WebAssembly (PGlite), data in a folder. Loaded lazily, only
 * when no database URL is configured. One instance per process: creating a database costs ~2 s and
 * ~750 MiB RSS, re-opening ~0.3 s; PGlite runs one statement at a time, so transactions are serialised.
 */
import type { Driver, Queryable, Row } from '../driver.js';
import { toStorageError } from '../internal/driver-errors.js';

export interface PGliteDriverOptions {
  /** Folder for the data (created if missing); undefined keeps everything in memory (tests). */
  readonly dataDir?: string;
}

type PG = import('@electric-sql/pglite').PGlite;
type PGTx = import('@electric-sql/pglite').Transaction;

function wrap(db: PG | PGTx): Queryable {
  return {
    async query<T extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      try {
        const r = await db.query<T>(text, params as unknown[]);
        return r.rows;
      } catch (e) {
        throw toStorageError(e);
      }
    },
    async exec(script: string): Promise<void> {
      try {
        await db.exec(script);
      } catch (e) {
        throw toStorageError(e);
      }
    },
  };
}

/** Opens (or creates) an embedded database. */
export async function openPGlite(options: PGliteDriverOptions = {}): Promise<Driver> {
  const { PGlite } = await import('@electric-sql/pglite');
  let db: PG;
  try {
    db = await PGlite.create({
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      parsers: { 20: (x: string) => Number(x) },
    });
  } catch (e) {
    throw toStorageError(e);
  }
  const base = wrap(db);
  return {
    kind: 'pglite',
    query: base.query,
    exec: base.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      // What the callback throws comes out as it is, after the rollback; engine failures become StorageErrors.
      let thrown: { readonly error: unknown } | undefined;
      try {
        return await db.transaction(async (tx) => {
          try {
            return await fn(wrap(tx));
          } catch (error) {
            thrown = { error };
            throw error;
          }
        });
      } catch (e) {
        if (thrown !== undefined && thrown.error === e) throw e;
        throw toStorageError(e);
      }
    },
    async close(): Promise<void> {
      if (!db.closed) await db.close();
    },
  };
}
