// Runs the "Driving the engines yourself" example of guides/phases-and-timers.md and asserts what its
// comments say. Keep the two in step: change one, change the other.
import t from 'tap';
import { createPhases, currentPhase, tickPhases } from '../../src/phase/engine.js';
import { createCountdown, tickCountdown } from '../../src/timer/countdown.js';
import { createReconnect, disconnected, reconnected, tickReconnect } from '../../src/timer/reconnect.js';

t.test('guides/phases-and-timers.md example', async (t) => {
  let now = Date.parse('2026-11-24T12:00:00Z');
  let phases = createPhases(
    [
      { name: 'lobby', start: { players: 2 }, duration: 10_000 },
      { name: 'play', duration: 180_000 },
      { name: 'results', duration: 15_000 },
    ],
    now,
  );
  let round = createCountdown({ id: 'round', duration: 180_000, warnings: [60_000, 10_000], on_expire: 'sudden_death' }, now);
  let grace = createReconnect({ grace_period: 30_000, on_expire: 'forfeit' });

  now += 100;
  const p = tickPhases(phases, { now, players: 2, maxPlayers: 8, allReady: false });
  phases = p.state;
  t.same(p.events.map((e) => [e.type, 'phase' in e ? e.phase : '']), [['phase_started', 'lobby']]);

  const c = tickCountdown(round, { now, players: 2 });
  round = c.state;
  t.same(c.events.map((e) => e.type), ['timer_started']);
  const later = tickCountdown(round, { now: now + 180_000, players: 2 });
  t.same(later.events.map((e) => (e.type === 'timer_warning' ? e.threshold : e.type)), [60_000, 10_000, 'timer_expired']);
  t.same(later.events.at(-1), { type: 'timer_expired', id: 'round', at: now - 100 + 180_000, on_expire: 'sudden_death' });

  const g = tickReconnect(grace, now);
  grace = g.state;
  t.same(g.events, []);

  const d = disconnected(grace, 'p1', now);
  t.same(d.events, [{ type: 'grace_started', player_id: 'p1', at: now, grace_until: now + 30_000, during_grace: 'idle' }]);
  const r = reconnected(d.state, 'p1', now + 5_000);
  t.same(r.events, [{ type: 'player_reconnected', player_id: 'p1', at: now + 5_000, action: 'resume', offline_ms: 5_000 }]);
  const expired = tickReconnect(disconnected(r.state, 'p2', now).state, now + 30_000);
  t.same(expired.events, [{ type: 'grace_expired', player_id: 'p2', at: now + 30_000, action: 'forfeit' }]);

  t.same(currentPhase(phases), { status: 'active', phase: 'lobby', remaining_ms: 10_000, config: {}, paused: false });
});
