/**
 * DynamicSupervisor (OTP's `simple_one_for_one`): every child is an instance of one template, started on
 * demand with its own arguments (`startChild(sup, args)`), restarted one_for_one with the same arguments,
 * capped by `maxChildren`, and shut down in parallel. Matches, zones, votes and sessions live under one.
 *
 * @example
 * const matches = await DynamicSupervisor.start(system, {
 *   template: GenServer.template(Match, { restart: 'transient', options: (a: MatchArgs) => ({ snapshotKey: `match:${a.id}` }) }),
 *   intensity: 100, periodMs: 10_000, maxChildren: 10_000,
 * });
 * const pid = await DynamicSupervisor.startChild(matches, { id: 'm1', mode: 'arena' });
 */
import type { GenServerBehaviour } from './behaviour.js';
import { noreply, ok, reply, stop as stopResult } from './behaviour.js';
import {
  normalizeChildSpec,
  normalizeIntensity,
  type ChildType,
  type NormalizedChildSpec,
  type RestartIntensity,
  type RestartType,
  type ShutdownSpec,
  type StartContext,
} from './child-spec.js';
import type { ExitMessage, ViaName } from './context.js';
import { ActorError, type ActorErrorCode } from './errors.js';
import { isNormalExit, type ExitReason } from './exit-reason.js';
import * as GenServer from './gen-server.js';
import type { Pid } from './pid.js';
import type { ActorSystem } from './system.js';
import { addRestart, expectedShutdownReason, shutdownOne, startOne, supervisorName, supervisorReport } from './internal/supervision.js';

/** The template every child is started from; `start` receives the per-child arguments. */
export interface ChildTemplate<A = unknown> {
  readonly start: (ctx: StartContext, args: A) => Promise<Pid | 'ignore'>;
  /** Default `permanent`. */
  readonly restart?: RestartType;
  /** Default 5000 ms for workers, `infinity` for supervisors. */
  readonly shutdown?: ShutdownSpec;
  readonly type?: ChildType;
}

export interface DynamicSupervisorOptions<A = unknown> extends RestartIntensity {
  readonly template: ChildTemplate<A>;
  /** Start requests beyond this many running children fail with `ACT_ERR_MAX_CHILDREN` (default: no cap). */
  readonly maxChildren?: number;
}

export interface DynamicChildCounts {
  readonly active: number;
  readonly specs: number;
  readonly supervisors: number;
  readonly workers: number;
}

interface State {
  readonly name: string;
  readonly spec: NormalizedChildSpec;
  readonly template: ChildTemplate;
  readonly intensity: number;
  readonly periodMs: number;
  readonly maxChildren: number;
  /** Running children → their start arguments, in start order. */
  readonly children: Map<Pid, unknown>;
  readonly restarts: number[];
}

type Call =
  | { readonly op: 'start_child'; readonly args: unknown }
  | { readonly op: 'terminate_child'; readonly pid: Pid }
  | { readonly op: 'which_children' }
  | { readonly op: 'count_children' };

type Reply = { readonly ok: unknown } | { readonly err: ActorErrorCode; readonly reason?: ExitReason };

const TRY_AGAIN = '$dynamic_supervisor_try_again';

function startWith(st: State, args: unknown): (c: StartContext) => Promise<Pid | 'ignore'> {
  return (c) => st.template.start(c, args);
}

async function restartChild(ctx: Parameters<NonNullable<GenServerBehaviour<State>['handleInfo']>>[2], st: State, args: unknown): Promise<ExitReason | undefined> {
  if (addRestart(st.restarts, ctx.system.clock.now(), st.intensity, st.periodMs)) {
    supervisorReport(ctx, st.name, 'reached_max_restart_intensity', st.spec, undefined, 'shutdown');
    await terminateAll(ctx, st);
    return 'shutdown';
  }
  const r = await startOne(ctx, startWith(st, args));
  if ('error' in r) {
    supervisorReport(ctx, st.name, 'start_error', st.spec, undefined, r.error);
    ctx.send(ctx.self, { [TRY_AGAIN]: true, args });
    return undefined;
  }
  if (r.ok !== 'ignore') st.children.set(r.ok, args);
  return undefined;
}

/** Stops every child at once and waits for all of them (order undefined, as in OTP). */
async function terminateAll(ctx: Parameters<NonNullable<GenServerBehaviour<State>['terminate']>>[2], st: State): Promise<void> {
  const pids = [...st.children.keys()];
  st.children.clear();
  await Promise.all(
    pids.map(async (pid) => {
      const reason = await shutdownOne(ctx, pid, st.spec.shutdown);
      if (reason !== 'noproc' && reason !== expectedShutdownReason(st.spec.shutdown)) supervisorReport(ctx, st.name, 'shutdown_error', st.spec, pid, reason);
    }),
  );
}

