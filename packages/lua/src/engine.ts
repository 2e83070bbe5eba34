/**
 * `ScriptEngine`: one sandboxed Lua 5.4 state (wasmoon, `enableProxy: false`: values cross as copies).
 * Only the safe libraries are opened (base, table, string, utf8, math, os reduced to clock/time/date/
 * difftime); `io`, `package`, `debug`, `coroutine`, `dofile`, `loadfile`, `string.dump`, `collectgarbage`
 * and `print` are gone; `load` is text-only in the sandbox env; `setmetatable` refuses `__gc`. Every call
 * runs under an instruction budget (a count hook) and the engine under a memory cap. Calls never throw:
 * they return a {@link LuaResult}.
 *
 * @example
 * const rt = await LuaRuntime.create();
 * const e = rt.createEngine({ memoryMaxBytes: 32 * 1024 * 1024 });
 * e.exec('function add(a, b) return a + b end', '@math.lua');
 * e.call('add', [1, 2]); // { ok: true, value: [3] }
 */
import { LuaEngine, LuaLibraries, type LuaWasm } from 'wasmoon';
import { whereOf, type LuaFailure, type LuaFailureKind, type LuaResult } from './errors.js';
import { PRELUDE } from './internal/prelude.js';

/** What `require(name)` resolves to: the module's source and its chunk name (`@bots/chaser.lua`), or why not. */
export type ModuleSource = { readonly source: string; readonly chunk: string } | { readonly error: string };

export interface EngineOptions {
  /** Memory cap of this engine's Lua heap, bytes (default 64 MiB). */
  readonly memoryMaxBytes?: number;
  /** Instruction budget of a call when the call names none (default 10 000 000). */
  readonly defaultBudget?: number;
  /** CPU time limit of a call when the call names none, ms (default 1000). */
  readonly defaultTimeLimitMs?: number;
  /** Most table entries one call may return, all tables together (default 200 000). */
  readonly maxReturnEntries?: number;
  /** Resolves `require(name)` (default: every require fails with "modules are not available"). */
  readonly readModule?: (name: string) => ModuleSource;
}

/** Limits of one call: instructions (counted by a hook every 10 000) and CPU time (checked at the same points). */
export interface CallLimits {
  readonly instructions?: number;
  readonly timeLimitMs?: number;
}

/** Options of one call beyond its limits: resident slots (see {@link ScriptEngine.slot}). */
export interface CallOptions extends CallLimits {
  /** Store the first result (a table; nil leaves the slot as it was) in this slot, as a plain copy. */
  readonly storeIn?: string;
  /** Leave the first result out of the returned values (it was stored and is not needed in JS). */
  readonly skipFirst?: boolean;
  /** Hand slot arguments to the function as they are, not as copies (it must not change them). */
  readonly shareSlots?: boolean;
}

const SLOT_KEY = '__hajime_slot';

/** An argument standing for a resident slot (at most one per call). */
export interface SlotRef {
  readonly __hajime_slot: string;
}

export const ENGINE_DEFAULTS = Object.freeze({ memoryMaxBytes: 64 * 1024 * 1024, defaultBudget: 10_000_000, defaultTimeLimitMs: 1000, maxReturnEntries: 200_000 });

const BUDGET_MSG = '__hajime_budget_exceeded__';
const SAFE_LIBS = [LuaLibraries.Base, LuaLibraries.Table, LuaLibraries.String, LuaLibraries.UTF8, LuaLibraries.Math, LuaLibraries.OS, LuaLibraries.Debug] as const;

type Fn = (...args: unknown[]) => unknown;
interface Runner {
  call: Fn;
  exec: Fn;
  read: Fn;
  kind: Fn;
  clear_require: Fn;
  set_slot: Fn;
  get_slot: Fn;
}
type RawResult = { ok: false; kind: LuaFailureKind; message: unknown; where?: unknown };

function failure(kind: LuaFailureKind, message: string, where?: string): LuaFailure {
  const w = where ?? whereOf(message);
  return w === undefined ? { ok: false, kind, message: message.slice(0, 2000) } : { ok: false, kind, message: message.slice(0, 2000), where: w };
}

function fromThrown(e: unknown): LuaFailure {
  const msg = e instanceof Error ? e.message : String(e);
  if (msg.includes(BUDGET_MSG)) return failure('timeout', 'instruction budget exceeded');
  if (msg.includes('not enough memory')) return failure('memory', 'not enough memory');
  return failure('runtime_error', msg.split('\n')[0] ?? msg);
}

function toResult(raw: unknown): LuaResult<unknown[]> {
  if (typeof raw === 'string') {
    const out = JSON.parse(raw) as unknown[];
    for (let i = 0; i < out.length; i++) if (out[i] === null) out[i] = undefined;
    return { ok: true, value: out };
  }
  if (typeof raw !== 'object' || raw === null) return failure('runtime_error', 'the runner returned no result');
  const r = raw as RawResult;
  const message = typeof r.message === 'string' ? r.message : 'error';
  return failure(r.kind, message, typeof r.where === 'string' ? r.where : undefined);
}

