/**
 * The contract between the runner (`benchmarks/run.ts`) and a benchmark scenario (`benchmarks/<name>/`).
 * A scenario measures Hajime and its baseline in the same run and hands back tables for people, target
 * checks, and flat numeric figures for the JSON line the runner prints last.
 */

/** How the runner asks a scenario to run. */
export interface RunOptions {
  /** Tiny sizes and few repetitions, so the whole scenario finishes in a few seconds (CI, the smoke test). */
  readonly smoke: boolean;
  /** Reports progress to a person (the runner writes it to stderr, keeping stdout for results). */
  readonly progress: (line: string) => void;
}

/** A table for people: a title, column headers and rows of already formatted cells. */
export interface Table {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Notes printed under the table (definitions, sizes). */
  readonly notes?: readonly string[];
}

/** `skipped` when the run did not measure it (smoke mode). */
export type TargetStatus = 'met' | 'missed' | 'skipped';

/** One target from the issue, checked against the figure measured in this run. */
export interface TargetCheck {
  /** What is promised, e.g. `cast throughput ≥ 10× nact`. */
  readonly target: string;
  /** The measured value as text, e.g. `31.2×`. */
  readonly measured: string;
  readonly status: TargetStatus;
}

/** What a scenario hands back to the runner. */
export interface ScenarioReport {
  readonly tables: readonly Table[];
  readonly targets: readonly TargetCheck[];
  /** Flat numeric figures (snake_case keys); the runner prints them as the last line, in one JSON object. */
  readonly figures: Readonly<Record<string, number>>;
}

/** A benchmark scenario, registered by name in `benchmarks/scenarios.ts`. */
export interface Scenario {
  readonly name: string;
  /** One line: what is measured against which baseline. */
  readonly description: string;
  /** Figures every run carries as finite positive numbers (the smoke test asserts them). */
  readonly requiredFigures: readonly string[];
  run(options: RunOptions): Promise<ScenarioReport>;
}
