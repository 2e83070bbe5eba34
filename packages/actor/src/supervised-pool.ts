/**
 * `SupervisedPool`: keyed GenServers of one behaviour under one DynamicSupervisor, each registered under
 * its key in the pool's own Registry (Elixir's `DynamicSupervisor` + `Registry` pair, packaged). What a
 * service with one process per vote, board, channel or tournament needs: start and stop the supervisor
 * (idempotent, `stop` tolerating a supervisor already gone), look a child up by key, start the child of
 * a key unless it runs (concurrent starts of one key start one child; a start that loses the race to a
 * restart or another start answers with the running child), and run a call against a key's child,
 * starting it first and trying once more when it exited in between.
 *
 * The supervisor restarts children per the restart type; a restarted child registers its key again, so
 * a lookup after a restart finds the new process. A child registers its key before its `init` runs: a
 * second start of a running key fails without running `init` at all.
 *
 * @example
 * const boards = new SupervisedPool<string, BoardArgs>(system, {
 *   behaviour: BoardServer, restart: 'transient', keyOf: (a) => a.id,
 *   intensity: 100, periodMs: 10_000, maxChildren: 1_000,
 * });
 * await boards.start();
 * const top = await boards.withChild('weekly', () => ({ id: 'weekly' }), (pid) => Board.top(pid, 10));
 * await boards.stop(); // every board, in parallel, then the supervisor
 */
import type { GenServerBehaviour } from './behaviour.js';
import type { RestartIntensity } from './child-spec.js';
import * as DynamicSupervisor from './dynamic-supervisor.js';
import { ActorError, isActorError, isProcessGone } from './errors.js';
import type { ExitReason } from './exit-reason.js';
import * as GenServer from './gen-server.js';
import type { ChildOptions, GenServerStartOptions } from './gen-server.js';
import type { Pid } from './pid.js';
import { Registry } from './registry.js';
import type { ActorSystem } from './system.js';

/** A behaviour whose `init` takes `A` (any state and messages). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PoolBehaviour<A> = GenServerBehaviour<any, A, any, any, any, any>;

export interface SupervisedPoolOptions<K, A> extends Omit<ChildOptions, 'significant'>, RestartIntensity {
  /** What every child runs. */
  readonly behaviour: PoolBehaviour<A>;
  /** The key a child registers under, from its start arguments (the key `ensure` and `whereis` take). */
  readonly keyOf: (args: A) => K;
  /** More start options per child (`trapExit`, `snapshotKey`, `initTimeoutMs`); the name is the pool's. */
  readonly startOptions?: (args: A) => Omit<GenServerStartOptions, 'name' | 'link'>;
  /** Most children at once (default unlimited). */
  readonly maxChildren?: number;
  /** The error a start throws before `start()` or after `stop()` (default `ACT_ERR_NOPROC`, `details.reason: 'pool_not_started'`). */
  readonly notStarted?: () => Error;
  /** The error a start throws when `maxChildren` children run (default the supervisor's `ACT_ERR_MAX_CHILDREN`). */
  readonly atCapacity?: () => Error;
}

export class SupervisedPool<K, A> {
  readonly system: ActorSystem;
  readonly #options: SupervisedPoolOptions<K, A>;
  readonly #registry: Registry<K>;
  /** Starts in flight by key: concurrent `ensure`s of one key share one. */
  readonly #starting = new Map<K, Promise<Pid | undefined>>();
  #sup: Pid | undefined;

  constructor(system: ActorSystem, options: SupervisedPoolOptions<K, A>) {
    this.system = system;
    this.#options = options;
    this.#registry = new Registry<K>(system);
  }

  /** Whether `start()` ran and `stop()` has not. */
  get running(): boolean {
    return this.#sup !== undefined;
  }

  /** The supervisor's pid while running. */
  get supervisor(): Pid | undefined {
    return this.#sup;
  }

