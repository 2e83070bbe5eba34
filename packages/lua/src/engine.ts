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
import { HeapReader, NotPlainData } from './internal/heap-reader.js';
import { isPushable, PUSH_DEPTH_MAX, ValuePusher, type PushModule } from './internal/value-pusher.js';
import { directModule } from './internal/direct.js';
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
  /**
   * Count every allocation against the cap (wasmoon's traced allocator, `setMemoryMax`): exact, even for
   * one operation that allocates a lot at once, but each allocation then crosses into JS (about 4× the
   * cost of a table here). Default false: Lua's own heap count is checked every 10 000 instructions and
   * after every call, and `string.rep` before it runs (see guides/lua-scripting.md, "Memory").
   */
  readonly exactMemoryCap?: boolean;
  /**
   * Read call results straight from the WebAssembly heap (default true, when the heap layout checks out).
   * `false` uses wasmoon's conversion and the Lua-side JSON encoder: slower, for comparison and tests.
   */
  readonly readHeap?: boolean;
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
  /** Return every result as its JSON text (a string) instead of as JS data. */
  readonly json?: boolean;
}

/** One tick of a match in one call (see {@link ScriptEngine.step}). */
export interface StepRequest {
  /** Queued inputs as flat pairs: player id, input, player id, input... */
  readonly inputs: readonly unknown[];
  /** Run `tick(state)` after the inputs. */
  readonly tick: boolean;
  /** `none`; `shared`: one `get_state(state)`; `players`: `get_state(player, state)` for each of `players`. */
  readonly views: 'none' | 'shared' | 'players';
  readonly players?: readonly string[];
  /** Check the state is plain data after every callback (slower; finds the callback that broke it). */
  readonly careful?: boolean;
  /** `json`: the state comes back as its JSON text (a string), for a host that only passes it on (default `data`: JS data). */
  readonly stateAs?: 'data' | 'json';
  readonly limits: { readonly input: Required<CallLimits>; readonly tick: Required<CallLimits>; readonly view: Required<CallLimits> };
}

/**
 * A step that ran to the end: the resident state as JS data (JSON text with `stateAs: 'json'`), and each view as JSON text (undefined where
 * that view failed; `viewFailure` says why, once); or where it stopped (`callback` and, for
 * `handle_input`, the 1-based `input`), with the state changed by the failed callback left resident.
 */
export type StepResult =
  | { readonly ok: true; readonly state: unknown; readonly views: readonly (string | undefined)[]; readonly viewFailure?: LuaFailure }
  | { readonly ok: false; readonly callback: string; readonly input: number; readonly failure: LuaFailure };

const SLOT_KEY = '__hajime_slot';

/** An argument standing for a resident slot (at most one per call). */
export interface SlotRef {
  readonly __hajime_slot: string;
}

export const ENGINE_DEFAULTS = Object.freeze({ memoryMaxBytes: 64 * 1024 * 1024, defaultBudget: 10_000_000, defaultTimeLimitMs: 1000, maxReturnEntries: 200_000 });

const BUDGET_MSG = '__hajime_budget_exceeded__';
const SAFE_LIBS = [LuaLibraries.Base, LuaLibraries.Table, LuaLibraries.String, LuaLibraries.UTF8, LuaLibraries.Math, LuaLibraries.OS, LuaLibraries.Debug] as const;

