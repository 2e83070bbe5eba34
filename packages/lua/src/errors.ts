/**
 * Error codes of `@hajime/lua` (one table, conventions §8). Loading a game folder fails with a
 * {@link LuaLoadError} carrying one of these codes, the file and (where known) the line or the global at
 * fault. Script failures at run time are never thrown: they come back as a {@link LuaFailure} result.
 */
export const LUA_ERRORS = Object.freeze({
  /** A script did not compile or raised an error while its body ran (details: `file`, `line`). */
  LUA_ERR_SCRIPT: { status: 500, cause: 'a script failed to load (syntax or runtime error in its body)' },
  /** A mode global has the wrong type or value (details: `file`, `global`). */
  LUA_ERR_MODE_GLOBAL: { status: 500, cause: 'a mode global is missing or invalid' },
  /** A required match callback is not defined (details: `file`, `callback`). */
  LUA_ERR_MISSING_CALLBACK: { status: 500, cause: 'a required callback is not a function' },
  /** `config.lua` did not return a table of `mode = "path.lua"` (details: `file`, `mode`). */
  LUA_ERR_CONFIG: { status: 500, cause: 'config.lua is invalid' },
  /** A path leaves the game folder, goes through a symlink out of it, or names no file (details: `path`). */
  LUA_ERR_PATH: { status: 500, cause: 'a script path is outside the game folder or missing' },
  /** The runtime was closed. */
  LUA_ERR_CLOSED: { status: 500, cause: 'the Lua runtime or engine is closed' },
} as const);

export type LuaErrorCode = keyof typeof LUA_ERRORS;

/** A load-time failure with a code and safe details (`file`, `line`, `global`, ...). */
export class LuaLoadError extends Error {
  override readonly name = 'LuaLoadError';
  constructor(
    readonly code: LuaErrorCode,
    readonly details: Readonly<Record<string, unknown>>,
    message: string,
  ) {
    super(message);
  }
}

export function isLuaLoadError(e: unknown, code?: LuaErrorCode): e is LuaLoadError {
  return e instanceof LuaLoadError && (code === undefined || e.code === code);
}

/** Why a script call failed: its instruction budget ran out, the engine hit its memory cap, or it raised an error. */
export type LuaFailureKind = 'timeout' | 'memory' | 'runtime_error' | 'syntax_error' | 'missing';

/** A failed script call: never thrown, returned. `where` is `file.lua:line` when known. */
export interface LuaFailure {
  readonly ok: false;
  readonly kind: LuaFailureKind;
  readonly message: string;
  readonly where?: string;
}

export interface LuaSuccess<T> {
  readonly ok: true;
  readonly value: T;
}

export type LuaResult<T> = LuaSuccess<T> | LuaFailure;

const WHERE_RE = /^([^\s:][^:\n]*\.lua):(\d+):/;

/** `file.lua:12` out of a Lua error message, when it starts with one. */
export function whereOf(message: string): string | undefined {
  const m = WHERE_RE.exec(message);
  return m === null ? undefined : `${m[1]}:${m[2]}`;
}
