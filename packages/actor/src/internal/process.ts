/**
 * One process: mailbox, exit signals, links, monitors, owned timers and the GenServer callback loop.
 * Internal: users see a `Pid` and the `ProcessContext` this class implements.
 *
 * Life cycle: STARTING (init running) → RUNNING → EXITING (terminate running) → DEAD. A process handles
 * one message at a time; an async callback blocks the next message until it settles. Exit signals are
 * handled before messages, also while a callback is pending, so a kill is never stuck behind a slow handler.
 */
import type { TimerHandle } from '../clock.js';
import type { AnyBehaviour, ResultOptions } from '../behaviour.js';
import { TIMEOUT } from '../behaviour.js';
import type { Dest, DownMessage, ExitMessage, ProcessContext } from '../context.js';
import { ActorError } from '../errors.js';
import { errorReason, formatReason, isNormalExit, type ExitReason } from '../exit-reason.js';
import type { From } from '../from.js';
import type { MonitorRef, Pid } from '../pid.js';
import type { ActorSystem } from '../system.js';
import type { TimerRef } from '../timer-ref.js';
import type { Runnable } from './scheduler.js';
import type { SystemCore } from './system-core.js';

/** Message kinds in the mailbox (stored interleaved: kind, payload, kind, payload, ...). */
export const K_INFO = 0;
export const K_CAST = 1;
export const K_CALL = 2;
export const K_SYS = 3;
const K_CONT = 4;

const S_STARTING = 0;
const S_RUNNING = 1;
const S_EXITING = 2;
const S_DEAD = 3;

/** Messages handled per scheduling slice before the process goes to the back of the run queue. */
const REDUCTIONS = 256;

/** An exit signal in flight. `untrappable` is set only for an explicit `exit(pid, 'kill')`. */
interface Signal {
  readonly from: Pid;
  readonly reason: ExitReason;
  readonly untrappable: boolean;
}

/** Something that must forget a process when it exits (registries, process groups), before DOWN/EXIT go out. */
export interface ExitHook {
  onProcessExit(proc: Proc): void;
}

/** System messages (`sys` in OTP): stop, code change, state inspection. */
export type SysMessage =
  | { readonly op: 'stop'; readonly reason: ExitReason }
  | {
      readonly op: 'code_change';
      readonly beh: AnyBehaviour;
      readonly extra: unknown;
      readonly done: (err: unknown) => void;
    }
  | { readonly op: 'get_state'; readonly done: (state: unknown, err?: ActorError) => void };

/** The behaviour used by `spawn(fn)`: the state is the handler function itself. */
export const RAW_BEHAVIOUR: AnyBehaviour = Object.freeze({
  init: () => {
    throw new Error('raw processes have no init');
  },
});

type RawHandler = (msg: unknown, ctx: ProcessContext) => void | Promise<void>;

/** The only monitor on a process (most have none or one: a session watched by its match). */
class OneWatcher {
  constructor(
    readonly ref: MonitorRef,
    readonly proc: Proc,
  ) {}
}

export class Proc implements Runnable, ProcessContext {
  readonly pid: Pid;
  readonly sys: SystemCore;
  beh: AnyBehaviour;
  state: unknown = undefined;
  status: number = S_STARTING;
  queued = false;
  busy = false;
  trapping = false;
  parentPid: Pid | undefined;
  name: string | undefined = undefined;
  snapshotKey: string | undefined = undefined;
  exitReason: ExitReason | undefined = undefined;
  /** Interleaved kind/payload queue, allocated on first message. */
  mbox: unknown[] | null = null;
  mhead = 0;
  sigs: Signal[] | null = null;
  /** Linked processes: one on its own (a child's link to its supervisor), a Set past one. */
  links: Proc | Set<Proc> | null = null;
  /** Monitors this process holds: ref → target. */
  monitors: Map<MonitorRef, Proc> | null = null;
  /** Monitors on this process: one on its own, else ref → watcher. */
  watchers: OneWatcher | Map<MonitorRef, Proc> | null = null;
  timers: Set<TimerRef> | null = null;
  /** One hook on its own (the usual case: a session in the gateway's groups), a Set past one. */
  hooks: ExitHook | Set<ExitHook> | null = null;
  openCalls: Set<From> | null = null;
  /** The call being handled (so a crash or kill mid-call fails it at once). */
  curCall: From | null = null;
  exitWaiters: ((reason: ExitReason) => void)[] | null = null;
  cont: { readonly v: unknown } | null = null;
  idleTimer: TimerHandle | null = null;

