/**
 * `LuaGame`: a loaded game folder at run time. It creates the engines of a mode (each runs the mode's
 * last good script body), remembers them per mode, and reloads: on a change of a `.lua` file (the
 * {@link FolderWatcher}, or `reload(files)` by hand) the changed mode script is first checked in a probe
 * engine, then its body is re-executed inside every running engine of that mode (functions and globals
 * replaced, the game state, held by the host, untouched; `init` not re-run; `require` caches cleared). A
 * syntax or runtime error keeps the old code and is reported with file:line. A changed module (any other
 * `.lua`) reloads every mode; a changed `config.lua` re-reads the mode table. Mode-shape changes are
 * events (`mode_changed`), for the host to apply to new matches.
 *
 * @example
 * const game = await LuaGame.open('/app/game', { reload: true });
 * game.on((ev) => { if (ev.type === 'reload_failed') console.error(ev.where, ev.message); });
 * const engine = game.createEngine('default', { game: hostApi });
 */
import { LuaLoadError, whereOf, type LuaFailure } from './errors.js';
import type { ScriptEngine } from './engine.js';
import { engineFor, execOrThrow, loadGameFolder, loadModeScript, readConfig, loadLimits, type GameFolder, type LoadOptions, type ModeScript } from './game-folder.js';
import { LuaRuntime } from './runtime.js';
import { FolderWatcher, type WatcherOptions } from './watcher.js';

export type LuaGameEvent =
  | { readonly type: 'reloaded'; readonly mode: string; readonly file: string; readonly engines: number }
  | { readonly type: 'reload_failed'; readonly mode?: string; readonly file: string; readonly message: string; readonly where?: string; readonly code: string }
  | { readonly type: 'mode_changed'; readonly mode: string; readonly script: ModeScript }
  | { readonly type: 'mode_removed'; readonly mode: string };

export interface LuaGameOptions extends LoadOptions {
  /** Watch the folder and reload on save (default true; `false` = never reload, not even by `reload()`). */
  readonly reload?: boolean;
  /** Watcher timing (debounce, poll). */
  readonly watch?: WatcherOptions;
  /** Instruction budget of a reload's re-execution in one engine (default 50 000 000). */
  readonly reloadBudget?: number;
  /** The runtime to use (default: a new one, closed with the game). */
  readonly runtime?: LuaRuntime;
}

export class LuaGame {
  readonly runtime: LuaRuntime;
  readonly root: string;
  readonly #options: LuaGameOptions;
  readonly #ownRuntime: boolean;
  #folder: GameFolder;
  readonly #engines = new Map<string, Set<ScriptEngine>>();
  readonly #listeners = new Set<(ev: LuaGameEvent) => void>();
  #watcher: FolderWatcher | undefined;
  #closed = false;

  private constructor(runtime: LuaRuntime, own: boolean, root: string, folder: GameFolder, options: LuaGameOptions) {
    this.runtime = runtime;
    this.#ownRuntime = own;
    this.root = root;
    this.#folder = folder;
    this.#options = options;
  }

  /** Loads `root` (throws a {@link LuaLoadError} on a broken script) and starts the watcher unless `reload: false`. */
  static async open(root: string, options: LuaGameOptions = {}): Promise<LuaGame> {
    const runtime = options.runtime ?? (await LuaRuntime.create());
    try {
      const folder = loadGameFolder(runtime, root, options);
      const game = new LuaGame(runtime, options.runtime === undefined, root, folder, options);
      if (options.reload !== false) {
        game.#watcher = new FolderWatcher(root, (files) => void game.reload(files), options.watch ?? {});
        game.#watcher.start();
      }
      return game;
    } catch (e) {
      if (options.runtime === undefined) runtime.close();
      throw e;
    }
  }

  /** The folder as last loaded (modes with their good sources and shapes). */
  get folder(): GameFolder {
    return this.#folder;
  }

  get modes(): Readonly<Record<string, ModeScript>> {
    return this.#folder.modes;
  }

