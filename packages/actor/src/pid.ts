/**
 * Process identifiers and monitor references. A `Pid` names one process on one node for ever: it stays
 * valid (and dead) after the process exits, and is never reused within a system.
 */
import type { Proc } from './internal/process.js';

/** Identifies a process. Compare with `===` on one node, or with {@link samePid} across nodes. */
export class Pid {
  /** @internal the live process, or null once it has exited (or when remote). */
  _p: Proc | null;
  constructor(
    /** The node the process lives on. */
    readonly node: string,
    /** A number unique within its node's system. */
    readonly id: number,
    proc: Proc | null = null,
  ) {
    this._p = proc;
  }
  /** True while the process is running (or starting, or exiting). */
  get alive(): boolean {
    return this._p !== null;
  }
  toString(): string {
    return `<${this.node}.${this.id}>`;
  }
  toJSON(): string {
    return this.toString();
  }
}

/** True when both identify the same process. */
export function samePid(a: Pid | undefined, b: Pid | undefined): boolean {
  return a !== undefined && b !== undefined && a.id === b.id && a.node === b.node;
}

/** A monitor reference (from `monitor`), unique within its system. */
export type MonitorRef = number & { readonly __monitorRef: unique symbol };