  constructor(sys: SystemCore, pid: Pid, beh: AnyBehaviour) {
    this.sys = sys;
    this.pid = pid;
    this.beh = beh;
  }

  addLink(p: Proc): void {
    const l = this.links;
    if (l === null) this.links = p;
    else if (l instanceof Set) l.add(p);
    else if (l !== p) this.links = new Set([l, p]);
  }

  removeLink(p: Proc): void {
    const l = this.links;
    if (l === p) this.links = null;
    else if (l instanceof Set) l.delete(p);
  }

  get linkCount(): number {
    const l = this.links;
    return l === null ? 0 : l instanceof Set ? l.size : 1;
  }

  /** Removes and returns every link, in link order. */
  takeLinks(): Proc[] {
    const l = this.links;
    this.links = null;
    return l === null ? [] : l instanceof Set ? [...l] : [l];
  }

  addWatcher(ref: MonitorRef, p: Proc): void {
    const w = this.watchers;
    if (w === null) this.watchers = new OneWatcher(ref, p);
    else if (w instanceof Map) w.set(ref, p);
    else this.watchers = new Map([[w.ref, w.proc]]).set(ref, p);
  }

  removeWatcher(ref: MonitorRef): void {
    const w = this.watchers;
    if (w instanceof Map) w.delete(ref);
    else if (w !== null && w.ref === ref) this.watchers = null;
  }

  /** Registers `h` to run (once) when this process exits. */
  addHook(h: ExitHook): void {
    const c = this.hooks;
    if (c === null) this.hooks = h;
    else if (c instanceof Set) c.add(h);
    else if (c !== h) this.hooks = new Set([c, h]);
  }

  removeHook(h: ExitHook): void {
    const c = this.hooks;
    if (c === h) this.hooks = null;
    else if (c instanceof Set) c.delete(h);
  }

  // ---- ProcessContext -------------------------------------------------------------------------------

  get self(): Pid {
    return this.pid;
  }
  get system(): ActorSystem {
    return this.sys.api;
  }
  get parent(): Pid | undefined {
    return this.parentPid;
  }
  trapExit(on: boolean): boolean {
    const prev = this.trapping;
    this.trapping = on;
    return prev;
  }
  link(pid: Pid): void {
    this.sys.link(this, pid);
  }
  unlink(pid: Pid): void {
    this.sys.unlink(this, pid);
  }
  monitor(target: Pid | string): MonitorRef {
    return this.sys.monitor(this, target);
  }
  demonitor(ref: MonitorRef, options?: { flush?: boolean }): boolean {
    return this.sys.demonitor(this, ref, options?.flush === true);
  }
  send(dest: Dest, msg: unknown): void {
    this.sys.send(dest, msg);
  }
  exit(pid: Pid, reason: ExitReason | 'kill'): void {
    this.sys.exitSignal(pid, reason, this.pid);
  }
  sendAfter(msg: unknown, delayMs: number, dest?: Dest): TimerRef {
    return this.sys.startTimer(this, dest ?? this.pid, msg, delayMs, 0);
  }
  sendInterval(msg: unknown, intervalMs: number, dest?: Dest): TimerRef {
    return this.sys.startTimer(this, dest ?? this.pid, msg, intervalMs, Math.max(1, intervalMs));
  }
  cancelTimer(ref: TimerRef): boolean {
    return this.sys.cancelTimer(ref);
  }

  // ---- delivery ---------------------------------------------------------------------------------------

  get alive(): boolean {
    return this.status !== S_DEAD;
  }

