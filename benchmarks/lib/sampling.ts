/**
 * Repeated, interleaved timing. Each contender's trial does its own set-up, times only the measured part
 * and returns the elapsed milliseconds; trials of all contenders alternate (in a rotating order) so a noisy
 * neighbour on a shared machine hurts every contender alike. A warm-up round runs first and is discarded.
 */
import { collectGarbage } from './gc.js';

/** One implementation of a workload: runs `n` operations and returns the elapsed milliseconds. */
export interface Contender {
  readonly label: string;
  readonly trial: (n: number) => Promise<number>;
}

/** Rates (operations per second) of the measured runs of one contender. */
export interface Sample {
  readonly label: string;
  readonly n: number;
  /** Operations per second, one per measured run, in run order. */
  readonly rates: readonly number[];
  readonly median: number;
  readonly best: number;
}

export interface SamplingOptions {
  /** Operations per measured run (the same for every contender). */
  readonly n: number;
  /** Operations in the discarded warm-up run (default `n`). */
  readonly warmupN?: number;
  /** Measured runs per contender (default 5). */
  readonly runs?: number;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Warms every contender up, then runs each `runs` times, interleaved, with a full GC before every trial.
 *
 * @example
 * const [a, b] = await sample([{ label: 'a', trial: runA }, { label: 'b', trial: runB }], { n: 100_000, runs: 5 });
 */
export async function sample(contenders: readonly Contender[], options: SamplingOptions): Promise<Sample[]> {
  const { n, runs = 5 } = options;
  const warmupN = options.warmupN ?? n;
  for (const c of contenders) {
    collectGarbage();
    await c.trial(warmupN);
  }
  const rates: number[][] = contenders.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (r + k) % contenders.length;
      collectGarbage();
      const ms = await contenders[i]!.trial(n);
      rates[i]!.push(n / (Math.max(ms, 1e-3) / 1000));
    }
  }
  return contenders.map((c, i) => ({ label: c.label, n, rates: rates[i]!, median: median(rates[i]!), best: Math.max(...rates[i]!) }));
}
