/**
 * Vote counting as pure functions (asobi §2.9): the four methods (`plurality`, `approval`, `weighted`,
 * `ranked` instant runoff), the tie breakers, the spectator pool blend, quorum and supermajority, and the
 * ballot resolution applied at close (delegation, then `default_votes`). The vote server calls these; they
 * read no clock and keep no state, so every rule is testable with plain inputs.
 */
import type { VoteBallot, VoteMethod, VoteResult } from './types.js';

/** How a tie between the best options is settled: a random pick among them, or the first in option order. */
export type TieBreaker = 'random' | 'first';

/** A resolved vote without its id (the vote server adds it). */
export type Tally = Omit<VoteResult, 'vote_id'>;

/** The default frustration bonus per lost vote (asobi: 0.5). */
export const DEFAULT_FRUSTRATION_BONUS = 0.5;

/** Everything {@link countVotes} needs. */
export interface CountInput {
  readonly method: VoteMethod;
  /** Option ids, in declared order (the `first` tie breaker's order). */
  readonly options: readonly string[];
  /** The player pool's effective ballots by voter (after {@link resolveBallots}). */
  readonly ballots: Readonly<Record<string, VoteBallot>>;
  /** The spectator pool's ballots by voter (default none). */
  readonly spectatorBallots?: Readonly<Record<string, VoteBallot>>;
  /** The spectator pool's share `w` of the score, 0..1 (default 0.3). */
  readonly spectatorWeight?: number;
  /** `weighted` only: voter weights (absent = 1). */
  readonly weights?: Readonly<Record<string, number>>;
  /** `weighted` only: lost votes in a row per voter (absent = 0). */
  readonly frustration?: Readonly<Record<string, number>>;
  /** `weighted` only: weight added per lost vote (default 0.5). */
  readonly frustrationBonus?: number;
  /** Default `random`. */
  readonly tieBreaker?: TieBreaker;
  /** A `[0, 1)` source for the `random` tie breaker (default `Math.random`). */
  readonly random?: () => number;
  /** How many players were eligible (turnout's denominator). */
  readonly eligibleCount: number;
  /** How many eligible players cast a ballot themselves (turnout's numerator; defaults and delegation do not count). */
  readonly voters: number;
  /** Fraction of eligible players who must cast for a decision, 0..1 (default 0: none). */
  readonly quorum?: number;
  /** The winner's share needed when `requireSupermajority` (default 0.75). */
  readonly supermajority?: number;
  /** Without a supermajority the result is `no_consensus` (default false). */
  readonly requireSupermajority?: boolean;
}

type Counts = Record<string, number>;

function zeroes(options: readonly string[]): Counts {
  const c: Counts = {};
  for (const o of options) c[o] = 0;
  return c;
}

/** A ballot as a list (a single id becomes a list of one). */
function asList(b: VoteBallot): readonly string[] {
  return typeof b === 'string' ? [b] : b;
}

/** The voter's weight under `weighted`: `(weights[v] ?? 1) + frustration[v] * bonus`. */
export function voterWeight(voter: string, input: Pick<CountInput, 'weights' | 'frustration' | 'frustrationBonus'>): number {
  const base = input.weights?.[voter] ?? 1;
  const lost = input.frustration?.[voter] ?? 0;
  return base + lost * (input.frustrationBonus ?? DEFAULT_FRUSTRATION_BONUS);
}

/**
 * One pool's counts under a non-ranked method: plurality one per ballot, approval one per approved
 * option, weighted the voter's weight. Options not offered are ignored.
 */
function poolCounts(method: VoteMethod, options: readonly string[], ballots: Readonly<Record<string, VoteBallot>>, input: CountInput): Counts {
  const c = zeroes(options);
  for (const [voter, ballot] of Object.entries(ballots)) {
    const list = asList(ballot);
    if (method === 'approval') {
      for (const o of new Set(list)) if (o in c) c[o]! += 1;
      continue;
    }
    const o = list[0];
    if (o === undefined || !(o in c)) continue;
    c[o]! += method === 'weighted' ? voterWeight(voter, input) : 1;
  }
  return c;
}

/** Counts normalised to fractions of their sum (all zero when the sum is zero). */
function normalise(c: Counts): Counts {
  const total = Object.values(c).reduce((a, b) => a + b, 0);
  const n: Counts = {};
  for (const [k, v] of Object.entries(c)) n[k] = total > 0 ? v / total : 0;
  return n;
}

/** `score = player_norm * (1 - w) + spectator_norm * w`, per option. */
export function blend(players: Counts, spectators: Counts, w: number): Counts {
  const p = normalise(players);
  const s = normalise(spectators);
  const out: Counts = {};
  for (const k of Object.keys(players)) out[k] = (p[k] ?? 0) * (1 - w) + (s[k] ?? 0) * w;
  return out;
}

const EPSILON = 1e-12;

