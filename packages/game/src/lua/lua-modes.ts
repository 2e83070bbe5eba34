/**
 * `createLuaModes(gameDir, options)`: the Lua modes of a game folder as {@link ModeConfig}s, plus the
 * reloader. Each mode's behaviour runs one engine per match (see `bridge.ts`); mode globals become the
 * mode's shape (`match_size` → `matchSize`, `tick_rate` → `tickMs`, ...). On save, the changed script
 * runs again inside every running engine of its mode (state kept, `init` not re-run); a changed shape
 * (or a new or removed mode in `config.lua`) is a `mode_changed`/`mode_removed` event, so the server can
 * update its `ModeRegistry` for new matches. World modes (`game_type = "world"`) are left out for now.
 *
 * @example
 * const lua = await createLuaModes('/app/game', { services });
 * const registry = new ModeRegistry(lua.modes);
 * lua.reloader.on((ev) => {
 *   if (ev.type === 'mode_changed') registry.set(ev.mode, ev.config);
 *   if (ev.type === 'mode_removed') registry.delete(ev.mode);
 * });
 */
import { LuaGame, type EngineOptions, type LuaGameEvent, type LuaRuntime, type ModeScript, type WatcherOptions } from '@hajime/lua';
import type { ModeConfig } from '../modes.js';
import { LUA_CALLBACK_BUDGETS, LUA_CALLBACK_TIME_LIMITS_MS, LuaBridge, type BridgeLog, type LuaCallback } from './bridge.js';
import type { LuaHostServices } from './host-services.js';
import { luaBehaviour } from './lua-behaviour.js';
import { createGameApi } from './host-api.js';
import { PerSecond } from './limits.js';
import { LuaWorkerPool } from './worker/pool.js';
import type { WorkerModesOptions } from './worker/messages.js';

export interface LuaModesOptions {
  /** The Lua runtime (default: a new one, closed by `close()`). */
  readonly runtime?: LuaRuntime;
  /** Hot reload on save (default true). `false`: no watcher, and `reloader.reload()` does nothing. */
  readonly reload?: boolean;
  /** Watcher timing: `debounceMs` (default 50), `pollIntervalMs` (default 500), `fsWatch` (default true). */
  readonly watch?: WatcherOptions;
  /** Engine limits: `memoryMaxBytes` (default 64 MiB), `maxReturnEntries` (default 200 000). */
  readonly engine?: Omit<EngineOptions, 'readModule'>;
  /** Instruction budgets per callback (defaults: {@link LUA_CALLBACK_BUDGETS}). */
  readonly budgets?: Partial<Record<LuaCallback, number>>;
  /** CPU time limits per callback, ms (defaults: {@link LUA_CALLBACK_TIME_LIMITS_MS}). */
  readonly timeLimitsMs?: Partial<Record<LuaCallback, number>>;
  /** Instruction budget of a script body at load and reload (default 50 000 000). */
  readonly loadBudget?: number;
  /** The services behind `game.bots/economy/leaderboard/notify/storage/chat` (default none: `not_available`). */
  readonly services?: LuaHostServices;
  /** Node-level log (reload events, failures outside a match callback). Default: none. */
  readonly log?: BridgeLog;
  /** Wall clock for the rate limits, Unix ms (default `Date.now`; match callbacks use the match clock). */
  readonly now?: () => number;
  /** A callback failure is logged once per (script, callback) per this window, ms (default 10 000). */
  readonly errorWindowMs?: number;
  /** `game.log` lines per match per second (default 30) and per node per second (default 300). */
  readonly logPerMatchPerSecond?: number;
  readonly logPerNodePerSecond?: number;
  /** Fields merged into every mode config (`waitingTimeoutMs`, `reconnect`, `config`...). */
  readonly modeDefaults?: Omit<ModeConfig, 'behaviour'>;
  /**
   * Run match engines in this many worker threads (default 0: in this thread). Each match's engine lives
   * in one worker; callbacks of different matches then run on different cores. See `worker/pool.ts` and
   * guides/lua-scripting.md ("Worker threads") for what changes.
   */
  readonly workers?: number;
  /**
   * Ticks hand the state out as its JSON text, `{lua_state}` (default false: plain data). For a host that
   * only passes the state on: a worker thread sets it (see `lua-behaviour.ts`).
   */
  readonly textState?: boolean;
}

export const LUA_MODES_DEFAULTS = Object.freeze({ errorWindowMs: 10_000, logPerMatchPerSecond: 30, logPerNodePerSecond: 300 });

export type LuaModesEvent = LuaGameEvent | { readonly type: 'mode_config'; readonly mode: string; readonly config: ModeConfig };

export interface LuaReloader {
  /** Whether reload is on. */
  readonly enabled: boolean;
  /** Applies changed files now (relative paths; default every mode script); returns the events. */
  reload(files?: readonly string[]): LuaModesEvent[];
  /** Subscribes to reload events (`reloaded`, `reload_failed`, `mode_changed`, `mode_removed`, `mode_config`). */
  on(listener: (ev: LuaModesEvent) => void): () => void;
}

export interface LuaModes {
  /** The current match modes (replaced on a shape change). */
  readonly modes: Readonly<Record<string, ModeConfig>>;
  /** World modes found (not run by the match bridge). */
  readonly worlds: readonly string[];
  readonly reloader: LuaReloader;
  /** The loaded game (engines, folder). */
  readonly game: LuaGame;
  /** Live match engines. */
  readonly engines: number;
  /** The worker pool, when `workers` > 0. */
  readonly workerPool: LuaWorkerPool | undefined;
  /** Stops the watcher and closes every engine. */
  close(): void;
}

