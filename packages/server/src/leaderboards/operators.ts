/**
 * Score operators: how a submitted score combines with the player's current one. `set` replaces it
 * (asobi's only behaviour, the default), `best` keeps the higher of the two, `incr` adds the submitted
 * value. Pure functions; the board actor applies them.
 */

export const OPERATORS = ['set', 'best', 'incr'] as const;
export type Operator = (typeof OPERATORS)[number];

/** Largest magnitude a score may have (scores are stored as bigint and served as JSON numbers). */
export const SCORE_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * The player's score after a submit of `submitted` under `op`, given their `current` score (undefined
 * when they have no entry). Returns `undefined` when the entry must not change (`best` with a score that
 * is not higher). May return a value beyond ±{@link SCORE_LIMIT} for `incr`; the caller refuses it.
 *
 * @example
 * applyOperator('best', 120, 90); // undefined: 120 stays
 * applyOperator('incr', 120, 5);  // 125
 */
export function applyOperator(op: Operator, current: number | undefined, submitted: number): number | undefined {
  switch (op) {
    case 'set':
      return submitted;
    case 'best':
      return current === undefined || submitted > current ? submitted : undefined;
    case 'incr':
      return (current ?? 0) + submitted;
  }
}

export function isOperator(v: unknown): v is Operator {
  return typeof v === 'string' && (OPERATORS as readonly string[]).includes(v);
}
