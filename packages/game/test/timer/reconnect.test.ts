import t from 'tap';
import {
  createReconnect,
  disconnected,
  forgetPlayer,
  inGrace,
  isInGrace,
  offlineTotal,
  reconnected,
  resolveReconnectPolicy,
  shouldPause,
  tickReconnect,
  type ReconnectPolicy,
  type ReconnectState,
} from '../../src/timer/reconnect.js';

const T0 = 7_000_000;

t.test('resolveReconnectPolicy', async (t) => {
  t.test('applies the defaults', async (t) => {
    t.same(resolveReconnectPolicy({ grace_period: 30_000 }), {
      grace_period: 30_000,
      during_grace: 'idle',
      on_reconnect: 'resume',
      on_expire: 'remove',
      pause_match: false,
      max_offline_total: Infinity,
    });
  });
  t.test('refuses a bad policy with a TypeError naming the key', async (t) => {
    const bad: Array<[unknown, string]> = [
      [{}, 'grace_period'],
      [{ grace_period: -1 }, 'grace_period'],
      [{ grace_period: '5s' }, 'grace_period'],
      [{ grace_period: 1, during_grace: 'sleeping' }, 'during_grace'],
      [{ grace_period: 1, on_reconnect: 'teleport' }, 'on_reconnect'],
      [{ grace_period: 1, on_expire: 'explode' }, 'on_expire'],
      [{ grace_period: 1, pause_match: 'yes' }, 'pause_match'],
      [{ grace_period: 1, max_offline_total: -5 }, 'max_offline_total'],
      [{ grace_period: 1, grace: 5 }, 'grace'],
    ];
    for (const [p, key] of bad) t.throws(() => createReconnect(p as ReconnectPolicy), { name: 'TypeError', message: new RegExp(`\\b${key}\\b`) }, key);
  });
});

t.test('reconnect flows', async (t) => {
  t.test('drop then back within grace: grace_started, then player_reconnected with on_reconnect', async (t) => {
    let s = createReconnect({ grace_period: 10_000, during_grace: 'frozen', on_reconnect: 'respawn' });
    let r = disconnected(s, 'p1', T0);
    t.same(r.events, [{ type: 'grace_started', player_id: 'p1', at: T0, grace_until: T0 + 10_000, during_grace: 'frozen' }]);
    s = r.state;
    t.same(inGrace(s), ['p1']);
    t.ok(isInGrace(s, 'p1'));
    t.same(disconnected(s, 'p1', T0 + 5).events, [], 'a second drop while in grace changes nothing');
    t.same(tickReconnect(s, T0 + 9_999).events, []);
    r = reconnected(s, 'p1', T0 + 4000);
    t.same(r.events, [{ type: 'player_reconnected', player_id: 'p1', at: T0 + 4000, action: 'respawn', offline_ms: 4000 }]);
    s = r.state;
    t.same(inGrace(s), []);
    t.equal(offlineTotal(s, 'p1', T0 + 99_999), 4000);
    t.same(reconnected(s, 'p1', T0 + 5000).events, [], 'not in grace: nothing to do');
  });
  t.test('grace runs out: tickReconnect gives grace_expired with on_expire, earliest first', async (t) => {
    let s = createReconnect({ grace_period: 1000, on_expire: 'forfeit' });
    s = disconnected(s, 'b', T0).state;
    s = disconnected(s, 'a', T0).state;
    s = disconnected(s, 'c', T0 + 500).state;
    const r = tickReconnect(s, T0 + 1200);
    t.same(r.events, [
      { type: 'grace_expired', player_id: 'a', at: T0 + 1000, action: 'forfeit' },
      { type: 'grace_expired', player_id: 'b', at: T0 + 1000, action: 'forfeit' },
    ]);
    t.same(inGrace(r.state), ['c']);
    t.same(tickReconnect(r.state, T0 + 1200).events, [], 'each expires once');
    t.same(reconnected(r.state, 'a', T0 + 1300).events, [], 'too late: not in grace any more');
  });
  t.test('a reconnect after the grace ended but before the tick reports grace_expired', async (t) => {
    const s = disconnected(createReconnect({ grace_period: 1000 }), 'p', T0).state;
    t.same(reconnected(s, 'p', T0 + 1000).events, [{ type: 'grace_expired', player_id: 'p', at: T0 + 1000, action: 'remove' }]);
  });
  t.test('max_offline_total adds up across drops, shortens the last grace, then expires a drop at once', async (t) => {
    let s: ReconnectState = createReconnect({ grace_period: 5000, max_offline_total: 8000, on_expire: 'kick' });
    s = disconnected(s, 'p', T0).state;
    s = reconnected(s, 'p', T0 + 4000).state;
    const r = disconnected(s, 'p', T0 + 10_000);
    t.equal(r.events[0]?.type === 'grace_started' && r.events[0].grace_until, T0 + 14_000, 'only 4000 ms left');
    s = tickReconnect(r.state, T0 + 14_000).state;
    t.equal(offlineTotal(s, 'p', T0 + 20_000), 8000);
    t.same(disconnected(s, 'p', T0 + 20_000).events, [{ type: 'grace_expired', player_id: 'p', at: T0 + 20_000, action: 'kick' }]);
    t.equal(offlineTotal(forgetPlayer(s, 'p'), 'p', T0), 0);
  });
  t.test('shouldPause: only with pause_match and someone in grace', async (t) => {
    let s = createReconnect({ grace_period: 1000, pause_match: true });
    t.notOk(shouldPause(s));
    s = disconnected(s, 'p', T0).state;
    t.ok(shouldPause(s));
    t.notOk(shouldPause(disconnected(createReconnect({ grace_period: 1000 }), 'p', T0).state));
    s = reconnected(s, 'p', T0 + 10).state;
    t.notOk(shouldPause(s));
  });
});
