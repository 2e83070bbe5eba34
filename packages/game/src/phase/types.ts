/**
 * Phase definitions (asobi §2.10), as a match's `phases(config)` returns them.
 */

/** When a phase starts. Default `prev_ended`. */
export type PhaseStart =
  | 'prev_ended'
  | 'all_ready'
  | { readonly players: number }
  | { readonly players_ratio: number }
  | { readonly event: string }
  | { readonly timer: number };

export interface PhaseDef {
  readonly name: string;
  readonly start?: PhaseStart;
  /** Milliseconds, or `Infinity` / absent (until `end_condition` or an event ends it). */
  readonly duration?: number;
  /** Ends the phase early when it returns true (checked every tick). */
  readonly end_condition?: (info: { readonly elapsed_ms: number; readonly players: number }) => boolean;
  /** Free-form configuration handed back to the game. */
  readonly config?: Readonly<Record<string, unknown>>;
}
