/**
 * Conditional timers (asobi `asobi_timer` conditional): a countdown that waits for a condition (enough
 * players, a ratio of capacity, everyone ready, a game event, or another timer's expiry) or, failing
 * that, for `fallback_timeout` ms after creation; then runs as a {@link CountdownState}.
 */
import { createCountdown, pauseCountdown, resumeCountdown, tickCountdown, validateCountdown, type CountdownDef, type CountdownState } from './countdown.js';
import { checkMs } from './internal.js';
import type { TimerFacts, TimerResult } from './types.js';

export type TimerCondition =
  | 'all_ready'
  | { readonly players: number }
  | { readonly players_ratio: number }
  | { readonly event: string }
  | { readonly prev_expired: string };

export interface ConditionalDef extends CountdownDef {
  readonly start: TimerCondition;
  /** Start anyway this many ms after creation (default Infinity: wait for the condition). */
  readonly fallback_timeout?: number;
}

export interface ConditionalState {
  readonly kind: 'conditional';
  readonly id: string;
  readonly start: TimerCondition;
  readonly fallback_timeout: number;
  readonly created_at: number;
  readonly last_now: number;
  /** Wall time of a pause while waiting (the fallback does not run down meanwhile), else null. Once the
   * countdown runs, it keeps its own pause. */
  readonly paused_since: number | null;
  /** The countdown, once the condition held (`status` `pending` until its `timer_started` is reported). */
  readonly countdown: CountdownState | null;
  readonly def: ConditionalDef;
}

function checkCondition(where: string, c: TimerCondition): void {
  if (c === 'all_ready') return;
  if (typeof c !== 'object' || c === null || Object.keys(c).length !== 1) throw new TypeError(`${where}: start must be 'all_ready', {players}, {players_ratio}, {event} or {prev_expired}`);
  if ('players' in c) {
    if (!Number.isInteger(c.players) || c.players < 0) throw new TypeError(`${where}: start.players must be an integer ≥ 0`);
  } else if ('players_ratio' in c) {
    if (typeof c.players_ratio !== 'number' || !(c.players_ratio > 0 && c.players_ratio <= 1)) throw new TypeError(`${where}: start.players_ratio must be in (0, 1]`);
  } else if ('event' in c) {
    if (typeof c.event !== 'string' || c.event === '') throw new TypeError(`${where}: start.event must be a non-empty string`);
  } else if ('prev_expired' in c) {
    if (typeof c.prev_expired !== 'string' || c.prev_expired === '') throw new TypeError(`${where}: start.prev_expired must be a timer id`);
  } else {
    throw new TypeError(`${where}: unknown start condition "${Object.keys(c)[0] ?? ''}"`);
  }
}

/**
 * A conditional timer, waiting from `now`. Throws a TypeError naming the timer and the key.
 *
 * @example
 * createConditional({ id: 'start', duration: 10_000, start: { players: 4 }, fallback_timeout: 60_000 }, now)
 */
export function createConditional(def: ConditionalDef, now: number): ConditionalState {
  validateCountdown(def, 'conditional');
  const where = `conditional timer "${def.id}"`;
  checkCondition(where, def.start);
  const fallback = def.fallback_timeout === undefined ? Infinity : checkMs(where, 'fallback_timeout', def.fallback_timeout, { infinite: true });
  return Object.freeze({ kind: 'conditional', id: def.id, start: def.start, fallback_timeout: fallback, created_at: now, last_now: now, paused_since: null, countdown: null, def });
}

/** When the condition was met (wall time ≤ now), or null. */
function metAt(s: ConditionalState, f: TimerFacts, now: number): number | null {
  const c = s.start;
  if (c === 'all_ready') return f.allReady === true ? now : null;
  if ('players' in c) return (f.players ?? 0) >= c.players ? now : null;
  if ('players_ratio' in c) return (f.maxPlayers ?? 0) > 0 && (f.players ?? 0) / (f.maxPlayers ?? 1) >= c.players_ratio ? now : null;
  if ('prev_expired' in c) {
    const at = f.expired?.[c.prev_expired];
    return at === undefined ? null : Math.min(now, Math.max(at, s.created_at));
  }
  return null; // {event}: notifyConditional starts it
}

function begin(s: ConditionalState, at: number): ConditionalState {
  return { ...s, countdown: createCountdown(s.def, at) };
}

/** Advances the timer: starts the countdown when the condition holds (or the fallback ran out), then ticks it. */
export function tickConditional(state: ConditionalState, facts: TimerFacts): TimerResult<ConditionalState> {
  const now = Math.max(facts.now, state.last_now);
  let s: ConditionalState = { ...state, last_now: now };
  if (s.countdown === null) {
    if (s.paused_since !== null) return { state: Object.freeze(s), events: [] };
    let at = metAt(s, facts, now);
    const fallbackAt = s.created_at + s.fallback_timeout;
    if (fallbackAt <= now && (at === null || fallbackAt < at)) at = fallbackAt;
    if (at === null) return { state: Object.freeze(s), events: [] };
    s = begin(s, at);
  }
  const r = tickCountdown(s.countdown as CountdownState, { ...facts, now });
  return { state: Object.freeze({ ...s, countdown: r.state }), events: r.events };
}

/** Delivers a game event: a timer waiting on `{event: name}` starts its countdown now (reported by the next tick, or at once here). */
export function notifyConditional(state: ConditionalState, name: string, now: number): TimerResult<ConditionalState> {
  const c = state.start;
  if (state.countdown !== null || state.paused_since !== null || typeof c !== 'object' || !('event' in c) || c.event !== name) return { state, events: [] };
  const at = Math.max(now, state.last_now);
  return tickConditional(begin(state, at), { now: at });
}

export function pauseConditional(state: ConditionalState, now: number): ConditionalState {
  if (state.countdown !== null) return Object.freeze({ ...state, countdown: pauseCountdown(state.countdown, now) });
  if (state.paused_since !== null) return state;
  return Object.freeze({ ...state, paused_since: Math.max(now, state.last_now) });
}

export function resumeConditional(state: ConditionalState, now: number): ConditionalState {
  if (state.countdown !== null) return Object.freeze({ ...state, countdown: resumeCountdown(state.countdown, now) });
  if (state.paused_since === null) return state;
  const at = Math.max(now, state.last_now);
  // The paused span moves the fallback later.
  return Object.freeze({ ...state, paused_since: null, created_at: state.created_at + (at - state.paused_since), last_now: at });
}
