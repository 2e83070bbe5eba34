import t from 'tap';
import { createTimers, findTimer, notifyTimers, pauseTimers, resumeTimers, tickTimers, type TimerDef } from '../../src/timer/timers.js';
import type { TimerEvent } from '../../src/timer/types.js';

const T0 = 3_000_000;
const show = (ev: readonly TimerEvent[]): string[] => ev.map((e) => `${e.type}:${e.id}@${e.at - T0}`);

t.test('createTimers', async (t) => {
  t.test('refuses duplicate ids and unknown kinds with a TypeError', async (t) => {
    t.throws(() => createTimers([{ kind: 'countdown', id: 'a', duration: 1 }, { kind: 'countdown', id: 'a', duration: 2 }], T0), { name: 'TypeError', message: /"a"/ });
    t.throws(() => createTimers([{ kind: 'sundial', id: 'b' } as unknown as TimerDef], T0), { name: 'TypeError', message: /"b".*sundial/ });
  });
});

t.test('tickTimers', async (t) => {
  t.test('a conditional on {prev_expired} starts at the expiry time, in the same tick', async (t) => {
    const s = createTimers(
      [
        { kind: 'conditional', id: 'overtime', duration: 500, start: { prev_expired: 'round' } },
        { kind: 'countdown', id: 'round', duration: 1000 },
      ],
      T0,
    );
    const r = tickTimers(s, { now: T0 + 2000 });
    t.same(show(r.events), ['timer_started:round@0', 'timer_expired:round@1000', 'timer_started:overtime@1000', 'timer_expired:overtime@1500']);
    t.same(r.state.expired, { round: T0 + 1000, overtime: T0 + 1500 });
  });
  t.test('mixes kinds: facts reach conditionals, events reach {event} conditionals', async (t) => {
    let s = createTimers(
      [
        { kind: 'conditional', id: 'warmup', duration: 100, start: { players: 2 } },
        { kind: 'conditional', id: 'boss', duration: 100, start: { event: 'boss' } },
        { kind: 'cycle', id: 'dn', phases: [{ name: 'day', duration: 1000 }, { name: 'night', duration: 1000 }] },
      ],
      T0,
    );
    let r = tickTimers(s, { now: T0, players: 1 });
    t.same(show(r.events), ['timer_started:dn@0', 'phase_changed:dn@0']);
    r = tickTimers(r.state, { now: T0 + 50, players: 2 });
    t.same(show(r.events), ['timer_started:warmup@50']);
    r = notifyTimers(r.state, 'boss', T0 + 60);
    t.same(show(r.events), ['timer_started:boss@60']);
    t.same(notifyTimers(r.state, 'boss', T0 + 61).events, []);
    s = r.state;
    t.equal(findTimer(s, 'boss')?.kind, 'conditional');
    t.equal(findTimer(s, 'nope'), undefined);
  });
  t.test('pauseTimers stops countdowns and cycles; resumeTimers restarts them', async (t) => {
    let s = createTimers([{ kind: 'countdown', id: 'c', duration: 1000 }, { kind: 'cycle', id: 'y', phases: [{ name: 'a', duration: 600 }, { name: 'b', duration: 600 }] }], T0);
    s = tickTimers(s, { now: T0 }).state;
    s = pauseTimers(s, T0 + 500);
    t.same(tickTimers(s, { now: T0 + 10_000 }).events, []);
    s = resumeTimers(tickTimers(s, { now: T0 + 10_000 }).state, T0 + 10_000);
    t.same(show(tickTimers(s, { now: T0 + 10_500 }).events), ['phase_changed:y@10100', 'timer_expired:c@10500']);
  });
});
