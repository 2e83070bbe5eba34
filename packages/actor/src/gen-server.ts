/**
 * GenServer client functions: start a behaviour as a process, then `call` (request/reply with a timeout),
 * `cast` (fire and forget), `stop`, `reply` (deferred replies), `changeCode` (swap code, keep state).
 *
 * @example
 * const pid = await GenServer.start(system, Counter, 0, { name: 'counter' });
 * GenServer.cast(pid, 'inc');
 * const n = await GenServer.call<number>('counter', 'get', { timeoutMs: 1_000 }, system);
 */
import type { AnyBehaviour, GenServerBehaviour } from './behaviour.js';
import type { ChildSpec, ChildType, RestartType, ShutdownSpec } from './child-spec.js';
import type { Dest, ViaName } from './context.js';
import type { ChildTemplate } from './dynamic-supervisor.js';
import { ActorError } from './errors.js';
import type { ExitReason } from './exit-reason.js';
import type { From } from './from.js';
import { Pid } from './pid.js';
import type { ActorSystem } from './system.js';
import { K_CAST } from './internal/process.js';
import type { SystemCore } from './internal/system-core.js';

/** Default `call` timeout, as in OTP. */
export const DEFAULT_CALL_TIMEOUT_MS = 5_000;

/** Options of {@link start}. */
export interface GenServerStartOptions {
  /** A local name (unique per system) or `{ via: registry, key }`. A taken name fails with `ACT_ERR_NAME_TAKEN`. */
  readonly name?: string | ViaName;
  /** Link to this process (the parent, usually a supervisor) before `init` runs. */
  readonly link?: Pid;
  /** Trap exits from the start (so `terminate` runs when the parent shuts it down). */
  readonly trapExit?: boolean;
  /** Key under which snapshots are written and restored (default: the local name, if any). */
  readonly snapshotKey?: string;
  /** Bound on `init`; the process is killed and the start fails with `ACT_ERR_INIT_TIMEOUT` (default: none). */
  readonly initTimeoutMs?: number;
}

/**
 * Starts `behaviour` as a new process and runs `init(args)` (or `restore(snapshot, args)` when a snapshot
 * exists for its key) inside it. Resolves with the pid once `init` returned `ok`; rejects with
 * `ACT_ERR_INIT_FAILED` (stop, throw or bad return), `ACT_ERR_INIT_IGNORED`, `ACT_ERR_INIT_TIMEOUT` or
 * `ACT_ERR_NAME_TAKEN`.
 */
export function start<S, A, C, K, R, N>(
  system: ActorSystem,
  behaviour: GenServerBehaviour<S, A, C, K, R, N>,
  args: A,
  options: GenServerStartOptions = {},
): Promise<Pid> {
  return system.core.startServer(behaviour as AnyBehaviour, args, options);
}

function coreOf(dest: Dest, system: ActorSystem | undefined): SystemCore | null {
  if (dest instanceof Pid) return dest._p?.sys ?? system?.core ?? null;
  return system?.core ?? null;
}

/**
 * Sends `msg` to the server's `handleCall` and waits for the reply (default timeout 5000 ms). Rejects with
 * `ACT_ERR_CALL_TIMEOUT` (a late reply is then dropped), `ACT_ERR_NOPROC` (no such process),
 * `ACT_ERR_EXIT` (it exited first; `reason` says why) or `ACT_ERR_CALL_SELF`. Names need the `system`.
 */
