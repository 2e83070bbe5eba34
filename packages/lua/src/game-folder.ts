/**
 * Reading a game folder (asobi §2.24 "Loading"): `config.lua` returning `{mode = "path.lua", ...}` (it wins
 * when both exist) or `match.lua` (one mode, `"default"`); neither = no modes. Each mode script is run in a
 * probe engine: a syntax or runtime error in its body, a bad mode global or a missing required callback
 * is a {@link LuaLoadError} naming the file (and line or global).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LuaLoadError, whereOf } from './errors.js';
import type { CallLimits, EngineOptions, ScriptEngine } from './engine.js';
import { readModeGlobals, type ModeShape } from './mode-globals.js';
import { moduleReader, relName, resolveInside } from './paths.js';
import type { LuaRuntime } from './runtime.js';

/** Callbacks a match script must define (the rest are optional). */
export const REQUIRED_MATCH_CALLBACKS = ['init', 'join', 'leave', 'handle_input', 'tick', 'get_state'] as const;
/** Optional match callbacks. */
export const OPTIONAL_MATCH_CALLBACKS = ['vote_requested', 'vote_resolved', 'phases', 'on_phase_started', 'on_phase_ended'] as const;
const MODE_NAME_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

/** One mode's script, as last loaded successfully. */
export interface ModeScript {
  readonly mode: string;
  /** Absolute real path of the script. */
  readonly file: string;
  /** Path relative to the game folder (`modes/arena.lua`), used in messages and chunk names. */
  readonly relFile: string;
  readonly source: string;
  readonly shape: ModeShape;
}

export interface GameFolder {
  readonly root: string;
  readonly modes: Readonly<Record<string, ModeScript>>;
  /** `guest_auth` / `registration` of `config.lua` (multi-mode games), when declared. */
  readonly guestAuth?: boolean;
  readonly registration?: 'open' | 'oauth_only' | 'closed';
}

export interface LoadOptions {
  /** Options of the probe engines (memory cap, ...). */
  readonly engine?: EngineOptions;
  /** Instruction budget of a script body (default 50 000 000). */
  readonly loadBudget?: number;
  /** CPU time limit of a script body, ms (default 2000). */
  readonly loadTimeLimitMs?: number;
  /** Globals set in every engine before its script body runs (the host API, or a stub of it). */
  readonly globals?: (mode: string) => Readonly<Record<string, unknown>>;
}

export const LOAD_DEFAULTS = Object.freeze({ loadBudget: 50_000_000, loadTimeLimitMs: 2000 });

/** The limits of a script body under `options`. */
export function loadLimits(options: LoadOptions): CallLimits {
  return { instructions: options.loadBudget ?? LOAD_DEFAULTS.loadBudget, timeLimitMs: options.loadTimeLimitMs ?? LOAD_DEFAULTS.loadTimeLimitMs };
}

/** Runs a script body in `engine`; throws `LUA_ERR_SCRIPT` with file and line on failure. */
export function execOrThrow(engine: ScriptEngine, source: string, relFile: string, limits: CallLimits): unknown[] {
  const r = engine.exec(source, '@' + relFile, limits);
  if (r.ok) return r.value;
  const where = r.where ?? whereOf(r.message);
  const line = where === undefined ? undefined : Number(where.slice(where.lastIndexOf(':') + 1));
  throw new LuaLoadError('LUA_ERR_SCRIPT', { file: relFile, ...(line === undefined ? {} : { line }), kind: r.kind }, `${where ?? relFile}: ${r.kind}: ${r.message}`);
}

/** A new engine for `script` of `root` with `require` resolved next to it; `globals` set before the body. */
export function engineFor(runtime: LuaRuntime, root: string, file: string, options: LoadOptions, globals: Readonly<Record<string, unknown>>): ScriptEngine {
  const engine = runtime.createEngine({ ...options.engine, readModule: moduleReader(root, file) });
  for (const [k, v] of Object.entries(globals)) engine.setGlobal(k, v);
  return engine;
}

