/**
 * The completion signal every throughput workload uses: receivers count down a shared counter and the
 * last message resolves `finished`, so a run is timed until every message has been processed, not sent.
 */

/** A shared countdown; `tick()` is called once per processed message. */
export interface Countdown {
  tick(): void;
  readonly finished: Promise<void>;
}

/** A countdown that resolves `finished` on the `n`th tick. */
export function countdown(n: number): Countdown {
  let left = n;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  return {
    tick() {
      if (--left === 0) done();
    },
    finished,
  };
}
