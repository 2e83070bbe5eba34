/**
 * Process groups (OTP's `pg`): named groups of processes, for fan-out (chat members, a player's
 * connections, presence). Groups exist implicitly (empty = absent); a process may join a group several
 * times and must leave as many times; members are removed when they exit. Watchers can monitor one group
 * or the whole scope and receive `{ type: 'pg', ref, event: 'join' | 'leave', group, pids }` messages.
 *
 * @example
 * const groups = new ProcessGroups(system);
 * groups.join('chat:lobby', ctx.self);
 * for (const pid of groups.getMembers('chat:lobby')) system.send(pid, message);
 */
import type { Pid } from './pid.js';
import type { ActorSystem } from './system.js';
import { ActorError } from './errors.js';
import { K_INFO, type ExitHook, type Proc } from './internal/process.js';

/** A reference returned by `monitor` / `monitorScope`. */
export type GroupMonitorRef = number & { readonly __groupMonitorRef: unique symbol };

/** A membership change delivered to a watcher. */
export interface PgEvent<G = string> {
  readonly type: 'pg';
  readonly ref: GroupMonitorRef;
  readonly event: 'join' | 'leave';
  readonly group: G;
  readonly pids: readonly Pid[];
}

interface Watch<G> {
  readonly watcher: Proc;
  /** undefined: the whole scope. */
  readonly group: G | undefined;
  readonly scope: boolean;
}

/**
 * The members of one group: a process joined once is kept as itself (most groups, a player's own, hold
 * one), more as member → join count.
 */
type Members = Proc | Map<Proc, number>;

function countIn(m: Members, proc: Proc): number {
  return m instanceof Map ? (m.get(proc) ?? 0) : m === proc ? 1 : 0;
}

export class ProcessGroups<G = string> implements ExitHook {
  /** group → its members. */
  readonly #groups = new Map<G, Members>();
  /** member → groups it is in (an array: a process is in a few groups; no Set per process). */
  readonly #memberOf = new Map<Proc, G[]>();
  readonly #watches = new Map<GroupMonitorRef, Watch<G>>();
  readonly #watchesBy = new Map<Proc, Set<GroupMonitorRef>>();
  #nextRef = 1;

  constructor(readonly system: ActorSystem) {}

  /** Adds each pid to `group` once more. Throws `ACT_ERR_NOPROC` for a dead pid (nothing is joined then). */
  join(group: G, pids: Pid | readonly Pid[]): void {
    const list = Array.isArray(pids) ? (pids as readonly Pid[]) : [pids as Pid];
    const procs = list.map((p) => {
      const proc = p._p;
      if (proc === null || !proc.alive) throw new ActorError('ACT_ERR_NOPROC', { details: { pid: p.toString() } });
      return proc;
    });
    for (const proc of procs) {
      const members = this.#groups.get(group);
      if (members === undefined) this.#groups.set(group, proc);
      else if (members instanceof Map) members.set(proc, (members.get(proc) ?? 0) + 1);
      else this.#groups.set(group, new Map([[members, 1]]).set(proc, members === proc ? 2 : 1));
      const groups = this.#memberOf.get(proc);
      if (groups === undefined) {
        this.#memberOf.set(proc, [group]);
        proc.addHook(this);
      } else if (!groups.includes(group)) groups.push(group);
    }
    this.#notify(group, 'join', procs);
  }

