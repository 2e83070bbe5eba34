/**
 * The vote contract shared by matches (and later worlds) and the vote package. Field names follow asobi
 * §2.9 (snake_case, as Lua and the wire use them).
 */

/** Counting methods. */
export type VoteMethod = 'plurality' | 'approval' | 'weighted' | 'ranked';
/** When the window closes. */
export type VoteWindowType = 'fixed' | 'ready_up' | 'hybrid' | 'adaptive';

export interface VoteOptionDef {
  readonly id: string;
  readonly label?: string;
}

/**
 * What a game asks for (`voteRequested` returns it; `Votes.start` takes it). Every field but `options`
 * is optional; defaults are asobi's (§2.9): template "default", window_ms 15000, method plurality,
 * visibility live, tie_breaker random, veto_enabled false, max_revotes 3, window_type fixed,
 * min_window_ms 5000, supermajority 0.75, require_supermajority false, spectator_weight 0.3, quorum 0.
 */
export interface VoteRequest {
  readonly options: readonly VoteOptionDef[];
  readonly template?: string;
  readonly vote_id?: string;
  readonly window_ms?: number;
  readonly method?: VoteMethod;
  readonly visibility?: 'live' | 'hidden';
  readonly tie_breaker?: 'random' | 'first';
  readonly veto_enabled?: boolean;
  readonly weights?: Readonly<Record<string, number>>;
  readonly max_revotes?: number;
  readonly window_type?: VoteWindowType;
  readonly min_window_ms?: number;
  readonly supermajority?: number;
  readonly require_supermajority?: boolean;
  readonly spectators?: readonly string[];
  readonly spectator_weight?: number;
  readonly quorum?: number;
  readonly default_votes?: Readonly<Record<string, string | readonly string[]>>;
  readonly delegation?: Readonly<Record<string, string>>;
  /** Eligible voters (default: every current player of the match). */
  readonly eligible?: readonly string[];
}

/** What a resolved vote reports (`voteResolved` receives it; `match.vote_result` carries most of it). */
export interface VoteResult {
  readonly vote_id: string;
  /** The winning option id (approval/plurality/weighted/ranked), or null (`no_quorum`, `no_consensus`, no votes). */
  readonly winner: string | null;
  /** `decided`, `no_quorum`, `no_consensus`, `vetoed`. */
  readonly status: 'decided' | 'no_quorum' | 'no_consensus' | 'vetoed';
  readonly counts: Readonly<Record<string, number>>;
  readonly distribution: Readonly<Record<string, number>>;
  readonly total_votes: number;
  /** Fraction of eligible voters who voted, 0..1. */
  readonly turnout: number;
}

/** One ballot: an option id (plurality, weighted) or a list of them (approval: the approved set; ranked: best first). */
export type VoteBallot = string | readonly string[];

/** `vote_templates`: template name → partial config, merged over the defaults and under the per-call request. */
export type VoteTemplates = Readonly<Record<string, Partial<VoteRequest>>>;

/** Where a vote's frames go: `match.vote_*` or `world.vote_*`. */
export type VoteNamespace = 'match' | 'world';

/**
 * A vote as `Votes.get` and the REST routes show it: a live vote (`status: 'open'`) or a stored one
 * (`'closed'`). Hidden votes leave out `votes_cast` until they are resolved. Dates are ISO strings.
 */
export interface VoteView {
  readonly id: string;
  readonly match_id: string;
  readonly status: 'open' | 'closed';
  readonly template: string | null;
  readonly method: VoteMethod;
  readonly options: readonly VoteOptionDef[];
  readonly visibility?: 'live' | 'hidden';
  readonly votes_cast?: Readonly<Record<string, VoteBallot>>;
  readonly result: Readonly<Record<string, unknown>> | null;
  readonly distribution: Readonly<Record<string, unknown>> | null;
  readonly turnout: number | null;
  readonly eligible_count: number | null;
  readonly window_ms: number | null;
  readonly opened_at: string | null;
  readonly closed_at: string | null;
}
