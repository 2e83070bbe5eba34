/**
 * The messages between the benchmark (the parent, which generates the load) and a server child process.
 * The parent asks, the child answers with the same `id`; the child says hello once it listens.
 */

/** What the parent can ask a server child to do. */
export type ServerRequest =
  /** Create `count` players (Hajime: in storage, tokens through `auth.issuePair`) and return their access tokens. */
  | { readonly id: number; readonly op: 'tokens'; readonly count: number }
  /** A full GC, then nothing else: trials start from a clean server heap. */
  | { readonly id: number; readonly op: 'gc' }
  /** Remember `process.cpuUsage()` now: the measured window starts. */
  | { readonly id: number; readonly op: 'cpu-start' }
  /** CPU microseconds (user + system) spent since `cpu-start`. */
  | { readonly id: number; readonly op: 'cpu-stop' }
  /** `process.memoryUsage()` after pending callbacks ran and two full GCs. */
  | { readonly id: number; readonly op: 'memory' }
  /** Close the server and exit. */
  | { readonly id: number; readonly op: 'close' };

export type ServerOp = ServerRequest['op'];

export type ServerReply = { readonly id: number; readonly ok: true; readonly result: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

/** The child's first message: listening at `url`, or why it could not start. */
export type ServerHello = { readonly hello: true; readonly url: string; readonly description: string } | { readonly hello: false; readonly error: string };

/** A memory reading taken in the server child after a full GC, in bytes. */
export interface MemoryReading {
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly external: number;
}

/** The two servers the scenario compares. */
export type ServerKind = 'hajime' | 'bare';
