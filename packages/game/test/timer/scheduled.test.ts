import t from 'tap';
import { createScheduled, SCHEDULED_LOOKBACK_MS, tickScheduled, windowOpenAt, type ScheduledDef, type ScheduledState } from '../../src/timer/scheduled.js';
import type { TimerEvent } from '../../src/timer/types.js';

/** UTC instant: 2026-11-23 is a Monday, 2026-11-28 a Saturday. */
const at = (day: number, h = 0, m = 0): number => Date.UTC(2026, 10, day, h, m);
const show = (ev: readonly TimerEvent[]): string[] => ev.map((e) => `${e.type}@${new Date(e.at).toISOString().slice(5, 16)}`);

function run(def: ScheduledDef, times: readonly number[]): string[][] {
  let s: ScheduledState = createScheduled(def, times[0] as number);
  return times.map((now) => {
    const r = tickScheduled(s, { now });
    s = r.state;
    return show(r.events);
  });
}

t.test('createScheduled', async (t) => {
  t.test('refuses bad windows and dates with a TypeError naming the timer', async (t) => {
    const bad: unknown[] = [
      { id: 's', window: {} },
      { id: 's', window: { weekday: [25, 0, 1, 0] } },
      { id: 's', window: { weekday: [9, 60, 10, 0] } },
      { id: 's', window: { weekday: [9, 0, 9, 0] } },
      { id: 's', window: { weekend: [9, 0, 24, 30] } },
      { id: 's', window: { weekend: [9, 0, 10] } },
      { id: 's', once: 'next tuesday-ish' },
      { id: 's' },
    ];
    for (const def of bad) t.throws(() => createScheduled(def as ScheduledDef, 0), { name: 'TypeError', message: /"s"/ }, JSON.stringify(def));
  });
});

t.test('tickScheduled: windows', async (t) => {
  t.test('opens and closes a weekday window at its UTC times', async (t) => {
    const def: ScheduledDef = { id: 'w', window: { weekday: [9, 0, 17, 30] } };
    t.same(run(def, [at(23, 8), at(23, 8, 59), at(23, 9), at(23, 17, 29), at(23, 17, 30)]), [[], [], ['window_open@11-23T09:00'], [], ['window_close@11-23T17:30']]);
  });
  t.test('reports open on the first tick when created inside a window', async (t) => {
    t.same(run({ id: 'w', window: { weekday: [9, 0, 17, 0] } }, [at(24, 12)]), [['window_open@11-24T12:00']]);
  });
  t.test('a window across midnight stays open into the next day and closes there', async (t) => {
    const def: ScheduledDef = { id: 'n', window: { weekday: [22, 0, 2, 0] } };
    t.same(run(def, [at(23, 21), at(23, 22), at(24, 1, 59), at(24, 2)]), [[], ['window_open@11-23T22:00'], [], ['window_close@11-24T02:00']]);
  });
  t.test('Friday\'s window runs into Saturday under the weekday rule; the weekend rule applies from Saturday', async (t) => {
    const w = { weekday: [22, 0, 2, 0], weekend: [12, 0, 14, 0] } as const;
    t.ok(windowOpenAt(w, at(28, 1)), 'Sat 01:00 is still in Friday\'s window');
    t.notOk(windowOpenAt(w, at(28, 22, 30)), 'Sat 22:30: the weekday rule does not apply on Saturday');
    t.ok(windowOpenAt(w, at(28, 13)));
    t.notOk(windowOpenAt(w, at(30, 1)), 'Mon 01:00: Sunday used the weekend rule');
    t.ok(windowOpenAt(w, at(30, 23)));
  });
  t.test('one late tick reports every opening and closing it stepped over, in order', async (t) => {
    const def: ScheduledDef = { id: 'w', window: { weekday: [9, 0, 17, 0], weekend: [10, 0, 11, 0] } };
    t.same(run(def, [at(27, 0), at(29, 0)]), [[], ['window_open@11-27T09:00', 'window_close@11-27T17:00', 'window_open@11-28T10:00', 'window_close@11-28T11:00']]);
  });
  t.test('back-to-back windows are one: an all-day weekday window closes Saturday 00:00 and opens Monday 00:00', async (t) => {
    const def: ScheduledDef = { id: 'wk', window: { weekday: [0, 0, 24, 0] } };
    t.same(run(def, [at(23, 0), at(30, 12)]), [['window_open@11-23T00:00'], ['window_close@11-28T00:00', 'window_open@11-30T00:00']]);
  });
  t.test('a gap longer than the lookback reports only its last part', async (t) => {
    const def: ScheduledDef = { id: 'w', window: { weekday: [9, 0, 17, 0] } };
    let s = tickScheduled(createScheduled(def, at(23, 0)), { now: at(23, 0) }).state;
    const r = tickScheduled(s, { now: at(23, 0) + 10 * SCHEDULED_LOOKBACK_MS });
    t.ok(r.events.length <= 2 * 15);
    t.ok(r.events.every((e) => e.at >= at(23, 0) + 9 * SCHEDULED_LOOKBACK_MS));
    s = r.state;
    t.equal(s.status, windowOpenAt(def.window, at(23, 0) + 10 * SCHEDULED_LOOKBACK_MS) ? 'open' : 'closed');
  });
});

t.test('tickScheduled: once', async (t) => {
  t.test('fires once at its instant (ISO or Unix ms)', async (t) => {
    t.same(run({ id: 'launch', once: '2026-11-24T12:00:00Z' }, [at(24, 11), at(24, 11, 59), at(24, 12, 30), at(25, 0)]), [[], [], ['scheduled_fire@11-24T12:00'], []]);
    t.same(run({ id: 'launch', once: at(24, 12) }, [at(24, 12)]), [['scheduled_fire@11-24T12:00']]);
  });
  t.test('fires late on the first tick when its instant passed before creation', async (t) => {
    t.same(run({ id: 'late', once: at(20, 0) }, [at(24, 0), at(24, 1)]), [['scheduled_fire@11-20T00:00'], []]);
  });
});