const DynamicSupervisorBehaviour: GenServerBehaviour<State, { options: DynamicSupervisorOptions; name: string | undefined }, Call, never, Reply> = {
  init({ options, name }, ctx) {
    const { intensity, periodMs } = normalizeIntensity(options);
    const spec = normalizeChildSpec({ id: 'template', ...options.template, start: () => Promise.resolve('ignore') }, 'never');
    return ok({
      name: supervisorName(ctx, name),
      spec,
      template: options.template,
      intensity,
      periodMs,
      maxChildren: options.maxChildren ?? Infinity,
      children: new Map(),
      restarts: [],
    });
  },

  async handleCall(msg, _from, st, ctx) {
    switch (msg.op) {
      case 'start_child': {
        if (st.children.size >= st.maxChildren) return reply({ err: 'ACT_ERR_MAX_CHILDREN' }, st);
        const r = await startOne(ctx, startWith(st, msg.args));
        if ('error' in r) {
          supervisorReport(ctx, st.name, 'start_error', st.spec, undefined, r.error);
          return reply({ err: 'ACT_ERR_START_FAILED', reason: r.error }, st);
        }
        if (r.ok === 'ignore') return reply({ ok: undefined }, st);
        st.children.set(r.ok, msg.args);
        return reply({ ok: r.ok }, st);
      }
      case 'terminate_child': {
        if (!st.children.has(msg.pid)) return reply({ err: 'ACT_ERR_CHILD_NOT_FOUND' }, st);
        st.children.delete(msg.pid);
        const reason = await shutdownOne(ctx, msg.pid, st.spec.shutdown);
        if (reason !== 'noproc' && reason !== expectedShutdownReason(st.spec.shutdown)) supervisorReport(ctx, st.name, 'shutdown_error', st.spec, msg.pid, reason);
        return reply({ ok: undefined }, st);
      }
      case 'which_children':
        return reply({ ok: [...st.children.keys()].map((pid) => ({ id: undefined, pid, type: st.spec.type, restart: st.spec.restart })) }, st);
      case 'count_children': {
        const n = st.children.size;
        const counts: DynamicChildCounts = { active: n, specs: n, supervisors: st.spec.type === 'supervisor' ? n : 0, workers: st.spec.type === 'worker' ? n : 0 };
        return reply({ ok: counts }, st);
      }
    }
  },

  async handleInfo(msg, st, ctx) {
    if (typeof msg === 'object' && msg !== null && TRY_AGAIN in msg) {
      const exit = await restartChild(ctx, st, (msg as unknown as { args: unknown }).args);
      return exit === undefined ? noreply(st) : stopResult(exit, st);
    }
    const m = msg as ExitMessage;
    if (m.type !== 'EXIT' || !st.children.has(m.from)) return noreply(st);
    const args = st.children.get(m.from);
    st.children.delete(m.from);
    const kind = st.spec.restart;
    if (kind === 'permanent' || (kind === 'transient' && !isNormalExit(m.reason))) {
      supervisorReport(ctx, st.name, 'child_terminated', st.spec, m.from, m.reason);
      const exit = await restartChild(ctx, st, args);
      return exit === undefined ? noreply(st) : stopResult(exit, st);
    }
    if (!isNormalExit(m.reason)) supervisorReport(ctx, st.name, 'child_terminated', st.spec, m.from, m.reason);
    return noreply(st);
  },

  async terminate(_reason, st, ctx) {
    await terminateAll(ctx, st);
  },
};

function unwrap<T>(r: Reply): T {
  if ('ok' in r) return r.ok as T;
  throw new ActorError(r.err, r.reason === undefined ? {} : { reason: r.reason });
}

const SUP_CALL = { timeoutMs: Infinity } as const;

/** Starts an empty dynamic supervisor. Invalid options reject with `ACT_ERR_INVALID_SPEC`. */
export async function start<A>(
  system: ActorSystem,
  options: DynamicSupervisorOptions<A>,
  startOptions: { name?: string | ViaName; link?: Pid } = {},
): Promise<Pid> {
  normalizeIntensity(options);
  normalizeChildSpec({ id: 'template', ...options.template, start: () => Promise.resolve('ignore') }, 'never');
  if (options.maxChildren !== undefined && !(options.maxChildren >= 0)) {
    throw new ActorError('ACT_ERR_INVALID_SPEC', { details: { field: 'maxChildren', why: 'must be ≥ 0' } });
  }
  const name = typeof startOptions.name === 'string' ? startOptions.name : undefined;
  return GenServer.start(system, DynamicSupervisorBehaviour, { options: options as DynamicSupervisorOptions, name }, { ...startOptions, trapExit: true });
}

/** A child spec that runs a dynamic supervisor under a supervisor. */
export function childSpec<A>(id: string, options: DynamicSupervisorOptions<A>, extra: { restart?: RestartType; name?: string | ViaName } = {}) {
  const { name, ...rest } = extra;
  return {
    id,
    type: 'supervisor' as const,
    shutdown: 'infinity' as const,
    ...rest,
    start: ({ system, parent }: StartContext) => start(system, options, { link: parent, ...(name === undefined ? {} : { name }) }),
  };
}

/**
 * Starts a child from the template with `args`. Resolves with its pid (undefined if it returned ignore);
 * rejects with `ACT_ERR_MAX_CHILDREN` or `ACT_ERR_START_FAILED` (`reason` holds why).
 */
export async function startChild<A>(sup: Pid | string, args: A, system?: ActorSystem): Promise<Pid | undefined> {
  return unwrap(await GenServer.call<Reply>(sup, { op: 'start_child', args } satisfies Call, SUP_CALL, system));
}
/** Stops one child per the template's shutdown; it is not restarted. */
export async function terminateChild(sup: Pid | string, pid: Pid, system?: ActorSystem): Promise<void> {
  unwrap(await GenServer.call<Reply>(sup, { op: 'terminate_child', pid } satisfies Call, SUP_CALL, system));
}
/** The running children, in start order. */
export async function whichChildren(sup: Pid | string, system?: ActorSystem): Promise<{ id: undefined; pid: Pid; type: ChildType; restart: RestartType }[]> {
  return unwrap(await GenServer.call<Reply>(sup, { op: 'which_children' } satisfies Call, SUP_CALL, system));
}
export async function countChildren(sup: Pid | string, system?: ActorSystem): Promise<DynamicChildCounts> {
  return unwrap(await GenServer.call<Reply>(sup, { op: 'count_children' } satisfies Call, SUP_CALL, system));
}
/** Stops the supervisor; all children stop in parallel first. */
export function stop(sup: Pid | string, reason: ExitReason = 'normal', system?: ActorSystem): Promise<void> {
  return GenServer.stop(sup, reason, system);
}