  /** Removes one membership of each pid; returns false if none of them was a member. */
  leave(group: G, pids: Pid | readonly Pid[]): boolean {
    const list = Array.isArray(pids) ? (pids as readonly Pid[]) : [pids as Pid];
    if (!this.#groups.has(group)) return false;
    const left: Proc[] = [];
    for (const p of list) {
      const proc = p._p;
      if (proc === null) continue;
      const members = this.#groups.get(group);
      if (members === undefined) break;
      const n = countIn(members, proc);
      if (n === 0) continue;
      if (n > 1) (members as Map<Proc, number>).set(proc, n - 1);
      else {
        if (members instanceof Map) {
          members.delete(proc);
          if (members.size === 0) this.#groups.delete(group);
        } else this.#groups.delete(group);
        this.#forget(proc, group);
      }
      left.push(proc);
    }
    if (left.length > 0) this.#notify(group, 'leave', left);
    return left.length > 0;
  }

  /** Members of `group`, a pid repeated once per join, in no particular order. */
  getMembers(group: G): Pid[] {
    const members = this.#groups.get(group);
    if (members === undefined) return [];
    if (!(members instanceof Map)) return [members.pid];
    const out: Pid[] = [];
    for (const [proc, n] of members) for (let i = 0; i < n; i++) out.push(proc.pid);
    return out;
  }

  /** Members on this node (every member, until the cluster layer adds remote ones). */
  getLocalMembers(group: G): Pid[] {
    return this.getMembers(group);
  }

  /** Groups with at least one member. */
  whichGroups(): G[] {
    return [...this.#groups.keys()];
  }

  /** Sends `msg` to every member of `group` (once per membership). Returns how many got it. */
  broadcast(group: G, msg: unknown): number {
    const members = this.#groups.get(group);
    if (members === undefined) return 0;
    if (!(members instanceof Map)) {
      members.deliver(K_INFO, msg);
      return 1;
    }
    let n = 0;
    for (const [proc, count] of members) for (let i = 0; i < count; i++, n++) proc.deliver(K_INFO, msg);
    return n;
  }

  /** `watcher` receives join/leave events of `group`; returns the ref and the current members. */
  monitor(watcher: Pid, group: G): { ref: GroupMonitorRef; members: Pid[] } {
    return { ref: this.#watch(watcher, group, false), members: this.getMembers(group) };
  }

  /** `watcher` receives join/leave events of every group; returns the ref and the current groups. */
  monitorScope(watcher: Pid): { ref: GroupMonitorRef; groups: Map<G, Pid[]> } {
    const ref = this.#watch(watcher, undefined, true);
    return { ref, groups: new Map(this.whichGroups().map((g) => [g, this.getMembers(g)])) };
  }

  /** Stops a group or scope monitor; returns whether it was active. */
  demonitor(ref: GroupMonitorRef): boolean {
    const w = this.#watches.get(ref);
    if (w === undefined) return false;
    this.#watches.delete(ref);
    const refs = this.#watchesBy.get(w.watcher);
    refs?.delete(ref);
    if (refs !== undefined && refs.size === 0) {
      this.#watchesBy.delete(w.watcher);
      if (!this.#memberOf.has(w.watcher)) w.watcher.removeHook(this);
    }
    return true;
  }

  /** Number of active group and scope monitors. */
  monitorCount(): number {
    return this.#watches.size;
  }

  #watch(watcher: Pid, group: G | undefined, scope: boolean): GroupMonitorRef {
    const proc = watcher._p;
    if (proc === null || !proc.alive) throw new ActorError('ACT_ERR_NOPROC');
    const ref = this.#nextRef++ as GroupMonitorRef;
    this.#watches.set(ref, { watcher: proc, group, scope });
    let refs = this.#watchesBy.get(proc);
    if (refs === undefined) {
      this.#watchesBy.set(proc, (refs = new Set()));
      proc.addHook(this);
    }
    refs.add(ref);
    return ref;
  }

  #forget(proc: Proc, group: G): void {
    const groups = this.#memberOf.get(proc);
    if (groups === undefined) return;
    const i = groups.indexOf(group);
    if (i >= 0) groups.splice(i, 1);
    if (groups.length === 0) {
      this.#memberOf.delete(proc);
      if (!this.#watchesBy.has(proc)) proc.removeHook(this);
    }
  }

  #notify(group: G, event: 'join' | 'leave', procs: readonly Proc[]): void {
    if (this.#watches.size === 0) return;
    let pids: Pid[] | undefined;
    for (const [ref, w] of this.#watches) {
      if (!w.scope && w.group !== group) continue;
      pids ??= procs.map((p) => p.pid);
      const msg: PgEvent<G> = { type: 'pg', ref, event, group, pids };
      w.watcher.deliver(K_INFO, msg);
    }
  }

  /** @internal a member or watcher exited: leave every group (watchers see `leave`), drop its monitors. */
  onProcessExit(proc: Proc): void {
    const refs = this.#watchesBy.get(proc);
    if (refs !== undefined) {
      this.#watchesBy.delete(proc);
      for (const r of refs) this.#watches.delete(r);
    }
    const groups = this.#memberOf.get(proc);
    if (groups === undefined) return;
    this.#memberOf.delete(proc);
    for (const g of groups) {
      const members = this.#groups.get(g);
      if (members === undefined) continue;
      const n = countIn(members, proc);
      if (members instanceof Map) {
        members.delete(proc);
        if (members.size === 0) this.#groups.delete(g);
      } else if (members === proc) this.#groups.delete(g);
      if (n > 0) this.#notify(g, 'leave', new Array<Proc>(n).fill(proc));
    }
  }
}
