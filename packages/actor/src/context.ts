/**
 * What a running process can do to the world: the `ctx` argument of every GenServer callback and of
 * `spawn` handlers. It is the process's own view; client functions (`GenServer.call`, ...) take pids.
 */
import type { ExitReason } from './exit-reason.js';
import type { MonitorRef, Pid } from './pid.js';
import type { ActorSystem } from './system.js';
import type { TimerRef } from './timer-ref.js';

/** A custom name registry, pluggable as `{ via: registry, key }` (Elixir's `:via`). */
export interface ViaRegistry {
  /** Registers `key` → `pid`; returns false when the key is taken. */
  registerName(key: unknown, pid: Pid): boolean;
  unregisterName(key: unknown): void;
  whereisName(key: unknown): Pid | undefined;
}

/** A name through a custom registry. */
export interface ViaName {
  readonly via: ViaRegistry;
  readonly key: unknown;
}

/** Where a message can go: a pid, a locally registered name, or a `via` name. */
export type Dest = Pid | string | ViaName;

/** The process-side API. */
export interface ProcessContext {
  /** This process. */
  readonly self: Pid;
  /** The system it runs in. */
  readonly system: ActorSystem;
  /** The process that started and linked it (a supervisor), if any. */
  readonly parent: Pid | undefined;
  /** The snapshot key, when snapshots are enabled for this process. */
  readonly snapshotKey: string | undefined;
  /** Turns exit trapping on or off; returns the previous value. Exit signals then arrive as `EXIT` messages. */
  trapExit(on: boolean): boolean;
  /** Links to `pid` (idempotent). Linking to a dead process delivers an exit signal `noproc`. */
  link(pid: Pid): void;
  unlink(pid: Pid): void;
  /** Monitors `target`; a `DOWN` message arrives when it exits (at once, `noproc`, if it is gone). */
  monitor(target: Pid | string): MonitorRef;
  /** Removes a monitor; `flush` also drops a `DOWN` already in the mailbox. Returns true if it was active. */
  demonitor(ref: MonitorRef, options?: { flush?: boolean }): boolean;
  /** Sends a message (to a registered name that does not exist: throws `ACT_ERR_NOT_REGISTERED`). */
  send(dest: Dest, msg: unknown): void;
  /** Sends an exit signal to `pid` (`'kill'` cannot be trapped). */
  exit(pid: Pid, reason: ExitReason | 'kill'): void;
  /** Delivers `msg` to `dest` (default: this process) after `delayMs`. Cancelled when this process exits. */
  sendAfter(msg: unknown, delayMs: number, dest?: Dest): TimerRef;
  /** Delivers `msg` every `intervalMs` until cancelled or this process exits. */
  sendInterval(msg: unknown, intervalMs: number, dest?: Dest): TimerRef;
  /** Cancels a timer; returns true when it was still pending. */
  cancelTimer(ref: TimerRef): boolean;
}

/** The message a trapping process receives for an exit signal. */
export interface ExitMessage {
  readonly type: 'EXIT';
  readonly from: Pid;
  readonly reason: ExitReason;
}

/** The message a monitor delivers. `pid` is the monitored process (for a name that was not registered, a dead pid). */
export interface DownMessage {
  readonly type: 'DOWN';
  readonly ref: MonitorRef;
  readonly pid: Pid;
  readonly reason: ExitReason;
}

/** True when `msg` is an `EXIT` message. */
export function isExitMessage(msg: unknown): msg is ExitMessage {
  return typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'EXIT' && 'from' in msg;
}
/** True when `msg` is a `DOWN` message. */
export function isDownMessage(msg: unknown): msg is DownMessage {
  return typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'DOWN' && 'ref' in msg;
}
