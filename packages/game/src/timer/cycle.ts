/**
 * Cycle timers (asobi `asobi_timer` cycle): named sub-phases that repeat (day → night → day ...), each with
 * a duration and free-form modifiers. Emits `phase_changed` on entering each sub-phase, and `timer_expired`
 * after `repeat` full cycles. The position is computed from the total time counted, so one 10 s tick and a
 * hundred 100 ms ticks land on the same sub-phase, and a late tick reports every sub-phase it stepped over.
 */
import { advanceClock, checkId, checkMs, pauseClock, resumeClock, type RunClock } from './internal.js';
import type { TimerEvent, TimerFacts, TimerResult } from './types.js';

export interface CycleStep {
  readonly name: string;
  /** ms, > 0 and finite. */
  readonly duration: number;
  readonly modifiers?: Readonly<Record<string, unknown>>;
}

export interface CycleDef {
  readonly id: string;
  readonly phases: readonly CycleStep[];
  /** Full cycles to run before `timer_expired` (default Infinity). */
  readonly repeat?: number;
  /** Sub-phase to begin with (default 0). A cycle counts from it: with 3 phases and start_index 1, one cycle is 1, 2, 0. */
  readonly start_index?: number;
}

/** Most `phase_changed` events one tick reports; past it, the tick reports the sub-phase it lands on only. */
export const MAX_PHASE_CHANGES_PER_TICK = 1000;

export interface CycleState extends RunClock {
  readonly kind: 'cycle';
  readonly id: string;
  readonly phases: readonly CycleStep[];
  readonly repeat: number;
  readonly start_index: number;
  readonly status: 'pending' | 'running' | 'expired';
  readonly start_at: number;
  readonly elapsed_ms: number;
  /** Sub-phases entered so far, counting from 0 for the first (so `step % phases.length` gives the offset from start_index). */
  readonly step: number;
}

const NO_MODIFIERS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * A cycle starting at `now` (the first tick reports `timer_started` and the first `phase_changed`).
 *
 * @example
 * createCycle({ id: 'daynight', phases: [{ name: 'day', duration: 120_000 }, { name: 'night', duration: 60_000, modifiers: { spawn_rate: 2 } }] }, now)
 */
export function createCycle(def: CycleDef, now: number): CycleState {
  const id = checkId('cycle', def.id);
  const where = `cycle timer "${id}"`;
  if (!Array.isArray(def.phases) || def.phases.length === 0) throw new TypeError(`${where}: phases must be a non-empty array`);
  def.phases.forEach((p, i) => {
    if (typeof p.name !== 'string' || p.name === '') throw new TypeError(`${where}: phases[${i}].name must be a non-empty string`);
    checkMs(`${where} phase "${p.name}"`, 'duration', p.duration, { positive: true });
  });
  const repeat = def.repeat ?? Infinity;
  if (!(repeat === Infinity || (Number.isInteger(repeat) && repeat >= 1))) throw new TypeError(`${where}: repeat must be an integer ≥ 1 or Infinity (got ${String(def.repeat)})`);
  const start = def.start_index ?? 0;
  if (!Number.isInteger(start) || start < 0 || start >= def.phases.length) throw new TypeError(`${where}: start_index must be an index into phases (got ${String(def.start_index)})`);
  return Object.freeze({
    kind: 'cycle',
    id,
    phases: Object.freeze([...def.phases]),
    repeat,
    start_index: start,
    status: 'pending',
    start_at: now,
    elapsed_ms: 0,
    step: 0,
    last_now: now,
    paused_at: null,
    paused_pending_ms: 0,
  });
}

function period(s: CycleState): number {
  return s.phases.reduce((a, p) => a + p.duration, 0);
}

/** The step (sub-phases entered − 1) at counted time `e`, and the counted time that step began. */
function stepAt(s: CycleState, e: number): { readonly step: number; readonly began: number } {
  const n = s.phases.length;
  const per = period(s);
  const cycles = Math.floor(e / per);
  let began = cycles * per;
  let step = cycles * n;
  for (let k = 0; k < n; k++) {
    const d = (s.phases[(s.start_index + k) % n] as CycleStep).duration;
    if (began + d > e) break;
    began += d;
    step++;
  }
  return { step, began };
}

/** The counted time step `k` began. */
function stepBegan(s: CycleState, k: number): number {
  const n = s.phases.length;
  let began = Math.floor(k / n) * period(s);
  for (let j = 0; j < k % n; j++) began += (s.phases[(s.start_index + j) % n] as CycleStep).duration;
  return began;
}

function changed(s: CycleState, step: number, at: number): TimerEvent {
  const n = s.phases.length;
  const index = (s.start_index + step) % n;
  const p = s.phases[index] as CycleStep;
  return { type: 'phase_changed', id: s.id, phase: p.name, index, cycle: Math.floor(step / n), modifiers: p.modifiers ?? NO_MODIFIERS, at };
}

/** Advances the cycle: `timer_started`, each `phase_changed` stepped over (in order), and `timer_expired` after the last repeat. */
export function tickCycle(state: CycleState, facts: TimerFacts): TimerResult<CycleState> {
  if (state.status === 'expired') return { state, events: [] };
  const events: TimerEvent[] = [];
  let s = state;
  if (s.status === 'pending') {
    if (facts.now < s.start_at) return { state, events };
    events.push({ type: 'timer_started', id: s.id, at: s.start_at }, changed(s, 0, s.start_at));
    s = { ...s, status: 'running' };
  }
  const before = s.last_now;
  const { counted, clock, now } = advanceClock(s, facts.now);
  const e0 = s.elapsed_ms;
  const total = s.repeat * period(s);
  const e = Math.min(e0 + counted, total);
  const at = (x: number): number => Math.min(now, Math.max(before, before + (x - e0)));
  const lastStep = s.repeat === Infinity ? Infinity : s.repeat * s.phases.length - 1;
  const target = Math.min(stepAt(s, e).step, lastStep);
  let from = s.step + 1;
  if (target - s.step > MAX_PHASE_CHANGES_PER_TICK) from = target;
  for (let k = from; k <= target; k++) events.push(changed(s, k, at(stepBegan(s, k))));
  let status: CycleState['status'] = 'running';
  if (e >= total) {
    status = 'expired';
    events.push({ type: 'timer_expired', id: s.id, at: at(total) });
  }
  return { state: Object.freeze({ ...clock, status, elapsed_ms: e, step: Math.max(s.step, target) }), events };
}

/** The sub-phase the cycle is in (as of the last tick), with the time left in it. */
export function currentCycle(state: CycleState): { readonly phase: string; readonly index: number; readonly cycle: number; readonly remaining_ms: number; readonly modifiers: Readonly<Record<string, unknown>> } {
  const n = state.phases.length;
  const index = (state.start_index + state.step) % n;
  const p = state.phases[index] as CycleStep;
  const remaining = Math.max(0, stepBegan(state, state.step) + p.duration - state.elapsed_ms);
  return { phase: p.name, index, cycle: Math.floor(state.step / n), remaining_ms: state.status === 'expired' ? 0 : remaining, modifiers: p.modifiers ?? NO_MODIFIERS };
}

export function pauseCycle(state: CycleState, now: number): CycleState {
  return Object.freeze(pauseClock(state, now));
}

export function resumeCycle(state: CycleState, now: number): CycleState {
  return Object.freeze(resumeClock(state, now));
}
