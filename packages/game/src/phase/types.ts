/**
 * Phase definitions (asobi §2.10), as a match's `phases(config)` returns them, and the types of the pure
 * phase engine that runs them (`engine.ts`): its state, the facts it is ticked with and the events it emits.
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

/** What the owner knows of its roster at a tick. */
export interface PhaseFacts {
  /** Wall time, Unix ms (the owner's clock). Never goes back: an earlier `now` is read as the last one. */
  readonly now: number;
  /** Players connected now. */
  readonly players: number;
  /** Capacity, for `{players_ratio}` (a ratio needs `maxPlayers > 0`). */
  readonly maxPlayers: number;
  /** Every player has said ready (for `all_ready`). */
  readonly allReady: boolean;
}

/** Emitted by `tickPhases` / `phaseEvent`, in the order things happened. `at` is the wall time it happened. */
export type PhaseEvent =
  | { readonly type: 'phase_started'; readonly phase: string; readonly at: number }
  | { readonly type: 'phase_ended'; readonly phase: string; readonly at: number }
  | { readonly type: 'all_phases_complete'; readonly at: number };

/** `waiting`: the current phase has not started; `active`: it runs; `complete`: every phase has ended. */
export type PhaseStatus = 'waiting' | 'active' | 'complete';

/**
 * The engine's state: plain, immutable data (the defs are kept as given). Only the engine's functions
 * build it. Times inside are "engine time": wall time minus the time spent paused.
 */
export interface PhasesState {
  readonly defs: readonly PhaseDef[];
  /** Index of the phase waiting or active; `defs.length` once the last one ended. */
  readonly index: number;
  readonly status: PhaseStatus;
  /** Engine time the active phase started. */
  readonly started_at: number;
  /** Engine time the previous phase ended (creation time for the first), for `{timer}` starts. */
  readonly prev_ended_at: number;
  /** Wall time of the pause, or null when running. */
  readonly paused_at: number | null;
  /** Wall time spent paused so far. */
  readonly paused_total_ms: number;
  /** Wall time of the last tick (or creation). */
  readonly last_now: number;
}

/** The `phase` block of a match listing or join reply (and of `world.phase_changed`). */
export interface PhaseInfo {
  readonly status: PhaseStatus;
  /** The phase waiting or active; null once complete (or for an empty list). */
  readonly phase: string | null;
  /** Active: time left (null when the duration is infinite). Waiting on `{timer}`: time until it starts. Else null. */
  readonly remaining_ms: number | null;
  /** The phase's `config` (`{}` when absent or complete). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Waiting only: what the phase waits for. */
  readonly start_condition?: PhaseStart;
  readonly paused: boolean;
}