export class ScriptEngine {
  readonly #engine: LuaEngine;
  readonly #runner: Runner;
  readonly #defaultBudget: number;
  readonly #defaultMs: number;
  #closed = false;

  /** Use {@link LuaRuntime.createEngine}. */
  constructor(module: LuaWasm, options: EngineOptions = {}) {
    const memoryMax = options.memoryMaxBytes ?? ENGINE_DEFAULTS.memoryMaxBytes;
    this.#defaultBudget = options.defaultBudget ?? ENGINE_DEFAULTS.defaultBudget;
    this.#defaultMs = options.defaultTimeLimitMs ?? ENGINE_DEFAULTS.defaultTimeLimitMs;
    const readModule = options.readModule ?? (() => ({ error: 'modules are not available' }));
    this.#engine = new LuaEngine(module, { openStandardLibs: false, enableProxy: false, injectObjects: false, traceAllocations: true });
    for (const lib of SAFE_LIBS) this.#engine.global.loadLibrary(lib);
    this.#engine.global.set('__hajime_host', {
      node_max: options.maxReturnEntries ?? ENGINE_DEFAULTS.maxReturnEntries,
      read_module: (name: unknown) => {
        try {
          return typeof name === 'string' ? readModule(name) : { error: 'module name must be a string' };
        } catch (e) {
          return { error: e instanceof Error ? e.message : 'module lookup failed' };
        }
      },
    });
    this.#engine.global.loadString(PRELUDE, '=hajime');
    this.#runner = this.#engine.global.runSync()[0] as Runner;
    this.#engine.global.setMemoryMax(memoryMax);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes of Lua heap in use. */
  get memoryUsedBytes(): number {
    return this.#closed ? 0 : this.#engine.global.getMemoryUsed();
  }

  /** Runs a script body (`chunk` is its name in error messages: `@match.lua` → `match.lua:12: ...`). */
  exec(source: string, chunk: string, limits: CallLimits = {}): LuaResult<unknown[]> {
    return this.#run(() => this.#runner.exec(limits.instructions ?? this.#defaultBudget, limits.timeLimitMs ?? this.#defaultMs, source, chunk));
  }

  /** Calls the global function `name` with `args` (copied in); returns its results as plain data. `missing` when it is not a function. */
  call(name: string, args: readonly unknown[], options: CallOptions = {}): LuaResult<unknown[]> {
    let slotIndex = 0;
    let slotName: string | undefined;
    let pass = args;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (typeof a === 'object' && a !== null && SLOT_KEY in a) {
        slotIndex = i + 1;
        slotName = (a as SlotRef).__hajime_slot;
        pass = [...args];
        (pass as unknown[])[i] = undefined;
        break;
      }
    }
    const budget = options.instructions ?? this.#defaultBudget;
    const ms = options.timeLimitMs ?? this.#defaultMs;
    return this.#run(() => this.#runner.call(budget, ms, options.storeIn, options.skipFirst === true, options.shareSlots === true, slotIndex, slotName, name, ...pass));
  }

  /** An argument that stands for the resident slot `name` (the function gets a copy of its value). */
  static slot(name: string): SlotRef {
    return { __hajime_slot: name };
  }

  /** Puts `value` (copied into Lua) in the resident slot `name`. */
  setSlot(name: string, value: unknown): LuaResult<void> {
    if (this.#closed) return failure('runtime_error', 'the engine is closed');
    try {
      this.#runner.set_slot(name, value);
      return { ok: true, value: undefined };
    } catch (e) {
      return fromThrown(e);
    }
  }

  /** The value of the resident slot `name`, as plain data. */
  getSlot(name: string): LuaResult<unknown> {
    const r = this.#run(() => this.#runner.get_slot(name));
    return r.ok ? { ok: true, value: r.value[0] } : r;
  }

  /** The global `name` as plain data (a function or userdata in it is a failure). */
  read(name: string): LuaResult<unknown> {
    const r = this.#run(() => this.#runner.read(name));
    return r.ok ? { ok: true, value: r.value[0] } : r;
  }

  /** The Lua type of the global `name` (`"nil"`, `"function"`, `"table"`, ...). */
  typeOf(name: string): string {
    if (this.#closed) return 'nil';
    try {
      return String(this.#runner.kind(name));
    } catch {
      return 'nil';
    }
  }

  /** Sets a global (a host API table of functions, a constant). */
  setGlobal(name: string, value: unknown): void {
    if (!this.#closed) this.#engine.global.set(name, value);
  }

  /** Forgets every module `require` has loaded (on reload). */
  clearRequireCache(): void {
    if (!this.#closed) this.#runner.clear_require();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#engine.global.close();
  }

  #run(f: () => unknown): LuaResult<unknown[]> {
    if (this.#closed) return failure('runtime_error', 'the engine is closed');
    try {
      return toResult(f());
    } catch (e) {
      return fromThrown(e);
    }
  }
}
