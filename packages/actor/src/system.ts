/**
 * `ActorSystem`: one instance owns every process, name, timer and snapshot of a node. Create one per
 * node (or per test); nothing is global. Time comes from the injected `Clock`, reports go to the
 * injected `Logger`, snapshots to the injected `SnapshotStore`.
 *
 * @example
 * const system = new ActorSystem({ clock: new RealClock(), logger: consoleLogger({ level: 'info' }) });
 * const pid = system.spawn((msg, ctx) => { console.log(ctx.self.toString(), 'got', msg); });
 * system.send(pid, 'hello');
 * await system.stop();
 */
import { RealClock, SimulatedClock, type Clock } from './clock.js';
import type { Dest, ProcessContext } from './context.js';
import { ActorError } from './errors.js';
import type { ExitReason } from './exit-reason.js';
import { consoleLogger, type Logger } from './logger.js';
import type { MonitorRef, Pid } from './pid.js';
import { MemorySnapshotStore, type SnapshotStore } from './snapshot-store.js';
import type { TimerRef } from './timer-ref.js';
import { SystemCore } from './internal/system-core.js';
import { RAW_BEHAVIOUR } from './internal/process.js';

/** Options of an {@link ActorSystem}. Defaults: real clock, JSON `warn`+ logs on stderr, in-memory snapshots. */
export interface ActorSystemOptions {
  /** Node name carried by every pid (default `'local'`). */
  readonly node?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly snapshotStore?: SnapshotStore;
  /** Process slices run before yielding to the event loop (default 2048). */
  readonly maxSlicesPerTurn?: number;
}

/** Counts of live resources, for leak checks and metrics. */
export interface SystemStats {
  readonly processes: number;
  readonly names: number;
  readonly links: number;
  readonly monitors: number;
  readonly timers: number;
  readonly queuedMessages: number;
}

/** Options of {@link ActorSystem.spawn}. */
export interface SpawnOptions {
  /** Link to this process atomically at spawn (it becomes the parent). */
  readonly link?: Pid;
  /** Register a local name. */
  readonly name?: string;
  /** Start trapping exits. */
  readonly trapExit?: boolean;
}

export class ActorSystem {
  /** @internal */
  readonly core: SystemCore;
  readonly node: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly snapshotStore: SnapshotStore;
  #detach: (() => void) | undefined;

  constructor(options: ActorSystemOptions = {}) {
    this.node = options.node ?? 'local';
    this.clock = options.clock ?? new RealClock();
    this.logger = options.logger ?? consoleLogger();
    this.snapshotStore = options.snapshotStore ?? new MemorySnapshotStore();
    this.core = new SystemCore(this, this.node, this.clock, this.logger, this.snapshotStore, options.maxSlicesPerTurn ?? 2048);
    if (this.clock instanceof SimulatedClock) this.#detach = this.clock.attach(() => this.core.settle());
  }

  /**
   * Spawns a plain process whose handler receives every message (calls and casts are for GenServers).
   * Returns at once; the process runs when it has messages.
   */
  spawn(handler: (msg: unknown, ctx: ProcessContext) => void | Promise<void>, options: SpawnOptions = {}): Pid {
    return this.core.spawnRaw(handler, options);
  }

  /** Spawns and links to `parent` atomically. */
  spawnLink(parent: Pid, handler: (msg: unknown, ctx: ProcessContext) => void | Promise<void>, options: Omit<SpawnOptions, 'link'> = {}): Pid {
    return this.core.spawnRaw(handler, { ...options, link: parent });
  }

  /** Sends `msg` to a pid (dropped if dead), a registered name (throws `ACT_ERR_NOT_REGISTERED` if none) or a via name. */
  send(dest: Dest, msg: unknown): void {
    this.core.send(dest, msg);
  }

  /** Sends an exit signal from outside any process. `'kill'` cannot be trapped; `'normal'` is ignored unless trapped. */
  exit(pid: Pid, reason: ExitReason | 'kill'): void {
    this.core.exitSignal(pid, reason, this.core.outside);
  }

