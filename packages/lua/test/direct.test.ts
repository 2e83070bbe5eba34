import t from 'tap';
import { direct } from '../src/internal/direct.js';

t.test('direct: a wrapper that does not apply a WebAssembly export keeps being called', async (t) => {
  let calls = 0;
  const inner = (a: number, b: number): number => a + b;
  const wrapper = (...args: [number, number]): number => {
    calls++;
    return inner.apply(null, args);
  };
  const f = direct(wrapper);
  t.equal(f(1, 2), 3);
  t.equal(f(3, 4), 7);
  t.equal(calls, 2, 'a JS function is not a WebAssembly export: the wrapper stays');
  t.equal(Function.prototype.apply.name, 'apply', 'Function.prototype.apply is restored');
});

t.test('direct: the export behind a wrapper is called directly from the second call', async (t) => {
  // a real WebAssembly export: (i32, i32) -> i32 add
  const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11]);
  const wasm = (globalThis as unknown as { WebAssembly: { instantiate(b: Uint8Array): Promise<{ instance: { exports: Record<string, unknown> } }> } }).WebAssembly;
  const { instance } = await wasm.instantiate(bytes);
  const add = instance.exports['add'] as (a: number, b: number) => number;
  let calls = 0;
  const wrapper = function (this: unknown, ...args: [number, number]): number {
    calls++;
    return add.apply(null, args);
  };
  const f = direct(wrapper);
  t.equal(f(2, 3), 5);
  t.equal(f(40, 2), 42);
  t.equal(f(-1, 1), 0);
  t.equal(calls, 1, 'only the first call went through the wrapper');
});
