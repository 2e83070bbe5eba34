/**
 * The internals of one `ActorSystem`: the process table, local names, the run queue, links, monitors,
 * timers, process start-up (init / restore from snapshot) and reports. Everything here is per instance;
 * there is no module-level mutable state, so two systems in one test never interfere.
 */
import type { AnyBehaviour, InitResult } from '../behaviour.js';
import type { Clock } from '../clock.js';
import type { Dest, DownMessage, ViaName } from '../context.js';
import { ActorError } from '../errors.js';
import { errorReason, formatReason, isNormalExit, type ExitReason } from '../exit-reason.js';
import { From } from '../from.js';
import type { Logger } from '../logger.js';
import { Pid, type MonitorRef } from '../pid.js';
import type { ActorSystem } from '../system.js';
import { TimerRef } from '../timer-ref.js';
import { K_CALL, K_INFO, K_SYS, Proc, RAW_BEHAVIOUR, type SysMessage } from './process.js';
import { Scheduler } from './scheduler.js';
import { SnapshotWriter } from './snapshot-writer.js';

/** Options of a process start, shared by `spawn` and `GenServer.start`. */
export interface StartOptions {
  readonly name?: string | ViaName | undefined;
  readonly link?: Pid | undefined;
  readonly trapExit?: boolean | undefined;
  readonly snapshotKey?: string | undefined;
  readonly initTimeoutMs?: number | undefined;
}

export class SystemCore {
  readonly procs = new Map<number, Proc>();
  readonly names = new Map<string, Proc>();
  readonly scheduler: Scheduler;
  readonly snapshots: SnapshotWriter;
  current: Proc | null = null;
  inflight = 0;
  stopped = false;
  #nextId = 1;
  #nextRef = 1;
  #timers = 0;
  /** A pid for signals sent from outside any process. */
  readonly outside: Pid;
  readonly #deadPid: Pid;

  constructor(
    readonly api: ActorSystem,
    readonly node: string,
    readonly clock: Clock,
    readonly logger: Logger,
    snapshotStore: import('../snapshot-store.js').SnapshotStore,
    maxSlicesPerTurn: number,
  ) {
    this.scheduler = new Scheduler(maxSlicesPerTurn);
    this.snapshots = new SnapshotWriter(snapshotStore, logger);
    this.outside = new Pid(node, 0);
    this.#deadPid = new Pid(node, -1);
  }

  // ---- lookup -----------------------------------------------------------------------------------------

  resolve(dest: Dest): Proc | null {
    if (dest instanceof Pid) return dest._p;
    if (typeof dest === 'string') return this.names.get(dest) ?? null;
    const pid = dest.via.whereisName(dest.key);
    return pid === undefined ? null : pid._p;
  }

  // ---- spawning ---------------------------------------------------------------------------------------

  newProc(beh: AnyBehaviour): Proc {
    if (this.stopped) throw new ActorError('ACT_ERR_SYSTEM_STOPPED');
    const id = this.#nextId++;
    const pid = new Pid(this.node, id);
    const proc = new Proc(this, pid, beh);
    pid._p = proc;
    this.procs.set(id, proc);
    return proc;
  }

  /** Registers the name and links; on a taken name the half-made process is discarded and this throws. */
  prepare(proc: Proc, opts: StartOptions): void {
    const name = opts.name;
    if (name !== undefined) {
      const taken = this.#claimName(proc, name);
      if (taken !== null) {
        proc.status = 3;
        this.procs.delete(proc.pid.id);
        proc.pid._p = null;
        throw new ActorError('ACT_ERR_NAME_TAKEN', { details: { name: typeof name === 'string' ? name : String(name.key), pid: taken.toString() } });
      }
    }
    if (opts.trapExit === true) proc.trapping = true;
    if (opts.link !== undefined) {
      proc.parentPid = opts.link;
      const parent = opts.link._p;
      if (parent === null) proc.signal(opts.link, 'noproc', false);
      else this.#addLink(proc, parent);
    }
    const key = opts.snapshotKey ?? (typeof name === 'string' ? name : undefined);
    if (key !== undefined) proc.snapshotKey = key;
  }

