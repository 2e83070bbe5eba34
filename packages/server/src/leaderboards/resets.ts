/**
 * Scheduled resets, the pure part: period boundaries at 00:00 UTC (daily; weekly on Monday; monthly on
 * the 1st) and the id of the board a finished period is archived to (`<board>@<YYYY-MM-DD>`, the start
 * date of that period). The board actor ({@link BoardServer}) owns the timer; nothing here reads a clock.
 */

/** How often a board resets. */
export type ResetEvery = 'daily' | 'weekly' | 'monthly';

export const RESET_EVERY: readonly ResetEvery[] = Object.freeze(['daily', 'weekly', 'monthly']);

/** One reset rule: boards matching `pattern` (exact id, or a prefix ending in `*`) reset `every` period. */
export interface ResetRule {
  readonly pattern: string;
  readonly every: ResetEvery;
}

export function isResetEvery(v: unknown): v is ResetEvery {
  return v === 'daily' || v === 'weekly' || v === 'monthly';
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Start (UTC ms) of the period that contains `epochMs`. */
export function periodStart(every: ResetEvery, epochMs: number): number {
  const d = new Date(epochMs);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (every === 'daily') return day;
  if (every === 'weekly') return day - ((d.getUTCDay() + 6) % 7) * DAY_MS; // Monday = 0
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** The first boundary strictly after `epochMs` (UTC ms): the start of the next period. */
export function nextBoundary(every: ResetEvery, epochMs: number): number {
  const start = periodStart(every, epochMs);
  if (every === 'daily') return start + DAY_MS;
  if (every === 'weekly') return start + 7 * DAY_MS;
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** `YYYY-MM-DD` of a UTC instant. */
export function utcDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** The archive board of `board` for the period that contains `epochMs`: `<board>@<start date>`. */
export function archiveIdFor(board: string, every: ResetEvery, epochMs: number): string {
  return `${board}@${utcDate(periodStart(every, epochMs))}`;
}

const ARCHIVE_ID_RE = /@\d{4}-\d{2}-\d{2}$/;

/** Whether `board` is an archive id (`<board>@<YYYY-MM-DD>`); archives never reset, whatever pattern matches them. */
export function isArchiveId(board: string): boolean {
  return ARCHIVE_ID_RE.test(board);
}

/** The next reset of `board` after `epochMs`: when it happens and where the ending period goes. */
export interface ResetPlan {
  /** The boundary (UTC ms). */
  readonly atMs: number;
  /** `<board>@<YYYY-MM-DD>`, the start date of the period that ends at `atMs`. */
  readonly archiveId: string;
}

/**
 * The next reset of `board` strictly after `epochMs`.
 *
 * @example
 * nextReset('weekly:pvp', 'weekly', Date.UTC(2026, 2, 4, 12)); // { atMs: Date.UTC(2026, 2, 9), archiveId: 'weekly:pvp@2026-03-02' }
 */
export function nextReset(board: string, every: ResetEvery, epochMs: number): ResetPlan {
  return { atMs: nextBoundary(every, epochMs), archiveId: archiveIdFor(board, every, epochMs) };
}
