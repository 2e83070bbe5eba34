// Vote windows (src/vote/windows.ts): when each window type closes, the window_ms cap, the adaptive
// shrink (once, never restored) and the remaining time. The vote-server tests run the same rules on a
// SimulatedClock, with the 500 ms grace.
import t from 'tap';
import fc from 'fast-check';
import { ADAPTIVE_REMAINING_MS, afterCast, closeAt, GRACE_MS, openWindow, timeRemaining } from '../../src/vote/windows.js';

t.test('window types', async (t) => {
  t.test('fixed closes at window_ms whatever happens', async (t) => {
    const w = openWindow('fixed', 1000, 15_000, 5_000);
    t.equal(closeAt(w, { nowMs: 2000, allVoted: true }), 16_000);
    t.equal(closeAt(afterCast(w, { nowMs: 2000, allVoted: true, supermajority: true }), { nowMs: 2000, allVoted: true }), 16_000);
  });
  t.test('ready_up closes once everyone voted, else at window_ms', async (t) => {
    const w = openWindow('ready_up', 0, 15_000, 5_000);
    t.equal(closeAt(w, { nowMs: 1200, allVoted: false }), 15_000);
    t.equal(closeAt(w, { nowMs: 1200, allVoted: true }), 1200);
  });
  t.test('hybrid is ready_up but not before min_window_ms', async (t) => {
    const w = openWindow('hybrid', 0, 15_000, 5_000);
    t.equal(closeAt(w, { nowMs: 1200, allVoted: true }), 5_000);
    t.equal(closeAt(w, { nowMs: 7_000, allVoted: true }), 7_000);
    t.equal(closeAt(w, { nowMs: 7_000, allVoted: false }), 15_000);
    t.equal(closeAt(openWindow('hybrid', 0, 3_000, 5_000), { nowMs: 100, allVoted: true }), 3_000, 'capped by window_ms');
  });
  t.test('adaptive shrinks to 3000 ms on a supermajority and is not restored', async (t) => {
    let w = openWindow('adaptive', 0, 15_000, 5_000);
    w = afterCast(w, { nowMs: 2_000, allVoted: false, supermajority: false });
    t.equal(closeAt(w, { nowMs: 2_000, allVoted: false }), 15_000);
    w = afterCast(w, { nowMs: 4_000, allVoted: false, supermajority: true });
    t.equal(closeAt(w, { nowMs: 4_000, allVoted: false }), 4_000 + ADAPTIVE_REMAINING_MS);
    w = afterCast(w, { nowMs: 5_000, allVoted: false, supermajority: false });
    t.equal(closeAt(w, { nowMs: 5_000, allVoted: false }), 7_000, 'losing the supermajority does not restore the time');
    w = afterCast(w, { nowMs: 6_000, allVoted: false, supermajority: true });
    t.equal(closeAt(w, { nowMs: 6_000, allVoted: false }), 7_000, 'a second supermajority does not push it back');
    const late = afterCast(openWindow('adaptive', 0, 15_000, 0), { nowMs: 14_000, allVoted: false, supermajority: true });
    t.equal(closeAt(late, { nowMs: 14_000, allVoted: false }), 15_000, 'never past window_ms');
  });
});

t.test('every type is capped by window_ms and never closes before it opened', async (t) => {
  fc.assert(
    fc.property(
      fc.constantFrom('fixed', 'ready_up', 'hybrid', 'adaptive' as const),
      fc.integer({ min: 0, max: 1e6 }),
      fc.integer({ min: 1, max: 1e5 }),
      fc.integer({ min: 0, max: 1e5 }),
      fc.array(fc.record({ dt: fc.integer({ min: 0, max: 5_000 }), allVoted: fc.boolean(), supermajority: fc.boolean() }), { maxLength: 10 }),
      (type, opened, windowMs, minMs, casts) => {
        let w = openWindow(type, opened, windowMs, minMs);
        let now = opened;
        for (const c of casts) {
          now += c.dt;
          w = afterCast(w, { nowMs: now, allVoted: c.allVoted, supermajority: c.supermajority });
          const at = closeAt(w, { nowMs: now, allVoted: c.allVoted });
          t.ok(at <= opened + windowMs && at >= opened);
          t.equal(timeRemaining(w, { nowMs: now, allVoted: c.allVoted }), Math.max(0, at - now));
        }
      },
    ),
  );
});

t.test('the grace is 500 ms', async (t) => {
  t.equal(GRACE_MS, 500);
});