/** Picks one of `tied` (non-empty, in option order). */
function pick(tied: readonly string[], tieBreaker: TieBreaker, random: () => number): string {
  if (tieBreaker === 'first' || tied.length === 1) return tied[0]!;
  const i = Math.min(tied.length - 1, Math.max(0, Math.floor(random() * tied.length)));
  return tied[i]!;
}

/** The options with the best score, in option order; empty when every score is zero. */
function best(options: readonly string[], scores: Counts): string[] {
  let max = 0;
  for (const o of options) max = Math.max(max, scores[o] ?? 0);
  if (max <= 0) return [];
  return options.filter((o) => Math.abs((scores[o] ?? 0) - max) <= EPSILON);
}

/** First-choice counts among `remaining` (exhausted ballots count nowhere). */
function firstChoices(remaining: readonly string[], ballots: Readonly<Record<string, VoteBallot>>): Counts {
  const c = zeroes(remaining);
  for (const ballot of Object.values(ballots)) {
    const top = asList(ballot).find((o) => o in c);
    if (top !== undefined) c[top]! += 1;
  }
  return c;
}

/** One instant-runoff round: the remaining options, their raw first-choice counts and blended scores. */
export interface RankedRound {
  readonly remaining: readonly string[];
  readonly counts: Readonly<Counts>;
  readonly scores: Readonly<Counts>;
  /** The option eliminated after this round (absent in the last). */
  readonly eliminated?: string;
}

/**
 * Instant runoff: each round counts every ballot for its highest remaining choice (both pools, blended);
 * an option with more than half the score wins, else the one with the fewest is eliminated (ties: the
 * last in option order under `first`, a random one under `random`) and the count repeats. Returns the
 * rounds and the winner (undefined when no ballot names an offered option).
 */
export function instantRunoff(input: CountInput): { rounds: RankedRound[]; winner: string | undefined } {
  const w = input.spectatorWeight ?? 0.3;
  const random = input.random ?? Math.random;
  const tieBreaker = input.tieBreaker ?? 'random';
  const rounds: RankedRound[] = [];
  let remaining = [...input.options];
  for (;;) {
    const pc = firstChoices(remaining, input.ballots);
    const sc = firstChoices(remaining, input.spectatorBallots ?? {});
    const scores = blend(pc, sc, w);
    const counts: Counts = {};
    for (const o of remaining) counts[o] = (pc[o] ?? 0) + (sc[o] ?? 0);
    const total = remaining.reduce((a, o) => a + (scores[o] ?? 0), 0);
    if (total <= 0) {
      rounds.push({ remaining, counts, scores });
      return { rounds, winner: undefined };
    }
    const top = best(remaining, scores);
    if (remaining.length === 1 || (top.length === 1 && scores[top[0]!]! > total / 2 + EPSILON)) {
      rounds.push({ remaining, counts, scores });
      return { rounds, winner: top.length === 1 ? top[0] : pick(top, tieBreaker, random) };
    }
    let min = Infinity;
    for (const o of remaining) min = Math.min(min, scores[o] ?? 0);
    const lowest = remaining.filter((o) => Math.abs((scores[o] ?? 0) - min) <= EPSILON);
    const out = tieBreaker === 'first' ? lowest[lowest.length - 1]! : pick(lowest, 'random', random);
    rounds.push({ remaining, counts, scores, eliminated: out });
    remaining = remaining.filter((o) => o !== out);
  }
}

/**
 * Counts a closed vote. `counts` are raw (both pools; `weighted` sums weights; `ranked` the final
 * round's first choices), `distribution` the blended scores as fractions of their sum, `total_votes` the
 * ballots counted (both pools, defaults and delegated ones included), `turnout` voters / eligible.
 * `status` is `no_quorum` (turnout below `quorum`), `no_consensus` (winner's share below `supermajority`
 * when required) or `decided`; the winner is null unless decided, and null when nobody voted.
 *
 * @example
 * countVotes({ method: 'plurality', options: ['a', 'b'], ballots: { p1: 'a', p2: 'a', p3: 'b' }, eligibleCount: 3, voters: 3, tieBreaker: 'first' });
 * // → { winner: 'a', status: 'decided', counts: { a: 2, b: 1 }, distribution: { a: 0.667, b: 0.333 }, total_votes: 3, turnout: 1 }
 */