  /** Appends a message; schedules the process if it is idle. */
  deliver(kind: number, payload: unknown): void {
    if (this.status === S_DEAD) return;
    let mb = this.mbox;
    if (mb === null) mb = this.mbox = [];
    mb.push(kind, payload);
    if (this.idleTimer !== null) {
      this.sys.clock.clearTimer(this.idleTimer);
      this.idleTimer = null;
    }
    if (!this.queued && !this.busy && this.status === S_RUNNING) this.sys.scheduler.enqueue(this);
  }

  /** Queues an exit signal; signals are handled before messages, even while a callback is pending. */
  signal(from: Pid, reason: ExitReason, untrappable: boolean): void {
    if (this.status === S_DEAD) return;
    (this.sigs ??= []).push({ from, reason, untrappable });
    if (!this.queued) this.sys.scheduler.enqueue(this);
  }

  #hasWork(): boolean {
    if (this.status === S_DEAD) return false;
    if (this.sigs !== null) return true;
    if (this.status !== S_RUNNING || this.busy) return false;
    return this.cont !== null || (this.mbox !== null && this.mhead < this.mbox.length);
  }

  /** Reschedules after an async callback settled, if there is work. */
  wake(): void {
    if (!this.queued && this.#hasWork()) this.sys.scheduler.enqueue(this);
  }

  run(): void {
    if (this.sigs !== null) this.#processSignals();
    let n = REDUCTIONS;
    while (this.status === S_RUNNING && !this.busy) {
      const c = this.cont;
      if (c !== null) {
        this.cont = null;
        this.#invoke(K_CONT, c.v);
      } else {
        const mb = this.mbox;
        if (mb === null) break;
        const h = this.mhead;
        if (h >= mb.length) break;
        const kind = mb[h] as number;
        const payload = mb[h + 1];
        mb[h] = undefined;
        mb[h + 1] = undefined;
        const nh = h + 2;
        if (nh === mb.length) {
          mb.length = 0;
          this.mhead = 0;
        } else if (nh > 8192 && nh * 2 > mb.length) {
          mb.splice(0, nh);
          this.mhead = 0;
        } else {
          this.mhead = nh;
        }
        this.#invoke(kind, payload);
      }
      if (this.sigs !== null) this.#processSignals();
      if (--n === 0) break;
    }
    this.queued = false;
    if (this.#hasWork()) this.sys.scheduler.enqueue(this);
  }

  #processSignals(): void {
    const sigs = this.sigs!;
    this.sigs = null;
    for (let i = 0; i < sigs.length; i++) {
      if (this.status === S_DEAD) return;
      const s = sigs[i]!;
      if (s.untrappable) {
        this.finalize('killed');
        return;
      }
      if (this.trapping) {
        if (this.status === S_EXITING) continue;
        const msg: ExitMessage = { type: 'EXIT', from: s.from, reason: s.reason };
        (this.mbox ??= []).push(K_INFO, msg);
        if (this.idleTimer !== null) {
          this.sys.clock.clearTimer(this.idleTimer);
          this.idleTimer = null;
        }
        continue;
      }
      if (s.reason === 'normal' && s.from !== this.pid) continue;
      this.finalize(s.reason);
      return;
    }
  }

  // ---- callbacks --------------------------------------------------------------------------------------

  #invoke(kind: number, payload: unknown): void {
    const sys = this.sys;
    const beh = this.beh;
    let r: unknown;
    sys.current = this;
    try {
      switch (kind) {
        case K_INFO:
          if (beh === RAW_BEHAVIOUR) {
            r = (this.state as RawHandler)(payload, this);
            sys.current = null;
            if (r instanceof Promise) this.#awaitRaw(r);
            return;
          }
          r = this.#info(payload);
          break;
        case K_CAST: {
          const h = beh.handleCast;
          if (h === undefined) throw new ActorError('ACT_ERR_NO_HANDLER', { details: { kind: 'cast' } });
          r = h.call(beh, payload, this.state, this);
          break;
        }
        case K_CALL: {
          const h = beh.handleCall;
          this.curCall = payload as From;
          if (h === undefined) throw new ActorError('ACT_ERR_NO_HANDLER', { details: { kind: 'call' } });
          r = h.call(beh, (payload as From).msg, payload as From, this.state, this);
          break;
        }
        case K_CONT: {
          const h = beh.handleContinue;
          if (h === undefined) throw new ActorError('ACT_ERR_NO_HANDLER', { details: { kind: 'continue' } });
          r = h.call(beh, payload, this.state, this);
          break;
        }
        default:
          sys.current = null;
          this.#sys(payload as SysMessage);
          return;
      }
    } catch (e) {
      sys.current = null;
      this.crash(e);
      return;
    }
    sys.current = null;
    if (r instanceof Promise) {
      this.busy = true;
      sys.inflight++;
      r.then(
        (res) => {
          sys.inflight--;
          this.busy = false;
          this.#apply(kind, payload, res);
          this.wake();
        },
        (err) => {
          sys.inflight--;
          this.busy = false;
          this.crash(err);
        },
      );
      return;
    }
    this.#apply(kind, payload, r);
  }

  #awaitRaw(p: Promise<void>): void {
    const sys = this.sys;
    this.busy = true;
    sys.inflight++;
    p.then(
      () => {
        sys.inflight--;
        this.busy = false;
        this.wake();
      },
      (err) => {
        sys.inflight--;
        this.busy = false;
        this.crash(err);
      },
    );
  }

  #info(msg: unknown): unknown {
    const beh = this.beh;
    // A trapping GenServer stops when its parent's exit signal arrives (OTP gen_server semantics).
    if (
      this.parentPid !== undefined &&
      typeof msg === 'object' &&
      msg !== null &&
      (msg as ExitMessage).type === 'EXIT' &&
      (msg as ExitMessage).from === this.parentPid
    ) {
      return { $: 'stop', reason: (msg as ExitMessage).reason, state: undefined, reply: undefined };
    }
    const h = beh.handleInfo;
    if (h === undefined) {
      this.sys.logger.debug({ report: 'unexpected_message', pid: this.pid.toString(), name: this.name });
      return undefined;
    }
    return h.call(beh, msg, this.state, this);
  }

  #apply(kind: number, payload: unknown, r: unknown): void {
    if (this.status !== S_RUNNING) return;
    if (r === undefined && kind === K_INFO && this.beh.handleInfo === undefined) return;
    if (typeof r !== 'object' || r === null) {
      this.crash(new ActorError('ACT_ERR_BAD_RETURN', { details: { got: typeof r } }));
      return;
    }
    const res = r as { $?: unknown; state?: unknown; value?: unknown; opts?: ResultOptions; reason?: ExitReason; reply?: { value: unknown } };
    switch (res.$) {
      case 'noreply':
        if (kind === K_CALL) {
          this.curCall = null;
          const from = payload as From;
          if (!from.settled) {
            from.owner = this;
            (this.openCalls ??= new Set()).add(from);
          }
        }
        this.state = res.state;
        if (res.opts !== undefined) this.#after(res.opts);
        return;
      case 'reply':
        if (kind !== K_CALL) break;
        this.curCall = null;
        this.state = res.state;
        (payload as From).reply(res.value);
        if (res.opts !== undefined) this.#after(res.opts);
        return;
      case 'stop': {
        if (res.state !== undefined) this.state = res.state;
        const pending = kind === K_CALL && res.reply !== undefined ? { from: payload as From, value: res.reply.value } : undefined;
        if (pending !== undefined) this.curCall = null;
        this.beginExit(res.reason ?? 'normal', true, pending);
        return;
      }
    }
    this.crash(new ActorError('ACT_ERR_BAD_RETURN', { details: { got: String(res.$) } }));
  }

  #after(opts: ResultOptions): void {
    if (opts.snapshot === true) this.saveSnapshot();
    if ('continue' in opts) this.cont = { v: opts.continue };
    const t = opts.timeoutMs;
    if (t !== undefined && this.cont === null && (this.mbox === null || this.mhead >= this.mbox.length)) {
      this.idleTimer = this.sys.clock.setTimer(() => {
        this.idleTimer = null;
        this.deliver(K_INFO, TIMEOUT);
      }, t);
    }
  }

  /** Applies the result of init/restore (status STARTING). Returns the error to report, if any. */
  applyInit(r: unknown): { ok: true } | { ok: false; ignored: boolean; reason: ExitReason } {
    if (this.status === S_DEAD) return { ok: false, ignored: false, reason: this.exitReason ?? 'noproc' };
    const res = r as { $?: unknown; state?: unknown; opts?: ResultOptions; reason?: ExitReason } | null;
    if (typeof res === 'object' && res !== null) {
      if (res.$ === 'ok') {
        this.state = res.state;
        this.status = S_RUNNING;
        if (res.opts !== undefined) this.#after(res.opts);
        return { ok: true };
      }
      if (res.$ === 'ignore') return { ok: false, ignored: true, reason: 'normal' };
      if (res.$ === 'stop') return { ok: false, ignored: false, reason: res.reason ?? 'normal' };
    }
    return { ok: false, ignored: false, reason: errorReason(new ActorError('ACT_ERR_BAD_RETURN', { details: { got: typeof r } })) };
  }

  saveSnapshot(): void {
    const key = this.snapshotKey;
    const fn = this.beh.snapshot;
    if (key === undefined || fn === undefined) return;
    let data: unknown;
    try {
      data = fn.call(this.beh, this.state);
    } catch (e) {
      this.crash(e);
      return;
    }
    this.sys.snapshots.save(key, { version: this.beh.snapshotVersion ?? 1, data, savedAtMs: this.sys.clock.epochMs() });
  }

  #sys(m: SysMessage): void {
    switch (m.op) {
      case 'stop':
        this.beginExit(m.reason, true);
        return;
      case 'get_state':
        m.done(this.state);
        return;
      case 'code_change': {
        const oldVersion = this.beh.version;
        const next = m.beh;
        const finish = (state: unknown): void => {
          this.beh = next;
          this.state = state;
          m.done(undefined);
        };
        let r: unknown;
        try {
          r = next.codeChange === undefined ? this.state : next.codeChange(oldVersion, this.state, m.extra);
        } catch (e) {
          m.done(e);
          return;
        }
        if (r instanceof Promise) {
          this.busy = true;
          this.sys.inflight++;
          r.then(
            (state) => {
              this.sys.inflight--;
              this.busy = false;
              if (this.status === S_RUNNING) finish(state);
              else m.done(new ActorError('ACT_ERR_NOPROC'));
              this.wake();
            },
            (e) => {
              this.sys.inflight--;
              this.busy = false;
              m.done(e);
              this.wake();
            },
          );
          return;
        }
        finish(r);
        return;
      }
    }
  }

  // ---- exit -------------------------------------------------------------------------------------------

  crash(err: unknown): void {
    this.beginExit(errorReason(err), true);
  }

  /**
   * Starts stopping: runs `terminate` (when asked and defined; it may be async), then {@link finalize}.
   * A pending call reply (from `stop(reason, state, { reply })`) goes out after `terminate`, as in OTP.
   */
  beginExit(reason: ExitReason, runTerminate: boolean, pendingReply?: { from: From; value: unknown }): void {
    if (this.status >= S_EXITING) return;
    this.status = S_EXITING;
    this.cont = null;
    if (this.idleTimer !== null) {
      this.sys.clock.clearTimer(this.idleTimer);
      this.idleTimer = null;
    }
    if (!isNormalExit(reason)) this.sys.crashReport(this, reason);
    const term = this.beh.terminate;
    if (runTerminate && term !== undefined && this.beh !== RAW_BEHAVIOUR) {
      let r: unknown;
      const prev = this.sys.current;
      this.sys.current = this;
      try {
        r = term.call(this.beh, reason, this.state, this);
      } catch (e) {
        this.sys.current = prev;
        this.sys.crashReport(this, errorReason(e), 'terminate');
        this.finalize(errorReason(e), pendingReply);
        return;
      }
      this.sys.current = prev;
      if (r instanceof Promise) {
        this.busy = true;
        this.sys.inflight++;
        r.then(
          () => {
            this.sys.inflight--;
            this.finalize(reason, pendingReply);
          },
          (e) => {
            this.sys.inflight--;
            this.sys.crashReport(this, errorReason(e), 'terminate');
            this.finalize(errorReason(e), pendingReply);
          },
        );
        return;
      }
    }
    this.finalize(reason, pendingReply);
  }

  /**
   * The process is gone. Order matters and follows OTP: timers cancelled, names and group memberships
   * released, then pending calls failed, monitors' DOWN and links' exit signals sent.
   */
  finalize(reason: ExitReason, pendingReply?: { from: From; value: unknown }): void {
    if (this.status === S_DEAD) return;
    this.status = S_DEAD;
    this.busy = false;
    this.exitReason = reason;
    const sys = this.sys;
    if (this.idleTimer !== null) {
      sys.clock.clearTimer(this.idleTimer);
      this.idleTimer = null;
    }
    if (this.timers !== null) {
      for (const t of this.timers) sys.cancelTimer(t);
      this.timers = null;
    }
    if (this.name !== undefined) {
      sys.names.delete(this.name);
      this.name = undefined;
    }
    if (this.hooks !== null) {
      const hooks = this.hooks;
      this.hooks = null;
      if (hooks instanceof Set) for (const h of hooks) h.onProcessExit(this);
      else hooks.onProcessExit(this);
    }
    sys.procs.delete(this.pid.id);
    this.pid._p = null;

    if (pendingReply !== undefined) pendingReply.from.reply(pendingReply.value);
    // Built only when a call must be failed: an Error captures a stack, which is costly on every exit.
    let error: ActorError | null = null;
    const err = (): ActorError => (error ??= reason === 'noproc' ? new ActorError('ACT_ERR_NOPROC') : new ActorError('ACT_ERR_EXIT', { reason }));
    const mb = this.mbox;
    if (mb !== null) {
      for (let i = this.mhead; i < mb.length; i += 2) {
        const kind = mb[i];
        if (kind === K_CALL) (mb[i + 1] as From).fail(err());
        else if (kind === K_SYS) {
          const m = mb[i + 1] as SysMessage;
          if (m.op === 'code_change') m.done(new ActorError('ACT_ERR_NOPROC'));
          else if (m.op === 'get_state') m.done(undefined, new ActorError('ACT_ERR_NOPROC'));
        }
      }
      this.mbox = null;
    }
    if (this.curCall !== null) {
      this.curCall.fail(err());
      this.curCall = null;
    }
    if (this.openCalls !== null) {
      const calls = this.openCalls;
      this.openCalls = null;
      for (const f of calls) f.fail(err());
    }
    if (this.snapshotKey !== undefined && (reason === 'normal' || (typeof reason === 'object' && 'shutdown' in reason))) {
      sys.snapshots.delete(this.snapshotKey);
    }
    if (this.monitors !== null) {
      for (const [ref, target] of this.monitors) target.removeWatcher(ref);
      this.monitors = null;
    }
    if (this.watchers !== null) {
      const watchers = this.watchers;
      this.watchers = null;
      for (const [ref, watcher] of watchers instanceof Map ? watchers : [[watchers.ref, watchers.proc] as const]) {
        watcher.monitors?.delete(ref);
        const down: DownMessage = { type: 'DOWN', ref, pid: this.pid, reason };
        watcher.deliver(K_INFO, down);
      }
    }
    if (this.links !== null) {
      for (const other of this.takeLinks()) {
        other.removeLink(this);
        other.signal(this.pid, reason, false);
      }
    }
    this.sigs = null;
    this.cont = null;
    this.state = undefined;
    if (this.exitWaiters !== null) {
      const waiters = this.exitWaiters;
      this.exitWaiters = null;
      for (const w of waiters) w(reason);
    }
    sys.exited(this, reason);
  }

  /** A short description for reports. */
  describe(): { pid: string; name?: string } {
    return this.name === undefined ? { pid: this.pid.toString() } : { pid: this.pid.toString(), name: this.name };
  }

  /** For reports: the reason as text. */
  static reasonText(reason: ExitReason): string {
    return formatReason(reason);
  }
}
