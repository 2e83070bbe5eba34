// Phases and reconnect graces inside a running match (match-progress.ts), on a simulated clock.
import t from 'tap';
import type { MatchBehaviour } from '../../src/match/behaviour.js';
import type { ReconnectEvent } from '../../src/timer/reconnect.js';
import { harness } from './harness.js';

const P1 = '00000000-0000-7000-8000-000000000001';
const P2 = '00000000-0000-7000-8000-000000000002';

interface Log {
  log: string[];
}
const base: MatchBehaviour<Log> = {
  init: () => ({ log: [] }),
  join: (_id, s) => s,
  leave: (id, s) => ({ log: [...s.log, `leave:${id.slice(-1)}`] }),
  handleInput: (_id, input, s, m) => {
    if ((input as { go?: boolean }).go === true) m.phaseEvent('go');
    return s;
  },
  getSharedState: (s, m) => ({ log: s.log, tick: m.tick }),
};

t.test('phases run in order inside the match; completing them finishes it with a record', async (t) => {
  const phased: MatchBehaviour<Log> = {
    ...base,
    phases: () => [
      { name: 'lobby', duration: 300 },
      { name: 'play', start: { event: 'go' }, config: { map: 'forest' } },
      { name: 'results', start: { event: 'done' }, duration: 100 },
    ],
    onPhaseStarted: (p, s) => ({ log: [...s.log, `+${p}`] }),
    onPhaseEnded: (p, s) => ({ log: [...s.log, `-${p}`] }),
  };
  const h = await harness({ p: { behaviour: phased, matchSize: 2, tickMs: 100, quickPlay: true, listed: true } });
  t.teardown(() => h.stop());
  const a = h.session(P1);
  const { match_id } = await h.matches.findOrCreate('p', P1, a.pid);
  await h.matches.findOrCreate('p', P2, h.session(P2).pid);
  await h.clock.advance(100);
  t.match(h.matches.list()[0]?.phase, { status: 'active', phase: 'lobby' }, 'the listing carries the phase block');
  await h.clock.advance(400);
  t.match(h.matches.list()[0]?.phase, { status: 'waiting', phase: 'play' }, 'play waits for its event');
  h.matches.input(P1, { go: true });
  await h.clock.advance(100);
  t.match(h.matches.list()[0]?.phase, { status: 'active', phase: 'play', config: { map: 'forest' } });
  h.matches.input(P2, { go: true }); // `go` again: no phase waits for it, ignored
  await h.clock.advance(1_000);
  t.equal(h.records.finished.length, 0, 'play has no duration: still running');
  t.match(h.matches.list()[0]?.phase, { status: 'active', phase: 'play' });
  // `done` (from server code, the match's event API) ends play: results starts on it.
  const { Match } = await import('../../src/match/match-server.js');
  Match.phaseEvent(h.matches.whereis(match_id)!, 'done', h.system);
  await h.clock.advance(100);
  const log = (a.of('match.state').at(-1) as Log | undefined)?.log ?? [];
  t.same(log, ['+lobby', '-lobby', '+play', '-play', '+results'], 'callbacks in definition order');
  await h.clock.advance(200);
  t.same(a.of('match.finished').at(-1), { match_id, result: { status: 'phases_complete' } }, 'all phases complete: the match finishes');
  t.equal(h.records.finished.length, 1, 'and is recorded');
});

t.test('reconnect grace: the slot is kept, a return resumes, an expiry removes', async (t) => {
  const events: string[] = [];
  const graceful: MatchBehaviour<Log> = {
    ...base,
    onReconnect: (e: ReconnectEvent, s) => {
      events.push(`${e.type}:${e.player_id.slice(-1)}`);
      return s;
    },
  };
  const h = await harness({ g: { behaviour: graceful, matchSize: 2, tickMs: 100, quickPlay: true, reconnect: { grace_period: 1_000, on_expire: 'forfeit' } } });
  t.teardown(() => h.stop());
  const a = h.session(P1);
  const b = h.session(P2);
  const { match_id } = await h.matches.findOrCreate('g', P1, a.pid);
  await h.matches.findOrCreate('g', P2, b.pid);
  await h.clock.advance(100);
  h.system.exit(b.pid, 'kill');
  await h.clock.advance(500);
  t.same(h.matches.get(match_id)?.players, [P1, P2], 'P2 keeps the slot during grace');
  t.same(events, ['grace_started:2']);
  const b2 = h.session(P2);
  await h.matches.join(match_id, P2, b2.pid);
  t.same(events, ['grace_started:2', 'player_reconnected:2'], 'coming back ends the grace');
  await h.clock.advance(100);
  t.ok(b2.of('match.state').length > 0, 'the new connection receives state');

  h.system.exit(b2.pid, 'kill');
  await h.clock.advance(1_200);
  t.same(h.matches.get(match_id)?.players, [P1], 'grace expired: removed');
  t.same(events.slice(2), ['grace_started:2', 'grace_expired:2']);
  t.equal(h.matches.matchOf(P2), undefined);
  await h.matches.cancel(match_id);
});

