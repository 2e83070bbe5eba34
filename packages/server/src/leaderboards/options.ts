/**
 * Leaderboard options: how often boards flush, how many may be live, which boards take client submits
 * which operator each board uses and which boards reset on a schedule. Defaults written once, validated and frozen by
 * {@link resolveLeaderboardsOptions}. A board pattern is an exact board id, or a prefix ending in `*`
 * (`weekly:*`); the first matching pattern wins.
 */
import { isOperator, type Operator } from './operators.js';
import { isArchiveId, isResetEvery, type ResetEvery, type ResetRule } from './resets.js';

export interface LeaderboardsOptions {
  /** How often a board writes its changed entries to storage (default 5000 ms, system clock). */
  readonly flushIntervalMs?: number;
  /** A board with no read or submit for this long stops (after flushing) and frees its slot (default 15 min). */
  readonly idleStopMs?: number;
  /** Live boards per node; a new board beyond it is `leaderboard.capacity_reached` (default 1000). */
  readonly maxBoards?: number;
  /** Boards that accept `POST /leaderboards/:id` from players: patterns, or `'all'` (default none). */
  readonly clientSubmit?: 'all' | readonly string[];
  /** Operator per board pattern (default: {@link LeaderboardsOptions.defaultOperator} for every board). */
  readonly operators?: Readonly<Record<string, Operator>>;
  /** Operator of boards no pattern names (default `set`, asobi's replace). */
  readonly defaultOperator?: Operator;
  /** Scheduled resets per board pattern (first match wins; default none): archive to `<board>@<YYYY-MM-DD>` at each 00:00 UTC boundary. */
  readonly resets?: readonly ResetRule[];
  /** Delay before a reset whose flush or archive failed is tried again (default 30 000 ms, system clock). */
  readonly resetRetryMs?: number;
}

export interface ResolvedLeaderboardsOptions {
  readonly flushIntervalMs: number;
  readonly idleStopMs: number;
  readonly maxBoards: number;
  readonly clientSubmit: 'all' | readonly string[];
  readonly operators: Readonly<Record<string, Operator>>;
  readonly defaultOperator: Operator;
  readonly resets: readonly ResetRule[];
  readonly resetRetryMs: number;
}

export const LEADERBOARD_DEFAULTS = Object.freeze({
  flushIntervalMs: 5_000,
  idleStopMs: 15 * 60_000,
  maxBoards: 1_000,
  clientSubmit: Object.freeze([]) as readonly string[],
  defaultOperator: 'set' as Operator,
  resets: Object.freeze([]) as readonly ResetRule[],
  resetRetryMs: 30_000,
});

function positiveInt(name: string, v: number | undefined, fallback: number): number {
  const n = v ?? fallback;
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`option leaderboards.${name} must be an integer > 0`);
  return n;
}

/** Fills defaults, validates, freezes. Throws an Error naming the bad option. */
export function resolveLeaderboardsOptions(o: LeaderboardsOptions = {}): ResolvedLeaderboardsOptions {
  const clientSubmit = o.clientSubmit ?? LEADERBOARD_DEFAULTS.clientSubmit;
  if (clientSubmit !== 'all' && !(Array.isArray(clientSubmit) && clientSubmit.every((p) => typeof p === 'string' && p !== ''))) {
    throw new Error("option leaderboards.clientSubmit must be 'all' or a list of board patterns");
  }
  const operators = { ...(o.operators ?? {}) };
  for (const [pattern, op] of Object.entries(operators)) if (!isOperator(op)) throw new Error(`option leaderboards.operators[${pattern}] must be set, best or incr`);
  const defaultOperator = o.defaultOperator ?? LEADERBOARD_DEFAULTS.defaultOperator;
  if (!isOperator(defaultOperator)) throw new Error('option leaderboards.defaultOperator must be set, best or incr');
  const resetsIn: unknown = o.resets ?? LEADERBOARD_DEFAULTS.resets;
  if (!Array.isArray(resetsIn)) throw new Error('option leaderboards.resets must be a list of { pattern, every }');
  const resets = resetsIn.map((r: unknown, i): ResetRule => {
    const rule = r as { pattern?: unknown; every?: unknown } | null;
    if (typeof rule !== 'object' || rule === null || typeof rule.pattern !== 'string' || rule.pattern === '') throw new Error(`option leaderboards.resets[${i}].pattern must be a board pattern`);
    if (!isResetEvery(rule.every)) throw new Error(`option leaderboards.resets[${i}].every must be daily, weekly or monthly`);
    return Object.freeze({ pattern: rule.pattern, every: rule.every });
  });
  return Object.freeze({
    flushIntervalMs: positiveInt('flushIntervalMs', o.flushIntervalMs, LEADERBOARD_DEFAULTS.flushIntervalMs),
    idleStopMs: positiveInt('idleStopMs', o.idleStopMs, LEADERBOARD_DEFAULTS.idleStopMs),
    maxBoards: positiveInt('maxBoards', o.maxBoards, LEADERBOARD_DEFAULTS.maxBoards),
    clientSubmit: clientSubmit === 'all' ? 'all' : Object.freeze([...clientSubmit]),
    operators: Object.freeze(operators),
    defaultOperator,
    resets: Object.freeze(resets),
    resetRetryMs: positiveInt('resetRetryMs', o.resetRetryMs, LEADERBOARD_DEFAULTS.resetRetryMs),
  });
}

/** Whether `pattern` (an exact id, or a prefix ending in `*`) names `board`. */
export function matchesBoard(pattern: string, board: string): boolean {
  return pattern.endsWith('*') ? board.startsWith(pattern.slice(0, -1)) : pattern === board;
}

/** Whether players may submit to `board` over REST. */
export function clientSubmitAllowed(o: ResolvedLeaderboardsOptions, board: string): boolean {
  return o.clientSubmit === 'all' || o.clientSubmit.some((p) => matchesBoard(p, board));
}

/** The operator of `board`: the first matching pattern's, else the default. */
export function operatorOf(o: ResolvedLeaderboardsOptions, board: string): Operator {
  for (const [pattern, op] of Object.entries(o.operators)) if (matchesBoard(pattern, board)) return op;
  return o.defaultOperator;
}

/** How often `board` resets: the first matching `resets` rule's period, else undefined (never; always for archive ids). */
export function resetOf(o: ResolvedLeaderboardsOptions, board: string): ResetEvery | undefined {
  if (isArchiveId(board)) return undefined;
  return o.resets.find((r) => matchesBoard(r.pattern, board))?.every;
}