type Fn = (...args: unknown[]) => unknown;
/** The slice of wasmoon's Emscripten module the raw call path uses. */
interface RawModule extends PushModule {
  _lua_gettop(L: number): number;
  _lua_settop(L: number, idx: number): void;
  _lua_rawgeti(L: number, idx: number, n: bigint): number;
  _lua_pcallk(L: number, nargs: number, nresults: number, msgh: number, ctx: number, k: number): number;
  _lua_topointer(L: number, idx: number): number;
  _lua_type(L: number, idx: number): number;
  _lua_rawget(L: number, idx: number): number;
}
interface RawThread {
  readonly address: number;
  readonly lua: { readonly module: RawModule; luaL_ref(L: number, t: number): number; lua_getfield(L: number, idx: number, k: string): number; lua_tolstring(L: number, idx: number, len: null): string | null };
  pushValue(v: unknown): void;
}
interface RawPath {
  readonly thread: RawThread;
  readonly m: RawModule;
  readonly callRef: bigint;
  readonly stepRef: bigint;
  readonly reader: HeapReader;
  readonly pusher: ValuePusher;
  readonly nodeMax: number;
}
const LUA_REGISTRYINDEX = -1_000_000 - 1000;
/** The C API functions of the hot path, called without Emscripten's wrappers (internal/direct.ts). */
const DIRECT_CALLS = [
  '_lua_gettop', '_lua_settop', '_lua_rawgeti', '_lua_rawget', '_lua_pcallk', '_lua_topointer', '_lua_type',
  '_lua_checkstack', '_lua_pushnil', '_lua_pushnumber', '_lua_pushinteger', '_lua_pushlstring', '_lua_pushboolean',
  '_lua_createtable', '_lua_rawset', '_lua_rawseti',
] as const;
const LUA_TTABLE = 5;
const LUA_RIDX_GLOBALS = 2n;
const LUA_TYPE_NAMES: readonly string[] = ['nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'];
interface Runner {
  call: Fn;
  exec: Fn;
  read: Fn;
  kind: Fn;
  clear_require: Fn;
  set_slot: Fn;
  get_slot: Fn;
  memory: Fn;
  step: Fn;
}
type RawResult = { ok: false; kind: LuaFailureKind; message: unknown; where?: unknown };

const NO_PLAYERS: readonly string[] = Object.freeze([]);

function sameList(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

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

/**
 * The raw call path of a new engine: `runner.call_raw` kept in the registry, and a heap reader that has
 * read `runner.probe()` back exactly; undefined when the heap does not read back as expected.
 */
function rawPath(thread: RawThread, runnerIndex: number, nodeMax: number): RawPath | undefined {
  const m = thread.lua.module;
  const L = thread.address;
  const idx = runnerIndex + 1;
  const top = m._lua_gettop(L);
  try {
    const tools = moduleTools(m, () => {
      // the layout is the module's: checked once, with the first engine
      const reader = new HeapReader(m);
      thread.lua.lua_getfield(L, idx, 'probe');
      if (m._lua_pcallk(L, 0, 1, 0, 0, 0) !== 0 || m._lua_type(L, -1) !== LUA_TTABLE) return false;
      const probe = readResult(reader, m._lua_topointer(L, -1), false, nodeMax);
      const json = readResult(reader, m._lua_topointer(L, -1), true, nodeMax);
      return probe.ok && json.ok && probeMatches(probe.value[0]) && probeMatches(JSON.parse(json.value[0] as string));
    });
    m._lua_settop(L, top);
    if (tools === undefined) return undefined;
    thread.lua.lua_getfield(L, idx, 'call_raw');
    const callRef = BigInt(thread.lua.luaL_ref(L, LUA_REGISTRYINDEX));
    thread.lua.lua_getfield(L, idx, 'step');
    const stepRef = BigInt(thread.lua.luaL_ref(L, LUA_REGISTRYINDEX));
    return { thread, m: tools.m, callRef, stepRef, reader: tools.reader, pusher: tools.pusher, nodeMax };
  } catch {
    return undefined;
  } finally {
    m._lua_settop(L, top);
  }
}

/**
 * One heap reader, pusher and direct-call view per WebAssembly module, shared by its engines (they never
 * run at the same time); undefined when the module's heap did not read the probe back.
 */
const tools = new WeakMap<RawModule, { readonly m: RawModule; readonly reader: HeapReader; readonly pusher: ValuePusher } | null>();
function moduleTools(m: RawModule, check: () => boolean): { readonly m: RawModule; readonly reader: HeapReader; readonly pusher: ValuePusher } | undefined {
  let t = tools.get(m);
  if (t === undefined) {
    const fast = directModule(m, DIRECT_CALLS);
    t = check() ? { m: fast, reader: new HeapReader(fast), pusher: new ValuePusher(fast) } : null;
    tools.set(m, t);
  }
  return t ?? undefined;
}

const PROBE_EXPECTED = {
  '1': 1, '2': 2.5, '3': 'three', '4': true, '5': false, '6': { nested: ['x'] }, '7': -7, '8': 2 ** 53, '9': 'esc"aped\n',
  key: 'value', ['k'.repeat(50)]: 'long'.repeat(20), neg: -123456789012, float: -0.125,
  map: { '10': 'ten', '20': 'twenty' }, arr: [10, 20, 30], empty: {}, utf8: 'caf\u00e9',
};

function probeMatches(v: unknown): boolean {
  const sort = (x: unknown): unknown => (typeof x === 'object' && x !== null && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, y]) => [k, sort(y)])) : Array.isArray(x) ? x.map(sort) : x);
  return JSON.stringify(sort(v)) === JSON.stringify(sort(PROBE_EXPECTED));
}

