import t from 'tap';
import { createPhases, currentPhase, pausePhases, phaseEvent, resumePhases, tickPhases } from '../../src/phase/engine.js';
import type { PhaseDef, PhaseEvent, PhaseFacts, PhaseStart, PhasesState } from '../../src/phase/types.js';

const T0 = 1_000_000;
const facts = (now: number, more: Partial<PhaseFacts> = {}): PhaseFacts => ({ now, players: 0, maxPlayers: 10, allReady: false, ...more });
const names = (events: readonly PhaseEvent[]): string[] => events.map((e) => (e.type === 'all_phases_complete' ? e.type : `${e.type}:${e.phase}`));

/** Ticks and returns [state, events] for brevity. */
function tick(s: PhasesState, f: PhaseFacts): [PhasesState, readonly PhaseEvent[]] {
  const r = tickPhases(s, f);
  return [r.state, r.events];
}

t.test('createPhases', async (t) => {
  t.test('refuses a nameless phase, naming its index', async (t) => {
    t.throws(() => createPhases([{ name: 'a' }, { name: '' }], T0), { name: 'TypeError', message: /phase #1/ });
    t.throws(() => createPhases([{} as PhaseDef], T0), TypeError);
  });
  t.test('refuses duplicate names, naming the phase', async (t) => {
    t.throws(() => createPhases([{ name: 'play' }, { name: 'play' }], T0), { name: 'TypeError', message: /"play"/ });
  });
  t.test('refuses a negative or non-number duration, naming the phase', async (t) => {
    t.throws(() => createPhases([{ name: 'lobby', duration: -1 }], T0), { name: 'TypeError', message: /"lobby"/ });
    t.throws(() => createPhases([{ name: 'lobby', duration: '10' as unknown as number }], T0), { name: 'TypeError', message: /"lobby"/ });
    t.throws(() => createPhases([{ name: 'lobby', duration: NaN }], T0), TypeError);
  });
  t.test('refuses malformed start conditions', async (t) => {
    const bad: unknown[] = ['soon', { players: -1 }, { players: 1.5 }, { players_ratio: 0 }, { players_ratio: 1.5 }, { event: '' }, { timer: -5 }, { timer: Infinity }, { nope: 1 }, { players: 1, timer: 2 }];
    for (const start of bad) t.throws(() => createPhases([{ name: 'x', start: start as PhaseStart }], T0), TypeError, JSON.stringify(start));
  });
  t.test('accepts Infinity and zero durations', async (t) => {
    t.doesNotThrow(() => createPhases([{ name: 'a', duration: Infinity }, { name: 'b', duration: 0 }], T0));
  });
});

t.test('tickPhases', async (t) => {
  t.test('prev_ended: the first phase starts on the first tick, the next when it ends', async (t) => {
    let s = createPhases([{ name: 'a', duration: 1000 }, { name: 'b', duration: 500 }], T0);
    let ev;
    [s, ev] = tick(s, facts(T0));
    t.same(names(ev), ['phase_started:a']);
    [s, ev] = tick(s, facts(T0 + 999));
    t.same(ev, []);
    [s, ev] = tick(s, facts(T0 + 1000));
    t.same(names(ev), ['phase_ended:a', 'phase_started:b']);
    t.same(ev.map((e) => e.at), [T0 + 1000, T0 + 1000]);
    [s, ev] = tick(s, facts(T0 + 1500));
    t.same(names(ev), ['phase_ended:b', 'all_phases_complete']);
    t.equal(currentPhase(s).status, 'complete');
    [, ev] = tick(s, facts(T0 + 5000));
    t.same(ev, [], 'all_phases_complete is reported once');
  });

  t.test('one late tick walks through several phases with exact times', async (t) => {
    const s = createPhases([{ name: 'a', duration: 100 }, { name: 'b', duration: 200 }, { name: 'c', start: { timer: 50 }, duration: 10 }, { name: 'd' }], T0);
    const { events, state } = tickPhases(s, facts(T0 + 10_000));
    t.same(names(events), ['phase_started:a', 'phase_ended:a', 'phase_started:b', 'phase_ended:b', 'phase_started:c', 'phase_ended:c', 'phase_started:d']);
    t.same(events.map((e) => e.at - T0), [0, 100, 100, 300, 350, 360, 360]);
    t.same(currentPhase(state), { status: 'active', phase: 'd', remaining_ms: null, config: {}, paused: false });
  });

  t.test('{players: N} waits for N players', async (t) => {
    let s = createPhases([{ name: 'lobby', start: { players: 3 } }], T0);
    let ev;
    [s, ev] = tick(s, facts(T0 + 10, { players: 2 }));
    t.same(ev, []);
    t.equal(currentPhase(s).status, 'waiting');
    t.same(currentPhase(s).start_condition, { players: 3 });
    [s, ev] = tick(s, facts(T0 + 20, { players: 3 }));
    t.same(names(ev), ['phase_started:lobby']);
    t.equal(ev[0]?.at, T0 + 20);
  });

  t.test('{players_ratio: F} compares players to capacity', async (t) => {
    let s = createPhases([{ name: 'go', start: { players_ratio: 0.5 } }], T0);
    let ev;
    [s, ev] = tick(s, facts(T0, { players: 4, maxPlayers: 10 }));
    t.same(ev, []);
    [s, ev] = tick(s, facts(T0 + 1, { players: 5, maxPlayers: 10 }));
    t.same(names(ev), ['phase_started:go']);
    const z = tickPhases(createPhases([{ name: 'go', start: { players_ratio: 0.5 } }], T0), facts(T0, { players: 5, maxPlayers: 0 }));
    t.same(z.events, [], 'no capacity, no ratio');
  });

  t.test('all_ready waits for everyone ready', async (t) => {
    let s = createPhases([{ name: 'go', start: 'all_ready' }], T0);
    let ev;
    [s, ev] = tick(s, facts(T0, { players: 2 }));
    t.same(ev, []);
    [, ev] = tick(s, facts(T0 + 5, { players: 2, allReady: true }));
    t.same(names(ev), ['phase_started:go']);
  });

  t.test('{timer: ms} starts ms after the previous phase ended (after creation for the first)', async (t) => {
    let s = createPhases([{ name: 'a', start: { timer: 300 }, duration: 100 }, { name: 'b', start: { timer: 1000 } }], T0);
    let ev;
    [s, ev] = tick(s, facts(T0 + 299));
    t.same(ev, []);
    t.equal(currentPhase(s).remaining_ms, 1, 'waiting on a timer reports the time until start');
    [s, ev] = tick(s, facts(T0 + 400));
    t.same(names(ev), ['phase_started:a', 'phase_ended:a']);
    [s, ev] = tick(s, facts(T0 + 1399));
    t.same(ev, []);
    [, ev] = tick(s, facts(T0 + 1400));
    t.same(names(ev), ['phase_started:b']);
  });

  t.test('end_condition ends a phase early, given the elapsed time and players', async (t) => {
    const seen: Array<{ elapsed_ms: number; players: number }> = [];
    let s = createPhases([{ name: 'play', duration: 60_000, end_condition: (i) => (seen.push(i), i.players <= 1) }, { name: 'results' }], T0);
    let ev;
    [s, ev] = tick(s, facts(T0, { players: 4 }));
    [s, ev] = tick(s, facts(T0 + 2500, { players: 1 }));
    t.same(names(ev), ['phase_ended:play', 'phase_started:results']);
    t.same(seen.at(-1), { elapsed_ms: 2500, players: 1 });
    t.equal(currentPhase(s).phase, 'results');
  });

  t.test('a time earlier than the last tick is read as the last tick', async (t) => {
    let s = createPhases([{ name: 'a', duration: 100 }], T0);
    [s] = tick(s, facts(T0 + 50));
    const r = tickPhases(s, facts(T0 - 10_000));
    t.same(r.events, []);
    t.equal(currentPhase(r.state).remaining_ms, 50);
  });

  t.test('an empty list completes on the first tick', async (t) => {
    const r = tickPhases(createPhases([], T0), facts(T0));
    t.same(names(r.events), ['all_phases_complete']);
    t.equal(currentPhase(r.state).status, 'complete');
  });
});

t.test('phaseEvent', async (t) => {
  t.test('starts a waiting phase whose start is that event', async (t) => {
    let s = createPhases([{ name: 'boss', start: { event: 'boss_spawned' } }], T0);
    [s] = tick(s, facts(T0 + 100, { players: 5, allReady: true }));
    t.equal(currentPhase(s).status, 'waiting', 'no roster fact starts an event phase');
    t.same(phaseEvent(s, 'other', T0 + 150).events, []);
    const r = phaseEvent(s, 'boss_spawned', T0 + 200);
    t.same(r.events, [{ type: 'phase_started', phase: 'boss', at: T0 + 200 }]);
  });
  t.test('ends an active phase when the next one starts on that event', async (t) => {
    let s = createPhases([{ name: 'lobby' }, { name: 'play', start: { event: 'host_started' }, duration: 1000 }], T0);
    [s] = tick(s, facts(T0));
    const r = phaseEvent(s, 'host_started', T0 + 42);
    t.same(names(r.events), ['phase_ended:lobby', 'phase_started:play']);
    t.same(currentPhase(r.state), { status: 'active', phase: 'play', remaining_ms: 1000, config: {}, paused: false });
  });
  t.test('does nothing while paused or complete', async (t) => {
    let s = createPhases([{ name: 'b', start: { event: 'go' } }], T0);
    s = pausePhases(s, T0);
    t.same(phaseEvent(s, 'go', T0 + 1).events, []);
    const done = tickPhases(createPhases([], T0), facts(T0)).state;
    t.same(phaseEvent(done, 'go', T0 + 1).events, []);
  });
});

t.test('pausePhases / resumePhases', async (t) => {
  t.test('time spent paused does not count towards the duration', async (t) => {
    let s = createPhases([{ name: 'a', duration: 1000, config: { map: 'dust' } }, { name: 'b' }], T0);
    let ev;
    [s, ev] = tick(s, facts(T0));
    [s] = tick(s, facts(T0 + 400));
    s = pausePhases(s, T0 + 400);
    [s, ev] = tick(s, facts(T0 + 5000));
    t.same(ev, [], 'nothing happens while paused');
    t.same(currentPhase(s, T0 + 9999), { status: 'active', phase: 'a', remaining_ms: 600, config: { map: 'dust' }, paused: true });
    s = resumePhases(s, T0 + 10_400);
    t.equal(currentPhase(s).remaining_ms, 600);
    [s, ev] = tick(s, facts(T0 + 10_999));
    t.same(ev, []);
    [s, ev] = tick(s, facts(T0 + 11_000));
    t.same(names(ev), ['phase_ended:a', 'phase_started:b']);
    t.equal(ev[0]?.at, T0 + 11_000, 'event times are wall times');
  });
  t.test('delays {timer} starts by the paused span; pause and resume are idempotent', async (t) => {
    let s = createPhases([{ name: 'a', start: { timer: 1000 } }], T0);
    s = pausePhases(s, T0 + 100);
    s = pausePhases(s, T0 + 200);
    s = resumePhases(s, T0 + 600);
    s = resumePhases(s, T0 + 700);
    t.same(tickPhases(s, facts(T0 + 1499)).events, []);
    t.same(names(tickPhases(s, facts(T0 + 1500)).events), ['phase_started:a']);
  });
});

t.test('currentPhase', async (t) => {
  t.test('reports time left against a given now and the phase config', async (t) => {
    let s = createPhases([{ name: 'round', duration: 30_000, config: { round: 1 } }], T0);
    [s] = tick(s, facts(T0));
    t.same(currentPhase(s, T0 + 10_000), { status: 'active', phase: 'round', remaining_ms: 20_000, config: { round: 1 }, paused: false });
    t.equal(currentPhase(s, T0 + 99_000).remaining_ms, 0);
  });
  t.test('waiting on a non-timer condition reports remaining_ms null and the start condition', async (t) => {
    const s = createPhases([{ name: 'lobby', start: 'all_ready' }], T0);
    t.same(currentPhase(s), { status: 'waiting', phase: 'lobby', remaining_ms: null, config: {}, start_condition: 'all_ready', paused: false });
  });
});