  spawnRaw(handler: (msg: unknown, ctx: import('../context.js').ProcessContext) => void | Promise<void>, opts: StartOptions): Pid {
    const proc = this.newProc(RAW_BEHAVIOUR);
    proc.state = handler;
    this.prepare(proc, opts);
    proc.status = 1;
    proc.wake();
    return proc.pid;
  }

  /** Starts a GenServer: init (or restore from snapshot) runs in the new process; resolves once it is running. */
  startServer(beh: AnyBehaviour, args: unknown, opts: StartOptions): Promise<Pid> {
    let proc: Proc;
    try {
      proc = this.newProc(beh);
      this.prepare(proc, opts);
    } catch (e) {
      return Promise.reject(e);
    }
    proc.busy = true;
    this.inflight++;
    return new Promise<Pid>((resolve, reject) => {
      let initTimer: ReturnType<Clock['setTimer']> | null = null;
      let done = false;
      const fail = (err: ActorError, reason: ExitReason): void => {
        if (done) return;
        done = true;
        this.inflight--;
        if (initTimer !== null) this.clock.clearTimer(initTimer);
        // Start failures are reported to the caller, not as an exit signal to the linked parent.
        if (proc.links !== null) for (const other of proc.takeLinks()) other.removeLink(proc);
        proc.busy = false;
        proc.finalize(reason);
        reject(err);
      };
      if (opts.initTimeoutMs !== undefined && Number.isFinite(opts.initTimeoutMs)) {
        initTimer = this.clock.setTimer(() => {
          initTimer = null;
          this.crashReport(proc, 'killed', 'init_timeout');
          fail(new ActorError('ACT_ERR_INIT_TIMEOUT', { details: { initTimeoutMs: opts.initTimeoutMs } }), 'killed');
        }, opts.initTimeoutMs);
      }
      this.#boot(proc, beh, args).then(
        (r) => {
          if (done) return;
          if (!proc.alive) {
            fail(new ActorError('ACT_ERR_INIT_FAILED', { reason: proc.exitReason ?? 'noproc' }), proc.exitReason ?? 'noproc');
            return;
          }
          const res = proc.applyInit(r);
          if (res.ok) {
            done = true;
            this.inflight--;
            if (initTimer !== null) this.clock.clearTimer(initTimer);
            proc.busy = false;
            resolve(proc.pid);
            proc.wake();
            return;
          }
          if (res.ignored) {
            fail(new ActorError('ACT_ERR_INIT_IGNORED'), 'normal');
            return;
          }
          if (!isNormalExit(res.reason)) this.crashReport(proc, res.reason, 'init');
          fail(new ActorError('ACT_ERR_INIT_FAILED', { reason: res.reason }), res.reason);
        },
        (err: unknown) => {
          if (done) return;
          const reason = errorReason(err);
          this.crashReport(proc, reason, 'init');
          fail(new ActorError('ACT_ERR_INIT_FAILED', { reason }), reason);
        },
      );
    });
  }

  async #boot(proc: Proc, beh: AnyBehaviour, args: unknown): Promise<InitResult<unknown>> {
    const key = proc.snapshotKey;
    if (key !== undefined && beh.restore !== undefined) {
      const snap = await this.snapshots.load(key);
      if (snap !== undefined) {
        const want = beh.snapshotVersion ?? 1;
        if (snap.version === want) {
          try {
            const prev = this.current;
            this.current = proc;
            let r: ReturnType<NonNullable<AnyBehaviour['restore']>>;
            try {
              r = beh.restore(snap.data, args, proc);
            } finally {
              this.current = prev;
            }
            const res = await r;
            this.logger.info({ report: 'restored_from_snapshot', ...proc.describe(), key, savedAtMs: snap.savedAtMs });
            return res;
          } catch (e) {
            this.logger.warn({ report: 'snapshot_restore_failed', ...proc.describe(), key, err: e });
            this.snapshots.delete(key);
          }
        } else {
          this.logger.warn({ report: 'snapshot_version_mismatch', ...proc.describe(), key, stored: snap.version, expected: want });
          this.snapshots.delete(key);
        }
      }
    }
    const prev = this.current;
    this.current = proc;
    let r: ReturnType<AnyBehaviour['init']>;
    try {
      r = beh.init(args, proc);
    } finally {
      this.current = prev;
    }
    return await r;
  }

  #claimName(proc: Proc, name: string | ViaName): Pid | null {
    if (typeof name === 'string') {
      const holder = this.names.get(name);
      if (holder !== undefined) return holder.pid;
      this.names.set(name, proc);
      proc.name = name;
      return null;
    }
    if (!name.via.registerName(name.key, proc.pid)) return name.via.whereisName(name.key) ?? this.#deadPid;
    return null;
  }

  // ---- names ------------------------------------------------------------------------------------------

  register(name: string, pid: Pid): void {
    const proc = pid._p;
    if (proc === null) throw new ActorError('ACT_ERR_NOPROC');
    const holder = this.names.get(name);
    if (holder !== undefined) throw new ActorError('ACT_ERR_NAME_TAKEN', { details: { name, pid: holder.pid.toString() } });
    if (proc.name !== undefined) throw new ActorError('ACT_ERR_ALREADY_REGISTERED', { details: { name: proc.name } });
    this.names.set(name, proc);
    proc.name = name;
  }

  unregister(name: string): boolean {
    const proc = this.names.get(name);
    if (proc === undefined) return false;
    this.names.delete(name);
    proc.name = undefined;
    return true;
  }

  // ---- messages and signals ---------------------------------------------------------------------------

  send(dest: Dest, msg: unknown): void {
    const p = this.resolve(dest);
    if (p !== null) {
      p.deliver(K_INFO, msg);
      return;
    }
    if (typeof dest === 'string') throw new ActorError('ACT_ERR_NOT_REGISTERED', { details: { name: dest } });
  }

  deliver(dest: Dest, kind: number, payload: unknown): boolean {
    const p = this.resolve(dest);
    if (p === null) return false;
    p.deliver(kind, payload);
    return true;
  }

  call<R>(dest: Dest, msg: unknown, timeoutMs: number): Promise<R> {
    const target = this.resolve(dest);
    if (target === null || !target.alive) return Promise.reject(new ActorError('ACT_ERR_NOPROC'));
    const caller = this.current;
    if (caller === target) return Promise.reject(new ActorError('ACT_ERR_CALL_SELF'));
    return new Promise<R>((resolve, reject) => {
      const from = new From<R>(caller?.pid, msg, resolve, reject, this.clock);
      if (timeoutMs !== Infinity) from.timer = this.clock.setTimer(() => from.timeout(timeoutMs), timeoutMs);
      target.deliver(K_CALL, from);
    });
  }

  sys(dest: Dest, msg: SysMessage): boolean {
    return this.deliver(dest, K_SYS, msg);
  }

  exitSignal(pid: Pid, reason: ExitReason | 'kill', from: Pid): void {
    const p = pid._p;
    if (p === null) return;
    p.signal(from, reason, reason === 'kill');
  }

  awaitExit(pid: Pid): Promise<ExitReason> {
    return new Promise((resolve) => this.onExit(pid, resolve));
  }

  onExit(pid: Pid, fn: (reason: ExitReason) => void): void {
    const p = pid._p;
    if (p === null) {
      queueMicrotask(() => fn('noproc'));
      return;
    }
    // An array of one to begin with (a push onto [] would reserve 17 slots).
    if (p.exitWaiters === null) p.exitWaiters = [fn];
    else p.exitWaiters.push(fn);
  }

  // ---- links and monitors -----------------------------------------------------------------------------

  #addLink(a: Proc, b: Proc): void {
    a.addLink(b);
    b.addLink(a);
  }

  link(self: Proc, pid: Pid): void {
    const other = pid._p;
    if (other === self) return;
    if (other === null || !other.alive) {
      self.signal(pid, 'noproc', false);
      return;
    }
    this.#addLink(self, other);
  }

  unlink(self: Proc, pid: Pid): void {
    const other = pid._p;
    if (other === null) return;
    self.removeLink(other);
    other.removeLink(self);
  }

  monitor(self: Proc, target: Pid | string): MonitorRef {
    const ref = this.#nextRef++ as MonitorRef;
    const t = typeof target === 'string' ? (this.names.get(target) ?? null) : target._p;
    if (t === null || !t.alive) {
      const down: DownMessage = { type: 'DOWN', ref, pid: typeof target === 'string' ? this.#deadPid : target, reason: 'noproc' };
      self.deliver(K_INFO, down);
      return ref;
    }
    (self.monitors ??= new Map()).set(ref, t);
    t.addWatcher(ref, self);
    return ref;
  }

  demonitor(self: Proc, ref: MonitorRef, flush: boolean): boolean {
    const t = self.monitors?.get(ref);
    let active = false;
    if (t !== undefined) {
      self.monitors!.delete(ref);
      t.removeWatcher(ref);
      active = true;
    }
    if (flush && self.mbox !== null) {
      const mb = self.mbox;
      for (let i = self.mhead; i < mb.length; i += 2) {
        const m = mb[i + 1] as DownMessage | undefined;
        if (mb[i] === K_INFO && typeof m === 'object' && m !== null && m.type === 'DOWN' && m.ref === ref) {
          mb.splice(i, 2);
          break;
        }
      }
    }
    return active;
  }

  // ---- timers -----------------------------------------------------------------------------------------

  startTimer(owner: Proc | null, dest: Dest, msg: unknown, delayMs: number, intervalMs: number): TimerRef {
    const ref = new TimerRef(dest, msg, intervalMs);
    if (owner === null) owner = this.resolve(dest);
    if (owner === null || !owner.alive) return ref;
    (owner.timers ??= new Set()).add(ref);
    const o = owner;
    this.#timers++;
    const fire = (): void => {
      if (ref.intervalMs > 0) {
        ref.handle = this.clock.setTimer(fire, ref.intervalMs);
      } else {
        ref.handle = null;
        untrack(o, ref);
        ref.owner = null;
        this.#timers--;
      }
      const p = this.resolve(ref.dest);
      if (p !== null) p.deliver(K_INFO, ref.msg);
    };
    ref.handle = this.clock.setTimer(fire, delayMs);
    ref.owner = o;
    return ref;
  }

  cancelTimer(ref: TimerRef): boolean {
    if (ref.handle === null) return false;
    this.clock.clearTimer(ref.handle);
    ref.handle = null;
    if (ref.owner !== null) untrack(ref.owner, ref);
    ref.owner = null;
    this.#timers--;
    return true;
  }

  get activeTimers(): number {
    return this.#timers;
  }

  // ---- reports ----------------------------------------------------------------------------------------

  crashReport(proc: Proc, reason: ExitReason, phase?: string): void {
    const err = typeof reason === 'object' && reason !== null && 'error' in reason ? reason.error : undefined;
    this.logger.error({
      report: 'crash_report',
      ...proc.describe(),
      ...(phase === undefined ? {} : { phase }),
      reason: formatReason(reason),
      ...(err instanceof Error && err.stack !== undefined ? { stack: err.stack } : {}),
    });
  }

  exited(_proc: Proc, _reason: ExitReason): void {
    // Hook point for the cluster layer (remote links/monitors); nothing to do on one node.
  }

  // ---- settle -----------------------------------------------------------------------------------------

  /** Resolves when nothing is runnable and no callback or snapshot write is pending (or progress stalls). */
  async settle(maxTurns = 100_000): Promise<void> {
    let stalled = 0;
    let last = -1;
    for (let i = 0; i < maxTurns; i++) {
      await new Promise<void>((r) => setImmediate(r));
      const idle = this.scheduler.empty;
      const pending = this.inflight + this.snapshots.inflight;
      if (idle && pending === 0) return;
      const progress = this.scheduler.slices;
      if (idle && progress === last) {
        if (++stalled >= 5) return;
      } else stalled = 0;
      last = progress;
    }
  }
}

/** Forgets a timer of its owner; an owner left without timers drops its Set (a session keeps none once connected). */
function untrack(owner: { timers: Set<TimerRef> | null }, ref: TimerRef): void {
  const t = owner.timers;
  if (t === null) return;
  t.delete(ref);
  if (t.size === 0) owner.timers = null;
}
