/**
 * Child specifications: how a supervisor starts, restarts and stops one child. The `start` function runs
 * inside the supervisor and must start a process linked to `ctx.parent` (the GenServer and Supervisor
 * `childSpec` helpers do this for you).
 */
import { ActorError } from './errors.js';
import type { Pid } from './pid.js';
import type { ActorSystem } from './system.js';

/** `permanent`: always restarted. `transient`: restarted unless it exits normal/shutdown. `temporary`: never. */
export type RestartType = 'permanent' | 'transient' | 'temporary';
/** `brutal_kill`: killed at once. A number: `shutdown` signal, then killed after that many ms. `infinity`: wait. */
export type ShutdownSpec = number | 'brutal_kill' | 'infinity';
export type ChildType = 'worker' | 'supervisor';

/** What a start function gets: the system and the supervisor to link to. */
export interface StartContext {
  readonly system: ActorSystem;
  readonly parent: Pid;
}

/** Starts one child: resolves with its pid, or `'ignore'` (no process; the spec is kept), or rejects. */
export type StartFn = (ctx: StartContext) => Promise<Pid | 'ignore'>;

/** A child of a (static) supervisor. */
export interface ChildSpec {
  /** Unique within the supervisor. */
  readonly id: string;
  readonly start: StartFn;
  /** Default `permanent`. */
  readonly restart?: RestartType;
  /** Default 5000 ms for workers, `infinity` for supervisors. */
  readonly shutdown?: ShutdownSpec;
  /** Default `worker`. */
  readonly type?: ChildType;
  /** With `autoShutdown`, this child's own exit may shut the supervisor down. Not for `permanent` children. */
  readonly significant?: boolean;
}

/** A child spec with every default filled in. */
export interface NormalizedChildSpec {
  readonly id: string;
  readonly start: StartFn;
  readonly restart: RestartType;
  readonly shutdown: ShutdownSpec;
  readonly type: ChildType;
  readonly significant: boolean;
}

/** `never` (default), `any_significant`, `all_significant`: when a supervisor stops itself after significant children exit. */
export type AutoShutdown = 'never' | 'any_significant' | 'all_significant';

const RESTARTS: readonly string[] = ['permanent', 'transient', 'temporary'];
const TYPES: readonly string[] = ['worker', 'supervisor'];

function invalid(field: string, why: string): ActorError {
  return new ActorError('ACT_ERR_INVALID_SPEC', { details: { field, why } });
}

/** Validates a child spec and fills defaults. Throws `ACT_ERR_INVALID_SPEC` naming the field. */
export function normalizeChildSpec(spec: ChildSpec, autoShutdown: AutoShutdown, requireId = true): NormalizedChildSpec {
  if (typeof spec !== 'object' || spec === null) throw invalid('spec', 'must be an object');
  if (requireId && (typeof spec.id !== 'string' || spec.id.length === 0)) throw invalid('id', 'must be a non-empty string');
  if (typeof spec.start !== 'function') throw invalid('start', 'must be a function');
  const restart = spec.restart ?? 'permanent';
  if (!RESTARTS.includes(restart)) throw invalid('restart', 'must be permanent, transient or temporary');
  const type = spec.type ?? 'worker';
  if (!TYPES.includes(type)) throw invalid('type', 'must be worker or supervisor');
  const shutdown = spec.shutdown ?? (type === 'supervisor' ? 'infinity' : 5_000);
  if (!(shutdown === 'brutal_kill' || shutdown === 'infinity' || (typeof shutdown === 'number' && shutdown >= 0 && Number.isFinite(shutdown)))) {
    throw invalid('shutdown', 'must be brutal_kill, infinity or a number of ms ≥ 0');
  }
  const significant = spec.significant ?? false;
  if (significant && restart === 'permanent') throw invalid('significant', 'a permanent child cannot be significant');
  if (significant && autoShutdown === 'never') throw invalid('significant', 'significant children need autoShutdown other than never');
  return { id: spec.id, start: spec.start, restart, shutdown, type, significant };
}

/** Supervisor flags shared by Supervisor and DynamicSupervisor. */
export interface RestartIntensity {
  /** Restarts allowed within `periodMs` before the supervisor gives up (default 1, as OTP). */
  readonly intensity?: number;
  /** The window for `intensity`, in ms, inclusive: a restart exactly `periodMs` old still counts (default 5000, as OTP). */
  readonly periodMs?: number;
}

/** Defaults of OTP: more than 1 restart within 5 s makes the supervisor give up. */
export const DEFAULT_INTENSITY = 1;
export const DEFAULT_PERIOD_MS = 5_000;

export function normalizeIntensity(flags: RestartIntensity): { intensity: number; periodMs: number } {
  const intensity = flags.intensity ?? DEFAULT_INTENSITY;
  const periodMs = flags.periodMs ?? DEFAULT_PERIOD_MS;
  if (!Number.isInteger(intensity) || intensity < 0) throw invalid('intensity', 'must be an integer ≥ 0');
  if (!(typeof periodMs === 'number' && periodMs > 0)) throw invalid('periodMs', 'must be a number > 0');
  return { intensity, periodMs };
}
