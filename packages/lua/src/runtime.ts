/**
 * `LuaRuntime`: one wasmoon `LuaFactory` (one WebAssembly module) per runtime instance, never module
 * state. `create()` loads the module once; engines are then created synchronously, so a match restarted
 * after a crash can build its engine inside any callback.
 *
 * @example
 * const rt = await LuaRuntime.create();
 * const e = rt.createEngine();
 * e.exec('x = 1', '@x.lua');
 */
import { LuaFactory, type LuaWasm } from 'wasmoon';
import { ScriptEngine, type EngineOptions } from './engine.js';

export class LuaRuntime {
  readonly #module: LuaWasm;
  readonly #engines = new Set<ScriptEngine>();

  private constructor(module: LuaWasm) {
    this.#module = module;
  }

  /** Loads the Lua WebAssembly module of a new factory. */
  static async create(): Promise<LuaRuntime> {
    const factory = new LuaFactory();
    return new LuaRuntime(await factory.getLuaModule());
  }

  /** A new sandboxed engine (see {@link ScriptEngine}). */
  createEngine(options: EngineOptions = {}): ScriptEngine {
    const e = new ScriptEngine(this.#module, options);
    this.#engines.add(e);
    return e;
  }

  /** Engines created and not yet closed. */
  get openEngines(): number {
    for (const e of this.#engines) if (e.closed) this.#engines.delete(e);
    return this.#engines.size;
  }

  /** Closes every engine of this runtime. */
  close(): void {
    for (const e of this.#engines) e.close();
    this.#engines.clear();
  }
}
