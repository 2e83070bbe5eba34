/**
 * Resolved votes (`votes`). The vote server keeps an open vote in memory and persists it once, when it
 * resolves (asobi §2.9): method, template, options, the ballots (`votes_cast`), the result and its
 * distribution, turnout, eligible count, window and open/close times. `match_id` is the match or world
 * the vote ran in (no foreign key: world ids live here too).
 */
import type { Driver } from '../driver.js';
import { StorageError } from '../errors.js';
import { newId, type MatchId } from '../ids.js';
import { date, int, invalid, json, limit, object, oneOf, optText, uuid } from '../internal/validate.js';

/** Counting methods (asobi §2.9). */
export const VOTE_METHODS = ['plurality', 'approval', 'weighted', 'ranked'] as const;
export type VoteMethod = (typeof VOTE_METHODS)[number];

/** Most options one vote may offer. */
export const VOTE_MAX_OPTIONS = 100;
/** Size caps (bytes of JSON). */
export const VOTE_OPTIONS_MAX_BYTES = 64 * 1024;
export const VOTE_BALLOTS_MAX_BYTES = 512 * 1024;
export const VOTE_RESULT_MAX_BYTES = 64 * 1024;

export interface VoteOption {
  readonly id: string;
  readonly label?: string;
  readonly [key: string]: unknown;
}

export interface VoteRecord {
  readonly id: string;
  readonly match_id: MatchId;
  readonly template: string | null;
  readonly method: VoteMethod;
  readonly options: VoteOption[];
  /** Ballots by voter id: an option id, a list (approval, ranked), as the method defines. */
  readonly votes_cast: Record<string, unknown>;
  /** The resolution: `winner`, `counts`, `status` (`no_quorum`, `no_consensus`), ... */
  readonly result: Record<string, unknown> | null;
  readonly distribution: Record<string, unknown> | null;
  /** Fraction of eligible voters who voted, 0..1. */
  readonly turnout: number | null;
  readonly eligible_count: number | null;
  readonly window_ms: number | null;
  readonly opened_at: Date | null;
  readonly closed_at: Date | null;
  readonly inserted_at: Date;
}

export interface NewVote {
  /** The vote id (default: a new UUIDv7). */
  readonly id?: string;
  readonly match_id: string;
  readonly template?: string | null;
  readonly method: VoteMethod;
  /** `[{id, label}]`, 1..100 options with distinct string ids. */
  readonly options: readonly VoteOption[];
  readonly votes_cast?: Record<string, unknown>;
  readonly result?: Record<string, unknown> | null;
  readonly distribution?: Record<string, unknown> | null;
  readonly turnout?: number | null;
  readonly eligible_count?: number | null;
  readonly window_ms?: number | null;
  readonly opened_at?: Date | null;
  readonly closed_at?: Date | null;
}

function options(v: unknown): string {
  if (!Array.isArray(v) || v.length === 0) throw invalid('options', 'must be a non-empty array of {id, label}');
  if (v.length > VOTE_MAX_OPTIONS) throw new StorageError('STO_ERR_TOO_LARGE', { details: { field: 'options', limit: VOTE_MAX_OPTIONS } });
  const ids = new Set<string>();
  for (const o of v as unknown[]) {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw invalid('options', 'each option must be an object');
    const id = (o as Record<string, unknown>)['id'];
    if (typeof id !== 'string' || id.length === 0) throw invalid('options', 'each option needs a string id');
    if (ids.has(id)) throw invalid('options', 'option ids must be distinct');
    ids.add(id);
  }
  return json('options', v, VOTE_OPTIONS_MAX_BYTES);
}

function optObject(field: string, v: unknown, maxBytes: number): string | null {
  return v === undefined || v === null ? null : object(field, v, maxBytes);
}

function turnout(v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) throw invalid('turnout', 'must be a number in 0..1');
  return v;
}

function optDate(field: string, v: unknown): Date | null {
  return v === undefined || v === null ? null : date(field, v);
}

export class VotesRepo {
  constructor(protected readonly db: Driver) {}

  /**
   * Persists a resolved vote. `STO_ERR_CONFLICT` if a vote with that id was recorded already.
   *
   * @example
   * await storage.votes.record({
   *   id: voteId, match_id: matchId, template: 'map', method: 'plurality',
   *   options: [{ id: 'a', label: 'Forest' }, { id: 'b', label: 'Desert' }],
   *   votes_cast: { [p1]: 'a', [p2]: 'a' }, result: { winner: 'a', counts: { a: 2, b: 0 } },
   *   distribution: { a: 1, b: 0 }, turnout: 1, eligible_count: 2, window_ms: 15000, opened_at, closed_at,
   * });
   */
  async record(vote: NewVote): Promise<VoteRecord> {
    const openedAt = optDate('opened_at', vote.opened_at);
    const closedAt = optDate('closed_at', vote.closed_at);
    if (openedAt !== null && closedAt !== null && closedAt < openedAt) throw invalid('closed_at', 'must not be before opened_at');
    const params = [
      vote.id === undefined ? newId() : uuid('id', vote.id),
      uuid('match_id', vote.match_id),
      optText('template', vote.template, { max: 64 }),
      oneOf('method', vote.method, VOTE_METHODS),
      options(vote.options),
      object('votes_cast', vote.votes_cast ?? {}, VOTE_BALLOTS_MAX_BYTES),
      optObject('result', vote.result, VOTE_RESULT_MAX_BYTES),
      optObject('distribution', vote.distribution, VOTE_RESULT_MAX_BYTES),
      turnout(vote.turnout),
      vote.eligible_count == null ? null : int('eligible_count', vote.eligible_count, { min: 0, max: 2_147_483_647 }),
      vote.window_ms == null ? null : int('window_ms', vote.window_ms, { min: 0, max: 2_147_483_647 }),
      openedAt,
      closedAt,
    ];
    const [row] = await this.db.query<VoteRecord & Record<string, unknown>>(
      `INSERT INTO votes (id, match_id, template, method, options, votes_cast, result, distribution, turnout, eligible_count, window_ms, opened_at, closed_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, $9, $10, $11, $12, $13) RETURNING *`,
      params,
    );
    return row!;
  }

  /** One vote, or undefined. */
  async get(id: string): Promise<VoteRecord | undefined> {
    const [row] = await this.db.query<VoteRecord & Record<string, unknown>>('SELECT * FROM votes WHERE id = $1', [uuid('id', id)]);
    return row;
  }

  /** The votes of a match (or world), newest first; `limit` 1..200, default 50. Unknown match: `[]`. */
  async listForMatch(matchId: string, options: { limit?: number } = {}): Promise<VoteRecord[]> {
    return this.db.query<VoteRecord & Record<string, unknown>>('SELECT * FROM votes WHERE match_id = $1 ORDER BY inserted_at DESC, id DESC LIMIT $2', [
      uuid('match_id', matchId),
      limit(options.limit, 50, 200),
    ]);
  }
}
