/**
 * Reads Lua values straight out of the WebAssembly heap: the results of a call reach JS (as plain data or
 * as JSON text) without a Lua-side encoder and without one wasm call per value. wasmoon's own conversion
 * walks a table through `lua_next`/`lua_tolstring` (several wasm calls per entry); a JSON encoder written
 * in Lua costs ~300 ns per value in this build. Reading the heap costs a few typed-array loads per value.
 *
 * This depends on the memory layout of Lua 5.4's `TValue`, `Node`, `Table` and `TString` in a 32-bit
 * build (wasmoon's), which {@link HeapReader.selfTest} checks against a known table when an engine
 * starts: an engine whose heap does not read back exactly falls back to the Lua-side encoder.
 * No Lua code runs while a value is read (no allocation, no collection), so pointers stay valid.
 *
 * Layouts (lobject.h, 5.4.0–5.4.7, wasm32):
 * - TValue (16 bytes): value_ (8) at 0, tt_ (1) at 8.
 * - Node (24 bytes): value_ at 0, tt_ at 8, key_tt at 9, next (int) at 12, key_val (8) at 16.
 * - Table: flags at 6, lsizenode at 7, alimit (u32) at 8, array at 12, node at 16, lastfree at 20.
 * - TString: shrlen at 7, u.lnglen (u32) at 12, contents at 16.
 */

/** A value the host cannot take (a function, a cycle, too much data...): the call fails with this message. */
export class NotPlainData extends Error {}

const DEPTH_MAX = 64;
/** Lua's short strings (LUAI_MAXSHORTLEN). */
const SHORT_MAX = 40;
const KNOWN_MAX = 8192;

// type tags with variant bits (the collectable bit 0x40 masked off)
const V_FALSE = 0x01;
const V_TRUE = 0x11;
const V_INT = 0x03;
const V_FLOAT = 0x13;
const V_SHRSTR = 0x04;
const V_LNGSTR = 0x14;
const V_TABLE = 0x05;
const TYPE_NAMES: Readonly<Record<number, string>> = { 2: 'userdata', 6: 'function', 7: 'userdata', 8: 'thread' };

function typeName(tt: number): string {
  return TYPE_NAMES[tt & 0x0f] ?? `type ${tt & 0x0f}`;
}

interface Heap {
  readonly HEAPU8: Uint8Array;
}

/** Escapes for the bytes a JSON string cannot hold as they are. */
function jsonEscape(s: string): string {
  return JSON.stringify(s);
}

export class HeapReader {
  readonly #module: Heap;
  #nodeMax = 0;
  #u8: Uint8Array = new Uint8Array(0);
  #u32: Uint32Array = new Uint32Array(0);
  #i32: Int32Array = new Int32Array(0);
  #f64: Float64Array = new Float64Array(0);
  #buf: Buffer = Buffer.alloc(0);
  #nodes = 0;
  /** Short strings are interned: within one read, a pointer names one string. */
  readonly #strings = new Map<number, string>();
  /** ASCII short strings by address, across reads (see #short). */
  readonly #known = new Map<number, string>();
  /** The output of {@link jsonText}. */
  #outBuf: Buffer = Buffer.allocUnsafe(16 * 1024);
  #pos = 0;
  /** The OR of the string bytes written since {@link jsonText} began (≥ 0x80: not ASCII). */
  #high = 0;

  constructor(module: Heap) {
    this.#module = module;
  }

  /** Call before each read (`nodeMax`: most table entries it may read): the heap's views change when the memory grows. */
  begin(nodeMax: number): void {
    this.#nodeMax = nodeMax;
    const u8 = this.#module.HEAPU8;
    if (u8.buffer !== this.#u8.buffer) {
      this.#u8 = u8;
      this.#u32 = new Uint32Array(u8.buffer);
      this.#i32 = new Int32Array(u8.buffer);
      this.#f64 = new Float64Array(u8.buffer);
      this.#buf = Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
    }
    this.#nodes = 0;
    this.#strings.clear();
  }

