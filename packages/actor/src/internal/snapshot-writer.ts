/**
 * Serialises snapshot writes per key in front of a `SnapshotStore`: at most one write in flight per key,
 * later writes coalesce (the newest wins), and a load waits for the key's pending writes, so a process
 * restarted right after a crash reads the last snapshot it asked for.
 */
import type { Logger } from '../logger.js';
import type { SnapshotStore, StoredSnapshot } from '../snapshot-store.js';

type Op = { readonly kind: 'save'; readonly snap: StoredSnapshot } | { readonly kind: 'delete' };

interface KeyState {
  next: Op | undefined;
  waiters: (() => void)[];
}

export class SnapshotWriter {
  readonly #keys = new Map<string, KeyState>();
  /** Writes in flight (for `settle`). */
  inflight = 0;

  constructor(
    readonly store: SnapshotStore,
    private readonly logger: Logger,
  ) {}

  save(key: string, snap: StoredSnapshot): void {
    this.#enqueue(key, { kind: 'save', snap });
  }

  delete(key: string): void {
    this.#enqueue(key, { kind: 'delete' });
  }

  async load(key: string): Promise<StoredSnapshot | undefined> {
    const st = this.#keys.get(key);
    if (st !== undefined) await new Promise<void>((resolve) => st.waiters.push(resolve));
    return this.store.load(key);
  }

  #enqueue(key: string, op: Op): void {
    const st = this.#keys.get(key);
    if (st !== undefined) {
      st.next = op;
      return;
    }
    const fresh: KeyState = { next: undefined, waiters: [] };
    this.#keys.set(key, fresh);
    this.#run(key, fresh, op);
  }

  #run(key: string, st: KeyState, op: Op): void {
    this.inflight++;
    const p = op.kind === 'save' ? this.store.save(key, op.snap) : this.store.delete(key);
    p.catch((err: unknown) => {
      this.logger.warn({ report: 'snapshot_write_failed', key, op: op.kind, err });
    }).finally(() => {
      this.inflight--;
      const next = st.next;
      if (next !== undefined) {
        st.next = undefined;
        this.#run(key, st, next);
        return;
      }
      this.#keys.delete(key);
      for (const w of st.waiters) w();
    });
  }
}