function failureOf(v: unknown): LuaFailure {
  const f = (typeof v === 'object' && v !== null ? v : {}) as { kind?: unknown; message?: unknown; where?: unknown };
  return failure(typeof f.kind === 'string' ? (f.kind as LuaFailureKind) : 'runtime_error', typeof f.message === 'string' ? f.message : 'error', typeof f.where === 'string' ? f.where : undefined);
}

function stepFailure(at: (i: number) => unknown): StepResult {
  const cb = at(1);
  const index = at(2);
  return {
    ok: false,
    callback: typeof cb === 'string' ? cb : 'step',
    input: typeof index === 'number' ? index : 0,
    failure: failureOf({ kind: at(3), message: at(4), where: at(5) }),
  };
}

/** A call argument: plain data through the fast pusher, anything else (a host function table...) through wasmoon. */
function pushArg(raw: RawPath, a: unknown): void {
  const t = typeof a;
  if (t === 'function' || (t === 'object' && a !== null && !isPushable(a))) raw.thread.pushValue(a);
  else raw.pusher.push(raw.thread.address, a);
}

/** Reads `{true, packed, n}` or `{false, kind, message, where}` at table `t`. */
function readResult(reader: HeapReader, t: number, json: boolean, nodeMax: number): LuaResult<unknown[]> {
  reader.begin(nodeMax);
  const [base, size] = reader.arrayOf(t);
  if (size < 2 || reader.value(base) !== true) {
    const at = (i: number): unknown => (i < size ? reader.value(base + i * 16) : undefined);
    const kind = at(1);
    const message = at(2);
    const where = at(3);
    return failure(typeof kind === 'string' ? (kind as LuaFailureKind) : 'runtime_error', typeof message === 'string' ? message : 'error', typeof where === 'string' ? where : undefined);
  }
  const packed = base + 16;
  const n = reader.value(base + 32) as number;
  const out = new Array<unknown>(n);
  if (n > 0) {
    const [arr, size] = reader.arrayOf(reader.tableAt(packed));
    try {
      for (let i = 0; i < n; i++) out[i] = i < size ? (json ? reader.jsonText(arr + i * 16) : reader.value(arr + i * 16)) : json ? 'null' : undefined;
    } catch (e) {
      if (e instanceof NotPlainData) return failure('runtime_error', e.message);
      throw e;
    }
  }
  return { ok: true, value: out };
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
  readonly #exactMemory: boolean;
  /** The raw call path: wasmoon's thread, registry refs of `runner.call_raw`, and the heap reader (undefined: the JSON path). */
  readonly #raw: RawPath | undefined;
  /** The players list of the last step, as the Lua side keeps it (undefined: send it). */
  #stepPlayers: readonly string[] | undefined;
  #closed = false;

  /** Use {@link LuaRuntime.createEngine}. */
  constructor(module: LuaWasm, options: EngineOptions = {}) {
    const memoryMax = options.memoryMaxBytes ?? ENGINE_DEFAULTS.memoryMaxBytes;
    this.#defaultBudget = options.defaultBudget ?? ENGINE_DEFAULTS.defaultBudget;
    this.#defaultMs = options.defaultTimeLimitMs ?? ENGINE_DEFAULTS.defaultTimeLimitMs;
    const readModule = options.readModule ?? (() => ({ error: 'modules are not available' }));
    this.#exactMemory = options.exactMemoryCap === true;
    const nodeMax = options.maxReturnEntries ?? ENGINE_DEFAULTS.maxReturnEntries;
    this.#engine = new LuaEngine(module, { openStandardLibs: false, enableProxy: false, injectObjects: false, traceAllocations: this.#exactMemory });
    for (const lib of SAFE_LIBS) this.#engine.global.loadLibrary(lib);
    this.#engine.global.set('__hajime_host', {
      node_max: nodeMax,
      mem_max: this.#exactMemory ? 0 : memoryMax,
      read_module: (name: unknown) => {
        try {
          return typeof name === 'string' ? readModule(name) : { error: 'module name must be a string' };
        } catch (e) {
          return { error: e instanceof Error ? e.message : 'module lookup failed' };
        }
      },
    });
    const g = this.#engine.global;
    g.loadString(PRELUDE, '=hajime');
    const base = g.getTop() - 1;
    this.#runner = g.runSync()[0] as Runner;
    this.#raw = options.readHeap === false ? undefined : rawPath(g as unknown as RawThread, base, nodeMax);
    g.setTop(base);
    if (this.#exactMemory) g.setMemoryMax(memoryMax);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes of Lua heap in use. */
  get memoryUsedBytes(): number {
    if (this.#closed) return 0;
    return this.#exactMemory ? this.#engine.global.getMemoryUsed() : Number(this.#runner.memory());
  }

  /** Whether call results are read straight from the heap (false: the Lua-side JSON encoder, when the heap layout did not check out). */
  get readsHeap(): boolean {
    return this.#raw !== undefined;
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
    if (this.#raw !== undefined && !this.#closed) return this.#callRaw(this.#raw, [budget, ms, options.storeIn, options.skipFirst === true, options.shareSlots === true, slotIndex, slotName, name, ...pass], options.json === true);
    const r = this.#run(() => this.#runner.call(budget, ms, options.storeIn, options.skipFirst === true, options.shareSlots === true, slotIndex, slotName, name, ...pass));
    if (r.ok && options.json === true) return { ok: true, value: r.value.map((v) => (v === undefined ? 'null' : JSON.stringify(v))) };
    return r;
  }

  /**
   * Runs one tick of a match in one crossing into Lua: each input through `handle_input` (the state is
   * changed in place, so a failure leaves a half-applied callback behind: put the last good state back
   * with {@link setSlot} and replay, as the match bridge does), `tick`, then the views. Each callback
   * runs under its own limits. Never throws.
   */
  step(req: StepRequest): StepResult {
    const { input, tick, view } = req.limits;
    const kind = req.views === 'shared' ? 1 : req.views === 'players' ? 2 : 0;
    const players = req.players ?? NO_PLAYERS;
    const args = [input.instructions, input.timeLimitMs, tick.instructions, tick.timeLimitMs, view.instructions, view.timeLimitMs, req.inputs, req.tick, kind, players, req.careful === true];
    if (this.#closed) return { ok: false, callback: 'step', input: 0, failure: failure('runtime_error', 'the engine is closed') };
    if (this.#raw === undefined) return this.#stepConverted(args, req.stateAs === 'json');
    const { thread, m, reader } = this.#raw;
    const L = thread.address;
    const top = m._lua_gettop(L);
    // the same players as the last step: `true` stands for the list the Lua side kept (a roster rarely changes)
    const samePlayers = sameList(this.#stepPlayers, players);
    if (samePlayers) args[9] = true;
    this.#stepPlayers = undefined;
    try {
      m._lua_rawgeti(L, LUA_REGISTRYINDEX, this.#raw.stepRef);
      for (const a of args) this.#raw.pusher.push(L, a);
      if (m._lua_pcallk(L, args.length, 1, 0, 0, 0) !== 0) return { ok: false, callback: 'step', input: 0, failure: fromThrown(new Error(thread.lua.lua_tolstring(L, -1, null) ?? 'the runner failed')) };
      reader.begin(this.#raw.nodeMax);
      const [base, size] = reader.arrayOf(m._lua_topointer(L, -1));
      const at = (i: number): unknown => (i < size ? reader.value(base + i * 16) : undefined);
      if (at(0) !== true) return stepFailure(at);
      // the step ran to the end, so the Lua side keeps this list: the one to compare with next time
      this.#stepPlayers = samePlayers ? players : [...players];
      let state: unknown;
      try {
        state = req.stateAs === 'json' ? reader.jsonText(base + 16) : reader.value(base + 16);
      } catch (e) {
        if (e instanceof NotPlainData) return { ok: false, callback: 'state', input: 0, failure: failure('runtime_error', `the state is not plain data: ${e.message}`) };
        throw e;
      }
      const views: (string | undefined)[] = [];
      if (size > 2 && kind > 0) {
        const [varr, asize] = reader.arrayOf(reader.tableAt(base + 32));
        // the array part may be longer than the list (sizes go by powers of 2)
        const vsize = Math.min(asize, kind === 1 ? 1 : players.length);
        for (let i = 0; i < vsize; i++) {
          try {
            views.push(reader.isFalse(varr + i * 16) ? undefined : reader.jsonText(varr + i * 16));
          } catch (e) {
            if (!(e instanceof NotPlainData)) throw e;
            views.push(undefined);
          }
        }
      }
      const vf = size > 3 ? at(3) : undefined;
      return { ok: true, state, views, ...(vf !== undefined ? { viewFailure: failureOf(vf) } : {}) };
    } catch (e) {
      return { ok: false, callback: 'step', input: 0, failure: fromThrown(e) };
    } finally {
      m._lua_settop(L, top);
    }
  }

  /** {@link step} through wasmoon's own conversion (when the heap reader is not available). */
  #stepConverted(args: readonly unknown[], json: boolean): StepResult {
    try {
      const r = this.#runner.step(...args) as unknown[] | Record<string, unknown>;
      const at = (i: number): unknown => (Array.isArray(r) ? r[i] : (r as Record<string, unknown>)[String(i + 1)]);
      if (at(0) !== true) return stepFailure(at);
      const rawViews = at(2);
      const list = Array.isArray(rawViews) ? rawViews : rawViews !== null && typeof rawViews === 'object' ? Object.values(rawViews) : [];
      const views = list.map((v) => (v === false || v === null || v === undefined ? undefined : JSON.stringify(v)));
      const vf = at(3);
      const state = at(1);
      // wasmoon's conversion takes functions and cycles along: the state must be plain data
      if (!isPushable(state)) return { ok: false, callback: 'state', input: 0, failure: failure('runtime_error', `the state is not plain data (a function, or nested deeper than ${PUSH_DEPTH_MAX} levels: a cycle)`) };
      return { ok: true, state: json ? JSON.stringify(state ?? {}) : state, views, ...(vf !== undefined && vf !== null ? { viewFailure: failureOf(vf) } : {}) };
    } catch (e) {
      return { ok: false, callback: 'step', input: 0, failure: fromThrown(e) };
    }
  }

  /** `runner.call_raw(...)` with its result table read from the heap. */
  #callRaw(raw: RawPath, args: readonly unknown[], json: boolean): LuaResult<unknown[]> {
    const { thread, m, reader } = raw;
    const L = thread.address;
    const top = m._lua_gettop(L);
    try {
      m._lua_rawgeti(L, LUA_REGISTRYINDEX, raw.callRef);
      for (const a of args) pushArg(raw, a);
      if (m._lua_pcallk(L, args.length, 1, 0, 0, 0) !== 0) return fromThrown(new Error(thread.lua.lua_tolstring(L, -1, null) ?? 'the runner failed'));
      if (m._lua_type(L, -1) !== LUA_TTABLE) return failure('runtime_error', 'the runner failed');
      return readResult(reader, m._lua_topointer(L, -1), json, raw.nodeMax);
    } catch (e) {
      return fromThrown(e);
    } finally {
      m._lua_settop(L, top);
    }
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
    if (this.#raw !== undefined) {
      const { m, thread, pusher } = this.#raw;
      const L = thread.address;
      const top = m._lua_gettop(L);
      try {
        // raw: a metatable a script put on _G never runs here
        m._lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
        pusher.push(L, name);
        return LUA_TYPE_NAMES[m._lua_rawget(L, -2)] ?? 'userdata';
      } finally {
        m._lua_settop(L, top);
      }
    }
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
