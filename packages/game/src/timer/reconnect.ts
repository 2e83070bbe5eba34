/**
 * The reconnect grace policy (asobi §2.5 `asobi_reconnect`). Pure; ticked by the match.
 *
 * A dropped player keeps their slot for `grace_period` ms (`grace_started`); coming back in time gives
 * `player_reconnected` with the `on_reconnect` action; otherwise the tick gives `grace_expired` with the
 * `on_expire` action. Offline time adds up over the match: once `max_offline_total` is spent, the next
 * drop expires at once, and a grace never outlasts what is left of it. Without a policy a drop is a leave.
 */
import { checkBool, checkMs } from './internal.js';

export interface ReconnectPolicy {
  /** How long a dropped player's slot is kept, ms. */
  readonly grace_period: number;
  readonly during_grace?: 'idle' | 'ai_controlled' | 'invulnerable' | 'removed' | 'frozen';
  readonly on_reconnect?: 'resume' | 'respawn' | 'spectate';
  readonly on_expire?: 'remove' | 'forfeit' | 'ai_takeover' | 'kick';
  /** Pause the match while anyone is in grace. */
  readonly pause_match?: boolean;
  /** Total offline time allowed over the match, ms (default Infinity). */
  readonly max_offline_total?: number;
}

/** A policy with every default applied. */
export type ResolvedReconnectPolicy = Required<ReconnectPolicy>;

export const RECONNECT_DEFAULTS = Object.freeze({
  during_grace: 'idle',
  on_reconnect: 'resume',
  on_expire: 'remove',
  pause_match: false,
  max_offline_total: Infinity,
} as const);

const DURING = ['idle', 'ai_controlled', 'invulnerable', 'removed', 'frozen'] as const;
const ON_RECONNECT = ['resume', 'respawn', 'spectate'] as const;
const ON_EXPIRE = ['remove', 'forfeit', 'ai_takeover', 'kick'] as const;

function oneOf<T extends string>(key: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new TypeError(`reconnect policy: ${key} must be one of ${allowed.join(', ')} (got ${String(v)})`);
  return v as T;
}

/** Applies defaults and checks a policy; throws a TypeError naming the key at fault. */
export function resolveReconnectPolicy(p: ReconnectPolicy): ResolvedReconnectPolicy {
  if (typeof p !== 'object' || p === null) throw new TypeError('reconnect policy: must be an object');
  const known = new Set(['grace_period', 'during_grace', 'on_reconnect', 'on_expire', 'pause_match', 'max_offline_total']);
  for (const k of Object.keys(p)) if (!known.has(k)) throw new TypeError(`reconnect policy: unknown key ${k}`);
  return Object.freeze({
    grace_period: checkMs('reconnect policy', 'grace_period', p.grace_period),
    during_grace: oneOf('during_grace', p.during_grace ?? RECONNECT_DEFAULTS.during_grace, DURING),
    on_reconnect: oneOf('on_reconnect', p.on_reconnect ?? RECONNECT_DEFAULTS.on_reconnect, ON_RECONNECT),
    on_expire: oneOf('on_expire', p.on_expire ?? RECONNECT_DEFAULTS.on_expire, ON_EXPIRE),
    pause_match: checkBool('reconnect policy', 'pause_match', p.pause_match ?? RECONNECT_DEFAULTS.pause_match),
    max_offline_total: checkMs('reconnect policy', 'max_offline_total', p.max_offline_total ?? RECONNECT_DEFAULTS.max_offline_total, { infinite: true }),
  });
}

export interface OfflineRecord {
  /** Wall time of the current drop, or null when connected / gone. */
  readonly offline_since: number | null;
  /** When the current grace ends (null when not in grace). */
  readonly grace_until: number | null;
  /** Offline time of finished drops. */
  readonly offline_total_ms: number;
}

export interface ReconnectState {
  readonly policy: ResolvedReconnectPolicy;
  /** player id → their offline record (players that never dropped are absent). */
  readonly players: Readonly<Record<string, OfflineRecord>>;
}

export type ReconnectEvent =
  | {
      readonly type: 'grace_started';
      readonly player_id: string;
      readonly at: number;
      readonly grace_until: number;
      readonly during_grace: ResolvedReconnectPolicy['during_grace'];
    }
  | { readonly type: 'player_reconnected'; readonly player_id: string; readonly at: number; readonly action: ResolvedReconnectPolicy['on_reconnect']; readonly offline_ms: number }
  | { readonly type: 'grace_expired'; readonly player_id: string; readonly at: number; readonly action: ResolvedReconnectPolicy['on_expire'] };

export interface ReconnectResult {
  readonly state: ReconnectState;
  readonly events: readonly ReconnectEvent[];
}

/**
 * Reconnect bookkeeping for one match. Throws a TypeError naming the key of a bad policy.
 *
 * @example
 * let rc = createReconnect({ grace_period: 30_000, on_expire: 'forfeit', max_offline_total: 120_000 });
 */
