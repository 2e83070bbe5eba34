/**
 * Small checks shared by the timer primitives: each throws a TypeError naming the timer and the key.
 */
export function checkId(kind: string, id: unknown): string {
  if (typeof id !== 'string' || id === '') throw new TypeError(`${kind} timer: id must be a non-empty string`);
  return id;
}

export function checkMs(where: string, key: string, v: unknown, opts: { readonly positive?: boolean; readonly infinite?: boolean } = {}): number {
  const ok =
    typeof v === 'number' &&
    !Number.isNaN(v) &&
    (opts.positive === true ? v > 0 : v >= 0) &&
    (opts.infinite === true || Number.isFinite(v));
  if (!ok) throw new TypeError(`${where}: ${key} must be ${opts.positive === true ? '> 0' : '≥ 0'} ms${opts.infinite === true ? ' or Infinity' : ''} (got ${String(v)})`);
  return v;
}

export function checkBool(where: string, key: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${where}: ${key} must be a boolean (got ${String(v)})`);
  return v;
}

/** The running-time bookkeeping shared by countdowns and cycles: wall time of the last tick, and pauses. */
export interface RunClock {
  readonly last_now: number;
  /** Wall time the timer was paused (or the last tick while paused); null when running. */
  readonly paused_at: number | null;
  /** Paused time since the last tick already closed by a resume. */
  readonly paused_pending_ms: number;
}

/** How much of `(last_now, now]` counts (pauses removed), and the clock moved to `now`. */
export function advanceClock<C extends RunClock>(c: C, now: number): { readonly counted: number; readonly clock: C; readonly now: number } {
  const n = Math.max(now, c.last_now);
  const openPause = c.paused_at === null ? 0 : n - Math.max(c.paused_at, c.last_now);
  const counted = Math.max(0, n - c.last_now - c.paused_pending_ms - openPause);
  return { counted, now: n, clock: { ...c, last_now: n, paused_at: c.paused_at === null ? null : n, paused_pending_ms: 0 } };
}

export function pauseClock<C extends RunClock>(c: C, now: number): C {
  if (c.paused_at !== null) return c;
  return { ...c, paused_at: Math.max(now, c.last_now) };
}

export function resumeClock<C extends RunClock>(c: C, now: number): C {
  if (c.paused_at === null) return c;
  const n = Math.max(now, c.last_now);
  return { ...c, paused_at: null, paused_pending_ms: c.paused_pending_ms + (n - Math.max(c.paused_at, c.last_now)) };
}
