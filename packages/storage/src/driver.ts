/**
 * The driver port: as thin as both engines allow. A `Queryable` runs one parameterised statement; a
 * `Driver` adds transactions, multi-statement scripts (migrations) and close. Both drivers run the same
 * SQL, return rows as plain objects with int8 parsed to numbers, timestamps as `Date`, jsonb parsed, and
 * turn every engine error into a `StorageError` (SQLSTATE kept in `details.sqlState`).
 */

/** A result row. */
export type Row = Record<string, unknown>;

export interface Queryable {
  /** Runs one statement with `$1..$n` parameters and returns its rows. */
  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements (no parameters), e.g. a migration. */
  exec(script: string): Promise<void>;
}

export interface Driver extends Queryable {
  /** `postgres` (postgres.js against a server) or `pglite` (embedded). */
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
