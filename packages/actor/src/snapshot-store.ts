/**
 * The snapshot port. A behaviour that implements `snapshot`/`restore` has its state written here when it
 * asks (every tick, for a match); a process restarted after a crash starts from the last snapshot. The
 * memory adapter lives here; the Postgres adapter lives in `@hajime/storage`.
 */
import { Cloner } from './internal/clone.js';

/** What is stored for one key. */
export interface StoredSnapshot {
  /** The behaviour's `snapshotVersion` when it was written. */
  readonly version: number;
  /** Whatever the behaviour's `snapshot(state)` returned (structured-cloneable / JSON-able). */
  readonly data: unknown;
  /** Wall-clock time of the write, Unix ms. */
  readonly savedAtMs: number;
}

/** Where snapshots live. Implementations must be safe to call concurrently for different keys. */
export interface SnapshotStore {
  /**
   * True when `save` has taken its copy of the snapshot and stored it by the time it returns (its promise
   * only reports the outcome): a caller may go on changing the state, and save again, without waiting.
   * Absent or false: wait for each save (a later save must not overtake it).
   */
  readonly savesBeforeReturning?: boolean;
  save(key: string, snapshot: StoredSnapshot): Promise<void>;
  load(key: string): Promise<StoredSnapshot | undefined>;
  delete(key: string): Promise<void>;
}

/**
 * Keeps snapshots in memory, copied (as `structuredClone` copies, by hand for plain objects and arrays,
 * which is several times faster for a match's state) so later state changes never leak in.
 */
export class MemorySnapshotStore implements SnapshotStore {
  /** The copy is taken and stored before `save` returns. */
  readonly savesBeforeReturning = true;
  readonly #rows = new Map<string, StoredSnapshot>();
  readonly #cloner = new Cloner();
  async save(key: string, snapshot: StoredSnapshot): Promise<void> {
    this.#rows.set(key, this.#cloner.clone(snapshot));
  }
  async load(key: string): Promise<StoredSnapshot | undefined> {
    const row = this.#rows.get(key);
    return row === undefined ? undefined : this.#cloner.clone(row);
  }
  async delete(key: string): Promise<void> {
    this.#rows.delete(key);
  }
  /** Number of stored snapshots. */
  get size(): number {
    return this.#rows.size;
  }
}
