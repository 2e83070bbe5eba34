import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import { countdownRemaining, createCountdown, pauseCountdown, resumeCountdown, tickCountdown, type CountdownDef, type CountdownState } from '../../src/timer/countdown.js';
import type { TimerEvent, TimerFacts } from '../../src/timer/types.js';

const T0 = 5_000_000;

function tick(s: CountdownState, f: TimerFacts): [CountdownState, readonly TimerEvent[]] {
  const r = tickCountdown(s, f);
  return [r.state, r.events];
}

t.test('createCountdown', async (t) => {
  t.test('refuses a bad def with a TypeError naming the timer', async (t) => {
    const bad: unknown[] = [
      { id: '', duration: 10 },
      { id: 'x', duration: 0 },
      { id: 'x', duration: -5 },
      { id: 'x', duration: Infinity },
      { id: 'x', duration: 10, warnings: [-1] },
      { id: 'x', duration: 10, warnings: 5 },
      { id: 'x', duration: 10, pause_on_empty: 'yes' },
    ];
    for (const def of bad) t.throws(() => createCountdown(def as CountdownDef, T0), TypeError, JSON.stringify(def));
    t.throws(() => createCountdown({ id: 'round', duration: -1 }, T0), { message: /"round".*duration/ });
  });
});

t.test('tickCountdown', async (t) => {
  t.test('starts, warns at each threshold once, expires with on_expire', async (t) => {
    let s = createCountdown({ id: 'round', duration: 10_000, warnings: [3000, 5000, 5000], on_expire: { end: 'draw' } }, T0);
    let ev;
    [s, ev] = tick(s, { now: T0 });
    t.same(ev, [{ type: 'timer_started', id: 'round', at: T0 }]);
    [s, ev] = tick(s, { now: T0 + 4999 });
    t.same(ev, []);
    [s, ev] = tick(s, { now: T0 + 5000 });
    t.same(ev, [{ type: 'timer_warning', id: 'round', threshold: 5000, at: T0 + 5000 }]);
    [s, ev] = tick(s, { now: T0 + 6000 });
    t.same(ev, []);
    t.equal(countdownRemaining(s), 4000);
    [s, ev] = tick(s, { now: T0 + 9000 });
    t.same(ev, [{ type: 'timer_warning', id: 'round', threshold: 3000, at: T0 + 7000 }]);
    [s, ev] = tick(s, { now: T0 + 10_000 });
    t.same(ev, [{ type: 'timer_expired', id: 'round', at: T0 + 10_000, on_expire: { end: 'draw' } }]);
    [s, ev] = tick(s, { now: T0 + 20_000 });
    t.same(ev, [], 'expires once');
    t.equal(s.status, 'expired');
  });

  t.test('one late tick reports the start, every warning (largest first) and the expiry at their times', async (t) => {
    const [, ev] = tick(createCountdown({ id: 'c', duration: 1000, warnings: [100, 500] }, T0), { now: T0 + 5000 });
    t.same(ev.map((e) => [e.type, e.at - T0]), [['timer_started', 0], ['timer_warning', 500], ['timer_warning', 900], ['timer_expired', 1000]]);
  });

  t.test('pause_on_empty: time does not count while the last tick saw no players', async (t) => {
    let s = createCountdown({ id: 'c', duration: 1000, pause_on_empty: true }, T0);
    [s] = tick(s, { now: T0, players: 2 });
    [s] = tick(s, { now: T0 + 300, players: 0 });
    [s] = tick(s, { now: T0 + 5000, players: 1 });
    t.equal(countdownRemaining(s), 700, 'the empty span did not count');
    let ev;
    [, ev] = tick(s, { now: T0 + 5700, players: 1 });
    t.same(ev.map((e) => e.type), ['timer_expired']);
    const plain = tick(tick(createCountdown({ id: 'c', duration: 1000 }, T0), { now: T0, players: 0 })[0], { now: T0 + 1000, players: 0 });
    t.same(plain[1].map((e) => e.type), ['timer_expired'], 'without pause_on_empty an empty roster changes nothing');
  });

  t.test('pause / resume: paused time does not count', async (t) => {
    let s = createCountdown({ id: 'c', duration: 1000 }, T0);
    [s] = tick(s, { now: T0 });
    s = pauseCountdown(s, T0 + 200);
    [s] = tick(s, { now: T0 + 3000 });
    t.equal(countdownRemaining(s), 800);
    s = resumeCountdown(s, T0 + 4000);
    let ev;
    [s, ev] = tick(s, { now: T0 + 4799 });
    t.same(ev, []);
    [, ev] = tick(s, { now: T0 + 4800 });
    t.same(ev.map((e) => e.type), ['timer_expired']);
  });
});

t.test('tickCountdown (property)', async (t) => {
  t.test('for any thresholds and tick sizes: each warning once, descending, before the expiry, which comes once after exactly `duration`', async () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.array(fc.integer({ min: 0, max: 25_000 }), { maxLength: 6 }),
        fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: 1, maxLength: 60 }),
        (duration, warnings, dts) => {
          let s = createCountdown({ id: 'c', duration, warnings }, T0);
          let now = T0;
          const events: TimerEvent[] = [];
          for (const dt of [...dts, duration]) {
            now += dt;
            const r = tickCountdown(s, { now });
            s = r.state;
            events.push(...r.events);
          }
          const types = events.map((e) => e.type);
          assert.equal(types[0], 'timer_started');
          assert.equal(types.filter((x) => x === 'timer_expired').length, 1);
          assert.equal(types.at(-1), 'timer_expired');
          const thresholds = events.flatMap((e) => (e.type === 'timer_warning' ? [e.threshold] : []));
          assert.deepEqual(thresholds, [...new Set(warnings)].sort((a, b) => b - a));
          const exp = events.at(-1) as TimerEvent;
          assert.equal(exp.at, T0 + duration);
        },
      ),
      { numRuns: 500 },
    );
  });
});
