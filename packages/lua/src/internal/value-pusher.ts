/**
 * Pushes JS data onto a Lua stack through the raw C API (one WebAssembly call per value, strings copied
 * through one scratch buffer of the module): several times cheaper than wasmoon's `pushValue`, which
 * goes through `ccall` (argument conversion, a stack allocation per string) for every value.
 * Plain data only, as call arguments are: null/undefined → nil, booleans, numbers (integers as Lua
 * integers), strings, arrays (1-based sequences), objects (string keys). Deeper than
 * {@link PUSH_DEPTH_MAX} levels, or anything else, is refused with a {@link NotPushable} error.
 */
export class NotPushable extends Error {}

export const PUSH_DEPTH_MAX = 64;
const SCRATCH_BYTES = 256 * 1024;

export interface PushModule {
  readonly HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _free(p: number): void;
  _lua_checkstack(L: number, n: number): number;
  _lua_pushnil(L: number): void;
  _lua_pushnumber(L: number, n: number): void;
  _lua_pushinteger(L: number, n: bigint): void;
  _lua_pushlstring(L: number, p: number, len: number): number;
  _lua_pushboolean(L: number, b: number): void;
  _lua_createtable(L: number, narr: number, nrec: number): void;
  _lua_rawset(L: number, idx: number): void;
  _lua_rawseti(L: number, idx: number, n: bigint): void;
}

/** Whether {@link ValuePusher.push} takes `v`: plain data (plain objects, arrays, primitives) at most {@link PUSH_DEPTH_MAX} deep. */
export function isPushable(v: unknown, depth = 0): boolean {
  const t = typeof v;
  if (t === 'function' || t === 'symbol' || t === 'bigint') return false;
  if (t !== 'object' || v === null) return true;
  if (depth >= PUSH_DEPTH_MAX) return false;
  if (Array.isArray(v)) {
    for (const x of v) if (!isPushable(x, depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k in v) if (!isPushable((v as Record<string, unknown>)[k], depth + 1)) return false;
  return true;
}

/** One scratch buffer per WebAssembly module (engines of a module never run at the same time). */
const scratches = new WeakMap<PushModule, { ptr: number; size: number }>();

export class ValuePusher {
  readonly #m: PushModule;
  #heap: Uint8Array = new Uint8Array(0);
  #buf: Buffer = Buffer.alloc(0);

  constructor(m: PushModule) {
    this.#m = m;
  }

  /** Pushes `v` onto `L`'s stack (exactly one value, or throws {@link NotPushable} having pushed nothing net). */
  push(L: number, v: unknown): void {
    this.#push(L, v, 0);
  }

  #push(L: number, v: unknown, depth: number): void {
    const m = this.#m;
    switch (typeof v) {
      case 'undefined':
        m._lua_pushnil(L);
        return;
      case 'boolean':
        m._lua_pushboolean(L, v ? 1 : 0);
        return;
      case 'number':
        if (Number.isSafeInteger(v)) m._lua_pushinteger(L, BigInt(v));
        else m._lua_pushnumber(L, v);
        return;
      case 'string':
        this.#string(L, v);
        return;
      case 'object':
        if (v === null) {
          m._lua_pushnil(L);
          return;
        }
        if (depth >= PUSH_DEPTH_MAX) throw new NotPushable(`a value nested deeper than ${PUSH_DEPTH_MAX} levels`);
        if (m._lua_checkstack(L, 3) === 0) throw new NotPushable('the Lua stack is full');
        if (Array.isArray(v)) {
          m._lua_createtable(L, v.length, 0);
          for (let i = 0; i < v.length; i++) {
            this.#push(L, v[i], depth + 1);
            m._lua_rawseti(L, -2, BigInt(i + 1));
          }
          return;
        }
        {
          const keys = Object.keys(v);
          m._lua_createtable(L, 0, keys.length);
          for (const k of keys) {
            this.#string(L, k);
            this.#push(L, (v as Record<string, unknown>)[k], depth + 1);
            m._lua_rawset(L, -3);
          }
        }
        return;
      default:
        throw new NotPushable(`a ${typeof v} cannot be handed to Lua`);
    }
  }

  #scratch(need: number): number {
    const m = this.#m;
    let sc = scratches.get(m);
    if (sc === undefined || sc.size < need) {
      if (sc !== undefined) m._free(sc.ptr);
      const size = Math.max(SCRATCH_BYTES, need);
      sc = { ptr: m._malloc(size), size };
      if (sc.ptr === 0) throw new NotPushable('out of memory');
      scratches.set(m, sc);
    }
    const heap = m.HEAPU8;
    if (heap.buffer !== this.#heap.buffer) {
      this.#heap = heap;
      this.#buf = Buffer.from(heap.buffer, heap.byteOffset, heap.byteLength);
    }
    return sc.ptr;
  }

  #string(L: number, s: string): void {
    const ptr = this.#scratch(s.length * 3);
    const len = this.#buf.write(s, ptr, 'utf8');
    this.#m._lua_pushlstring(L, ptr, len);
  }


}
