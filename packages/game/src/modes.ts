/**
 * Game modes: what a mode name (`"arena"`, `"default"`) means. A mode names its behaviour and the shape
 * of its matches (asobi §2.5–2.7 mode globals): sizes, tick rate, visibility, matchmaking strategy,
 * reconnect policy. The matchmaker and the match manager read the same table.
 */
import type { MatchBehaviour } from './match/behaviour.js';
import type { MatchmakerStrategy } from './matchmaker/strategy.js';
import type { ReconnectPolicy } from './timer/reconnect.js';

export interface ModeConfig {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly behaviour: MatchBehaviour<any, any>;
  /** Players per matchmade group (default 2). */
  readonly matchSize?: number;
  /** Players before the match leaves `waiting` (default: `matchSize`). */
  readonly minPlayers?: number;
  /** Capacity (default 10, never below `matchSize`). */
  readonly maxPlayers?: number;
  /** Tick interval in ms (default 100). */
  readonly tickMs?: number;
  /** A waiting match gives up after this long (default 60 000 ms). */
  readonly waitingTimeoutMs?: number;
  /** Appears in `match.list` / `GET /matches/live` (default false). */
  readonly listed?: boolean;
  /** Eligible for `match.find_or_create` (default false). */
  readonly quickPlay?: boolean;
  /** Matchmaking strategy: `fill` (default), `skill_based`, or your own. */
  readonly strategy?: 'fill' | 'skill_based' | MatchmakerStrategy;
  /** Strategy knobs (`skill_window`, `skill_expand_rate`, ...). */
  readonly strategyConfig?: Readonly<Record<string, unknown>>;
  /** What a dropped connection means (absent: a disconnect is a leave). */
  readonly reconnect?: ReconnectPolicy;
  /** Passed to `init` as the match config (merged under the per-match config). */
  readonly config?: Readonly<Record<string, unknown>>;
}

/** A mode with every default applied. */
export interface ResolvedMode {
  readonly name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly behaviour: MatchBehaviour<any, any>;
  readonly matchSize: number;
  readonly minPlayers: number;
  readonly maxPlayers: number;
  readonly tickMs: number;
  readonly waitingTimeoutMs: number;
  readonly listed: boolean;
  readonly quickPlay: boolean;
  readonly strategy: 'fill' | 'skill_based' | MatchmakerStrategy;
  readonly strategyConfig: Readonly<Record<string, unknown>>;
  readonly reconnect: ReconnectPolicy | undefined;
  readonly config: Readonly<Record<string, unknown>>;
}

export const MODE_DEFAULTS = Object.freeze({ matchSize: 2, maxPlayers: 10, tickMs: 100, waitingTimeoutMs: 60_000 });
const MODE_NAME_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

function posInt(mode: string, key: string, v: unknown, min = 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new TypeError(`mode "${mode}": ${key} must be an integer ≥ ${min} (got ${String(v)})`);
  return v;
}

/** Applies defaults and checks a mode; throws a TypeError naming the mode and the key. */
export function resolveMode(name: string, m: ModeConfig): ResolvedMode {
  if (!MODE_NAME_RE.test(name)) throw new TypeError(`mode name "${name}": letters, digits, _ . : - only, 1..64 long`);
  if (typeof m.behaviour !== 'object' || m.behaviour === null) throw new TypeError(`mode "${name}": behaviour is required`);
  for (const cb of ['init', 'join', 'leave', 'handleInput'] as const) {
    if (typeof m.behaviour[cb] !== 'function') throw new TypeError(`mode "${name}": behaviour.${cb} must be a function`);
  }
  const matchSize = posInt(name, 'matchSize', m.matchSize ?? MODE_DEFAULTS.matchSize);
  const minPlayers = posInt(name, 'minPlayers', m.minPlayers ?? matchSize);
  const maxPlayers = Math.max(posInt(name, 'maxPlayers', m.maxPlayers ?? Math.max(MODE_DEFAULTS.maxPlayers, matchSize)), matchSize);
  if (minPlayers > maxPlayers) throw new TypeError(`mode "${name}": minPlayers (${minPlayers}) exceeds maxPlayers (${maxPlayers})`);
  return {
    name,
    behaviour: m.behaviour,
    matchSize,
    minPlayers,
    maxPlayers,
    tickMs: posInt(name, 'tickMs', m.tickMs ?? MODE_DEFAULTS.tickMs),
    waitingTimeoutMs: posInt(name, 'waitingTimeoutMs', m.waitingTimeoutMs ?? MODE_DEFAULTS.waitingTimeoutMs),
    listed: m.listed ?? false,
    quickPlay: m.quickPlay ?? false,
    strategy: m.strategy ?? 'fill',
    strategyConfig: m.strategyConfig ?? {},
    reconnect: m.reconnect,
    config: m.config ?? {},
  };
}

/** The mode table of one server. Modes may be replaced at run time (Lua reload): new matches see the change. */
export class ModeRegistry {
  readonly #modes = new Map<string, ResolvedMode>();
  constructor(modes: Readonly<Record<string, ModeConfig>> = {}) {
    for (const [name, m] of Object.entries(modes)) this.set(name, m);
  }
  set(name: string, m: ModeConfig): ResolvedMode {
    const r = resolveMode(name, m);
    this.#modes.set(name, r);
    return r;
  }
  delete(name: string): boolean {
    return this.#modes.delete(name);
  }
  get(name: string): ResolvedMode | undefined {
    return this.#modes.get(name);
  }
  has(name: string): boolean {
    return this.#modes.has(name);
  }
  names(): string[] {
    return [...this.#modes.keys()].sort();
  }
}