  /** Starts the supervisor (idempotent). Invalid options reject with `ACT_ERR_INVALID_SPEC`. */
  async start(): Promise<void> {
    if (this.#sup !== undefined) return;
    const { behaviour, keyOf, startOptions, restart, shutdown, type, intensity, periodMs, maxChildren } = this.#options;
    const registry = this.#registry;
    this.#sup = await DynamicSupervisor.start<A>(this.system, {
      template: GenServer.template(behaviour, {
        ...(restart === undefined ? {} : { restart }),
        ...(shutdown === undefined ? {} : { shutdown }),
        ...(type === undefined ? {} : { type }),
        options: (a: A) => ({ ...(startOptions?.(a) ?? {}), name: registry.via(keyOf(a)) }),
      }),
      ...(intensity === undefined ? {} : { intensity }),
      ...(periodMs === undefined ? {} : { periodMs }),
      ...(maxChildren === undefined ? {} : { maxChildren }),
    });
  }

  /**
   * Stops every child (in parallel, each per its shutdown), then the supervisor; resolves once all are
   * gone. A supervisor already gone is not an error. Idempotent; `start()` may run again after it.
   */
  async stop(reason: ExitReason = 'shutdown'): Promise<void> {
    const sup = this.#sup;
    this.#sup = undefined;
    if (sup === undefined || !this.system.isAlive(sup)) return;
    try {
      await DynamicSupervisor.stop(sup, reason, this.system);
    } catch (e) {
      if (!isProcessGone(e)) throw e;
    }
  }

  /** The running child of `key`, or undefined. */
  whereis(key: K): Pid | undefined {
    return this.#registry.lookup(key);
  }

  /** The keys of the running children, in start order. */
  async keys(): Promise<K[]> {
    if (this.#sup === undefined) return [];
    const children = await DynamicSupervisor.whichChildren(this.#sup, this.system);
    return children.flatMap((c) => this.#registry.keys(c.pid));
  }

  /**
   * Starts a child with `args` (its key must be free). Resolves with its pid, or undefined when its
   * `init` returned ignore. Rejects with `notStarted()`, `atCapacity()`, or the supervisor's
   * `ACT_ERR_START_FAILED` (a key that runs already: `reason` is the name clash).
   */
  async startChild(args: A): Promise<Pid | undefined> {
    const sup = this.#sup;
    if (sup === undefined) throw this.#notStarted();
    try {
      return await DynamicSupervisor.startChild(sup, args, this.system);
    } catch (e) {
      if (this.#options.atCapacity !== undefined && isActorError(e, 'ACT_ERR_MAX_CHILDREN')) throw this.#options.atCapacity();
      throw e;
    }
  }

  /**
   * The child of `key`, started with `args()` unless it runs; undefined when its `init` returned ignore.
   * Concurrent calls for one key start one child. A start that fails while a child of the key runs (a
   * restart or another start won the race) answers with that child. Rejects as {@link startChild}.
   */
  ensure(key: K, args: () => A): Promise<Pid | undefined> {
    const live = this.#registry.lookup(key);
    if (live !== undefined) return Promise.resolve(live);
    let starting = this.#starting.get(key);
    if (starting === undefined) {
      starting = this.#start(key, args).finally(() => this.#starting.delete(key));
      this.#starting.set(key, starting);
    }
    return starting;
  }

  /**
   * Runs `fn` against the child of `key` (started with `args()` if needed), once more when the child was
   * gone by the time `fn` reached it (`ACT_ERR_NOPROC` / `ACT_ERR_EXIT`: it stopped or crashed in
   * between; the second try finds the restarted one or starts it). A child whose `init` returned ignore
   * rejects with `ACT_ERR_INIT_IGNORED`.
   *
   * @example
   * const rank = await pool.withChild(id, () => argsOf(id), (pid) => Board.rank(pid, player));
   */
  async withChild<R>(key: K, args: () => A, fn: (pid: Pid) => Promise<R>): Promise<R> {
    for (let attempt = 0; ; attempt++) {
      const pid = await this.ensure(key, args);
      if (pid === undefined) throw new ActorError('ACT_ERR_INIT_IGNORED', { details: { key: String(key) } });
      try {
        return await fn(pid);
      } catch (e) {
        if (attempt === 0 && isProcessGone(e)) continue;
        throw e;
      }
    }
  }

  /** Stops the child of `key` per its shutdown (it is not restarted); false when none runs. */
  async terminate(key: K): Promise<boolean> {
    const pid = this.#registry.lookup(key);
    if (pid === undefined || this.#sup === undefined) return false;
    try {
      await DynamicSupervisor.terminateChild(this.#sup, pid, this.system);
      return true;
    } catch (e) {
      if (isActorError(e, 'ACT_ERR_CHILD_NOT_FOUND')) return false;
      throw e;
    }
  }

  async #start(key: K, args: () => A): Promise<Pid | undefined> {
    if (this.#sup === undefined) throw this.#notStarted();
    try {
      return await this.startChild(args());
    } catch (e) {
      // A restart or another start registered the key meanwhile: use that child.
      const live = this.#registry.lookup(key);
      if (live !== undefined) return live;
      throw e;
    }
  }

  #notStarted(): Error {
    return this.#options.notStarted?.() ?? new ActorError('ACT_ERR_NOPROC', { details: { reason: 'pool_not_started' } });
  }
}
