/**
 * Supervisor: starts children in order, restarts them by strategy (`one_for_one`, `one_for_all`,
 * `rest_for_one`) within a restart intensity, and stops them in reverse order. Semantics follow OTP's
 * supervisor.erl item by item (see guides/supervision.md): a failing static child aborts the start, more
 * than `intensity` restarts within `periodMs` make the supervisor stop every child and exit `shutdown`
 * (its own supervisor then decides), `temporary` children are never restarted, `transient` ones only after
 * an abnormal exit. Start, restart and stop run inside the supervisor process, which is blocked meanwhile.
 *
 * @example
 * const sup = await Supervisor.start(system, {
 *   strategy: 'one_for_one', intensity: 10, periodMs: 60_000,
 *   children: [GenServer.childSpec('ticker', Ticker, { everyMs: 100 })],
 * }, { name: 'root' });
 */
import type { GenServerBehaviour } from './behaviour.js';
import { noreply, ok, reply, stop as stopResult } from './behaviour.js';
import {
  normalizeChildSpec,
  normalizeIntensity,
  type AutoShutdown,
  type ChildSpec,
  type ChildType,
  type NormalizedChildSpec,
  type RestartIntensity,
  type RestartType,
  type ShutdownSpec,
} from './child-spec.js';
import type { ExitMessage, ProcessContext, ViaName } from './context.js';
import { ActorError, type ActorErrorCode } from './errors.js';
import { isNormalExit, type ExitReason } from './exit-reason.js';
import * as GenServer from './gen-server.js';
import type { Pid } from './pid.js';
import type { ActorSystem } from './system.js';
import { addRestart, expectedShutdownReason, shutdownOne, startOne, supervisorName, supervisorReport } from './internal/supervision.js';

export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';

/** Supervisor flags and the static children, started in list order. */
export interface SupervisorOptions extends RestartIntensity {
  /** Default `one_for_one`. */
  readonly strategy?: Strategy;
  /** Default `never`. */
  readonly autoShutdown?: AutoShutdown;
  readonly children?: readonly ChildSpec[];
}

/** One row of {@link whichChildren}: `pid` is undefined when the child is not running. */
export interface ChildInfo {
  readonly id: string;
  readonly pid: Pid | undefined;
  readonly type: ChildType;
  readonly restart: RestartType;
}

/** Totals of {@link countChildren}. */
export interface ChildCounts {
  readonly specs: number;
  readonly active: number;
  readonly supervisors: number;
  readonly workers: number;
}

interface Child {
  readonly spec: NormalizedChildSpec;
  pid: Pid | undefined;
}

interface State {
  readonly name: string;
  readonly strategy: Strategy;
  readonly intensity: number;
  readonly periodMs: number;
  readonly autoShutdown: AutoShutdown;
  children: Child[];
  readonly restarts: number[];
}

type Call =
  | { readonly op: 'start_child'; readonly spec: ChildSpec }
  | { readonly op: 'terminate_child'; readonly target: string | Pid }
  | { readonly op: 'restart_child'; readonly id: string }
  | { readonly op: 'delete_child'; readonly id: string }
  | { readonly op: 'which_children' }
  | { readonly op: 'count_children' };

type Reply = { readonly ok: unknown } | { readonly err: ActorErrorCode; readonly reason?: ExitReason; readonly details?: Record<string, unknown> };

const TRY_AGAIN = '$supervisor_try_again';

interface InitArgs {
  readonly options: SupervisorOptions;
  readonly name: string | undefined;
}

/** Marks a start failure so `start` can report the failing child. */
interface FailedToStart {
  readonly failedToStartChild: string;
  readonly reason: ExitReason;
}

async function shutdownChild(ctx: ProcessContext, st: State, child: Child): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  child.pid = undefined;
  const reason = await shutdownOne(ctx, pid, child.spec.shutdown);
  if (reason !== 'noproc' && reason !== expectedShutdownReason(child.spec.shutdown)) {
    supervisorReport(ctx, st.name, 'shutdown_error', child.spec, pid, reason);
  }
}

