/**
 * `structuredClone` for the values snapshots usually are (a match's state, every tick), without V8's
 * serializer and deserializer round trip: plain objects, plain dense arrays and primitives are copied
 * by hand, keeping shared and cyclic references as `structuredClone` keeps them. Anything else anywhere
 * in the value (a Map, a Date, a typed array, a class instance, a null-prototype object, a sparse array
 * or one with extra properties, a function, a symbol) sends the whole value to `structuredClone`, so
 * the result, and the error for what cannot be cloned, are always `structuredClone`'s.
 */

/** Returned by the hand copy when the value needs `structuredClone`. */
const FALLBACK: unique symbol = Symbol('fallback');

const ObjectProto = Object.prototype;
const ArrayProto = Array.prototype;
/** Objects seen are looked up linearly up to this many, then in a Map. */
const LINEAR_MAX = 64;

/**
 * A reusable copier: it keeps the originals it has seen (for shared and cyclic references) in a scratch
 * array it reuses from one copy to the next (cleared after each), so a small value costs no bookkeeping
 * allocation; past {@link LINEAR_MAX} objects it switches to a Map for that copy.
 */
export class Cloner {
  /** original, copy, original, copy, ... for the copy in progress. */
  readonly #seen: unknown[] = [];
  #n = 0;
  #map: Map<object, unknown> | undefined;

  /** A deep copy of `value` equal to `structuredClone(value)` (and throwing where that throws). */
  clone<T>(value: T): T {
    if (typeof value !== 'object' || value === null) return structuredClone(value);
    let c: unknown;
    try {
      c = this.#copy(value);
    } finally {
      for (let i = 0; i < this.#n; i++) this.#seen[i] = undefined;
      this.#n = 0;
      this.#map = undefined;
    }
    return (c === FALLBACK ? structuredClone(value) : c) as T;
  }

  #lookup(v: object): unknown {
    if (this.#map !== undefined) return this.#map.get(v);
    const seen = this.#seen;
    for (let i = 0; i < this.#n; i += 2) if (seen[i] === v) return seen[i + 1];
    return undefined;
  }

  #remember(v: object, copy: unknown): void {
    if (this.#map !== undefined) {
      this.#map.set(v, copy);
      return;
    }
    if (this.#n >= 2 * LINEAR_MAX) {
      const map = new Map<object, unknown>();
      for (let i = 0; i < this.#n; i += 2) map.set(this.#seen[i] as object, this.#seen[i + 1]);
      map.set(v, copy);
      this.#map = map;
      return;
    }
    this.#seen[this.#n++] = v;
    this.#seen[this.#n++] = copy;
  }

  #copy(v: unknown): unknown {
    if (typeof v !== 'object') return typeof v === 'function' || typeof v === 'symbol' ? FALLBACK : v;
    if (v === null) return v;
    const again = this.#lookup(v);
    if (again !== undefined) return again;
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto === ArrayProto) {
      const a = v as unknown[];
      const n = a.length;
      const out = new Array<unknown>(n);
      this.#remember(v, out);
      for (let i = 0; i < n; i++) {
        if (!(i in a)) return FALLBACK;
        const c = this.#copy(a[i]);
        if (c === FALLBACK) return FALLBACK;
        out[i] = c;
      }
      // Named properties on an array (structuredClone copies them): rare, left to it.
      if (Object.keys(a).length !== n) return FALLBACK;
      return out;
    }
    if (proto !== ObjectProto) return FALLBACK;
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    this.#remember(v, out);
    for (const k in o) {
      if (!Object.hasOwn(o, k)) continue;
      // An own `__proto__` (from JSON.parse) would set the copy's prototype if assigned: left to structuredClone.
      if (k === '__proto__') return FALLBACK;
      const c = this.#copy(o[k]);
      if (c === FALLBACK) return FALLBACK;
      out[k] = c;
    }
    return out;
  }
}

/** A deep copy of `value` equal to `structuredClone(value)` (and throwing where that throws). */
export function cloneValue<T>(value: T): T {
  return new Cloner().clone(value);
}