  /** Subscribes to reload events; returns the unsubscribe function. */
  on(listener: (ev: LuaGameEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A new engine of `mode` with `globals` set, its script body run. Throws `LUA_ERR_SCRIPT` if the body fails. */
  createEngine(mode: string, globals: Readonly<Record<string, unknown>> = {}): ScriptEngine {
    if (this.#closed) throw new LuaLoadError('LUA_ERR_CLOSED', {}, 'the game is closed');
    const script = this.#folder.modes[mode];
    if (script === undefined) throw new LuaLoadError('LUA_ERR_PATH', { mode }, `unknown Lua mode "${mode}"`);
    const engine = engineFor(this.runtime, this.root, script.file, this.#options, globals);
    try {
      execOrThrow(engine, script.source, script.relFile, loadLimits(this.#options));
    } catch (e) {
      engine.close();
      throw e;
    }
    let set = this.#engines.get(mode);
    if (set === undefined) this.#engines.set(mode, (set = new Set()));
    set.add(engine);
    return engine;
  }

  /** Closes an engine created by {@link createEngine} and forgets it. */
  releaseEngine(engine: ScriptEngine): void {
    for (const set of this.#engines.values()) set.delete(engine);
    engine.close();
  }

  /** Running engines of `mode`. */
  enginesOf(mode: string): number {
    return this.#engines.get(mode)?.size ?? 0;
  }

  /**
   * Applies changed files (paths relative to the folder; default: every mode script). Returns the events
   * it emitted. Does nothing when reload is off.
   */
  reload(files?: readonly string[]): LuaGameEvent[] {
    if (this.#closed || this.#options.reload === false) return [];
    const events: LuaGameEvent[] = [];
    const emit = (ev: LuaGameEvent) => {
      events.push(ev);
      for (const l of this.#listeners) {
        try {
          l(ev);
        } catch {
          // a listener's failure is its own
        }
      }
    };
    const changed = new Set(files ?? Object.values(this.#folder.modes).map((m) => m.relFile));
    if (changed.has('config.lua')) this.#reloadConfig(emit);
    const scripts = new Set(Object.values(this.#folder.modes).map((m) => m.relFile));
    const moduleChanged = [...changed].some((f) => f !== 'config.lua' && !scripts.has(f));
    for (const m of Object.values(this.#folder.modes)) {
      if (changed.has(m.relFile) || moduleChanged) this.#reloadMode(m, emit);
    }
    return events;
  }

  /** Stops the watcher and closes every engine (and the runtime when the game created it). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#watcher?.close();
    for (const set of this.#engines.values()) for (const e of set) e.close();
    this.#engines.clear();
    if (this.#ownRuntime) this.runtime.close();
  }

  #failed(emit: (ev: LuaGameEvent) => void, file: string, e: unknown, mode?: string): void {
    const message = e instanceof Error ? e.message : String(e);
    const where = whereOf(message) ?? (e instanceof LuaLoadError && typeof e.details['line'] === 'number' ? `${file}:${e.details['line']}` : undefined);
    emit({ type: 'reload_failed', file, message, code: e instanceof LuaLoadError ? e.code : 'LUA_ERR_SCRIPT', ...(mode === undefined ? {} : { mode }), ...(where === undefined ? {} : { where }) });
  }

  #reloadConfig(emit: (ev: LuaGameEvent) => void): void {
    let next: Record<string, ModeScript>;
    try {
      const cfg = readConfig(this.runtime, this.root, this.#options);
      next = {};
      for (const [mode, p] of Object.entries(cfg.modes)) {
        const cur = this.#folder.modes[mode];
        next[mode] = cur !== undefined && cur.relFile === p.replace(/^\.\//, '') ? cur : loadModeScript(this.runtime, this.root, mode, p, this.#options);
      }
    } catch (e) {
      this.#failed(emit, 'config.lua', e);
      return;
    }
    const before = this.#folder.modes;
    this.#folder = Object.freeze({ ...this.#folder, modes: Object.freeze(next) });
    for (const mode of Object.keys(before)) if (next[mode] === undefined) emit({ type: 'mode_removed', mode });
    for (const [mode, s] of Object.entries(next)) if (before[mode] !== s) emit({ type: 'mode_changed', mode, script: s });
  }

  #reloadMode(m: ModeScript, emit: (ev: LuaGameEvent) => void): void {
    let next: ModeScript;
    try {
      next = loadModeScript(this.runtime, this.root, m.mode, m.relFile, this.#options);
    } catch (e) {
      this.#failed(emit, m.relFile, e, m.mode);
      return;
    }
    this.#folder = Object.freeze({ ...this.#folder, modes: Object.freeze({ ...this.#folder.modes, [m.mode]: next }) });
    const engines = [...(this.#engines.get(m.mode) ?? [])];
    let ok = 0;
    for (const engine of engines) {
      engine.clearRequireCache();
      const r = engine.exec(next.source, '@' + next.relFile, { ...loadLimits(this.#options), ...(this.#options.reloadBudget === undefined ? {} : { instructions: this.#options.reloadBudget }) });
      if (r.ok) ok += 1;
      else this.#failed(emit, next.relFile, new Error(failMessage(r)), m.mode);
    }
    emit({ type: 'reloaded', mode: m.mode, file: next.relFile, engines: ok });
    if (JSON.stringify(next.shape) !== JSON.stringify(m.shape)) emit({ type: 'mode_changed', mode: m.mode, script: next });
  }
}

function failMessage(r: LuaFailure): string {
  return r.where !== undefined && !r.message.startsWith(r.where) ? `${r.where}: ${r.message}` : r.message;
}