/** Terminates `children` in reverse order; temporary ones are dropped from the supervisor. */
async function terminateMany(ctx: ProcessContext, st: State, children: readonly Child[]): Promise<void> {
  for (let i = children.length - 1; i >= 0; i--) await shutdownChild(ctx, st, children[i]!);
  st.children = st.children.filter((c) => !(children.includes(c) && c.spec.restart === 'temporary'));
}

/** Starts `children` in order; stops at the first failure and returns it. */
async function startMany(ctx: ProcessContext, st: State, children: readonly Child[]): Promise<FailedToStart | undefined> {
  for (const child of children) {
    const r = await startOne(ctx, child.spec.start);
    if ('error' in r) {
      supervisorReport(ctx, st.name, 'start_error', child.spec, undefined, r.error);
      return { failedToStartChild: child.spec.id, reason: r.error };
    }
    child.pid = r.ok === 'ignore' ? undefined : r.ok;
  }
  return undefined;
}

/** Applies the strategy after `child` died (or a previous restart attempt failed). */
async function restart(ctx: ProcessContext, st: State, child: Child): Promise<ExitReason | undefined> {
  if (addRestart(st.restarts, ctx.system.clock.now(), st.intensity, st.periodMs)) {
    supervisorReport(ctx, st.name, 'reached_max_restart_intensity', child.spec, undefined, 'shutdown');
    await terminateMany(ctx, st, st.children);
    return 'shutdown';
  }
  let toRestart: Child[];
  if (st.strategy === 'one_for_one') {
    toRestart = [child];
  } else {
    const i = st.children.indexOf(child);
    const affected = st.strategy === 'one_for_all' ? st.children : st.children.slice(i);
    const others = affected.filter((c) => c !== child);
    await terminateMany(ctx, st, others);
    toRestart = affected.filter((c) => st.children.includes(c));
  }
  const failed = await startMany(ctx, st, toRestart);
  if (failed !== undefined) ctx.send(ctx.self, { [TRY_AGAIN]: failed.failedToStartChild });
  return undefined;
}

function significantRunning(st: State): boolean {
  return st.children.some((c) => c.spec.significant && c.pid !== undefined);
}

async function onChildExit(ctx: ProcessContext, st: State, child: Child, reason: ExitReason): Promise<ExitReason | undefined> {
  const pid = child.pid;
  child.pid = undefined;
  const kind = child.spec.restart;
  if (kind === 'permanent' || (kind === 'transient' && !isNormalExit(reason))) {
    supervisorReport(ctx, st.name, 'child_terminated', child.spec, pid, reason);
    return restart(ctx, st, child);
  }
  if (!isNormalExit(reason)) supervisorReport(ctx, st.name, 'child_terminated', child.spec, pid, reason);
  if (kind === 'temporary') st.children = st.children.filter((c) => c !== child);
  if (child.spec.significant && (st.autoShutdown === 'any_significant' || (st.autoShutdown === 'all_significant' && !significantRunning(st)))) {
    await terminateMany(ctx, st, st.children);
    return 'shutdown';
  }
  return undefined;
}

function find(st: State, target: string | Pid): Child | undefined {
  return st.children.find((c) => (typeof target === 'string' ? c.spec.id === target : c.pid === target));
}

