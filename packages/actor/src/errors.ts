/**
 * The error table of `@hajime/actor`: every code this package raises, with an HTTP-style status and the
 * cause in one sentence. `guides/reference/errors.md` lists the same codes; a test keeps them in step.
 */
import type { ExitReason } from './exit-reason.js';

/** Every `ACT_ERR_*` code, its status and its cause. */
export const ACTOR_ERRORS = {
  ACT_ERR_CALL_TIMEOUT: { status: 504, cause: 'The server did not reply within the call timeout; a late reply is dropped.' },
  ACT_ERR_NOPROC: { status: 404, cause: 'The target process does not exist (never did, or has exited).' },
  ACT_ERR_EXIT: { status: 502, cause: 'The server exited before replying; `reason` holds its exit reason.' },
  ACT_ERR_CALL_SELF: { status: 400, cause: 'A process called itself, which would deadlock.' },
  ACT_ERR_NOT_REGISTERED: { status: 404, cause: 'No process is registered under that name (send to a name needs one).' },
  ACT_ERR_NAME_TAKEN: { status: 409, cause: 'The name is already registered to another process; `pid` holds it.' },
  ACT_ERR_ALREADY_REGISTERED: { status: 409, cause: 'The process already has a registered name.' },
  ACT_ERR_INIT_FAILED: { status: 500, cause: 'init threw, returned stop, or returned a bad value; `reason` holds why.' },
  ACT_ERR_INIT_IGNORED: { status: 200, cause: 'init returned ignore: no process was started.' },
  ACT_ERR_INIT_TIMEOUT: { status: 504, cause: 'init did not finish within initTimeoutMs; the process was killed.' },
  ACT_ERR_BAD_RETURN: { status: 500, cause: 'A callback returned something that is not a result built by the helpers.' },
  ACT_ERR_NO_HANDLER: { status: 500, cause: 'A call, cast or continue reached a behaviour without handleCall, handleCast or handleContinue.' },
  ACT_ERR_INVALID_SPEC: { status: 400, cause: 'A child spec or supervisor option is invalid; `details` says which field.' },
  ACT_ERR_CHILD_EXISTS: { status: 409, cause: 'A child with that id is already in the supervisor (running or not).' },
  ACT_ERR_CHILD_RUNNING: { status: 409, cause: 'The child is running; terminate it before deleting or restarting it.' },
  ACT_ERR_CHILD_NOT_FOUND: { status: 404, cause: 'The supervisor has no child with that id or pid.' },
  ACT_ERR_START_FAILED: { status: 500, cause: 'A child failed to start; `reason` holds its start error.' },
  ACT_ERR_MAX_CHILDREN: { status: 429, cause: 'The dynamic supervisor already runs maxChildren children.' },
  ACT_ERR_SYSTEM_STOPPED: { status: 503, cause: 'The actor system has been stopped and starts nothing new.' },
  ACT_ERR_CODE_CHANGE_FAILED: { status: 500, cause: 'codeChange threw; the process keeps its old code and state.' },
} as const satisfies Record<string, { status: number; cause: string }>;

/** One of the `ACT_ERR_*` codes. */
export type ActorErrorCode = keyof typeof ACTOR_ERRORS;

/**
 * An error raised by the actor runtime. Match on `code`, never on the message.
 *
 * @example
 * try { await GenServer.call(pid, 'ping') } catch (e) {
 *   if (e instanceof ActorError && e.code === 'ACT_ERR_CALL_TIMEOUT') { ... }
 * }
 */
export class ActorError extends Error {
  override readonly name = 'ActorError';
  readonly code: ActorErrorCode;
  readonly status: number;
  /** The exit reason, for codes that carry one (`ACT_ERR_EXIT`, `ACT_ERR_INIT_FAILED`, `ACT_ERR_START_FAILED`). */
  readonly reason: ExitReason | undefined;
  /** Extra structured data (never part of the message). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ActorErrorCode, options: { reason?: ExitReason; details?: Record<string, unknown>; message?: string } = {}) {
    super(options.message ?? ACTOR_ERRORS[code].cause);
    this.code = code;
    this.status = ACTOR_ERRORS[code].status;
    this.reason = options.reason;
    this.details = options.details;
  }
}

/** True when `e` is an {@link ActorError}, optionally with the given code. */
export function isActorError(e: unknown, code?: ActorErrorCode): e is ActorError {
  return e instanceof ActorError && (code === undefined || e.code === code);
}

/**
 * True when a call or stop failed because the process was already gone: not there (`ACT_ERR_NOPROC`) or
 * exiting before it answered (`ACT_ERR_EXIT`). What code tolerates when stopping or reading a process
 * that may have ended on its own.
 */
export function isProcessGone(e: unknown): e is ActorError {
  return isActorError(e, 'ACT_ERR_NOPROC') || isActorError(e, 'ACT_ERR_EXIT');
}
