/**
 * Bot scripts (asobi §2.25): a Lua file defining `think(bot_id, state) -> input table` and optionally a
 * `names` list. Each bot runs its own sandboxed engine (the same sandbox as match scripts, but no `game`
 * table), and every `think` runs under a 50 ms CPU limit and an instruction budget. Where the script
 * comes from: `bots = {script = "bots/chaser.lua"}` (a path, or a module name `bots.chaser`) of a Lua
 * mode, resolved inside the game folder ({@link luaBotScripts}).
 */
import { readFileSync } from 'node:fs';
import { MODULE_NAME_RE, moduleReader, resolveInside, type LuaResult, type LuaRuntime, type ModuleSource, type ScriptEngine } from '@hajime/lua';

/** A bot script's text and where its `require`s resolve. */
export interface BotScriptSource {
  readonly source: string;
  /** Chunk name for messages (`@bots/chaser.lua`). */
  readonly chunk: string;
  readonly readModule?: (name: string) => ModuleSource;
}

export const BOT_SCRIPT_DEFAULTS = Object.freeze({ thinkTimeLimitMs: 50, thinkInstructions: 5_000_000, loadInstructions: 50_000_000, memoryMaxBytes: 16 * 1024 * 1024 });

export interface BotScriptOptions {
  /** CPU time of one `think`, ms (default 50). */
  readonly thinkTimeLimitMs?: number;
  /** Instruction budget of one `think` (default 5 000 000). */
  readonly thinkInstructions?: number;
  /** Memory cap of a bot's engine, bytes (default 16 MiB). */
  readonly memoryMaxBytes?: number;
}

/** One bot's loaded script. `think` never throws; a failure is a {@link LuaResult} failure. */
export class BotScript {
  readonly #engine: ScriptEngine;
  readonly #limits: { instructions: number; timeLimitMs: number };
  /** Why the body failed to run (then every `think` fails with it). */
  readonly loadError: string | undefined;

  constructor(runtime: LuaRuntime, src: BotScriptSource, options: BotScriptOptions = {}) {
    this.#engine = runtime.createEngine({
      memoryMaxBytes: options.memoryMaxBytes ?? BOT_SCRIPT_DEFAULTS.memoryMaxBytes,
      ...(src.readModule === undefined ? {} : { readModule: src.readModule }),
    });
    this.#limits = {
      instructions: options.thinkInstructions ?? BOT_SCRIPT_DEFAULTS.thinkInstructions,
      timeLimitMs: options.thinkTimeLimitMs ?? BOT_SCRIPT_DEFAULTS.thinkTimeLimitMs,
    };
    const r = this.#engine.exec(src.source, src.chunk, { instructions: BOT_SCRIPT_DEFAULTS.loadInstructions, timeLimitMs: 1_000 });
    this.loadError = r.ok ? undefined : r.where === undefined ? r.message : `${r.where}: ${r.message}`;
  }

  /** The script's `names` list (strings only), or undefined when it declares none. */
  names(): string[] | undefined {
    if (this.loadError !== undefined) return undefined;
    const r = this.#engine.read('names');
    if (!r.ok || !Array.isArray(r.value)) return undefined;
    const names = r.value.filter((n): n is string => typeof n === 'string' && n.length > 0);
    return names.length > 0 ? names : undefined;
  }

  /**
   * Calls `think(botId, state)`: `{ok: true, value: input}` (a table; `undefined` when `think` returned nil),
   * or a failure (`missing` think, `timeout`, `memory`, `runtime_error`, a non-table result).
   */
  think(botId: string, state: unknown): LuaResult<Record<string, unknown> | undefined> {
    if (this.loadError !== undefined) return { ok: false, kind: 'runtime_error', message: this.loadError };
    if (this.#engine.typeOf('think') !== 'function') return { ok: false, kind: 'missing', message: 'think is not defined' };
    const r = this.#engine.call('think', [botId, state], this.#limits);
    if (!r.ok) return r;
    const v = r.value[0];
    if (v === undefined) return { ok: true, value: undefined };
    if (typeof v !== 'object' || v === null) return { ok: false, kind: 'runtime_error', message: 'think must return a table or nil' };
    return { ok: true, value: v as Record<string, unknown> };
  }

  close(): void {
    this.#engine.close();
  }
}

/**
 * The bot script of `script` (a path like `bots/chaser.lua`, or a module name like `bots.chaser`) inside
 * the game folder `root`. Throws a `LuaLoadError` (`LUA_ERR_PATH`) when it leaves the folder or is missing.
 */
export function readBotScript(root: string, script: string): BotScriptSource {
  const rel = !script.endsWith('.lua') && MODULE_NAME_RE.test(script) ? script.split('.').join('/') + '.lua' : script;
  const file = resolveInside(root, rel);
  return { source: readFileSync(file, 'utf8'), chunk: '@' + rel, readModule: moduleReader(root, file) };
}