const SupervisorBehaviour: GenServerBehaviour<State, InitArgs, Call, never, Reply> = {
  async init({ options, name }, ctx) {
    const { intensity, periodMs } = normalizeIntensity(options);
    const autoShutdown = options.autoShutdown ?? 'never';
    const st: State = {
      name: supervisorName(ctx, name),
      strategy: options.strategy ?? 'one_for_one',
      intensity,
      periodMs,
      autoShutdown,
      children: (options.children ?? []).map((s) => ({ spec: normalizeChildSpec(s, autoShutdown), pid: undefined })),
      restarts: [],
    };
    const failed = await startMany(ctx, st, st.children);
    if (failed !== undefined) {
      await terminateMany(ctx, st, st.children);
      return stopResult({ shutdown: failed });
    }
    return ok(st);
  },

  async handleCall(msg, _from, st, ctx) {
    switch (msg.op) {
      case 'which_children':
        return reply({ ok: st.children.map((c): ChildInfo => ({ id: c.spec.id, pid: c.pid, type: c.spec.type, restart: c.spec.restart })) }, st);
      case 'count_children': {
        const counts: ChildCounts = {
          specs: st.children.length,
          active: st.children.filter((c) => c.pid !== undefined).length,
          supervisors: st.children.filter((c) => c.spec.type === 'supervisor').length,
          workers: st.children.filter((c) => c.spec.type === 'worker').length,
        };
        return reply({ ok: counts }, st);
      }
      case 'start_child': {
        let spec: NormalizedChildSpec;
        try {
          spec = normalizeChildSpec(msg.spec, st.autoShutdown);
        } catch (e) {
          return reply({ err: 'ACT_ERR_INVALID_SPEC', details: (e as ActorError).details ?? {} }, st);
        }
        const existing = find(st, spec.id);
        if (existing !== undefined) return reply({ err: 'ACT_ERR_CHILD_EXISTS', details: { id: spec.id, pid: existing.pid?.toString() } }, st);
        const r = await startOne(ctx, spec.start);
        if ('error' in r) {
          supervisorReport(ctx, st.name, 'start_error', spec, undefined, r.error);
          return reply({ err: 'ACT_ERR_START_FAILED', reason: r.error, details: { id: spec.id } }, st);
        }
        const pid = r.ok === 'ignore' ? undefined : r.ok;
        st.children.push({ spec, pid });
        return reply({ ok: pid }, st);
      }
      case 'terminate_child': {
        const child = find(st, msg.target);
        if (child === undefined) return reply({ err: 'ACT_ERR_CHILD_NOT_FOUND' }, st);
        await shutdownChild(ctx, st, child);
        if (child.spec.restart === 'temporary') st.children = st.children.filter((c) => c !== child);
        return reply({ ok: undefined }, st);
      }
      case 'restart_child': {
        const child = find(st, msg.id);
        if (child === undefined) return reply({ err: 'ACT_ERR_CHILD_NOT_FOUND' }, st);
        if (child.pid !== undefined) return reply({ err: 'ACT_ERR_CHILD_RUNNING' }, st);
        const r = await startOne(ctx, child.spec.start);
        if ('error' in r) {
          supervisorReport(ctx, st.name, 'start_error', child.spec, undefined, r.error);
          return reply({ err: 'ACT_ERR_START_FAILED', reason: r.error, details: { id: child.spec.id } }, st);
        }
        child.pid = r.ok === 'ignore' ? undefined : r.ok;
        return reply({ ok: child.pid }, st);
      }
      case 'delete_child': {
        const child = find(st, msg.id);
        if (child === undefined) return reply({ err: 'ACT_ERR_CHILD_NOT_FOUND' }, st);
        if (child.pid !== undefined) return reply({ err: 'ACT_ERR_CHILD_RUNNING' }, st);
        st.children = st.children.filter((c) => c !== child);
        return reply({ ok: undefined }, st);
      }
    }
  },

  async handleInfo(msg, st, ctx) {
    if (typeof msg === 'object' && msg !== null && TRY_AGAIN in msg) {
      const child = find(st, (msg as Record<string, string>)[TRY_AGAIN]!);
      if (child === undefined || child.pid !== undefined) return noreply(st);
      const exit = await restart(ctx, st, child);
      return exit === undefined ? noreply(st) : stopResult(exit, st);
    }
    const m = msg as ExitMessage;
    if (m.type !== 'EXIT') return noreply(st);
    const child = st.children.find((c) => c.pid === m.from);
    if (child === undefined) return noreply(st);
    const exit = await onChildExit(ctx, st, child, m.reason);
    return exit === undefined ? noreply(st) : stopResult(exit, st);
  },

  async terminate(_reason, st, ctx) {
    await terminateMany(ctx, st, st.children);
  },
};

function unwrap<T>(r: Reply): T {
  if ('ok' in r) return r.ok as T;
  throw new ActorError(r.err, { ...(r.reason === undefined ? {} : { reason: r.reason }), ...(r.details === undefined ? {} : { details: r.details }) });
}

/** Calls into a supervisor never time out by default: they may wait on child start and shutdown. */
const SUP_CALL = { timeoutMs: Infinity } as const;

