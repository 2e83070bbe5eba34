/**
 * Countdown timers (asobi `asobi_timer` countdown): run `duration` ms, emit `timer_warning` when the time
 * left reaches each threshold (once each, largest first), then `timer_expired`. Optionally paused while
 * the roster is empty. Pure: {@link tickCountdown} advances it.
 */
import { advanceClock, checkBool, checkId, checkMs, pauseClock, resumeClock, type RunClock } from './internal.js';
import type { TimerEvent, TimerFacts, TimerResult } from './types.js';

export interface CountdownDef {
  readonly id: string;
  /** ms, > 0. */
  readonly duration: number;
  /** Times left (ms) at which to emit `timer_warning` (default none). Each fires once. */
  readonly warnings?: readonly number[];
  /** Opaque value echoed on `timer_expired` (what the game should do). */
  readonly on_expire?: unknown;
  /** Time does not count while the roster is empty (`players === 0` at the previous tick). Default false. */
  readonly pause_on_empty?: boolean;
}

export interface CountdownState extends RunClock {
  readonly kind: 'countdown';
  readonly id: string;
  readonly duration: number;
  /** Thresholds, unique, largest first. */
  readonly warnings: readonly number[];
  readonly on_expire?: unknown;
  readonly pause_on_empty: boolean;
  /** `pending`: created, `timer_started` not yet reported. */
  readonly status: 'pending' | 'running' | 'expired';
  /** Wall time it started. */
  readonly start_at: number;
  /** Time counted so far. */
  readonly elapsed_ms: number;
  /** Roster empty at the last tick. */
  readonly empty: boolean;
  /** Thresholds already reported. */
  readonly warned: readonly number[];
}

/** Checks a countdown def; throws a TypeError naming the timer and the key. Returns the sorted warnings. */
export function validateCountdown(def: CountdownDef, kind = 'countdown'): readonly number[] {
  const id = checkId(kind, def.id);
  const where = `${kind} timer "${id}"`;
  checkMs(where, 'duration', def.duration, { positive: true });
  if (def.warnings !== undefined && !Array.isArray(def.warnings)) throw new TypeError(`${where}: warnings must be an array of ms`);
  for (const w of def.warnings ?? []) checkMs(where, 'warnings[]', w);
  if (def.pause_on_empty !== undefined) checkBool(where, 'pause_on_empty', def.pause_on_empty);
  return [...new Set(def.warnings ?? [])].sort((a, b) => b - a);
}

/**
 * A countdown that starts at `now` (`timer_started` is reported by the first tick).
 *
 * @example
 * let c = createCountdown({ id: 'round', duration: 60_000, warnings: [10_000, 3_000] }, now);
 * ({ state: c, events } = tickCountdown(c, { now: now + 100 }));
 */
export function createCountdown(def: CountdownDef, now: number): CountdownState {
  const warnings = validateCountdown(def);
  return Object.freeze({
    kind: 'countdown',
    id: def.id,
    duration: def.duration,
    warnings,
    ...(def.on_expire !== undefined ? { on_expire: def.on_expire } : {}),
    pause_on_empty: def.pause_on_empty ?? false,
    status: 'pending',
    start_at: now,
    elapsed_ms: 0,
    empty: false,
    warned: [],
    last_now: now,
    paused_at: null,
    paused_pending_ms: 0,
  });
}

/** Advances a countdown to `facts.now`: `timer_started` (first tick), warnings, `timer_expired`, in that order. */
export function tickCountdown(state: CountdownState, facts: TimerFacts): TimerResult<CountdownState> {
  if (state.status === 'expired') return { state, events: [] };
  const events: TimerEvent[] = [];
  let s = state;
  if (s.status === 'pending') {
    if (facts.now < s.start_at) return { state, events };
    events.push({ type: 'timer_started', id: s.id, at: s.start_at });
    s = { ...s, status: 'running' };
  }
  const before = s.last_now;
  const { counted: raw, clock, now } = advanceClock(s, facts.now);
  const counted = s.pause_on_empty && s.empty ? 0 : raw;
  const elapsedBefore = s.elapsed_ms;
  const elapsed = elapsedBefore + counted;
  const atElapsed = (e: number): number => Math.min(now, Math.max(before, before + (e - elapsedBefore)));
  const remaining = s.duration - elapsed;
  const warned = [...s.warned];
  for (const w of s.warnings) {
    if (remaining <= w && !warned.includes(w)) {
      warned.push(w);
      events.push({ type: 'timer_warning', id: s.id, threshold: w, at: atElapsed(s.duration - w) });
    }
  }
  let status: CountdownState['status'] = s.status;
  if (remaining <= 0) {
    status = 'expired';
    events.push({ type: 'timer_expired', id: s.id, at: atElapsed(s.duration), ...(s.on_expire !== undefined ? { on_expire: s.on_expire } : {}) });
  }
  const empty = facts.players !== undefined && facts.players <= 0;
  return { state: Object.freeze({ ...clock, status, elapsed_ms: Math.min(elapsed, s.duration), warned, empty }), events };
}

/** Stops the countdown's time until {@link resumeCountdown}. Idempotent. */
export function pauseCountdown(state: CountdownState, now: number): CountdownState {
  return Object.freeze(pauseClock(state, now));
}

export function resumeCountdown(state: CountdownState, now: number): CountdownState {
  return Object.freeze(resumeClock(state, now));
}

/** Time left as of the last tick (0 once expired). */
export function countdownRemaining(state: CountdownState): number {
  return Math.max(0, state.duration - state.elapsed_ms);
}
