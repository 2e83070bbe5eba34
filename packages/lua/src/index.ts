/**
 * `@hajime/lua`: a sandboxed Lua 5.4 script runtime (wasmoon), the only package importing wasmoon.
 * Engines with instruction budgets and memory caps whose calls never throw; game folders with mode
 * globals; hot reload. Knows nothing of matches: `@hajime/game` builds its Lua modes on it.
 */

// runtime and engines
export { LuaRuntime } from './runtime.js';
export { isPushable, PUSH_DEPTH_MAX } from './internal/value-pusher.js';
export { ScriptEngine, ENGINE_DEFAULTS, type CallLimits, type CallOptions, type SlotRef, type EngineOptions, type ModuleSource, type StepRequest, type StepResult } from './engine.js';

// errors and results
export { LUA_ERRORS, LuaLoadError, isLuaLoadError, whereOf, type LuaErrorCode, type LuaFailure, type LuaFailureKind, type LuaResult, type LuaSuccess } from './errors.js';

// game folders and mode globals
export { loadGameFolder, loadModeScript, readConfig, loadLimits, REQUIRED_MATCH_CALLBACKS, OPTIONAL_MATCH_CALLBACKS, LOAD_DEFAULTS, type GameFolder, type LoadOptions, type ModeScript } from './game-folder.js';
export { validateModeGlobals, readModeGlobals, MODE_GLOBALS, type ModeShape, type BotsConfig } from './mode-globals.js';
export { MODULE_NAME_RE, resolveInside, moduleReader } from './paths.js';

// hot reload
export { LuaGame, type LuaGameEvent, type LuaGameOptions } from './lua-game.js';
export { FolderWatcher, WATCHER_DEFAULTS, type WatcherOptions, type WatchTimers } from './watcher.js';
