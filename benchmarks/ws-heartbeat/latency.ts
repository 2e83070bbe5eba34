/**
 * Round-trip times in a fixed-resolution histogram (10 µs buckets up to 2 s, then a list), so recording a
 * million samples costs an increment each and percentiles are exact to the bucket.
 */
const BUCKET_US = 10;
const BUCKETS = 200_000;

export class LatencyHistogram {
  readonly #buckets = new Uint32Array(BUCKETS);
  readonly #over: number[] = [];
  #count = 0;

  get count(): number {
    return this.#count;
  }

  /** Records one round trip of `ms` milliseconds. */
  record(ms: number): void {
    const b = Math.floor((ms * 1000) / BUCKET_US);
    if (b < BUCKETS) this.#buckets[b < 0 ? 0 : b]!++;
    else this.#over.push(ms);
    this.#count++;
  }

  /** The `p`-th percentile (0 < p ≤ 100) in milliseconds: the upper edge of its bucket. */
  percentile(p: number): number {
    if (this.#count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.#count));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.#buckets[b]!;
      if (seen >= rank) return ((b + 1) * BUCKET_US) / 1000;
    }
    const over = [...this.#over].sort((a, b) => a - b);
    return over[rank - seen - 1] ?? over.at(-1)!;
  }
}
