/**
 * A keyed process registry with unique keys (Elixir's `Registry`, `keys: :unique`). A key maps to one live
 * process; keys are released when the process exits, before its DOWN and EXIT signals go out, so a
 * restarted process can register the same key at once. Use it directly, or as a `via` name:
 * `GenServer.start(system, Match, args, { name: matches.via(matchId) })`.
 *
 * @example
 * const matches = new Registry<string>(system);
 * await GenServer.start(system, Match, args, { name: matches.via('m1') });
 * GenServer.cast(matches.via('m1'), { type: 'tick' }, system);
 */
import type { ViaName, ViaRegistry } from './context.js';
import { ActorError } from './errors.js';
import type { Pid } from './pid.js';
import type { ActorSystem } from './system.js';
import type { ExitHook, Proc } from './internal/process.js';

export class Registry<K = string> implements ViaRegistry, ExitHook {
  readonly #byKey = new Map<K, Proc>();
  readonly #byProc = new Map<Proc, Set<K>>();

  /** The system argument documents ownership; a registry holds processes of one system. */
  constructor(readonly system: ActorSystem) {}

  /** Registers `key` → `pid`. Throws `ACT_ERR_NAME_TAKEN` if another live process holds it, `ACT_ERR_NOPROC` if `pid` is dead. */
  register(key: K, pid: Pid): void {
    const proc = pid._p;
    if (proc === null || !proc.alive) throw new ActorError('ACT_ERR_NOPROC');
    const holder = this.#byKey.get(key);
    if (holder !== undefined && holder !== proc) throw new ActorError('ACT_ERR_NAME_TAKEN', { details: { key: String(key), pid: holder.pid.toString() } });
    this.#byKey.set(key, proc);
    let keys = this.#byProc.get(proc);
    if (keys === undefined) {
      keys = new Set();
      this.#byProc.set(proc, keys);
      proc.addHook(this);
    }
    keys.add(key);
  }

  /** Removes `key`; returns whether it was registered. */
  unregister(key: K): boolean {
    const proc = this.#byKey.get(key);
    if (proc === undefined) return false;
    this.#byKey.delete(key);
    const keys = this.#byProc.get(proc);
    keys?.delete(key);
    if (keys !== undefined && keys.size === 0) {
      this.#byProc.delete(proc);
      proc.removeHook(this);
    }
    return true;
  }

  /** The process registered under `key`. */
  lookup(key: K): Pid | undefined {
    return this.#byKey.get(key)?.pid;
  }

  /** Every key `pid` holds here. */
  keys(pid: Pid): K[] {
    const proc = pid._p;
    return proc === null ? [] : [...(this.#byProc.get(proc) ?? [])];
  }

  /** Number of registered keys. */
  count(): number {
    return this.#byKey.size;
  }

  /** A `via` name for start options and client calls. */
  via(key: K): ViaName {
    return { via: this, key };
  }

  registerName(key: unknown, pid: Pid): boolean {
    if (this.#byKey.has(key as K)) return false;
    this.register(key as K, pid);
    return true;
  }
  unregisterName(key: unknown): void {
    this.unregister(key as K);
  }
  whereisName(key: unknown): Pid | undefined {
    return this.lookup(key as K);
  }

  /** @internal */
  onProcessExit(proc: Proc): void {
    const keys = this.#byProc.get(proc);
    if (keys === undefined) return;
    this.#byProc.delete(proc);
    for (const k of keys) this.#byKey.delete(k);
  }
}