t.test('reconnect grace with pause_match pauses the match; a forfeit is recorded as a loss', async (t) => {
  let ticks = 0;
  const counting: MatchBehaviour<Log> = {
    ...base,
    tick: (s, m) => {
      ticks += 1;
      return m.tick >= 30 ? { ...s, log: [...s.log, 'end'] } : s;
    },
  };
  const { finished } = await import('../../src/match/behaviour.js');
  const winner: MatchBehaviour<Log & { win?: string }> = {
    ...counting,
    handleInput: (id, input, s) => ((input as { win?: boolean }).win === true ? { ...s, win: id } : s),
    tick: (s) => {
      ticks += 1;
      return s.win !== undefined ? finished({ winners: [s.win] }, s) : s;
    },
  };
  const h = await harness({ w: { behaviour: winner, matchSize: 2, tickMs: 100, quickPlay: true, reconnect: { grace_period: 500, pause_match: true, on_expire: 'forfeit' } } });
  t.teardown(() => h.stop());
  const a = h.session(P1);
  const b = h.session(P2);
  const { match_id } = await h.matches.findOrCreate('w', P1, a.pid);
  await h.matches.findOrCreate('w', P2, b.pid);
  await h.clock.advance(200);
  const before = ticks;
  h.system.exit(b.pid, 'kill');
  await h.clock.advance(300);
  t.equal(h.matches.get(match_id)?.status, 'paused', 'paused while P2 is in grace');
  t.equal(ticks, before, 'the game does not tick while paused');
  await h.clock.advance(300);
  t.equal(h.matches.get(match_id)?.status, 'running', 'the grace expired: running again');
  t.same(h.matches.get(match_id)?.players, [P1]);
  h.matches.input(P1, { win: true });
  await h.clock.advance(200);
  t.equal(h.records.finished.length, 1);
  t.same(h.records.finished[0]?.players, [P1, P2], 'the forfeiting player is in the record');
  t.same(h.records.finished[0]?.result, { winners: [P1] }, 'and, not a winner, counts as a loss');
});

t.test('a crash during a grace keeps the grace; phases survive a restart', async (t) => {
  let crash = false;
  const fragile: MatchBehaviour<Log> = {
    ...base,
    phases: () => [{ name: 'only', duration: 10_000 }],
    tick: (s) => {
      if (crash) {
        crash = false;
        throw new Error('crash on purpose');
      }
      return s;
    },
  };
  const h = await harness({ f: { behaviour: fragile, matchSize: 2, tickMs: 100, quickPlay: true, listed: true, reconnect: { grace_period: 5_000 } } });
  t.teardown(() => h.stop());
  const a = h.session(P1);
  const b = h.session(P2);
  const { match_id } = await h.matches.findOrCreate('f', P1, a.pid);
  await h.matches.findOrCreate('f', P2, b.pid);
  await h.clock.advance(1_000);
  h.system.exit(b.pid, 'kill');
  await h.clock.advance(100);
  crash = true;
  await h.clock.advance(300);
  t.ok(h.log.entries.some((e) => e.msg === 'match_resumed_from_snapshot'));
  t.same(h.matches.get(match_id)?.players, [P1, P2], 'P2 is still in grace after the restart');
  const phase = h.matches.list()[0]?.phase as { phase: string; remaining_ms: number };
  t.equal(phase.phase, 'only', 'the phase survived');
  t.ok(phase.remaining_ms <= 8_700 && phase.remaining_ms > 8_000, `remaining time counts on (${phase.remaining_ms})`);
});
