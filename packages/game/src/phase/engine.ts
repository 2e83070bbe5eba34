/**
 * The phase engine (asobi `asobi_phase`, §2.10): pure functions over {@link PhasesState}. The owner (a
 * match, later a world zone) calls {@link tickPhases} once per tick with the time and its roster facts, and
 * acts on the events it gets back. No processes, no clock: time comes in as `now` (wall ms).
 *
 * Rules: phases run one at a time, in definition order. A phase waits for its start condition, then runs
 * until its `duration` has passed or its `end_condition` returns true; then the next phase waits. Times
 * carry over exactly inside a tick, so one late tick walks through several phases as if it had been on
 * time. Paused time does not count towards anything.
 */
import { validatePhaseDefs } from './validate.js';
import type { PhaseDef, PhaseEvent, PhaseFacts, PhaseInfo, PhasesState, PhaseStart } from './types.js';

export interface PhasesResult {
  readonly state: PhasesState;
  readonly events: readonly PhaseEvent[];
}

const NO_CONFIG: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * A fresh engine, waiting for its first phase. Throws a TypeError naming the phase for a nameless phase,
 * a duplicate name, a negative or non-number duration, or a malformed start condition.
 *
 * @example
 * let phases = createPhases([{ name: 'lobby', start: { players: 2 }, duration: 10_000 }, { name: 'play', duration: 60_000 }], now);
 */
export function createPhases(defs: readonly PhaseDef[], now: number): PhasesState {
  validatePhaseDefs(defs);
  return Object.freeze({
    defs: Object.freeze([...defs]),
    index: 0,
    status: 'waiting',
    started_at: now,
    prev_ended_at: now,
    paused_at: null,
    paused_total_ms: 0,
    last_now: now,
  });
}

function engineTime(s: PhasesState, now: number): number {
  return now - s.paused_total_ms;
}

function durationOf(def: PhaseDef): number {
  return def.duration ?? Infinity;
}

function startOf(def: PhaseDef): PhaseStart {
  return def.start ?? 'prev_ended';
}

/** When (engine time ≤ t) the waiting phase's start condition was met, or null if it is not met at t. */
function startTime(s: PhasesState, def: PhaseDef, t: number, f: PhaseFacts): number | null {
  const start = startOf(def);
  if (start === 'prev_ended') return s.prev_ended_at;
  if (start === 'all_ready') return f.allReady ? t : null;
  if ('players' in start) return f.players >= start.players ? t : null;
  if ('players_ratio' in start) return f.maxPlayers > 0 && f.players / f.maxPlayers >= start.players_ratio ? t : null;
  if ('timer' in start) return s.prev_ended_at + start.timer <= t ? s.prev_ended_at + start.timer : null;
  return null; // {event}: only phaseEvent starts it
}

/**
 * Advances the engine to `facts.now`: starts and ends as many phases as are due, in order, and returns
 * the events (`phase_started`, `phase_ended`, `all_phases_complete` once, last). While paused, nothing
 * happens. A `now` earlier than the last one is read as the last one.
 */
export function tickPhases(state: PhasesState, facts: PhaseFacts): PhasesResult {
  const now = Math.max(facts.now, state.last_now);
  if (state.paused_at !== null || state.status === 'complete') {
    return { state: now === state.last_now ? state : Object.freeze({ ...state, last_now: now }), events: [] };
  }
  const t = engineTime(state, now);
  const wall = (e: number): number => e + state.paused_total_ms;
  const events: PhaseEvent[] = [];
  let s: PhasesState = { ...state, last_now: now };
  for (;;) {
    if (s.index >= s.defs.length) {
      s = { ...s, status: 'complete' };
      events.push({ type: 'all_phases_complete', at: wall(s.prev_ended_at) });
      break;
    }
    const def = s.defs[s.index] as PhaseDef;
    if (s.status === 'waiting') {
      const at = startTime(s, def, t, facts);
      if (at === null) break;
      s = { ...s, status: 'active', started_at: at };
      events.push({ type: 'phase_started', phase: def.name, at: wall(at) });
      continue;
    }
    // active
    const due = s.started_at + durationOf(def);
    let endAt: number | null = null;
    if (due <= t) endAt = due;
    else if (def.end_condition?.({ elapsed_ms: t - s.started_at, players: facts.players }) === true) endAt = t;
    if (endAt === null) break;
    events.push({ type: 'phase_ended', phase: def.name, at: wall(endAt) });
    s = { ...s, status: 'waiting', index: s.index + 1, prev_ended_at: endAt };
  }
  return { state: Object.freeze(s), events };
}

