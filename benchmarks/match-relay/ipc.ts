/**
 * The messages between the benchmark (the parent) and its two kinds of child process: a relay server
 * (`server-process.ts`) and the load generator (`load-process.ts`). The parent asks with an `id` and an
 * `op`; the child answers with the same `id`. Each child says hello once it is ready.
 */

/** The three servers doing the same job. */
export type ServerKind = 'bare' | 'colyseus' | 'hajime';
export const SERVER_KINDS: readonly ServerKind[] = ['bare', 'colyseus', 'hajime'];

/** What the parent asks of a server child. */
export type ServerRequest =
  /** Access tokens of `count` new players (Hajime; the other servers need none and return empty strings). */
  | { readonly id: number; readonly op: 'tokens'; readonly count: number }
  /** A full GC. */
  | { readonly id: number; readonly op: 'gc' }
  /** Start the measured window: remember `process.cpuUsage()` and the inputs applied so far. */
  | { readonly id: number; readonly op: 'window-start' }
  /** End the window: {@link ServerWindow}. */
  | { readonly id: number; readonly op: 'window-stop' }
  /** `process.memoryUsage()` after pending callbacks ran and full GCs: {@link MemoryReading}. */
  | { readonly id: number; readonly op: 'memory' }
  /** Close the server and exit. */
  | { readonly id: number; readonly op: 'close' };

/** A server child's measured window. */
export interface ServerWindow {
  /** CPU µs (user + system) spent in the window. */
  readonly cpuUs: number;
  /** Of which system (kernel) time, µs: mostly the socket writes and reads. */
  readonly sysUs: number;
  /** The server's longest event-loop delay in the window, ms (a GC pause, a long callback). */
  readonly maxLoopDelayMs: number;
  /** Inputs the game applied in the window (counted in its tick / input handler). */
  readonly inputs: number;
  readonly ms: number;
}

/** A memory reading in the server child after a full GC, in bytes. */
export interface MemoryReading {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly heapTotal: number;
  /** The size of V8's young generation (new space), which grows with the allocation rate, not the clients. */
  readonly youngGeneration: number;
}

/** What the parent asks of the load generator child. */
export type LoadRequest =
  /**
   * Connect `tokens.length` clients to `url` (one per token), each joining a room of 8 of the server's
   * game; once all have joined, about one client per room starts decoding state and recording latency.
   * Answers {@link Joined}.
   */
  | { readonly id: number; readonly op: 'connect'; readonly kind: ServerKind; readonly url: string; readonly tokens: readonly string[] }
  /** Every connected client starts sending 10 inputs/s (staggered over the 100 ms period). */
  | { readonly id: number; readonly op: 'start-inputs' }
  /** Start the measured window (latency histogram, counters, load CPU reset). */
  | { readonly id: number; readonly op: 'window-start' }
  /** End the window: {@link LoadWindow}. */
  | { readonly id: number; readonly op: 'window-stop' }
  /** Stop inputs and close every client. */
  | { readonly id: number; readonly op: 'disconnect' }
  | { readonly id: number; readonly op: 'close' };

export interface Joined {
  readonly clients: number;
  readonly rooms: number;
  readonly recorders: number;
  /** Connect + authenticate + join, per second. */
  readonly joinPerS: number;
}

/** The load generator's measured window. */
export interface LoadWindow {
  readonly ms: number;
  /** Inputs sent by all clients. */
  readonly inputsSent: number;
  /** Input → first state reflecting it, recorded by the recorders. */
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Mean interval between consecutive states at the recorders (the tick as clients see it). */
  readonly stateIntervalMs: number;
  /** Load generator CPU µs (user + system) in the window. */
  readonly cpuUs: number;
}

export type Reply = { readonly id: number; readonly ok: true; readonly result: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

/** A child's first message. */
export type Hello = { readonly hello: true; readonly url: string; readonly description: string } | { readonly hello: false; readonly error: string };
