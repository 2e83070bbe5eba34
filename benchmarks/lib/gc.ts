/**
 * Forced garbage collection and a settled heap reading, for memory figures and for starting every timed
 * run from a clean heap. Uses `global.gc` (node --expose-gc, as `npm run bench` runs it); without the flag
 * it turns the flag on at run time through V8, so `node benchmarks/dist/run.js` works as well.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

function resolveGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Runs a full, synchronous garbage collection. */
export const collectGarbage: () => void = resolveGc();

/** Lets pending callbacks run, collects twice, and returns `heapUsed` in bytes. */
export async function settledHeapUsed(): Promise<number> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}
