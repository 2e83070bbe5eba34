/**
 * Pieces shared by Supervisor and DynamicSupervisor: restart intensity, starting one child, shutting one
 * child down per its `shutdown` spec, and the structured supervisor reports.
 */
import type { NormalizedChildSpec, ShutdownSpec } from '../child-spec.js';
import type { ProcessContext } from '../context.js';
import { ActorError } from '../errors.js';
import { errorReason, formatReason, type ExitReason } from '../exit-reason.js';
import { Pid } from '../pid.js';

/**
 * Records a restart at `nowMs` and drops the ones older than `periodMs`. Returns true when more than
 * `intensity` restarts fall in the window: the supervisor must give up.
 */
export function addRestart(restarts: number[], nowMs: number, intensity: number, periodMs: number): boolean {
  restarts.push(nowMs);
  let drop = 0;
  while (drop < restarts.length && nowMs - restarts[drop]! > periodMs) drop++;
  if (drop > 0) restarts.splice(0, drop);
  return restarts.length > intensity;
}

export type StartOutcome = { readonly ok: Pid | 'ignore' } | { readonly error: ExitReason };

/** Runs a child's start function inside the supervisor; the child is linked to it in any case. */
export async function startOne(ctx: ProcessContext, start: (c: { system: ProcessContext['system']; parent: Pid }) => Promise<Pid | 'ignore'>): Promise<StartOutcome> {
  try {
    const r = await start({ system: ctx.system, parent: ctx.self });
    if (r === 'ignore') return { ok: 'ignore' };
    if (!(r instanceof Pid)) return { error: errorReason(new ActorError('ACT_ERR_BAD_RETURN', { details: { got: typeof r } })) };
    ctx.link(r);
    return { ok: r };
  } catch (e) {
    if (e instanceof ActorError && e.code === 'ACT_ERR_INIT_IGNORED') return { ok: 'ignore' };
    if (e instanceof ActorError && e.reason !== undefined) return { error: e.reason };
    return { error: errorReason(e) };
  }
}

/**
 * Stops one child as its spec says: `brutal_kill` kills it; a number sends `shutdown` and kills it after
 * that many ms; `infinity` waits. Resolves with the reason it exited with.
 */
export async function shutdownOne(ctx: ProcessContext, pid: Pid, shutdown: ShutdownSpec): Promise<ExitReason> {
  const system = ctx.system;
  const exited = system.awaitExit(pid);
  if (shutdown === 'brutal_kill') {
    ctx.exit(pid, 'kill');
    return exited;
  }
  ctx.exit(pid, 'shutdown');
  if (shutdown === 'infinity') return exited;
  const clock = system.clock;
  let timer: ReturnType<typeof clock.setTimer> | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = clock.setTimer(() => resolve('timeout'), shutdown);
  });
  const first = await Promise.race([exited, timedOut]);
  if (first !== 'timeout') {
    clock.clearTimer(timer!);
    return first;
  }
  ctx.exit(pid, 'kill');
  return exited;
}

/** The reason a child is expected to exit with when shut down per `shutdown`; anything else is a shutdown_error. */
export function expectedShutdownReason(shutdown: ShutdownSpec): ExitReason {
  return shutdown === 'brutal_kill' ? 'killed' : 'shutdown';
}

function childInfo(spec: NormalizedChildSpec, pid: Pid | undefined): Record<string, unknown> {
  return { id: spec.id, pid: pid?.toString(), restart: spec.restart, shutdown: spec.shutdown, type: spec.type };
}

/** Emits one supervisor report (`child_terminated`, `start_error`, `shutdown_error`, `reached_max_restart_intensity`). */
export function supervisorReport(
  ctx: ProcessContext,
  supervisor: string,
  report: 'child_terminated' | 'start_error' | 'shutdown_error' | 'reached_max_restart_intensity',
  spec: NormalizedChildSpec | undefined,
  pid: Pid | undefined,
  reason: ExitReason,
): void {
  const err = typeof reason === 'object' && 'error' in reason && reason.error instanceof Error ? reason.error : undefined;
  ctx.system.logger.error({
    report,
    supervisor,
    ...(spec === undefined ? {} : { child: childInfo(spec, pid) }),
    reason: formatReason(reason),
    ...(err?.stack === undefined ? {} : { stack: err.stack }),
  });
}

/** A printable supervisor name for reports. */
export function supervisorName(ctx: ProcessContext, name: string | undefined): string {
  return name ?? ctx.self.toString();
}