/** Loads and checks one mode script (probe engine, closed afterwards). */
export function loadModeScript(runtime: LuaRuntime, root: string, mode: string, relPath: string, options: LoadOptions = {}): ModeScript {
  const file = resolveInside(root, relPath);
  const relFile = relName(root, file);
  const source = readFileSync(file, 'utf8');
  const engine = engineFor(runtime, root, file, options, options.globals?.(mode) ?? {});
  try {
    execOrThrow(engine, source, relFile, loadLimits(options));
    const shape = readModeGlobals(engine, relFile);
    if (shape.gameType === 'match') {
      for (const cb of REQUIRED_MATCH_CALLBACKS) {
        if (engine.typeOf(cb) !== 'function') throw new LuaLoadError('LUA_ERR_MISSING_CALLBACK', { file: relFile, callback: cb }, `${relFile}: function ${cb} is not defined`);
      }
    }
    return Object.freeze({ mode, file, relFile, source, shape });
  } finally {
    engine.close();
  }
}

/** The mode table declared by `config.lua` (mode name → script path), plus its guest_auth/registration. */
export function readConfig(runtime: LuaRuntime, root: string, options: LoadOptions = {}): { modes: Record<string, string>; guestAuth?: boolean; registration?: 'open' | 'oauth_only' | 'closed' } {
  const file = resolveInside(root, 'config.lua');
  const engine = engineFor(runtime, root, file, options, {});
  try {
    const out = execOrThrow(engine, readFileSync(file, 'utf8'), 'config.lua', loadLimits(options));
    const t = out[0];
    if (typeof t !== 'object' || t === null || Array.isArray(t)) throw new LuaLoadError('LUA_ERR_CONFIG', { file: 'config.lua' }, 'config.lua must return a table {mode_name = "path.lua", ...}');
    const modes: Record<string, string> = {};
    for (const [mode, p] of Object.entries(t as Record<string, unknown>)) {
      if (!MODE_NAME_RE.test(mode)) throw new LuaLoadError('LUA_ERR_CONFIG', { file: 'config.lua', mode: mode.slice(0, 64) }, `config.lua: mode name "${mode.slice(0, 64)}" must be 1-64 of A-Z a-z 0-9 _ . : -`);
      if (typeof p !== 'string') throw new LuaLoadError('LUA_ERR_CONFIG', { file: 'config.lua', mode }, `config.lua: mode ${mode} must map to a script path string`);
      modes[mode] = p;
    }
    const res: { modes: Record<string, string>; guestAuth?: boolean; registration?: 'open' | 'oauth_only' | 'closed' } = { modes };
    const ga = engine.read('guest_auth');
    if (ga.ok && ga.value !== undefined) {
      if (typeof ga.value !== 'boolean') throw new LuaLoadError('LUA_ERR_MODE_GLOBAL', { file: 'config.lua', global: 'guest_auth' }, 'config.lua: global guest_auth must be true or false');
      res.guestAuth = ga.value;
    }
    const reg = engine.read('registration');
    if (reg.ok && reg.value !== undefined) {
      if (reg.value !== 'open' && reg.value !== 'oauth_only' && reg.value !== 'closed') throw new LuaLoadError('LUA_ERR_MODE_GLOBAL', { file: 'config.lua', global: 'registration' }, 'config.lua: global registration must be "open", "oauth_only" or "closed"');
      res.registration = reg.value;
    }
    return res;
  } finally {
    engine.close();
  }
}

/** Loads every mode of the game folder `root`; throws a {@link LuaLoadError} on the first problem. */
export function loadGameFolder(runtime: LuaRuntime, root: string, options: LoadOptions = {}): GameFolder {
  const modes: Record<string, ModeScript> = {};
  if (existsSync(join(root, 'config.lua'))) {
    const cfg = readConfig(runtime, root, options);
    for (const [mode, p] of Object.entries(cfg.modes)) modes[mode] = loadModeScript(runtime, root, mode, p, options);
    return Object.freeze({
      root,
      modes: Object.freeze(modes),
      ...(cfg.guestAuth === undefined ? {} : { guestAuth: cfg.guestAuth }),
      ...(cfg.registration === undefined ? {} : { registration: cfg.registration }),
    });
  }
  if (existsSync(join(root, 'match.lua'))) {
    const m = loadModeScript(runtime, root, 'default', 'match.lua', options);
    modes['default'] = m;
    return Object.freeze({
      root,
      modes: Object.freeze(modes),
      ...(m.shape.guestAuth === undefined ? {} : { guestAuth: m.shape.guestAuth }),
      ...(m.shape.registration === undefined ? {} : { registration: m.shape.registration }),
    });
  }
  return Object.freeze({ root, modes: Object.freeze(modes) });
}
