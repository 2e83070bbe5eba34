/**
 * Entity timers (asobi `asobi_entity_timer`, §2.8): per-entity countdowns (crafting, decay, cooldowns)
 * keyed by entity id and a timer key, with an absolute `end_at`. No process per timer: the owner (a zone,
 * a match) ticks the whole table and gets back the timers that ended. The state is plain JSON-safe data,
 * so it can go into a snapshot as is; timers that ended while nothing ticked fire on the first tick after.
 */
import { checkMs } from './internal.js';

export interface EntityTimer {
  readonly entity_id: string;
  /** Distinguishes several timers of one entity (default `"default"`). */
  readonly key: string;
  /** Wall time it ends, Unix ms. */
  readonly end_at: number;
  /** JSON-safe value handed back on expiry (what to do). */
  readonly on_complete?: unknown;
  readonly category?: string;
  /** The player who owns it, for `pause_when_offline`. */
  readonly owner?: string;
  /** Time does not run while `owner` is offline (needs `owner`). Default false. */
  readonly pause_when_offline: boolean;
}

export interface EntityTimerSpec {
  readonly entity_id: string;
  readonly key?: string;
  /** Ends `duration` ms after `now` ... */
  readonly duration?: number;
  /** ... or at this wall time (one of the two). */
  readonly end_at?: number;
  readonly on_complete?: unknown;
  readonly category?: string;
  readonly owner?: string;
  readonly pause_when_offline?: boolean;
}

export interface EntityTimersState {
  /** entity id → key → timer. */
  readonly timers: Readonly<Record<string, Readonly<Record<string, EntityTimer>>>>;
  readonly last_now: number;
}

export const DEFAULT_ENTITY_TIMER_KEY = 'default';

/** An empty table. */
export function createEntityTimers(now: number): EntityTimersState {
  return Object.freeze({ timers: {}, last_now: now });
}

/**
 * Adds a timer (replacing the entity's timer of the same key). Throws a TypeError naming the key at fault.
 *
 * @example
 * table = addEntityTimer(table, { entity_id: 'furnace-1', key: 'smelt', duration: 30_000, on_complete: { give: 'iron' } }, now);
 */
export function addEntityTimer(state: EntityTimersState, spec: EntityTimerSpec, now: number): EntityTimersState {
  if (typeof spec.entity_id !== 'string' || spec.entity_id === '') throw new TypeError('entity timer: entity_id must be a non-empty string');
  const key = spec.key ?? DEFAULT_ENTITY_TIMER_KEY;
  const where = `entity timer "${spec.entity_id}/${key}"`;
  if (typeof key !== 'string' || key === '') throw new TypeError(`${where}: key must be a non-empty string`);
  if ((spec.duration === undefined) === (spec.end_at === undefined)) throw new TypeError(`${where}: give duration or end_at (one of them)`);
  const endAt = spec.end_at ?? now + checkMs(where, 'duration', spec.duration);
  if (!Number.isFinite(endAt)) throw new TypeError(`${where}: end_at must be a finite Unix ms`);
  const pwo = spec.pause_when_offline ?? false;
  if (pwo && spec.owner === undefined) throw new TypeError(`${where}: pause_when_offline needs owner`);
  const timer: EntityTimer = {
    entity_id: spec.entity_id,
    key,
    end_at: endAt,
    pause_when_offline: pwo,
    ...(spec.on_complete !== undefined ? { on_complete: spec.on_complete } : {}),
    ...(spec.category !== undefined ? { category: spec.category } : {}),
    ...(spec.owner !== undefined ? { owner: spec.owner } : {}),
  };
  const mine = { ...(state.timers[spec.entity_id] ?? {}), [key]: Object.freeze(timer) };
  return Object.freeze({ ...state, timers: { ...state.timers, [spec.entity_id]: mine } });
}

/** Cancels one timer of an entity, or all of them when `key` is absent. Unknown ids are a no-op. */
export function cancelEntityTimer(state: EntityTimersState, entityId: string, key?: string): EntityTimersState {
  const mine = state.timers[entityId];
  if (mine === undefined || (key !== undefined && mine[key] === undefined)) return state;
  const timers = { ...state.timers };
  if (key === undefined) delete timers[entityId];
  else {
    const rest = { ...mine };
    delete rest[key];
    if (Object.keys(rest).length === 0) delete timers[entityId];
    else timers[entityId] = rest;
  }
  return Object.freeze({ ...state, timers });
}

/** The timers of one entity (empty when none). */
export function entityTimersOf(state: EntityTimersState, entityId: string): readonly EntityTimer[] {
  return Object.values(state.timers[entityId] ?? {});
}

/** How many timers are live (a zone with none and no entities can go cold). */
export function entityTimerCount(state: EntityTimersState): number {
  let n = 0;
  for (const m of Object.values(state.timers)) n += Object.keys(m).length;
  return n;
}

/**
 * Advances the table to `now`: removes and returns the timers whose `end_at` ≤ now, earliest first (ties by
 * entity id, then key). A `pause_when_offline` timer whose owner is not in `online` has its `end_at` moved
 * later by the time since the last tick.
 */
export function tickEntityTimers(
  state: EntityTimersState,
  facts: { readonly now: number; readonly online?: ReadonlySet<string> },
): { readonly state: EntityTimersState; readonly expired: readonly EntityTimer[] } {
  const now = Math.max(facts.now, state.last_now);
  const dt = now - state.last_now;
  const expired: EntityTimer[] = [];
  const timers: Record<string, Record<string, EntityTimer>> = {};
  for (const [entity, mine] of Object.entries(state.timers)) {
    for (const [key, t0] of Object.entries(mine)) {
      let t = t0;
      if (t.pause_when_offline && dt > 0 && !(facts.online?.has(t.owner as string) ?? false)) t = { ...t, end_at: t.end_at + dt };
      if (t.end_at <= now) expired.push(t);
      else (timers[entity] ??= {})[key] = t;
    }
  }
  expired.sort((a, b) => a.end_at - b.end_at || (a.entity_id < b.entity_id ? -1 : a.entity_id > b.entity_id ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { state: Object.freeze({ timers, last_now: now }), expired };
}
