/**
 * A throwaway storage for tests, benchmarks and demos: on Postgres (when a URL is given) a fresh schema
 * that `dispose` drops, else an embedded database in memory. Migrated on open.
 */
import { randomBytes } from 'node:crypto';
import { Storage } from './storage.js';

export interface ThrowawayStorage {
  readonly storage: Storage;
  /** Drops the schema (Postgres) and closes the storage. */
  dispose(): Promise<void>;
}

/** Opens a storage nothing else uses; `schemaPrefix` names the Postgres schema (`<prefix>_<random>`). */
export async function openThrowawayStorage(options: { databaseUrl?: string | undefined; schemaPrefix?: string; maxConnections?: number } = {}): Promise<ThrowawayStorage> {
  const url = options.databaseUrl;
  if (url !== undefined && url !== '') {
    const schema = `${options.schemaPrefix ?? 'hajime_tmp'}_${randomBytes(5).toString('hex')}`;
    const storage = await Storage.open({ databaseUrl: url, schema, maxConnections: options.maxConnections ?? 5 });
    return {
      storage,
      async dispose() {
        await storage.driver.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await storage.close();
      },
    };
  }
  const storage = await Storage.open({ dataDir: null });
  return { storage, dispose: () => storage.close() };
}