  /** The array part of the table at `t`: [TValue* base, length]. Used for packed results ({n = k, ...}). */
  arrayOf(t: number): [number, number] {
    const flags = this.#u8[t + 6]!;
    const alimit = this.#u32[(t + 8) >>> 2]!;
    return [this.#u32[(t + 12) >>> 2]!, realArraySize(flags, alimit)];
  }

  /** The table pointer of the TValue at `addr` (which must hold a table). */
  tableAt(addr: number): number {
    if ((this.#u8[addr + 8]! & 0x3f) !== V_TABLE) throw new NotPlainData('expected a table');
    return this.#u32[addr >>> 2]!;
  }

  /** Whether the TValue at `addr` is `false` (read without reading what it holds). */
  isFalse(addr: number): boolean {
    return (this.#u8[addr + 8]! & 0x3f) === V_FALSE;
  }

  /** The TValue at `addr` as plain JS data (nil → undefined). */
  value(addr: number, depth = 1): unknown {
    const tt = this.#u8[addr + 8]! & 0x3f;
    switch (tt) {
      case V_FALSE:
        return false;
      case V_TRUE:
        return true;
      case V_INT:
        return this.#int(addr);
      case V_FLOAT:
        return this.#f64[addr >>> 3]!;
      case V_SHRSTR:
      case V_LNGSTR:
        return this.#string(this.#u32[addr >>> 2]!);
      case V_TABLE:
        return this.#table(this.#u32[addr >>> 2]!, depth);
      default:
        if ((tt & 0x0f) === 0) return undefined;
        throw new NotPlainData(`a ${typeName(tt)} value cannot be handed to the host (plain data only)`);
    }
  }

  /**
   * The TValue at `addr` as JSON text (nil, NaN and infinities → null), written as UTF-8 bytes (string
   * contents copied from the heap as they are, numbers as digits) and decoded once at the end.
   */
  jsonText(addr: number): string {
    this.#pos = 0;
    this.#high = 0;
    this.#writeJson(addr, 1);
    // ASCII only (the common case): decoded as latin1, a plain copy, instead of checked as UTF-8
    return this.#outBuf.toString(this.#high < 0x80 ? 'latin1' : 'utf8', 0, this.#pos);
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#outBuf.length) return;
    let size = this.#outBuf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.#outBuf.copy(next, 0, 0, this.#pos);
    this.#outBuf = next;
  }

  #ascii(text: string): void {
    this.#ensure(text.length);
    const out = this.#outBuf;
    let p = this.#pos;
    for (let i = 0; i < text.length; i++) out[p++] = text.charCodeAt(i);
    this.#pos = p;
  }

  #byte(b: number): void {
    this.#ensure(1);
    this.#outBuf[this.#pos++] = b;
  }

  #writeInt(v: number): void {
    if (v >= 0 && v < 10) {
      this.#byte(48 + v);
      return;
    }
    if (v <= -2147483648 || v >= 2147483648) {
      this.#ascii(String(v));
      return;
    }
    // digits written in place (no string per number), in int32 arithmetic (`v` is a double here)
    this.#ensure(11);
    const out = this.#outBuf;
    let p = this.#pos;
    let x = v | 0;
    if (x < 0) {
      out[p++] = 0x2d;
      x = -x; // > -2^31, so it fits
    }
    let digits = 1;
    for (let t = x; t >= 10; t = (t / 10) | 0) digits++;
    p += digits;
    this.#pos = p;
    do {
      const q = (x / 10) | 0;
      out[--p] = 48 + x - q * 10;
      x = q;
    } while (x > 0);
  }

  #writeJson(addr: number, depth: number): void {
    const tt = this.#u8[addr + 8]! & 0x3f;
    switch (tt) {
      case V_FALSE:
        this.#ascii('false');
        return;
      case V_TRUE:
        this.#ascii('true');
        return;
      case V_INT:
        this.#writeInt(this.#int(addr));
        return;
      case V_FLOAT: {
        const n = this.#f64[addr >>> 3]!;
        this.#ascii(Number.isFinite(n) ? String(n) : 'null');
        return;
      }
      case V_SHRSTR:
      case V_LNGSTR:
        this.#writeString(this.#u32[addr >>> 2]!);
        return;
      case V_TABLE:
        this.#writeTable(this.#u32[addr >>> 2]!, depth);
        return;
      default:
        if ((tt & 0x0f) === 0) {
          this.#ascii('null');
          return;
        }
        throw new NotPlainData(`a ${typeName(tt)} value cannot be handed to the host (plain data only)`);
    }
  }