export function createReconnect(policy: ReconnectPolicy): ReconnectState {
  return Object.freeze({ policy: resolveReconnectPolicy(policy), players: Object.freeze({}) });
}

function withPlayer(s: ReconnectState, id: string, r: OfflineRecord): ReconnectState {
  return Object.freeze({ ...s, players: Object.freeze({ ...s.players, [id]: Object.freeze(r) }) });
}

/**
 * A player's connection dropped at `now`: `grace_started` (grace of `grace_period`, cut to what is left of
 * `max_offline_total`), or `grace_expired` at once when nothing is left. A player already in grace: no change.
 */
export function disconnected(state: ReconnectState, playerId: string, now: number): ReconnectResult {
  const r = state.players[playerId] ?? { offline_since: null, grace_until: null, offline_total_ms: 0 };
  if (r.grace_until !== null) return { state, events: [] };
  const p = state.policy;
  const left = p.max_offline_total - r.offline_total_ms;
  if (left <= 0) {
    return {
      state: withPlayer(state, playerId, { offline_since: null, grace_until: null, offline_total_ms: r.offline_total_ms }),
      events: [{ type: 'grace_expired', player_id: playerId, at: now, action: p.on_expire }],
    };
  }
  const graceUntil = now + Math.min(p.grace_period, left);
  return {
    state: withPlayer(state, playerId, { offline_since: now, grace_until: graceUntil, offline_total_ms: r.offline_total_ms }),
    events: [{ type: 'grace_started', player_id: playerId, at: now, grace_until: graceUntil, during_grace: p.during_grace }],
  };
}

/**
 * The player is back at `now`: `player_reconnected` with the `on_reconnect` action and the time offline,
 * if they were in grace (and it had not run out: a grace that ended by `now` gives `grace_expired`
 * instead). A player not in grace: no change (they join as usual).
 */
export function reconnected(state: ReconnectState, playerId: string, now: number): ReconnectResult {
  const r = state.players[playerId];
  if (r === undefined || r.grace_until === null || r.offline_since === null) return { state, events: [] };
  if (r.grace_until <= now) return expire(state, playerId, r);
  const offline = Math.max(0, now - r.offline_since);
  return {
    state: withPlayer(state, playerId, { offline_since: null, grace_until: null, offline_total_ms: r.offline_total_ms + offline }),
    events: [{ type: 'player_reconnected', player_id: playerId, at: now, action: state.policy.on_reconnect, offline_ms: offline }],
  };
}

function expire(state: ReconnectState, id: string, r: OfflineRecord): ReconnectResult {
  const until = r.grace_until as number;
  return {
    state: withPlayer(state, id, { offline_since: null, grace_until: null, offline_total_ms: r.offline_total_ms + (until - (r.offline_since as number)) }),
    events: [{ type: 'grace_expired', player_id: id, at: until, action: state.policy.on_expire }],
  };
}

/** Ends every grace that ran out by `now`: `grace_expired` per player, earliest first (ties by player id). */
export function tickReconnect(state: ReconnectState, now: number): ReconnectResult {
  const due = Object.entries(state.players)
    .filter(([, r]) => r.grace_until !== null && r.grace_until <= now)
    .sort(([a, ra], [b, rb]) => (ra.grace_until as number) - (rb.grace_until as number) || (a < b ? -1 : a > b ? 1 : 0));
  let s = state;
  const events: ReconnectEvent[] = [];
  for (const [id, r] of due) {
    const x = expire(s, id, r);
    s = x.state;
    events.push(...x.events);
  }
  return { state: s, events };
}

/** Players in grace now, in drop order. */
export function inGrace(state: ReconnectState): readonly string[] {
  return Object.entries(state.players)
    .filter(([, r]) => r.grace_until !== null)
    .sort(([, a], [, b]) => (a.offline_since as number) - (b.offline_since as number))
    .map(([id]) => id);
}

export function isInGrace(state: ReconnectState, playerId: string): boolean {
  return (state.players[playerId]?.grace_until ?? null) !== null;
}

/** True when the policy pauses the match and someone is in grace. */
export function shouldPause(state: ReconnectState): boolean {
  return state.policy.pause_match && inGrace(state).length > 0;
}

/** A player's offline time over the match, counting a drop in progress up to `now`. */
export function offlineTotal(state: ReconnectState, playerId: string, now: number): number {
  const r = state.players[playerId];
  if (r === undefined) return 0;
  return r.offline_total_ms + (r.offline_since !== null ? Math.max(0, now - r.offline_since) : 0);
}

/** Forgets a player (they left for good); their offline total is dropped. */
export function forgetPlayer(state: ReconnectState, playerId: string): ReconnectState {
  if (state.players[playerId] === undefined) return state;
  const players = { ...state.players };
  delete players[playerId];
  return Object.freeze({ ...state, players: Object.freeze(players) });
}
