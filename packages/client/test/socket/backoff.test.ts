// Reconnect delays: exponential, capped, shortened by at most the jitter share.
import fc from 'fast-check';
import t from 'tap';
import { DEFAULT_RECONNECT, backoffDelayMs } from '../../src/index.js';

t.test('without jitter the delays double up to the cap', async (t) => {
  const o = { ...DEFAULT_RECONNECT, jitter: 0 };
  t.same(
    [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelayMs(n, o, 0.99)),
    [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000],
  );
});

t.test('defaults: attempt n waits between half and all of min(30 s, 1 s · 2^(n-1))', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
    fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, r) => {
      const base = Math.min(30_000, 1_000 * 2 ** (n - 1));
      const d = backoffDelayMs(n, DEFAULT_RECONNECT, r);
      return d >= Math.floor(base / 2) && d <= base;
    }),
    ),
  );
});

t.test('the base never shrinks from one attempt to the next, whatever the options', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5_000 }),
      fc.integer({ min: 1, max: 120_000 }),
      fc.double({ min: 1, max: 4, noNaN: true }),
      fc.integer({ min: 1, max: 40 }),
      (initialDelayMs, maxDelayMs, factor, n) => {
        const o = { initialDelayMs, maxDelayMs, factor, jitter: 0 };
        return backoffDelayMs(n + 1, o, 0) >= backoffDelayMs(n, o, 0) && backoffDelayMs(n, o, 0) <= maxDelayMs;
      },
    ),
    ),
  );
});