  #writeString(s: number): void {
    const u8 = this.#u8;
    const a = s + 16;
    const len = (u8[s + 4]! & 0x3f) === V_SHRSTR ? u8[s + 7]! : this.#u32[(s + 12) >>> 2]!;
    const b = a + len;
    // UTF-8 bytes as they are (JSON text is UTF-8), checked for bytes needing an escape on the way
    this.#ensure(len + 2);
    const out = this.#outBuf;
    let p = this.#pos;
    out[p++] = 0x22;
    let high = 0;
    if (len <= 64) {
      for (let i = a; i < b; i++) {
        const c = u8[i]!;
        if (c < 0x20 || c === 0x22 || c === 0x5c) return this.#writeEscaped(a, b);
        high |= c;
        out[p++] = c;
      }
    } else {
      for (let i = a; i < b; i++) {
        const c = u8[i]!;
        if (c < 0x20 || c === 0x22 || c === 0x5c) return this.#writeEscaped(a, b);
        high |= c;
      }
      out.set(u8.subarray(a, b), p);
      p += len;
    }
    out[p++] = 0x22;
    this.#pos = p;
    this.#high |= high;
  }

  /** A string with bytes a JSON string cannot hold as they are: the rare path. */
  #writeEscaped(a: number, b: number): void {
    const text = jsonEscape(this.#buf.toString('utf8', a, b));
    const n = Buffer.byteLength(text);
    if (n !== text.length) this.#high = 0x80; // not ASCII
    this.#ensure(n);
    this.#outBuf.write(text, this.#pos, 'utf8');
    this.#pos += n;
  }

  #writeTable(t: number, depth: number): void {
    const s = this.#shape(t, depth);
    const u8 = this.#u8;
    if (s.isArray) {
      this.#byte(0x5b);
      for (let i = 0; i < s.dense; i++) {
        if (i > 0) this.#byte(0x2c);
        this.#writeJson(s.arr + i * 16, depth + 1);
      }
      if (s.hashCount > 0) {
        // integer keys in the hash part: in key order
        const at = new Array<number>(s.hashCount);
        for (let j = 0; j < s.nsize; j++) {
          const n = s.node + j * 24;
          if ((u8[n + 8]! & 0x0f) !== 0) at[this.#int(n + 16) - 1 - s.dense] = n;
        }
        for (let k = 0; k < at.length; k++) {
          if (s.dense > 0 || k > 0) this.#byte(0x2c);
          this.#writeJson(at[k]!, depth + 1);
        }
      }
      this.#byte(0x5d);
      return;
    }
    this.#byte(0x7b);
    let first = true;
    for (let i = 0; i < s.asize; i++) {
      const a = s.arr + i * 16;
      if ((u8[a + 8]! & 0x0f) === 0) continue;
      if (!first) this.#byte(0x2c);
      first = false;
      this.#byte(0x22);
      this.#writeInt(i + 1);
      this.#ascii('":');
      this.#writeJson(a, depth + 1);
    }
    for (let j = 0; j < s.nsize; j++) {
      const n = s.node + j * 24;
      if ((u8[n + 8]! & 0x0f) === 0) continue;
      if (!first) this.#byte(0x2c);
      first = false;
      const kt = u8[n + 9]! & 0x3f;
      if (kt === V_SHRSTR || kt === V_LNGSTR) this.#writeString(this.#u32[(n + 16) >>> 2]!);
      else {
        this.#byte(0x22);
        this.#ascii(this.#key(n));
        this.#byte(0x22);
      }
      this.#byte(0x3a);
      this.#writeJson(n, depth + 1);
    }
    this.#byte(0x7d);
  }

  #int(addr: number): number {
    return this.#i32[(addr + 4) >>> 2]! * 4294967296 + this.#u32[addr >>> 2]!;
  }

  #stringBounds(s: number): [number, number] {
    const u8 = this.#u8;
    const short = (u8[s + 4]! & 0x3f) === V_SHRSTR;
    const len = short ? u8[s + 7]! : this.#u32[(s + 12) >>> 2]!;
    return [s + 16, s + 16 + len];
  }

  #string(s: number): string {
    const cached = this.#strings.get(s);
    if (cached !== undefined) return cached;
    const [a, b] = this.#stringBounds(s);
    const out = b - a <= SHORT_MAX ? this.#short(s, a, b) : this.#buf.toString('utf8', a, b);
    this.#strings.set(s, out);
    return out;
  }

  /**
   * A short string: remembered across reads by address (keys and ids repeat every tick), each hit
   * checked byte for byte, since a collected string's address can be reused by another one.
   */
  #short(s: number, a: number, b: number): string {
    const u8 = this.#u8;
    const known = this.#known.get(s);
    if (known !== undefined && known.length === b - a) {
      let same = true;
      for (let i = a, j = 0; i < b; i++, j++) {
        if (u8[i] !== known.charCodeAt(j)) {
          same = false;
          break;
        }
      }
      if (same) return known;
    }
    let ascii = true;
    for (let i = a; i < b; i++) {
      if (u8[i]! > 0x7f) {
        ascii = false;
        break;
      }
    }
    const out = this.#buf.toString(ascii ? 'latin1' : 'utf8', a, b);
    if (ascii) {
      if (this.#known.size >= KNOWN_MAX) this.#known.clear();
      this.#known.set(s, out);
    }
    return out;
  }

  #count(n: number): void {
    this.#nodes += n;
    if (this.#nodes > this.#nodeMax) throw new NotPlainData(`returned data too large (over ${this.#nodeMax} table entries)`);
  }

  /**
   * The shape of table `t`: its array part's used length (the entries 1..k, all present), the count of
   * its hash part's entries, and whether it is a JSON array (keys exactly 1..n).
   */
  #shape(t: number, depth: number): { arr: number; asize: number; node: number; nsize: number; hashCount: number; isArray: boolean; dense: number } {
    if (depth > DEPTH_MAX) throw new NotPlainData(`table nested deeper than ${DEPTH_MAX} levels (or a cycle)`);
    const u8 = this.#u8;
    const u32 = this.#u32;
    const asize = realArraySize(u8[t + 6]!, u32[(t + 8) >>> 2]!);
    const arr = u32[(t + 12) >>> 2]!;
    const node = u32[(t + 16) >>> 2]!;
    const nsize = u32[(t + 20) >>> 2]! === 0 ? 0 : 1 << u8[t + 7]!;
    // array part: a dense prefix 1..dense, and whether anything follows a hole
    let dense = 0;
    let arrCount = 0;
    for (let i = 0; i < asize; i++) {
      if ((u8[arr + i * 16 + 8]! & 0x0f) !== 0) {
        arrCount++;
        if (dense === i) dense = i + 1;
      }
    }
    let hashCount = 0;
    let intKeys = 0;
    let maxIntKey = 0;
    for (let j = 0; j < nsize; j++) {
      const n = node + j * 24;
      if ((u8[n + 8]! & 0x0f) === 0) continue;
      hashCount++;
      const kt = u8[n + 9]! & 0x3f;
      if (kt === V_INT) {
        intKeys++;
        const k = this.#int(n + 16);
        if (k > maxIntKey) maxIntKey = k;
      } else if (kt !== V_SHRSTR && kt !== V_LNGSTR && kt !== V_FLOAT) {
        throw new NotPlainData(`a table key of type ${kt === V_FALSE || kt === V_TRUE ? 'boolean' : kt === V_TABLE ? 'table' : typeName(kt)} cannot be handed to the host`);
      }
    }
    const total = arrCount + hashCount;
    this.#count(total);
    // an array: every entry's key in 1..total (keys are distinct, so they are exactly 1..total)
    const isArray = total > 0 && dense === arrCount && intKeys === hashCount && (hashCount === 0 || maxIntKey === total);
    return { arr, asize, node, nsize, hashCount, isArray, dense };
  }

  #table(t: number, depth: number): unknown {
    const s = this.#shape(t, depth);
    const u8 = this.#u8;
    if (s.isArray) {
      const out = new Array<unknown>(s.dense + s.hashCount);
      for (let i = 0; i < s.dense; i++) out[i] = this.value(s.arr + i * 16, depth + 1);
      for (let j = 0; j < s.nsize && s.hashCount > 0; j++) {
        const n = s.node + j * 24;
        if ((u8[n + 8]! & 0x0f) !== 0) out[this.#int(n + 16) - 1] = this.value(n, depth + 1);
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    for (let i = 0; i < s.asize; i++) {
      const a = s.arr + i * 16;
      if ((u8[a + 8]! & 0x0f) !== 0) out[String(i + 1)] = this.value(a, depth + 1);
    }
    for (let j = 0; j < s.nsize; j++) {
      const n = s.node + j * 24;
      if ((u8[n + 8]! & 0x0f) === 0) continue;
      out[this.#key(n)] = this.value(n, depth + 1);
    }
    return out;
  }

  /** The key of node `n` as an object key (numbers as their decimal text). */
  #key(n: number): string {
    const kt = this.#u8[n + 9]! & 0x3f;
    if (kt === V_SHRSTR || kt === V_LNGSTR) return this.#string(this.#u32[(n + 16) >>> 2]!);
    if (kt === V_INT) return String(this.#int(n + 16));
    return String(this.#f64[(n + 16) >>> 3]!);
  }
}

/** luaH_realasize: `alimit` is the array size unless BITRAS says it is only a hint (then the next power of 2). */
function realArraySize(flags: number, alimit: number): number {
  if ((flags & 0x80) === 0 || (alimit & (alimit - 1)) === 0) return alimit;
  let size = alimit - 1;
  size |= size >>> 1;
  size |= size >>> 2;
  size |= size >>> 4;
  size |= size >>> 8;
  size |= size >>> 16;
  return (size + 1) >>> 0;
}
