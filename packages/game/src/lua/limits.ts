/**
 * Rate limits of the Lua bridge, on the match clock: callback failures are logged once per
 * (script, callback) per window (default 10 s) with the count suppressed since; `game.log` lines are
 * limited per match per second and per node per second.
 */

/** Once per key per window; `hit` returns the suppressed count to report, or undefined to stay quiet. */
export class OncePerWindow {
  readonly #windowMs: number;
  readonly #seen = new Map<string, { at: number; suppressed: number }>();
  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }
  hit(key: string, now: number): number | undefined {
    const s = this.#seen.get(key);
    if (s !== undefined && now - s.at < this.#windowMs) {
      s.suppressed += 1;
      return undefined;
    }
    const suppressed = s?.suppressed ?? 0;
    if (this.#seen.size > 10_000) this.#seen.clear();
    this.#seen.set(key, { at: now, suppressed: 0 });
    return suppressed;
  }
}

/** At most `perSecond` events per one-second window. */
export class PerSecond {
  readonly #max: number;
  #second = -1;
  #count = 0;
  constructor(perSecond: number) {
    this.#max = perSecond;
  }
  take(now: number): boolean {
    const sec = Math.floor(now / 1000);
    if (sec !== this.#second) {
      this.#second = sec;
      this.#count = 0;
    }
    if (this.#count >= this.#max) return false;
    this.#count += 1;
    return true;
  }
}