  /** Registers a local name for a live process. */
  register(name: string, pid: Pid): void {
    this.core.register(name, pid);
  }
  /** Removes a local name; returns whether it existed. */
  unregister(name: string): boolean {
    return this.core.unregister(name);
  }
  /** The pid registered under `name`, if any. */
  whereis(name: string): Pid | undefined {
    return this.core.names.get(name)?.pid;
  }
  /** Every registered local name. */
  registered(): string[] {
    return [...this.core.names.keys()];
  }

  /** Links two processes (as if `a` called `link(b)`). */
  link(a: Pid, b: Pid): void {
    const p = a._p;
    if (p !== null) this.core.link(p, b);
  }

  /** Monitors `target` on behalf of `watcher`; `watcher` receives the `DOWN` message. */
  monitor(watcher: Pid, target: Pid | string): MonitorRef {
    const p = watcher._p;
    if (p === null) throw new ActorError('ACT_ERR_NOPROC');
    return this.core.monitor(p, target);
  }

  /** Delivers `msg` to `dest` after `delayMs` (owned by the destination process). */
  sendAfter(dest: Dest, msg: unknown, delayMs: number): TimerRef {
    return this.core.startTimer(null, dest, msg, delayMs, 0);
  }
  /** Cancels a timer; true when it was pending. */
  cancelTimer(ref: TimerRef): boolean {
    return this.core.cancelTimer(ref);
  }

  /** True while the process has not exited. */
  isAlive(pid: Pid): boolean {
    return pid._p !== null;
  }

  /** Resolves with the exit reason once `pid` has exited (`noproc` if it already has). */
  awaitExit(pid: Pid): Promise<ExitReason> {
    return this.core.awaitExit(pid);
  }

  /**
   * Calls `fn(reason)` once `pid` has exited (with `noproc`, in a microtask, if it already has): what
   * {@link awaitExit} does without a promise, for code that watches many processes (a gateway, one per
   * connection).
   */
  onExit(pid: Pid, fn: (reason: ExitReason) => void): void {
    this.core.onExit(pid, fn);
  }

  /** Every live process. */
  processes(): Pid[] {
    return [...this.core.procs.values()].map((p) => p.pid);
  }

  /** Counts of live processes, names, links, monitors, owned timers and queued messages. */
  stats(): SystemStats {
    let links = 0;
    let monitors = 0;
    let queued = 0;
    for (const p of this.core.procs.values()) {
      links += p.linkCount;
      monitors += p.monitors?.size ?? 0;
      if (p.mbox !== null) queued += (p.mbox.length - p.mhead) / 2;
    }
    return { processes: this.core.procs.size, names: this.core.names.size, links: links / 2, monitors, timers: this.core.activeTimers, queuedMessages: queued };
  }

  /** Resolves once every process has handled what it was sent and no callback is pending (for tests and tools). */
  settle(): Promise<void> {
    return this.core.settle();
  }

  /**
   * Stops everything: processes without a parent are shut down newest first (`shutdown`, supervisors take
   * their trees down in order), anything left is killed. No new process can start afterwards.
   */
  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const roots = [...this.core.procs.values()].filter((p) => p.parentPid === undefined || p.parentPid._p === null).reverse();
    for (const p of roots) {
      if (!p.alive) continue;
      const exited = this.core.awaitExit(p.pid);
      const raw = p.beh === RAW_BEHAVIOUR;
      // A plain process has no terminate to run: a trapping one is killed, others get `shutdown`.
      if (raw) this.core.exitSignal(p.pid, p.trapping ? 'kill' : 'shutdown', this.core.outside);
      else this.core.sys(p.pid, { op: 'stop', reason: 'shutdown' });
      if (!raw) {
        let timer: ReturnType<Clock['setTimer']> | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => (timer = this.clock.setTimer(() => resolve('timeout'), timeoutMs)));
        const r = await Promise.race([exited, timedOut]);
        if (timer !== undefined) this.clock.clearTimer(timer);
        if (r === 'timeout') this.core.exitSignal(p.pid, 'kill', this.core.outside);
      }
      await exited;
    }
    for (const p of [...this.core.procs.values()]) this.core.exitSignal(p.pid, 'kill', this.core.outside);
    await this.core.settle();
    this.core.stopped = true;
    this.#detach?.();
  }
}
