import t from 'tap';
import { addEntityTimer, cancelEntityTimer, createEntityTimers, entityTimerCount, entityTimersOf, tickEntityTimers, type EntityTimerSpec } from '../../src/timer/entity-timers.js';

const T0 = 100_000;

t.test('addEntityTimer', async (t) => {
  t.test('refuses bad specs with a TypeError naming the key', async (t) => {
    const s = createEntityTimers(T0);
    const bad: Array<[unknown, RegExp]> = [
      [{ entity_id: '', duration: 10 }, /entity_id/],
      [{ entity_id: 'e' }, /duration or end_at/],
      [{ entity_id: 'e', duration: 10, end_at: 5 }, /duration or end_at/],
      [{ entity_id: 'e', duration: -1 }, /duration/],
      [{ entity_id: 'e', end_at: Infinity }, /end_at/],
      [{ entity_id: 'e', duration: 10, pause_when_offline: true }, /owner/],
    ];
    for (const [spec, re] of bad) t.throws(() => addEntityTimer(s, spec as EntityTimerSpec, T0), { name: 'TypeError', message: re }, JSON.stringify(spec));
  });
  t.test('replaces a timer of the same entity and key; keeps other keys', async (t) => {
    let s = createEntityTimers(T0);
    s = addEntityTimer(s, { entity_id: 'f', key: 'smelt', duration: 100 }, T0);
    s = addEntityTimer(s, { entity_id: 'f', key: 'decay', duration: 500 }, T0);
    s = addEntityTimer(s, { entity_id: 'f', key: 'smelt', duration: 300 }, T0);
    t.equal(entityTimerCount(s), 2);
    t.same(entityTimersOf(s, 'f').map((x) => [x.key, x.end_at - T0]).sort(), [['decay', 500], ['smelt', 300]]);
  });
});

t.test('tickEntityTimers', async (t) => {
  t.test('returns the timers that ended, earliest first, and drops them', async (t) => {
    let s = createEntityTimers(T0);
    s = addEntityTimer(s, { entity_id: 'b', duration: 200, on_complete: { give: 'iron' }, category: 'craft' }, T0);
    s = addEntityTimer(s, { entity_id: 'a', duration: 200 }, T0);
    s = addEntityTimer(s, { entity_id: 'c', end_at: T0 + 100 }, T0);
    s = addEntityTimer(s, { entity_id: 'd', duration: 1000 }, T0);
    let r = tickEntityTimers(s, { now: T0 + 99 });
    t.same(r.expired, []);
    r = tickEntityTimers(r.state, { now: T0 + 250 });
    t.same(r.expired.map((x) => x.entity_id), ['c', 'a', 'b']);
    t.same(r.expired[2], { entity_id: 'b', key: 'default', end_at: T0 + 200, pause_when_offline: false, on_complete: { give: 'iron' }, category: 'craft' });
    t.equal(entityTimerCount(r.state), 1);
    t.same(tickEntityTimers(r.state, { now: T0 + 500 }).expired, [], 'each fires once');
  });
  t.test('cancel removes one key or every timer of the entity', async (t) => {
    let s = createEntityTimers(T0);
    s = addEntityTimer(s, { entity_id: 'e', key: 'x', duration: 10 }, T0);
    s = addEntityTimer(s, { entity_id: 'e', key: 'y', duration: 10 }, T0);
    s = addEntityTimer(s, { entity_id: 'g', duration: 10 }, T0);
    t.equal(cancelEntityTimer(s, 'nobody'), s);
    const one = cancelEntityTimer(s, 'e', 'x');
    t.same(tickEntityTimers(one, { now: T0 + 10 }).expired.map((x) => `${x.entity_id}/${x.key}`), ['e/y', 'g/default']);
    const all = cancelEntityTimer(s, 'e');
    t.same(tickEntityTimers(all, { now: T0 + 10 }).expired.map((x) => x.entity_id), ['g']);
  });
  t.test('pause_when_offline: time does not run while the owner is offline', async (t) => {
    let s = createEntityTimers(T0);
    s = addEntityTimer(s, { entity_id: 'crop', duration: 1000, owner: 'p1', pause_when_offline: true }, T0);
    const online = new Set(['p1']);
    let r = tickEntityTimers(s, { now: T0 + 400, online });
    r = tickEntityTimers(r.state, { now: T0 + 5400, online: new Set() });
    t.same(r.expired, []);
    r = tickEntityTimers(r.state, { now: T0 + 5999, online });
    t.same(r.expired, []);
    r = tickEntityTimers(r.state, { now: T0 + 6000, online });
    t.same(r.expired.map((x) => x.entity_id), ['crop']);
  });
  t.test('the state survives JSON: timers that ended while nothing ticked fire on the first tick after', async (t) => {
    let s = createEntityTimers(T0);
    s = addEntityTimer(s, { entity_id: 'door', duration: 50, on_complete: { close: true } }, T0);
    const restored = JSON.parse(JSON.stringify(s)) as typeof s;
    t.same(tickEntityTimers(restored, { now: T0 + 3_600_000 }).expired.map((x) => x.on_complete), [{ close: true }]);
  });
});
