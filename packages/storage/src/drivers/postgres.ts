/**
 * The Postgres driver, through postgres.js. Loaded only when `DATABASE_URL` (or `databaseUrl`) is used.
 * int8 columns are parsed to numbers (scores and balances stay far below 2^53), jsonb is parsed, errors
 * become `StorageError`s.
 */
import type { Driver, Queryable, Row } from '../driver.js';
import { toStorageError } from '../internal/driver-errors.js';

export interface PostgresDriverOptions {
  /** `postgres://user@host:port/db` */
  readonly url: string;
  /** Use this schema (created if missing) instead of `public`: one schema per test run or tenant. */
  readonly schema?: string;
  /** Pool size (default 10). */
  readonly maxConnections?: number;
}

type Sql = import('postgres').Sql<Record<string, unknown>>;
type TxSql = import('postgres').TransactionSql<Record<string, unknown>>;

function wrap(sql: Sql | TxSql): Queryable {
  return {
    async query<T extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      try {
        const rows = await sql.unsafe(text, params as never[], { prepare: true });
        return rows as unknown as T[];
      } catch (e) {
        throw toStorageError(e);
      }
    },
    async exec(script: string): Promise<void> {
      try {
        await sql.unsafe(script);
      } catch (e) {
        throw toStorageError(e);
      }
    },
  };
}

/** Opens a pooled connection to a Postgres server. */
export async function openPostgres(options: PostgresDriverOptions): Promise<Driver> {
  const { default: postgres } = await import('postgres');
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const sql = postgres(options.url, {
    max: options.maxConnections ?? 10,
    onnotice: () => {},
    types: {
      int8: { to: 20, from: [20], serialize: (x: unknown) => String(x), parse: (x: string) => Number(x) },
      // Repositories pass jsonb parameters as JSON text (as PGlite expects); never encode them twice.
      json: { to: 114, from: [114, 3802], serialize: (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x)), parse: (x: string) => JSON.parse(x) as unknown },
    },
    ...(schema === undefined ? {} : { connection: { search_path: schema } }),
  }) as unknown as Sql;
  try {
    if (schema !== undefined) await sql.unsafe(`create schema if not exists "${schema}"`);
    else await sql.unsafe('select 1');
  } catch (e) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw toStorageError(e);
  }
  const base = wrap(sql);
  return {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      // What the callback throws (an ApiError, a domain error) comes out as it is, after the rollback;
      // only the engine's own failures become StorageErrors.
      let thrown: { readonly error: unknown } | undefined;
      try {
        return (await sql.begin(async (tx) => {
          try {
            return await fn(wrap(tx));
          } catch (error) {
            thrown = { error };
            throw error;
          }
        })) as T;
      } catch (e) {
        if (thrown !== undefined && thrown.error === e) throw e;
        throw toStorageError(e);
      }
    },
    async close(): Promise<void> {
      await sql.end({ timeout: 5 });
    },
  };
}
