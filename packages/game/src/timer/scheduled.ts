/**
 * Scheduled timers (asobi `asobi_timer` scheduled): wall-clock, in UTC. Either a daily window, with one
 * rule for weekdays (Mon–Fri) and one for weekends (Sat–Sun), emitting `window_open` / `window_close`; or
 * a single instant (`once`) emitting `scheduled_fire`. A window whose end is before its start runs past
 * midnight into the next day (the rule of the day it opened applies). Back-to-back windows are one window.
 */
import { checkId } from './internal.js';
import type { TimerEvent, TimerFacts, TimerResult } from './types.js';

/** `[startHour, startMinute, endHour, endMinute]`, UTC. End 24:00 means midnight. Start = end is refused. */
export type DailyWindow = readonly [number, number, number, number];

export type ScheduledDef =
  | { readonly id: string; readonly window: { readonly weekday?: DailyWindow; readonly weekend?: DailyWindow } }
  /** An ISO 8601 date-time (`2026-12-31T23:00:00Z`) or Unix ms. */
  | { readonly id: string; readonly once: string | number };

/** A tick more than this far after the previous one reports only the transitions of its last 14 days. */
export const SCHEDULED_LOOKBACK_MS = 14 * 86_400_000;

const DAY_MS = 86_400_000;

export interface ScheduledState {
  readonly kind: 'scheduled';
  readonly id: string;
  readonly window: { readonly weekday?: DailyWindow; readonly weekend?: DailyWindow } | null;
  /** `once`: the instant, Unix ms. */
  readonly fire_at: number | null;
  /** `pending` before the first tick; then `open`/`closed` (window) or `waiting`/`fired` (once). */
  readonly status: 'pending' | 'open' | 'closed' | 'waiting' | 'fired';
  readonly last_now: number;
}

function checkWindow(where: string, key: string, w: unknown): void {
  const bad = (): never => {
    throw new TypeError(`${where}: window.${key} must be [H1, M1, H2, M2] in UTC (hours 0–23, end may be 24:00; minutes 0–59; start ≠ end)`);
  };
  if (!Array.isArray(w) || w.length !== 4 || !w.every((x) => Number.isInteger(x))) bad();
  const [h1, m1, h2, m2] = w as number[] as [number, number, number, number];
  if (h1 < 0 || h1 > 23 || m1 < 0 || m1 > 59 || h2 < 0 || h2 > 24 || m2 < 0 || m2 > 59 || (h2 === 24 && m2 !== 0)) bad();
  if (h1 * 60 + m1 === h2 * 60 + m2) bad();
}

/**
 * A scheduled timer. Throws a TypeError naming the timer and the key (bad window, unparsable date).
 *
 * @example
 * createScheduled({ id: 'happy_hour', window: { weekday: [18, 0, 20, 0], weekend: [22, 0, 2, 0] } }, now)
 * createScheduled({ id: 'launch', once: '2026-12-31T23:00:00Z' }, now)
 */
export function createScheduled(def: ScheduledDef, now: number): ScheduledState {
  const id = checkId('scheduled', def.id);
  const where = `scheduled timer "${id}"`;
  if ('window' in def) {
    const w = def.window;
    if (typeof w !== 'object' || w === null) throw new TypeError(`${where}: window must be {weekday?, weekend?}`);
    if (w.weekday === undefined && w.weekend === undefined) throw new TypeError(`${where}: window needs weekday or weekend`);
    if (w.weekday !== undefined) checkWindow(where, 'weekday', w.weekday);
    if (w.weekend !== undefined) checkWindow(where, 'weekend', w.weekend);
    return Object.freeze({ kind: 'scheduled', id, window: w, fire_at: null, status: 'pending', last_now: now });
  }
  if ('once' in def) {
    const at = typeof def.once === 'number' ? def.once : Date.parse(def.once);
    if (!Number.isFinite(at)) throw new TypeError(`${where}: once must be an ISO 8601 date-time or Unix ms (got ${String(def.once)})`);
    return Object.freeze({ kind: 'scheduled', id, window: null, fire_at: at, status: 'pending', last_now: now });
  }
  throw new TypeError(`${where}: needs window or once`);
}

function isWeekend(dayStart: number): boolean {
  const d = new Date(dayStart).getUTCDay();
  return d === 0 || d === 6;
}

/** The window intervals `[start, end)` opened on the days from `fromDay` to `toDay` (day starts, UTC), merged. */
function intervals(w: NonNullable<ScheduledState['window']>, fromDay: number, toDay: number): Array<[number, number]> {
  const raw: Array<[number, number]> = [];
  for (let d = fromDay; d <= toDay; d += DAY_MS) {
    const rule = isWeekend(d) ? w.weekend : w.weekday;
    if (rule === undefined) continue;
    const [h1, m1, h2, m2] = rule;
    const s = d + (h1 * 60 + m1) * 60_000;
    let e = d + (h2 * 60 + m2) * 60_000;
    if (e <= s) e += DAY_MS;
    raw.push([s, e]);
  }
  const merged: Array<[number, number]> = [];
  for (const iv of raw) {
    const last = merged[merged.length - 1];
    if (last !== undefined && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else merged.push([iv[0], iv[1]]);
  }
  return merged;
}

function dayOf(t: number): number {
  return Math.floor(t / DAY_MS) * DAY_MS;
}

/** True when the window is open at `t` (Unix ms). */
export function windowOpenAt(window: NonNullable<ScheduledState['window']>, t: number): boolean {
  return intervals(window, dayOf(t) - DAY_MS, dayOf(t)).some(([s, e]) => s <= t && t < e);
}

/**
 * Advances a scheduled timer to `facts.now`. A window reports `window_open` on the first tick if open
 * then, and afterwards every opening and closing in `(last tick, now]` at the instant it happened (the
 * last {@link SCHEDULED_LOOKBACK_MS} of a long gap). `once` reports `scheduled_fire` on the first tick at or
 * after its instant (late if the owner started after it), then never again.
 */
export function tickScheduled(state: ScheduledState, facts: TimerFacts): TimerResult<ScheduledState> {
  const now = Math.max(facts.now, state.last_now);
  const id = state.id;
  if (state.window === null) {
    const fireAt = state.fire_at as number;
    if (state.status === 'fired' || now < fireAt) return { state: Object.freeze({ ...state, status: 'waiting', last_now: now }), events: [] };
    return { state: Object.freeze({ ...state, status: 'fired', last_now: now }), events: [{ type: 'scheduled_fire', id, at: fireAt }] };
  }
  const w = state.window;
  const events: TimerEvent[] = [];
  let open: boolean;
  let from: number;
  if (state.status === 'pending') {
    open = windowOpenAt(w, now);
    if (open) events.push({ type: 'window_open', id, at: now });
    return { state: Object.freeze({ ...state, status: open ? 'open' : 'closed', last_now: now }), events };
  }
  open = state.status === 'open';
  from = state.last_now;
  if (now - from > SCHEDULED_LOOKBACK_MS) {
    from = now - SCHEDULED_LOOKBACK_MS;
    const o = windowOpenAt(w, from);
    if (o !== open) events.push({ type: o ? 'window_open' : 'window_close', id, at: from });
    open = o;
  }
  for (const [s, e] of intervals(w, dayOf(from) - DAY_MS, dayOf(now))) {
    if (s > from && s <= now && !open) {
      events.push({ type: 'window_open', id, at: s });
      open = true;
    }
    if (e > from && e <= now && open) {
      events.push({ type: 'window_close', id, at: e });
      open = false;
    }
  }
  return { state: Object.freeze({ ...state, status: open ? 'open' : 'closed', last_now: now }), events };
}
