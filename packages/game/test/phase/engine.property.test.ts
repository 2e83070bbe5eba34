// Property tests of the phase engine: for any def list and any sequence of ticks, roster facts, events,
// pauses and resumes, the event stream is well formed (each phase starts at most once and ends at most
// once, in definition order, one active at a time, ended only after started, all_phases_complete once and
// last) and agrees with currentPhase.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import { createPhases, currentPhase, pausePhases, phaseEvent, resumePhases, tickPhases } from '../../src/phase/engine.js';
import type { PhaseDef, PhaseEvent, PhaseStart, PhasesState } from '../../src/phase/types.js';

const T0 = 1_700_000_000_000;
const EVENTS = ['go', 'boss', 'vote_done'] as const;

const startArb: fc.Arbitrary<PhaseStart | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant('prev_ended' as const),
  fc.constant('all_ready' as const),
  fc.integer({ min: 0, max: 8 }).map((players) => ({ players })),
  fc.constantFrom(0.25, 0.5, 1).map((players_ratio) => ({ players_ratio })),
  fc.constantFrom(...EVENTS).map((event) => ({ event })),
  fc.integer({ min: 0, max: 3000 }).map((timer) => ({ timer })),
);

const endArb = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: 0, max: 5 }).map((k) => (i: { players: number }) => i.players <= k),
  fc.integer({ min: 0, max: 4000 }).map((ms) => (i: { elapsed_ms: number }) => i.elapsed_ms >= ms),
);

function defsArb(finite: boolean): fc.Arbitrary<PhaseDef[]> {
  return fc
    .array(
      fc.record({
        start: startArb,
        duration: finite ? fc.integer({ min: 0, max: 5000 }) : fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.constant(Infinity), fc.constant(undefined)),
        end: endArb,
      }),
      { maxLength: 6 },
    )
    .map((xs) =>
      xs.map((x, i) => ({
        name: `p${i}`,
        ...(x.start !== undefined ? { start: x.start } : {}),
        ...(x.duration !== undefined ? { duration: x.duration } : {}),
        ...(x.end !== undefined ? { end_condition: x.end } : {}),
      })),
    );
}

type Op =
  | { readonly kind: 'tick'; readonly dt: number; readonly players: number; readonly allReady: boolean }
  | { readonly kind: 'event'; readonly dt: number; readonly name: string }
  | { readonly kind: 'pause' | 'resume'; readonly dt: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 3000 }), players: fc.integer({ min: 0, max: 10 }), allReady: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('event' as const), dt: fc.integer({ min: 0, max: 500 }), name: fc.constantFrom(...EVENTS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('pause' as const, 'resume' as const), dt: fc.integer({ min: 0, max: 2000 }) }) },
);

/** Runs ops and returns every event in order, checking currentPhase against the stream after each step. */
function run(defs: readonly PhaseDef[], ops: readonly Op[]): { events: PhaseEvent[]; state: PhasesState; now: number } {
  let s = createPhases(defs, T0);
  let now = T0;
  const events: PhaseEvent[] = [];
  const apply = (op: Op): void => {
    now += op.dt;
    let r: { state: PhasesState; events: readonly PhaseEvent[] } = { state: s, events: [] };
    if (op.kind === 'tick') r = tickPhases(s, { now, players: op.players, maxPlayers: 8, allReady: op.allReady });
    else if (op.kind === 'event') r = phaseEvent(s, op.name, now);
    else r = { state: op.kind === 'pause' ? pausePhases(s, now) : resumePhases(s, now), events: [] };
    s = r.state;
    events.push(...r.events);
    for (const e of r.events) assert.ok(e.at <= now, 'no event is dated after the tick that reports it');
  };
  ops.forEach(apply);
  return { events, state: s, now };
}

