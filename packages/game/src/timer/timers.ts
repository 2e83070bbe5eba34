/**
 * A set of mixed timers ticked together (what a phase's or a match's `timers` list becomes). Declared by a
 * def with a `kind`; ticked in declaration order with the owner's facts; `{prev_expired: id}` conditions
 * see the expiries of the whole set, including those of the same tick (at their exact time).
 */
import { createConditional, notifyConditional, pauseConditional, resumeConditional, tickConditional, type ConditionalDef, type ConditionalState } from './conditional.js';
import { createCountdown, pauseCountdown, resumeCountdown, tickCountdown, type CountdownDef, type CountdownState } from './countdown.js';
import { createCycle, pauseCycle, resumeCycle, tickCycle, type CycleDef, type CycleState } from './cycle.js';
import { createScheduled, tickScheduled, type ScheduledDef, type ScheduledState } from './scheduled.js';
import type { TimerEvent, TimerFacts, TimerResult } from './types.js';

export type TimerDef =
  | ({ readonly kind: 'countdown' } & CountdownDef)
  | ({ readonly kind: 'conditional' } & ConditionalDef)
  | ({ readonly kind: 'cycle' } & CycleDef)
  | ({ readonly kind: 'scheduled' } & ScheduledDef);

export type TimerState = CountdownState | ConditionalState | CycleState | ScheduledState;

export interface TimersState {
  readonly timers: readonly TimerState[];
  /** Timer id → wall time it expired. */
  readonly expired: Readonly<Record<string, number>>;
}

/** Builds one timer from its def. Throws a TypeError naming the timer for a bad def or unknown kind. */
export function createTimer(def: TimerDef, now: number): TimerState {
  switch (def.kind) {
    case 'countdown':
      return createCountdown(def, now);
    case 'conditional':
      return createConditional(def, now);
    case 'cycle':
      return createCycle(def, now);
    case 'scheduled':
      return createScheduled(def, now);
    default:
      throw new TypeError(`timer "${String((def as { id?: unknown }).id)}": unknown kind "${String((def as { kind?: unknown }).kind)}"`);
  }
}

/**
 * A timer set, all created at `now`. Throws a TypeError for a bad def or a duplicate id.
 *
 * @example
 * let timers = createTimers([
 *   { kind: 'countdown', id: 'round', duration: 120_000, warnings: [30_000, 10_000] },
 *   { kind: 'conditional', id: 'overtime', duration: 30_000, start: { prev_expired: 'round' } },
 * ], now);
 */
export function createTimers(defs: readonly TimerDef[], now: number): TimersState {
  const seen = new Set<string>();
  const timers = defs.map((d) => {
    const t = createTimer(d, now);
    if (seen.has(t.id)) throw new TypeError(`timer "${t.id}": duplicate timer id`);
    seen.add(t.id);
    return t;
  });
  return Object.freeze({ timers: Object.freeze(timers), expired: Object.freeze({}) });
}

/** Ticks one timer of any kind. */
export function tickTimer(t: TimerState, facts: TimerFacts): TimerResult<TimerState> {
  switch (t.kind) {
    case 'countdown':
      return tickCountdown(t, facts);
    case 'conditional':
      return tickConditional(t, facts);
    case 'cycle':
      return tickCycle(t, facts);
    case 'scheduled':
      return tickScheduled(t, facts);
  }
}

function recordExpiries(expired: Record<string, number>, events: readonly TimerEvent[]): boolean {
  let added = false;
  for (const e of events) {
    if (e.type === 'timer_expired' && expired[e.id] === undefined) {
      expired[e.id] = e.at;
      added = true;
    }
  }
  return added;
}

/**
 * Ticks every timer to `facts.now`, in declaration order, and returns their events sorted by `at` (events
 * at the same time keep declaration order). When a timer expires, later passes of the same tick let
 * conditionals waiting on it start (at the expiry time).
 */
export function tickTimers(state: TimersState, facts: TimerFacts): TimerResult<TimersState> {
  const expired: Record<string, number> = { ...state.expired };
  const timers = [...state.timers];
  const events: TimerEvent[] = [];
  // Pass until no new expiry (each pass that adds one enables at most the rest; ≤ n + 1 passes).
  for (let pass = 0; pass <= timers.length; pass++) {
    let added = false;
    timers.forEach((t, i) => {
      const r = tickTimer(t, { ...facts, expired });
      timers[i] = r.state;
      events.push(...r.events);
      if (recordExpiries(expired, r.events)) added = true;
    });
    if (!added) break;
  }
  // In the order things happened (stable: same-time events keep declaration / pass order).
  events.sort((a, b) => a.at - b.at);
  return { state: Object.freeze({ timers: Object.freeze(timers), expired: Object.freeze(expired) }), events };
}

/** Delivers a game event to the set: conditionals waiting on `{event: name}` start now. */
export function notifyTimers(state: TimersState, name: string, now: number): TimerResult<TimersState> {
  const events: TimerEvent[] = [];
  const expired: Record<string, number> = { ...state.expired };
  const timers = state.timers.map((t) => {
    if (t.kind !== 'conditional') return t;
    const r = notifyConditional(t, name, now);
    events.push(...r.events);
    recordExpiries(expired, r.events);
    return r.state;
  });
  if (events.length === 0) return { state, events };
  return { state: Object.freeze({ timers: Object.freeze(timers), expired: Object.freeze(expired) }), events };
}

/** Pauses every countdown, conditional and cycle (scheduled timers follow the wall clock and do not pause). */
export function pauseTimers(state: TimersState, now: number): TimersState {
  const timers = state.timers.map((t): TimerState => {
    switch (t.kind) {
      case 'countdown':
        return pauseCountdown(t, now);
      case 'conditional':
        return pauseConditional(t, now);
      case 'cycle':
        return pauseCycle(t, now);
      case 'scheduled':
        return t;
    }
  });
  return Object.freeze({ ...state, timers: Object.freeze(timers) });
}

export function resumeTimers(state: TimersState, now: number): TimersState {
  const timers = state.timers.map((t): TimerState => {
    switch (t.kind) {
      case 'countdown':
        return resumeCountdown(t, now);
      case 'conditional':
        return resumeConditional(t, now);
      case 'cycle':
        return resumeCycle(t, now);
      case 'scheduled':
        return t;
    }
  });
  return Object.freeze({ ...state, timers: Object.freeze(timers) });
}

/** One timer of the set by id. */
export function findTimer(state: TimersState, id: string): TimerState | undefined {
  return state.timers.find((t) => t.id === id);
}