export function countVotes(input: CountInput): Tally {
  const w = input.spectatorWeight ?? 0.3;
  const spectators = input.spectatorBallots ?? {};
  const total_votes = Object.keys(input.ballots).length + Object.keys(spectators).length;
  const turnout = input.eligibleCount > 0 ? Math.min(1, input.voters / input.eligibleCount) : 0;
  let counts: Counts;
  let scores: Counts;
  let winner: string | null;
  if (input.method === 'ranked') {
    const irv = instantRunoff(input);
    const last = irv.rounds[irv.rounds.length - 1]!;
    counts = { ...zeroes(input.options), ...last.counts };
    scores = { ...zeroes(input.options), ...last.scores };
    winner = irv.winner ?? null;
  } else {
    const pc = poolCounts(input.method, input.options, input.ballots, input);
    const sc = poolCounts(input.method, input.options, spectators, input);
    counts = {};
    for (const o of input.options) counts[o] = (pc[o] ?? 0) + (sc[o] ?? 0);
    scores = blend(pc, sc, w);
    const top = best(input.options, scores);
    winner = top.length === 0 ? null : pick(top, input.tieBreaker ?? 'random', input.random ?? Math.random);
  }
  const distribution = normalise(scores);
  const quorum = input.quorum ?? 0;
  if (input.eligibleCount > 0 && turnout + EPSILON < quorum) return { winner: null, status: 'no_quorum', counts, distribution, total_votes, turnout };
  if (winner !== null && (input.requireSupermajority ?? false) && (distribution[winner] ?? 0) + EPSILON < (input.supermajority ?? 0.75)) {
    return { winner: null, status: 'no_consensus', counts, distribution, total_votes, turnout };
  }
  return { winner, status: 'decided', counts, distribution, total_votes, turnout };
}

/**
 * The live tally shown in `vote_tally` while a vote is open: the method's counts over the ballots cast so
 * far (both pools, no defaults or delegation), `ranked` showing first choices.
 */
export function liveTally(
  input: Pick<CountInput, 'method' | 'options' | 'ballots' | 'spectatorBallots' | 'weights' | 'frustration' | 'frustrationBonus'>,
): Record<string, number> {
  const full: CountInput = { ...input, eligibleCount: 0, voters: 0 };
  const method = input.method === 'ranked' ? 'plurality' : input.method;
  const pc = poolCounts(method, input.options, input.ballots, full);
  const sc = poolCounts(method, input.options, input.spectatorBallots ?? {}, full);
  const out: Counts = {};
  for (const o of input.options) out[o] = (pc[o] ?? 0) + (sc[o] ?? 0);
  return out;
}

/** The leading option's share of the live tally (0 without votes): what `adaptive` windows compare with `supermajority`. */
export function leaderShare(tally: Readonly<Record<string, number>>, method: VoteMethod, ballots: number): number {
  const values = Object.values(tally);
  const max = values.length === 0 ? 0 : Math.max(...values);
  // Approval shares are of voters (an option approved by everyone has share 1); the others of the sum.
  const total = method === 'approval' ? ballots : values.reduce((a, b) => a + b, 0);
  return total > 0 ? max / total : 0;
}

/**
 * Checks a ballot against the method and options; returns it normalised, or undefined when invalid:
 * plurality/weighted take one offered id (or a list of exactly one); approval and ranked a non-empty list
 * of distinct offered ids (or one id).
 */
export function normaliseBallot(method: VoteMethod, options: ReadonlySet<string>, raw: unknown): VoteBallot | undefined {
  const list = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? (raw as unknown[]) : undefined;
  if (list === undefined || list.length === 0) return undefined;
  if (!list.every((o): o is string => typeof o === 'string' && options.has(o))) return undefined;
  if (new Set(list).size !== list.length) return undefined;
  if (method === 'plurality' || method === 'weighted') return list.length === 1 ? list[0] : undefined;
  return Object.freeze([...list]);
}

/** Who the ballots of an open vote came from, and the resolution rules applied at close. */
export interface ResolveInput {
  /** Eligible players, in order. */
  readonly eligible: readonly string[];
  /** Ballots eligible players cast themselves. */
  readonly cast: Readonly<Record<string, VoteBallot>>;
  /** `delegation`: delegator → delegate. */
  readonly delegation?: Readonly<Record<string, string>>;
  /** `default_votes`: player → ballot for absentees. */
  readonly defaults?: Readonly<Record<string, VoteBallot>>;
}

/**
 * The effective ballots at close: an eligible player's own ballot; else, with a delegate, the ballot of
 * the first voter along the delegation chain (cycles end the chain); else their `default_votes` entry;
 * else none. Only eligible players get a ballot.
 */
export function resolveBallots(input: ResolveInput): Record<string, VoteBallot> {
  const out: Record<string, VoteBallot> = {};
  const eligible = new Set(input.eligible);
  for (const p of input.eligible) {
    const own = input.cast[p];
    if (own !== undefined) {
      out[p] = own;
      continue;
    }
    const seen = new Set([p]);
    let d = input.delegation?.[p];
    let followed: VoteBallot | undefined;
    while (d !== undefined && !seen.has(d)) {
      seen.add(d);
      const b = eligible.has(d) ? input.cast[d] : undefined;
      if (b !== undefined) {
        followed = b;
        break;
      }
      d = input.delegation?.[d];
    }
    const b = followed ?? input.defaults?.[p];
    if (b !== undefined) out[p] = b;
  }
  return out;
}

/**
 * Whether a ballot backed the winner (for the frustration accumulator): plurality/weighted its option,
 * approval any approved option, ranked its first choice.
 */
export function backedWinner(method: VoteMethod, ballot: VoteBallot, winner: string): boolean {
  const list = asList(ballot);
  return method === 'approval' ? list.includes(winner) : list[0] === winner;
}