/**
 * Delivers a game event (`match.phaseEvent(name)`). It starts the waiting phase whose start is
 * `{event: name}`; and when the active phase is followed by a phase that starts on `{event: name}`, it
 * ends the active phase and starts that one (an event-driven transition: the way to end a phase with an
 * infinite duration from game code). Otherwise (or while paused, or when complete) it changes nothing.
 */
export function phaseEvent(state: PhasesState, name: string, now: number): PhasesResult {
  now = Math.max(now, state.last_now);
  if (state.paused_at !== null || state.status === 'complete') return { state, events: [] };
  const t = engineTime(state, now);
  const wall = (e: number): number => e + state.paused_total_ms;
  const events: PhaseEvent[] = [];
  let s: PhasesState = { ...state, last_now: now };
  const waitsFor = (i: number): boolean => {
    const def = s.defs[i];
    if (def === undefined) return false;
    const start = startOf(def);
    return typeof start === 'object' && 'event' in start && start.event === name;
  };
  if (s.status === 'active' && waitsFor(s.index + 1)) {
    const def = s.defs[s.index] as PhaseDef;
    events.push({ type: 'phase_ended', phase: def.name, at: wall(t) });
    s = { ...s, status: 'waiting', index: s.index + 1, prev_ended_at: t };
  }
  if (s.status === 'waiting' && waitsFor(s.index)) {
    const def = s.defs[s.index] as PhaseDef;
    s = { ...s, status: 'active', started_at: t };
    events.push({ type: 'phase_started', phase: def.name, at: wall(t) });
  }
  return events.length === 0 ? { state, events } : { state: Object.freeze(s), events };
}

/** Stops time for the engine: no phase starts or ends and no time counts until {@link resumePhases}. Idempotent. */
export function pausePhases(state: PhasesState, now: number): PhasesState {
  if (state.paused_at !== null) return state;
  const at = Math.max(now, state.last_now);
  return Object.freeze({ ...state, paused_at: at, last_now: at });
}

/** Resumes a paused engine; the paused span is not counted (durations and `{timer}` starts move later by it). Idempotent. */
export function resumePhases(state: PhasesState, now: number): PhasesState {
  if (state.paused_at === null) return state;
  const at = Math.max(now, state.last_now);
  return Object.freeze({ ...state, paused_at: null, paused_total_ms: state.paused_total_ms + (at - state.paused_at), last_now: at });
}

/** True while paused. */
export function isPaused(state: PhasesState): boolean {
  return state.paused_at !== null;
}

/**
 * The `phase` block for listings and join replies: status, phase name, time left, config. `now` defaults
 * to the last tick's time (a paused engine reports the time left at the pause).
 */
export function currentPhase(state: PhasesState, now: number = state.last_now): PhaseInfo {
  const paused = state.paused_at !== null;
  const wallNow = paused ? (state.paused_at as number) : Math.max(now, state.last_now);
  const t = engineTime(state, wallNow);
  const def = state.defs[state.index];
  if (state.status === 'complete' || def === undefined) {
    return { status: state.status === 'complete' ? 'complete' : 'waiting', phase: null, remaining_ms: null, config: NO_CONFIG, paused };
  }
  const config = def.config ?? NO_CONFIG;
  if (state.status === 'active') {
    const d = durationOf(def);
    const remaining = d === Infinity ? null : Math.max(0, state.started_at + d - t);
    return { status: 'active', phase: def.name, remaining_ms: remaining, config, paused };
  }
  const start = startOf(def);
  const remaining = typeof start === 'object' && 'timer' in start ? Math.max(0, state.prev_ended_at + start.timer - t) : null;
  return { status: 'waiting', phase: def.name, remaining_ms: remaining, config, start_condition: start, paused };
}
