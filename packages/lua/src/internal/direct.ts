/**
 * Direct calls into the WebAssembly exports behind wasmoon's Emscripten wrappers. The build wraps every
 * export in a checked trampoline (`function () { assert(runtimeInitialized, `...${name}...`); return
 * exports[name].apply(null, arguments) }`): a template string, a lookup and an `arguments` object per
 * call, about a sixth of a step's time. The export itself is not reachable from outside the module, so
 * the first call of each function goes through its wrapper with `Function.prototype.apply` observed for
 * that one synchronous call, and the function the wrapper applies is kept if it is a WebAssembly export
 * (a native function named by its index). When that fails (another build), calls keep using the wrapper.
 */
type AnyFn = (...args: never[]) => unknown;

const WASM_EXPORT_NAME = /^\d+$/;

/** A function calling `wrapper`'s WebAssembly export directly from its second call on. */
export function direct<F extends AnyFn>(wrapper: F): F {
  let target: F | undefined;
  return ((...args: Parameters<F>) => {
    if (target !== undefined) return target(...args);
    const apply = Function.prototype.apply;
    let seen: unknown;
    Function.prototype.apply = function observed(this: AnyFn, thisArg: unknown, argArray?: ArrayLike<unknown>) {
      if (seen === undefined) seen = this;
      return Reflect.apply(this, thisArg, argArray ?? []);
    } as typeof apply;
    try {
      return wrapper(...args);
    } finally {
      Function.prototype.apply = apply;
      target = typeof seen === 'function' && WASM_EXPORT_NAME.test(seen.name) && String(seen).includes('[native code]') ? (seen as F) : wrapper;
    }
  }) as F;
}

/** `m` with each function named in `names` called directly (see {@link direct}); everything else read through. */
export function directModule<M extends object>(m: M, names: readonly (keyof M & string)[]): M {
  const out = Object.create(m) as M;
  for (const n of names) {
    const f = m[n];
    if (typeof f === 'function') Object.defineProperty(out, n, { value: direct(f.bind(m) as AnyFn) });
  }
  return out;
}
