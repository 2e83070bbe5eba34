/**
 * The workloads of the `actor` scenario, as one interface that Hajime, nact and the bare mailbox loop each
 * implement (one suite, every implementation). Throughput trials time from the first send until the last
 * message has been handled; set-up and tear-down are outside the timed part.
 */

export interface ActorRuntime {
  readonly label: string;
  /** Casts `n` messages to one process; resolves with the elapsed ms. */
  castOne(n: number): Promise<number>;
  /** Casts `n` messages round-robin over `processes` processes; resolves with the elapsed ms. */
  castMany(n: number, processes: number): Promise<number>;
  /** Makes `n` sequential request/reply round trips to one process; resolves with the elapsed ms. */
  call(n: number): Promise<number>;
  /** Spawns `n` processes that each exit on their first message, sends each one; elapsed ms until all exited. */
  spawnExit?(n: number): Promise<number>;
  /** Spawns `n` idle processes and returns the heap they retain, in bytes per process (after a full GC). */
  idleBytes(n: number): Promise<number>;
}