/**
 * Starts a supervisor and its children in order; resolves once all are started. If a child fails to
 * start, the ones already started are stopped in reverse order and this rejects with
 * `ACT_ERR_START_FAILED` (`details.id` names the child, `reason` its error). Invalid specs reject with
 * `ACT_ERR_INVALID_SPEC` before anything starts.
 */
export async function start(
  system: ActorSystem,
  options: SupervisorOptions,
  startOptions: { name?: string | ViaName; link?: Pid } = {},
): Promise<Pid> {
  normalizeIntensity(options);
  const autoShutdown = options.autoShutdown ?? 'never';
  const ids = new Set<string>();
  for (const c of options.children ?? []) {
    const spec = normalizeChildSpec(c, autoShutdown);
    if (ids.has(spec.id)) throw new ActorError('ACT_ERR_INVALID_SPEC', { details: { field: 'id', why: `duplicate child id ${spec.id}` } });
    ids.add(spec.id);
  }
  const name = typeof startOptions.name === 'string' ? startOptions.name : undefined;
  try {
    return await GenServer.start(system, SupervisorBehaviour, { options, name }, { ...startOptions, trapExit: true });
  } catch (e) {
    const reason = e instanceof ActorError ? e.reason : undefined;
    if (typeof reason === 'object' && reason !== null && 'shutdown' in reason) {
      const f = reason.shutdown as FailedToStart | undefined;
      if (f !== undefined && typeof f === 'object' && 'failedToStartChild' in f) {
        throw new ActorError('ACT_ERR_START_FAILED', { reason: f.reason, details: { id: f.failedToStartChild } });
      }
    }
    throw e;
  }
}

/** A child spec that runs a supervisor under another supervisor (`type: 'supervisor'`, `shutdown: 'infinity'`). */
export function childSpec(
  id: string,
  options: SupervisorOptions,
  extra: { restart?: RestartType; shutdown?: ShutdownSpec; significant?: boolean; name?: string | ViaName } = {},
): ChildSpec {
  const { name, ...rest } = extra;
  return {
    id,
    type: 'supervisor',
    ...rest,
    start: ({ system, parent }) => start(system, options, { link: parent, ...(name === undefined ? {} : { name }) }),
  };
}

/** Adds and starts a child. Resolves with its pid (undefined if its start returned ignore). */
export async function startChild(sup: Pid | string, spec: ChildSpec, system?: ActorSystem): Promise<Pid | undefined> {
  return unwrap(await GenServer.call<Reply>(sup, { op: 'start_child', spec } satisfies Call, SUP_CALL, system));
}
/** Stops a child by id or pid per its shutdown spec; the spec stays (unless temporary). */
export async function terminateChild(sup: Pid | string, target: string | Pid, system?: ActorSystem): Promise<void> {
  unwrap(await GenServer.call<Reply>(sup, { op: 'terminate_child', target } satisfies Call, SUP_CALL, system));
}
/** Starts a stopped child again from its spec. */
export async function restartChild(sup: Pid | string, id: string, system?: ActorSystem): Promise<Pid | undefined> {
  return unwrap(await GenServer.call<Reply>(sup, { op: 'restart_child', id } satisfies Call, SUP_CALL, system));
}
/** Removes the spec of a stopped child. */
export async function deleteChild(sup: Pid | string, id: string, system?: ActorSystem): Promise<void> {
  unwrap(await GenServer.call<Reply>(sup, { op: 'delete_child', id } satisfies Call, SUP_CALL, system));
}
/** Every child in start order. */
export async function whichChildren(sup: Pid | string, system?: ActorSystem): Promise<ChildInfo[]> {
  return unwrap(await GenServer.call<Reply>(sup, { op: 'which_children' } satisfies Call, SUP_CALL, system));
}
/** Counts of specs, running children, supervisors and workers. */
export async function countChildren(sup: Pid | string, system?: ActorSystem): Promise<ChildCounts> {
  return unwrap(await GenServer.call<Reply>(sup, { op: 'count_children' } satisfies Call, SUP_CALL, system));
}
/** Stops the supervisor: children stop in reverse start order, then it exits. */
export function stop(sup: Pid | string, reason: ExitReason = 'normal', system?: ActorSystem): Promise<void> {
  return GenServer.stop(sup, reason, system);
}
