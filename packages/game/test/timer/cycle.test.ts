import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import { createCycle, currentCycle, MAX_PHASE_CHANGES_PER_TICK, pauseCycle, resumeCycle, tickCycle, type CycleDef, type CycleState } from '../../src/timer/cycle.js';
import type { TimerEvent } from '../../src/timer/types.js';

const T0 = 2_000_000;
const DAY_NIGHT: CycleDef = {
  id: 'dn',
  phases: [
    { name: 'day', duration: 6000 },
    { name: 'dusk', duration: 1000, modifiers: { light: 0.5 } },
    { name: 'night', duration: 3000, modifiers: { spawn_rate: 2 } },
  ],
};
const changes = (ev: readonly TimerEvent[]): Array<[string, number]> => ev.flatMap((e) => (e.type === 'phase_changed' ? [[e.phase, e.at - T0] as [string, number]] : []));

t.test('createCycle', async (t) => {
  t.test('refuses bad defs with a TypeError naming the timer', async (t) => {
    const bad: unknown[] = [
      { id: 'c', phases: [] },
      { id: 'c', phases: [{ name: '', duration: 1 }] },
      { id: 'c', phases: [{ name: 'a', duration: 0 }] },
      { id: 'c', phases: [{ name: 'a', duration: Infinity }] },
      { id: 'c', phases: [{ name: 'a', duration: 1 }], repeat: 0 },
      { id: 'c', phases: [{ name: 'a', duration: 1 }], repeat: 1.5 },
      { id: 'c', phases: [{ name: 'a', duration: 1 }], start_index: 1 },
    ];
    for (const def of bad) t.throws(() => createCycle(def as CycleDef, T0), { name: 'TypeError', message: /"c"/ }, JSON.stringify(def));
  });
});

t.test('tickCycle', async (t) => {
  t.test('starts in the first phase and moves through them, carrying modifiers', async (t) => {
    let s = createCycle(DAY_NIGHT, T0);
    let r = tickCycle(s, { now: T0 });
    t.same(r.events, [
      { type: 'timer_started', id: 'dn', at: T0 },
      { type: 'phase_changed', id: 'dn', phase: 'day', index: 0, cycle: 0, modifiers: {}, at: T0 },
    ]);
    s = r.state;
    r = tickCycle(s, { now: T0 + 6500 });
    t.same(r.events, [{ type: 'phase_changed', id: 'dn', phase: 'dusk', index: 1, cycle: 0, modifiers: { light: 0.5 }, at: T0 + 6000 }]);
    t.same(currentCycle(r.state), { phase: 'dusk', index: 1, cycle: 0, remaining_ms: 500, modifiers: { light: 0.5 } });
  });
  t.test('one big tick reports every sub-phase it steps over, at its time, across cycles', async (t) => {
    let s = tickCycle(createCycle(DAY_NIGHT, T0), { now: T0 }).state;
    const r = tickCycle(s, { now: T0 + 21_000 });
    t.same(changes(r.events), [['dusk', 6000], ['night', 7000], ['day', 10_000], ['dusk', 16_000], ['night', 17_000], ['day', 20_000]]);
    s = r.state;
    t.same(currentCycle(s), { phase: 'day', index: 0, cycle: 2, remaining_ms: 5000, modifiers: {} });
  });
  t.test('start_index begins there, and a cycle counts from it; repeat ends it with timer_expired', async (t) => {
    const r = tickCycle(createCycle({ ...DAY_NIGHT, start_index: 2, repeat: 1 }, T0), { now: T0 + 60_000 });
    t.same(r.events.map((e) => e.type), ['timer_started', 'phase_changed', 'phase_changed', 'phase_changed', 'timer_expired']);
    t.same(changes(r.events), [['night', 0], ['day', 3000], ['dusk', 9000]]);
    t.equal(r.events.at(-1)?.at, T0 + 10_000);
    t.same(tickCycle(r.state, { now: T0 + 90_000 }).events, []);
    t.equal(currentCycle(r.state).phase, 'dusk', 'stays on its last sub-phase');
  });
  t.test('a huge gap on an endless cycle is capped and lands on the right sub-phase', async (t) => {
    const s = tickCycle(createCycle({ id: 'fast', phases: [{ name: 'a', duration: 1 }, { name: 'b', duration: 1 }] }, T0), { now: T0 }).state;
    const r = tickCycle(s, { now: T0 + 10 * MAX_PHASE_CHANGES_PER_TICK + 1 });
    t.equal(changes(r.events).length, 1);
    t.equal(currentCycle(r.state).phase, 'b');
  });
  t.test('pause / resume: paused time does not count', async (t) => {
    let s = tickCycle(createCycle(DAY_NIGHT, T0), { now: T0 }).state;
    s = pauseCycle(s, T0 + 1000);
    s = tickCycle(s, { now: T0 + 50_000 }).state;
    s = resumeCycle(s, T0 + 50_000);
    t.same(currentCycle(s).remaining_ms, 5000);
    t.same(changes(tickCycle(s, { now: T0 + 55_000 }).events), [['dusk', 55_000]]);
  });
});

t.test('tickCycle (property)', async (t) => {
  t.test('ticking once or in many small steps lands on the same sub-phase, having reported the same changes', async () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd'), duration: fc.integer({ min: 40, max: 3000 }) }), { minLength: 1, maxLength: 5 }), // ≤ 750 changes: under the per-tick cap
        fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
        fc.nat(),
        fc.integer({ min: 0, max: 30_000 }),
        fc.integer({ min: 1, max: 1000 }),
        (phases, repeat, startRaw, total, step) => {
          const def: CycleDef = { id: 'c', phases, start_index: startRaw % phases.length, ...(repeat !== undefined ? { repeat } : {}) };
          const once = tickCycle(createCycle(def, T0), { now: T0 + total });
          let s: CycleState = createCycle(def, T0);
          const events: TimerEvent[] = [];
          for (let now = T0; ; now = Math.min(now + step, T0 + total)) {
            const r = tickCycle(s, { now });
            s = r.state;
            events.push(...r.events);
            if (now === T0 + total) break;
          }
          assert.deepEqual(currentCycle(s), currentCycle(once.state));
          assert.deepEqual(events, once.events);
        },
      ),
      { numRuns: 300 },
    );
  });
});
