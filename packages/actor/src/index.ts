/**
 * @hajime/actor: OTP supervision in TypeScript, with zero runtime dependencies.
 *
 * An `ActorSystem` owns processes; `GenServer` behaviours hold state and answer calls and casts;
 * `Supervisor` and `DynamicSupervisor` restart them by strategy; `Registry` and `ProcessGroups` name and
 * group them; snapshots let a restarted process resume where it crashed. See guides/actors.md and
 * guides/supervision.md.
 */

// The system, time and the ports it is built on
export { ActorSystem, type ActorSystemOptions, type SpawnOptions, type SystemStats } from './system.js';
export { RealClock, SimulatedClock, type Clock, type TimerHandle, type Settler } from './clock.js';
export { consoleLogger, silentLogger, MemoryLogger, jsonReplacer, LOG_LEVELS, type Logger, type LogLevel, type LogEntry } from './logger.js';
export { MemorySnapshotStore, type SnapshotStore, type StoredSnapshot } from './snapshot-store.js';

// Processes: identity, exit reasons, the process-side API, messages the runtime delivers
export { Pid, samePid, type MonitorRef } from './pid.js';
export { isNormalExit, errorReason, formatReason, KILL, type ExitReason } from './exit-reason.js';
export {
  isExitMessage,
  isDownMessage,
  type ProcessContext,
  type Dest,
  type ViaName,
  type ViaRegistry,
  type ExitMessage,
  type DownMessage,
} from './context.js';
export { TimerRef } from './timer-ref.js';
export { From } from './from.js';

// GenServer: the behaviour contract, result helpers and client functions
export {
  ok,
  ignore,
  reply,
  noreply,
  stop,
  TIMEOUT,
  type GenServerBehaviour,
  type ResultOptions,
  type InitResult,
  type CallResult,
  type HandlerResult,
  type OkResult,
  type IgnoreResult,
  type ReplyResult,
  type NoReplyResult,
  type StopResult,
} from './behaviour.js';
export * as GenServer from './gen-server.js';
export type { GenServerStartOptions, ChildOptions } from './gen-server.js';

// Supervision
export * as Supervisor from './supervisor.js';
export type { Strategy, SupervisorOptions, ChildInfo, ChildCounts } from './supervisor.js';
export * as DynamicSupervisor from './dynamic-supervisor.js';
export type { ChildTemplate, DynamicSupervisorOptions, DynamicChildCounts } from './dynamic-supervisor.js';
export { SupervisedPool, type SupervisedPoolOptions, type PoolBehaviour } from './supervised-pool.js';
export {
  normalizeChildSpec,
  DEFAULT_INTENSITY,
  DEFAULT_PERIOD_MS,
  type ChildSpec,
  type NormalizedChildSpec,
  type RestartType,
  type ShutdownSpec,
  type ChildType,
  type AutoShutdown,
  type StartContext,
  type StartFn,
  type RestartIntensity,
} from './child-spec.js';

// Names and groups
export { Registry } from './registry.js';
export { ProcessGroups, type PgEvent, type GroupMonitorRef } from './pg.js';

// Errors
export { ActorError, ACTOR_ERRORS, isActorError, isProcessGone, type ActorErrorCode } from './errors.js';
