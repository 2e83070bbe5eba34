import t from 'tap';
import { createConditional, notifyConditional, pauseConditional, resumeConditional, tickConditional, type ConditionalDef } from '../../src/timer/conditional.js';

const T0 = 9_000_000;
const types = (ev: readonly { type: string }[]): string[] => ev.map((e) => e.type);

t.test('createConditional', async (t) => {
  t.test('refuses bad start conditions and fallbacks with a TypeError', async (t) => {
    const bad: unknown[] = [{ players: -1 }, { players_ratio: 2 }, { event: '' }, { prev_expired: '' }, { foo: 1 }, 'whenever'];
    for (const start of bad) t.throws(() => createConditional({ id: 'c', duration: 10, start } as ConditionalDef, T0), TypeError, JSON.stringify(start));
    t.throws(() => createConditional({ id: 'c', duration: 10, start: 'all_ready', fallback_timeout: -1 }, T0), { name: 'TypeError', message: /fallback_timeout/ });
  });
});

t.test('tickConditional', async (t) => {
  t.test('{players: N} starts the countdown when N players are there', async (t) => {
    let s = createConditional({ id: 'c', duration: 1000, start: { players: 4 } }, T0);
    let r = tickConditional(s, { now: T0 + 100, players: 3 });
    t.same(r.events, []);
    r = tickConditional(r.state, { now: T0 + 200, players: 4 });
    t.same(r.events, [{ type: 'timer_started', id: 'c', at: T0 + 200 }]);
    s = r.state;
    r = tickConditional(s, { now: T0 + 1200, players: 0 });
    t.same(types(r.events), ['timer_expired']);
  });
  t.test('{players_ratio: R} compares to capacity', async (t) => {
    const s = createConditional({ id: 'c', duration: 1000, start: { players_ratio: 0.75 } }, T0);
    t.same(tickConditional(s, { now: T0, players: 2, maxPlayers: 4 }).events, []);
    t.same(types(tickConditional(s, { now: T0, players: 3, maxPlayers: 4 }).events), ['timer_started']);
  });
  t.test('all_ready', async (t) => {
    const s = createConditional({ id: 'c', duration: 1000, start: 'all_ready' }, T0);
    t.same(tickConditional(s, { now: T0 }).events, []);
    t.same(types(tickConditional(s, { now: T0, allReady: true }).events), ['timer_started']);
  });
  t.test('{event: E} starts on notify, other events are ignored', async (t) => {
    const s = createConditional({ id: 'c', duration: 1000, start: { event: 'boss' } }, T0);
    t.same(notifyConditional(s, 'other', T0 + 5).events, []);
    const r = notifyConditional(s, 'boss', T0 + 5);
    t.same(r.events, [{ type: 'timer_started', id: 'c', at: T0 + 5 }]);
    t.same(notifyConditional(r.state, 'boss', T0 + 6).events, [], 'a running timer ignores it');
  });
  t.test('{prev_expired: id} starts at the other timer\'s expiry time', async (t) => {
    const s = createConditional({ id: 'overtime', duration: 1000, start: { prev_expired: 'round' } }, T0);
    t.same(tickConditional(s, { now: T0 + 10, expired: {} }).events, []);
    const r = tickConditional(s, { now: T0 + 1500, expired: { round: T0 + 700 } });
    t.same(r.events.map((e) => [e.type, e.at - T0]), [['timer_started', 700]]);
    t.same(types(tickConditional(r.state, { now: T0 + 1700 }).events), ['timer_expired']);
  });
  t.test('fallback_timeout starts it anyway, counted from creation', async (t) => {
    const s = createConditional({ id: 'c', duration: 1000, start: { players: 10 }, fallback_timeout: 5000, warnings: [500] }, T0);
    t.same(tickConditional(s, { now: T0 + 4999, players: 1 }).events, []);
    const r = tickConditional(s, { now: T0 + 7000, players: 1 });
    t.same(r.events.map((e) => [e.type, e.at - T0]), [['timer_started', 5000], ['timer_warning', 5500], ['timer_expired', 6000]]);
  });
  t.test('pausing while waiting moves the fallback later', async (t) => {
    let s = createConditional({ id: 'c', duration: 1000, start: { players: 10 }, fallback_timeout: 5000 }, T0);
    s = pauseConditional(s, T0 + 1000);
    t.same(tickConditional(s, { now: T0 + 8000, players: 10 }).events, [], 'nothing starts while paused');
    s = resumeConditional(s, T0 + 3000);
    t.same(tickConditional(s, { now: T0 + 6999 }).events, []);
    t.same(types(tickConditional(s, { now: T0 + 7000 }).events), ['timer_started']);
  });
});
