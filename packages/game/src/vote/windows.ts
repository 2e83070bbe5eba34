/**
 * Vote windows as pure functions (asobi §2.9): when an open vote closes. `fixed` runs the whole
 * `window_ms`; `ready_up` closes once every eligible voter has voted; `hybrid` is ready_up but never
 * before `min_window_ms`; `adaptive` shrinks the remaining time to 3000 ms the first time the leader
 * reaches `supermajority` (not restored if the lead is lost later). Every type is capped by `window_ms`.
 * After the close a 500 ms grace still accepts late votes, then the vote resolves. Times are milliseconds
 * on the process clock; the vote server re-reads {@link closeAt} after every cast and re-arms its timer.
 */
import type { VoteWindowType } from './types.js';

/** Late votes are accepted this long after the close. */
export const GRACE_MS = 500;
/** What an `adaptive` window's remaining time shrinks to on a supermajority. */
export const ADAPTIVE_REMAINING_MS = 3000;

/** One open vote's window. */
export interface VoteWindow {
  readonly type: VoteWindowType;
  /** When the vote opened (clock ms). */
  readonly openedAtMs: number;
  readonly windowMs: number;
  readonly minWindowMs: number;
  /** `adaptive`: the shrunk close time, once a supermajority was reached (kept even if it is lost). */
  readonly shrunkToMs: number | undefined;
}

/** A new window opened at `openedAtMs`. */
export function openWindow(type: VoteWindowType, openedAtMs: number, windowMs: number, minWindowMs: number): VoteWindow {
  return { type, openedAtMs, windowMs, minWindowMs, shrunkToMs: undefined };
}

/** What the window depends on, read after each cast. */
export interface WindowProgress {
  /** Now (clock ms). */
  readonly nowMs: number;
  /** Every eligible voter has a ballot. */
  readonly allVoted: boolean;
  /** The leading option's share has reached `supermajority`. */
  readonly supermajority: boolean;
}

/** The window after a cast: an `adaptive` window shrinks (once) on its first supermajority. */
export function afterCast(w: VoteWindow, p: WindowProgress): VoteWindow {
  if (w.type !== 'adaptive' || w.shrunkToMs !== undefined || !p.supermajority) return w;
  return { ...w, shrunkToMs: Math.min(w.openedAtMs + w.windowMs, p.nowMs + ADAPTIVE_REMAINING_MS) };
}

/**
 * When the window closes (clock ms; at or before `nowMs` means now), never after `openedAtMs + windowMs`.
 *
 * @example
 * const w = openWindow('hybrid', 0, 15_000, 5_000);
 * closeAt(w, { nowMs: 1_000, allVoted: true, supermajority: true }); // 5000: hybrid waits for min_window_ms
 */
export function closeAt(w: VoteWindow, p: Pick<WindowProgress, 'nowMs' | 'allVoted'>): number {
  const cap = w.openedAtMs + w.windowMs;
  switch (w.type) {
    case 'fixed':
      return cap;
    case 'ready_up':
      return p.allVoted ? Math.min(cap, p.nowMs) : cap;
    case 'hybrid':
      return p.allVoted ? Math.min(cap, Math.max(p.nowMs, w.openedAtMs + w.minWindowMs)) : cap;
    case 'adaptive':
      return Math.min(cap, w.shrunkToMs ?? cap);
  }
}

/** Milliseconds left before the close (0 once closed): `vote_tally`'s `time_remaining_ms`. */
export function timeRemaining(w: VoteWindow, p: Pick<WindowProgress, 'nowMs' | 'allVoted'>): number {
  return Math.max(0, closeAt(w, p) - p.nowMs);
}