/** Checks the stream's shape; returns the name of the phase active at the end (or null). */
function checkStream(defs: readonly PhaseDef[], events: readonly PhaseEvent[]): { active: string | null; started: string[]; ended: string[]; complete: number } {
  const order = defs.map((d) => d.name);
  const started: string[] = [];
  const ended: string[] = [];
  let active: string | null = null;
  let complete = 0;
  let lastAt = -Infinity;
  for (const e of events) {
    assert.equal(complete, 0, 'nothing follows all_phases_complete');
    assert.ok(e.at >= lastAt, 'event times never go back');
    lastAt = e.at;
    if (e.type === 'phase_started') {
      assert.equal(active, null, `never two active at once (${e.phase} while ${String(active)})`);
      assert.ok(!started.includes(e.phase), `${e.phase} starts at most once`);
      assert.equal(e.phase, order[started.length], 'phases start in definition order');
      started.push(e.phase);
      active = e.phase;
    } else if (e.type === 'phase_ended') {
      assert.equal(e.phase, active, 'only the active phase ends (so ended only after started)');
      assert.ok(!ended.includes(e.phase), `${e.phase} ends at most once`);
      ended.push(e.phase);
      active = null;
    } else {
      complete++;
      assert.equal(ended.length, defs.length, 'all_phases_complete only after every phase ended');
    }
  }
  assert.deepEqual(ended, order.slice(0, ended.length), 'phases end in definition order');
  return { active, started, ended, complete };
}

t.test('tickPhases / phaseEvent / pause (property)', async (t) => {
  t.test('any defs and any op sequence give a well-formed stream that agrees with currentPhase', async () => {
    fc.assert(
      fc.property(defsArb(false), fc.array(opArb, { maxLength: 40 }), (defs, ops) => {
        const { events, state } = run(defs, ops);
        const { active, ended, complete } = checkStream(defs, events);
        const info = currentPhase(state);
        if (complete === 1) assert.equal(info.status, 'complete');
        else if (active !== null) assert.deepEqual([info.status, info.phase], ['active', active]);
        else assert.deepEqual([info.status, info.phase], ['waiting', defs[ended.length]?.name ?? null]);
        assert.equal(complete, ended.length === defs.length && info.status === 'complete' ? 1 : 0);
      }),
      { numRuns: 500 },
    );
  });

  t.test('with finite durations, draining (resume, everyone ready, every event, a late tick) completes exactly once, last', async () => {
    fc.assert(
      fc.property(defsArb(true), fc.array(opArb, { maxLength: 30 }), (defs, ops) => {
        const drain: Op[] = [{ kind: 'resume', dt: 0 }];
        for (let i = 0; i <= defs.length; i++) {
          drain.push({ kind: 'tick', dt: 10_000, players: 8, allReady: true });
          for (const name of EVENTS) drain.push({ kind: 'event', dt: 0, name });
        }
        drain.push({ kind: 'tick', dt: 10_000, players: 8, allReady: true });
        const { events } = run(defs, [...ops, ...drain]);
        const { complete } = checkStream(defs, events);
        assert.equal(complete, 1);
        assert.equal(events.at(-1)?.type, 'all_phases_complete');
      }),
      { numRuns: 500 },
    );
  });

  t.test('tick granularity does not change what happens when (duration and timer starts only)', async () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ d: fc.integer({ min: 0, max: 3000 }), timer: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: undefined }) }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 700 }),
        (xs, step) => {
          const defs: PhaseDef[] = xs.map((x, i) => ({ name: `p${i}`, duration: x.d, ...(x.timer !== undefined ? { start: { timer: x.timer } } : {}) }));
          const horizon = 20_000;
          const one = tickPhases(createPhases(defs, T0), { now: T0 + horizon, players: 0, maxPlayers: 8, allReady: false }).events;
          let s = createPhases(defs, T0);
          const many: PhaseEvent[] = [];
          for (let now = T0; now <= T0 + horizon; now = now === T0 + horizon ? now + 1 : Math.min(now + step, T0 + horizon)) {
            const r = tickPhases(s, { now, players: 0, maxPlayers: 8, allReady: false });
            s = r.state;
            many.push(...r.events);
          }
          assert.deepEqual(many.map((e) => [e.type, e.at]), one.map((e) => [e.type, e.at]));
        },
      ),
      { numRuns: 200 },
    );
  });
});
