/**
 * The messages between the `rest` benchmark (the parent, which runs autocannon) and the server child
 * process (Hajime's `createServer` on seeded storage, plus the raw postgres.js baseline).
 */

/** What the parent can ask the child to do. */
export type RestRequest =
  /** Run the raw baseline: the repositories' SQL, `concurrency` workers in a closed loop, for `seconds`. */
  | { readonly id: number; readonly op: 'raw'; readonly seconds: number; readonly concurrency: number }
  /** A full GC in the child. */
  | { readonly id: number; readonly op: 'gc' }
  /** The child's cumulative CPU microseconds (user + system) so far. */
  | { readonly id: number; readonly op: 'cpu' }
  /** Close the server and storage, drop the throwaway schema, and exit. */
  | { readonly id: number; readonly op: 'close' };

export type RestReply = { readonly id: number; readonly ok: true; readonly result: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

/** The child's first message: listening at `url` with seeded players, or why it could not start. */
export type RestHello =
  | {
      readonly hello: true;
      /** `http://127.0.0.1:<port>` (routes under `/api/v1`). */
      readonly url: string;
      readonly description: string;
      /** `postgres` (a real server at DATABASE_URL) or `pglite` (the embedded fallback). */
      readonly engine: 'postgres' | 'pglite';
      /** Why the embedded fallback was used, if it was. */
      readonly fallbackReason?: string;
      /** Seeded player ids and their access tokens, index-aligned. */
      readonly playerIds: readonly string[];
      readonly tokens: readonly string[];
      /** Rows seeded: friendships (both directions), wallets and finished match records. */
      readonly friendships: number;
      readonly wallets: number;
      readonly matches: number;
    }
  | { readonly hello: false; readonly error: string };

/** The raw baseline's result. */
export interface RawResult {
  readonly queries: number;
  readonly ms: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}