export function call<R = unknown>(dest: Dest, msg: unknown, options: { timeoutMs?: number } = {}, system?: ActorSystem): Promise<R> {
  const core = coreOf(dest, system);
  if (core === null) return Promise.reject(new ActorError('ACT_ERR_NOPROC'));
  return core.call<R>(dest, msg, options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
}

/** Sends `msg` to the server's `handleCast`. Never throws, even when the target does not exist. */
export function cast(dest: Dest, msg: unknown, system?: ActorSystem): void {
  if (dest instanceof Pid) {
    dest._p?.deliver(K_CAST, msg);
    return;
  }
  const core = coreOf(dest, system);
  if (core !== null) core.deliver(dest, K_CAST, msg);
}

/** Answers a call kept with `noreply`. Returns false if it was already answered or timed out. */
export function reply<R>(from: From<R>, value: R): boolean {
  return from.reply(value);
}

/**
 * Stops the server the orderly way: `terminate(reason)` runs, then it exits. Resolves once it has exited;
 * rejects with `ACT_ERR_NOPROC` if it does not exist.
 */
export async function stop(dest: Dest, reason: ExitReason = 'normal', system?: ActorSystem): Promise<void> {
  const core = coreOf(dest, system);
  const proc = core?.resolve(dest) ?? null;
  if (core === null || proc === null || !proc.alive) throw new ActorError('ACT_ERR_NOPROC');
  const exited = core.awaitExit(proc.pid);
  core.sys(proc.pid, { op: 'stop', reason });
  await exited;
}

/**
 * Replaces the behaviour of a live server, keeping its state: `next.codeChange(oldVersion, state, extra)`
 * converts the state when defined. Runs in mailbox order. If `codeChange` throws, the server keeps its old
 * code and state and this rejects with `ACT_ERR_CODE_CHANGE_FAILED`.
 */
export function changeCode<S, A, C, K, R, N>(dest: Dest, next: GenServerBehaviour<S, A, C, K, R, N>, extra?: unknown, system?: ActorSystem): Promise<void> {
  const core = coreOf(dest, system);
  return new Promise<void>((resolve, reject) => {
    const done = (err: unknown): void => {
      if (err === undefined) resolve();
      else if (err instanceof ActorError && err.code === 'ACT_ERR_NOPROC') reject(err);
      else reject(new ActorError('ACT_ERR_CODE_CHANGE_FAILED', { details: { cause: err instanceof Error ? err.message : String(err) } }));
    };
    if (core === null || !core.sys(dest, { op: 'code_change', beh: next as AnyBehaviour, extra, done })) reject(new ActorError('ACT_ERR_NOPROC'));
  });
}

/** Reads the live state (like `sys:get_state`), in mailbox order. For debugging and tests. */
export function getState<S = unknown>(dest: Dest, system?: ActorSystem): Promise<S> {
  const core = coreOf(dest, system);
  return new Promise<S>((resolve, reject) => {
    const done = (s: unknown, err?: ActorError): void => (err === undefined ? resolve(s as S) : reject(err));
    if (core === null || !core.sys(dest, { op: 'get_state', done })) reject(new ActorError('ACT_ERR_NOPROC'));
  });
}

/** The pid registered under `name`, if any. */
export function whereis(system: ActorSystem, name: string): Pid | undefined {
  return system.whereis(name);
}

/** Supervisor-facing options of {@link childSpec} and {@link template}. */
export interface ChildOptions {
  readonly restart?: RestartType;
  readonly shutdown?: ShutdownSpec;
  readonly type?: ChildType;
  readonly significant?: boolean;
}

/**
 * A child spec that starts `behaviour` with `args`, linked to the supervisor.
 *
 * @example
 * Supervisor.start(system, { children: [GenServer.childSpec('clock', Ticker, { everyMs: 100 }, { restart: 'permanent' })] });
 */
export function childSpec<S, A, C, K, R, N>(
  id: string,
  behaviour: GenServerBehaviour<S, A, C, K, R, N>,
  args: A,
  options: GenServerStartOptions & ChildOptions = {},
): ChildSpec {
  const { restart, shutdown, type, significant, ...startOptions } = options;
  return {
    id,
    ...(restart === undefined ? {} : { restart }),
    ...(shutdown === undefined ? {} : { shutdown }),
    ...(type === undefined ? {} : { type }),
    ...(significant === undefined ? {} : { significant }),
    start: ({ system, parent }) => start(system, behaviour, args, { ...startOptions, link: parent }),
  };
}

/**
 * A DynamicSupervisor template that starts `behaviour` with each child's arguments; `options(args)` gives
 * per-child start options (a name, a snapshot key).
 */
export function template<S, A, C, K, R, N>(
  behaviour: GenServerBehaviour<S, A, C, K, R, N>,
  options: ChildOptions & { readonly options?: (args: A) => GenServerStartOptions } = {},
): ChildTemplate<A> {
  const { options: perChild, significant: _significant, ...rest } = options;
  return {
    ...rest,
    start: ({ system, parent }, args) => start(system, behaviour, args, { ...(perChild?.(args) ?? {}), link: parent }),
  };
}
