/**
 * Mode globals (asobi §2.24): read from a mode script's engine after its body ran, validated, with errors
 * naming the file and the global. `match_size` is required (a positive integer); `max_players` and
 * `min_players` default to it; `listed`/`quick_play`/`guest_auth` must be real booleans.
 */
import { LuaLoadError } from './errors.js';
import type { ScriptEngine } from './engine.js';

export interface BotsConfig {
  readonly script?: string;
  readonly minPlayers?: number;
  readonly enabled?: boolean;
}

/** What a mode script declares about its matches. */
export interface ModeShape {
  readonly matchSize: number;
  readonly maxPlayers: number;
  readonly minPlayers: number;
  readonly strategy: 'fill' | 'skill_based';
  readonly gameType: 'match' | 'world';
  /** `"shared"`: `get_state(state)` once per tick; else `get_state(player_id, state)` per player. */
  readonly stateStrategy: 'per_player' | 'shared';
  readonly bots?: BotsConfig;
  readonly listed?: boolean;
  readonly quickPlay?: boolean;
  readonly guestAuth?: boolean;
  readonly registration?: 'open' | 'oauth_only' | 'closed';
  /** `tick_rate`: the tick interval in ms. */
  readonly tickRateMs?: number;
}

/** The globals read, in the order they are checked. */
export const MODE_GLOBALS = ['match_size', 'max_players', 'min_players', 'strategy', 'game_type', 'state_strategy', 'bots', 'listed', 'quick_play', 'guest_auth', 'registration', 'tick_rate'] as const;

function bad(file: string, global: string, expected: string, got: unknown): LuaLoadError {
  const shown = got === undefined ? 'nil' : typeof got === 'object' ? 'a table' : JSON.stringify(got);
  return new LuaLoadError('LUA_ERR_MODE_GLOBAL', { file, global }, `${file}: global ${global} must be ${expected} (got ${shown})`);
}

function posInt(file: string, global: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw bad(file, global, 'a positive integer', v);
  return v;
}

function optBool(file: string, global: string, v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw bad(file, global, 'true or false', v);
  return v;
}

function oneOf<T extends string>(file: string, global: string, v: unknown, allowed: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw bad(file, global, allowed.map((a) => `"${a}"`).join(' or '), v);
  return v as T;
}

/** Checks raw global values (as read from Lua) and applies the defaults. */
export function validateModeGlobals(file: string, g: Readonly<Record<string, unknown>>): ModeShape {
  const matchSize = posInt(file, 'match_size', g['match_size']);
  const maxPlayers = g['max_players'] === undefined ? matchSize : posInt(file, 'max_players', g['max_players']);
  const minPlayers = g['min_players'] === undefined ? matchSize : posInt(file, 'min_players', g['min_players']);
  if (maxPlayers < matchSize) throw bad(file, 'max_players', `at least match_size (${matchSize})`, maxPlayers);
  if (minPlayers > maxPlayers) throw bad(file, 'min_players', `at most max_players (${maxPlayers})`, minPlayers);
  const strategy = oneOf(file, 'strategy', g['strategy'], ['fill', 'skill_based'] as const, 'fill');
  const gameType = oneOf(file, 'game_type', g['game_type'], ['match', 'world'] as const, 'match');
  const ss = g['state_strategy'];
  if (ss !== undefined && ss !== 'shared' && ss !== 'per_player') throw bad(file, 'state_strategy', '"shared" or "per_player"', ss);
  const shape: {
    -readonly [K in keyof ModeShape]: ModeShape[K];
  } = { matchSize, maxPlayers, minPlayers, strategy, gameType, stateStrategy: ss === 'shared' ? 'shared' : 'per_player' };
  const bots = g['bots'];
  if (bots !== undefined) {
    if (typeof bots !== 'object' || bots === null || Array.isArray(bots)) throw bad(file, 'bots', 'a table {script =, min_players =, enabled =}', bots);
    const b = bots as Record<string, unknown>;
    if (b['script'] !== undefined && typeof b['script'] !== 'string') throw bad(file, 'bots.script', 'a string', b['script']);
    const out: { script?: string; minPlayers?: number; enabled?: boolean } = {};
    if (typeof b['script'] === 'string') out.script = b['script'];
    if (b['min_players'] !== undefined) out.minPlayers = posInt(file, 'bots.min_players', b['min_players']);
    const en = optBool(file, 'bots.enabled', b['enabled']);
    if (en !== undefined) out.enabled = en;
    shape.bots = out;
  }
  const listed = optBool(file, 'listed', g['listed']);
  if (listed !== undefined) shape.listed = listed;
  const quickPlay = optBool(file, 'quick_play', g['quick_play']);
  if (quickPlay !== undefined) shape.quickPlay = quickPlay;
  const guestAuth = optBool(file, 'guest_auth', g['guest_auth']);
  if (guestAuth !== undefined) shape.guestAuth = guestAuth;
  if (g['registration'] !== undefined) shape.registration = oneOf(file, 'registration', g['registration'], ['open', 'oauth_only', 'closed'] as const, 'open');
  if (g['tick_rate'] !== undefined) shape.tickRateMs = posInt(file, 'tick_rate', g['tick_rate']);
  return Object.freeze(shape);
}

/** Reads the mode globals out of an engine that ran the script `file`, and validates them. */
export function readModeGlobals(engine: ScriptEngine, file: string): ModeShape {
  const raw: Record<string, unknown> = {};
  for (const name of MODE_GLOBALS) {
    const r = engine.read(name);
    if (!r.ok) throw bad(file, name, 'plain data', `<${engine.typeOf(name)}>`);
    if (r.value !== undefined) raw[name] = r.value;
  }
  return validateModeGlobals(file, raw);
}
