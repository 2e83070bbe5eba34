/**
 * The matchmaking strategy contract (asobi §2.6): a pure function from the waiting tickets of one mode to
 * the groups to start and the tickets left waiting.
 */

export interface Ticket {
  readonly id: string;
  readonly player_id: string;
  readonly mode: string;
  /** Read only by strategies (`skill`, `region`, ...). */
  readonly properties: Readonly<Record<string, unknown>>;
  /** Unix ms of the first submission (a re-add keeps it). */
  readonly submitted_at: number;
  readonly attempts: number;
  /**
   * The ticket's query on the other players' properties (see `query.ts`, e.g. `+region:eu -mode:ranked`).
   * Absent: anyone. Read by {@link MatchmakerStrategy}s wrapped with `withQuery`.
   */
  readonly query?: string;
}

export interface StrategyContext {
  /** Players per group (the mode's `matchSize`). */
  readonly matchSize: number;
  /** The mode's `strategyConfig`. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Now, Unix ms. */
  readonly now: number;
}

export interface StrategyResult {
  readonly groups: readonly (readonly Ticket[])[];
  readonly unmatched: readonly Ticket[];
}

/** Tickets in submission order in, groups out. Must be pure: same input, same output. */
export type MatchmakerStrategy = (tickets: readonly Ticket[], ctx: StrategyContext) => StrategyResult;