/** The options a worker's own `createLuaModes` gets (the serialisable ones). */
function workerOptions(o: LuaModesOptions): WorkerModesOptions {
  const out: Record<string, unknown> = {};
  for (const k of ['reload', 'watch', 'engine', 'budgets', 'timeLimitsMs', 'loadBudget', 'errorWindowMs', 'logPerMatchPerSecond', 'logPerNodePerSecond'] as const) {
    if (o[k] !== undefined) out[k] = o[k];
  }
  return out as WorkerModesOptions;
}

/** A mode's config from its script's globals. */
export function modeConfigOf(bridge: LuaBridge, s: ModeScript, defaults: Omit<ModeConfig, 'behaviour'> = {}, pool?: LuaWorkerPool, textState = false): ModeConfig {
  const sh = s.shape;
  const shared = sh.stateStrategy === 'shared';
  const local = luaBehaviour(bridge, s.mode, shared, textState && pool === undefined);
  return {
    ...defaults,
    behaviour: pool === undefined ? local : pool.behaviour(s.mode, shared, local),
    matchSize: sh.matchSize,
    minPlayers: sh.minPlayers,
    maxPlayers: sh.maxPlayers,
    strategy: sh.strategy,
    ...(sh.tickRateMs === undefined ? {} : { tickMs: sh.tickRateMs }),
    ...(sh.listed === undefined ? {} : { listed: sh.listed }),
    ...(sh.quickPlay === undefined ? {} : { quickPlay: sh.quickPlay }),
  };
}

/**
 * Loads the game folder `gameDir` (throws a `LuaLoadError` naming file:line or file+global when a script
 * is broken) and returns its match modes.
 */
export async function createLuaModes(gameDir: string, options: LuaModesOptions = {}): Promise<LuaModes> {
  const log: BridgeLog = options.log ?? (() => undefined);
  const game = await LuaGame.open(gameDir, {
    ...(options.runtime === undefined ? {} : { runtime: options.runtime }),
    ...(options.reload === undefined ? {} : { reload: options.reload }),
    ...(options.watch === undefined ? {} : { watch: options.watch }),
    ...(options.engine === undefined ? {} : { engine: options.engine }),
    ...(options.loadBudget === undefined ? {} : { loadBudget: options.loadBudget, reloadBudget: options.loadBudget }),
    // the probe engines (load and reload checks) get a game table whose calls act on no match
    globals: (mode) => ({
      game: createGameApi({
        matchId: '',
        mode,
        current: () => undefined,
        services: {},
        matchLog: new PerSecond(0),
        nodeLog: new PerSecond(0),
        now: Date.now,
        report: () => undefined,
      }),
    }),
  });
  const bridge = new LuaBridge(game, {
    budgets: { ...LUA_CALLBACK_BUDGETS, ...options.budgets },
    timeLimitsMs: { ...LUA_CALLBACK_TIME_LIMITS_MS, ...options.timeLimitsMs },
    services: options.services ?? {},
    errorWindowMs: options.errorWindowMs ?? LUA_MODES_DEFAULTS.errorWindowMs,
    logPerMatchPerSecond: options.logPerMatchPerSecond ?? LUA_MODES_DEFAULTS.logPerMatchPerSecond,
    logPerNodePerSecond: options.logPerNodePerSecond ?? LUA_MODES_DEFAULTS.logPerNodePerSecond,
    log,
    now: options.now ?? Date.now,
  });
  const defaults = options.modeDefaults ?? {};
  let pool: LuaWorkerPool | undefined;
  if (options.workers !== undefined && options.workers > 0) {
    pool = new LuaWorkerPool(options.workers, gameDir, workerOptions(options), options.services ?? {}, log);
    try {
      await pool.start();
    } catch (e) {
      await pool.close();
      game.close();
      throw e;
    }
  }
  let modes: Record<string, ModeConfig> = {};
  const worlds: string[] = [];
  for (const s of Object.values(game.modes)) {
    if (s.shape.gameType === 'world') worlds.push(s.mode);
    else modes[s.mode] = modeConfigOf(bridge, s, defaults, pool, options.textState === true);
  }
  const listeners = new Set<(ev: LuaModesEvent) => void>();
  const emit = (ev: LuaModesEvent) => {
    for (const l of listeners) {
      try {
        l(ev);
      } catch {
        // a listener's failure is its own
      }
    }
  };
  game.on((ev) => {
    if (ev.type === 'reload_failed') log('error', 'lua_reload_failed', { mode: ev.mode, file: ev.file, where: ev.where, code: ev.code, detail: ev.message.slice(0, 500) });
    if (ev.type === 'reloaded') log('info', 'lua_reloaded', { mode: ev.mode, file: ev.file, engines: ev.engines });
    emit(ev);
    if (ev.type === 'mode_changed' && ev.script.shape.gameType === 'match') {
      const config = modeConfigOf(bridge, ev.script, defaults, pool, options.textState === true);
      modes = { ...modes, [ev.mode]: config };
      emit({ type: 'mode_config', mode: ev.mode, config });
    }
    if (ev.type === 'mode_removed') {
      const { [ev.mode]: _gone, ...rest } = modes;
      modes = rest;
    }
  });
  return {
    get modes() {
      return modes;
    },
    worlds,
    game,
    get engines() {
      return bridge.engines + (pool?.matches ?? 0);
    },
    workerPool: pool,
    reloader: {
      enabled: options.reload !== false,
      reload: (files) => {
        const out: LuaModesEvent[] = [];
        const off = (() => {
          const l = (ev: LuaModesEvent) => void out.push(ev);
          listeners.add(l);
          return () => listeners.delete(l);
        })();
        try {
          game.reload(files);
          pool?.reload(files);
        } finally {
          off();
        }
        return out;
      },
      on: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    close: () => {
      void pool?.close();
      bridge.close();
      game.close();
    },
  };
}
