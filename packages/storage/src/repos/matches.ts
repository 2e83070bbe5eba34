/**
 * Match records (`match_records`): a row per match, written by the match server. `finish` writes the
 * finished record and the players' stats (`applyMatchStats`, asobi's winners/losers rules) in one
 * transaction, so a record never exists without its stats and a stats change never without its record.
 * A match may also be recorded when it starts (`start`, status `running`); `finish` then completes that
 * row. A match finishes once: a second `finish` of the same id is `STO_ERR_CONFLICT` and counts nothing.
 */
import type { Driver } from '../driver.js';
import { StorageError, isStorageError } from '../errors.js';
import { newId, type MatchId, type PlayerId } from '../ids.js';
import { METADATA_MAX_BYTES, date, invalid, json, limit, object, oneOf, text, uuid } from '../internal/validate.js';
import { applyMatchStats } from './stats.js';

/** Match states (asobi §2.5): `waiting` until min players, `running`, `paused`, `finished`. */
export const MATCH_STATUSES = ['waiting', 'running', 'paused', 'finished'] as const;
export type MatchStatus = (typeof MATCH_STATUSES)[number];

/** Mode names: 1..64 letters, digits, `_ - . :`. */
export const MODE_RE = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Most players one record may name. */
export const MATCH_MAX_PLAYERS = 1000;
/** Size cap of a match result (bytes of JSON). */
export const MATCH_RESULT_MAX_BYTES = 64 * 1024;

export interface MatchRecord {
  readonly id: MatchId;
  readonly mode: string;
  readonly status: MatchStatus;
  /** Player ids, in the order given. */
  readonly players: PlayerId[];
  /** The game's result (`winners`/`winner`, `losers`/`loser`, anything else the game reports); null until finished. */
  readonly result: Record<string, unknown> | null;
  readonly metadata: Record<string, unknown>;
  readonly started_at: Date | null;
  readonly finished_at: Date | null;
  readonly inserted_at: Date;
}

export interface StartMatch {
  /** The match id (default: a new UUIDv7). */
  readonly id?: string;
  readonly mode: string;
  readonly players?: readonly string[];
  readonly metadata?: Record<string, unknown>;
  /** Default: now. */
  readonly started_at?: Date;
}

export interface FinishMatch {
  /** The match id: completes the row `start` wrote, or records a new one (default: a new UUIDv7). */
  readonly id?: string;
  readonly mode: string;
  /** Everyone in the finished match: each gets `games_played + 1`. */
  readonly players: readonly string[];
  /**
   * The result. Stats rules: wins/losses only when it names `winners` (or `winner`); `losers` (or
   * `loser`) absent means every other player lost; `losers: []` means co-op, nobody lost.
   */
  readonly result?: Record<string, unknown> | null;
  /** Replaces the metadata; absent keeps what `start` stored (or `{}`). */
  readonly metadata?: Record<string, unknown>;
  /** Absent keeps the `start` time (or null). */
  readonly started_at?: Date;
  /** Default: now. */
  readonly finished_at?: Date;
}

export interface ListMatchesOptions {
  readonly mode?: string;
  readonly status?: MatchStatus;
  /** 1..200, default 50. */
  readonly limit?: number;
  /** Page cursor: only records older than this one (a match id), or inserted before this time (a Date). */
  readonly before?: string | Date;
}

function mode(v: unknown): string {
  const s = text('mode', v, { max: 64 });
  if (!MODE_RE.test(s)) throw invalid('mode', 'letters, digits, _ - . : only, 1..64 long');
  return s;
}

/** Validates a roster: UUIDs (lowercased), no repeats, at most {@link MATCH_MAX_PLAYERS}. */
function players(v: unknown): PlayerId[] {
  if (!Array.isArray(v)) throw invalid('players', 'must be an array of player ids');
  if (v.length > MATCH_MAX_PLAYERS) throw new StorageError('STO_ERR_TOO_LARGE', { details: { field: 'players', limit: MATCH_MAX_PLAYERS } });
  const out = v.map((p: unknown) => uuid('players', p) as PlayerId);
  if (new Set(out).size !== out.length) throw invalid('players', 'must not repeat a player');
  return out;
}

function result(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  return object('result', v, MATCH_RESULT_MAX_BYTES);
}

export class MatchesRepo {
  constructor(protected readonly db: Driver) {}

  /**
   * Records a match that started (status `running`). Optional: `finish` works without it.
   * `STO_ERR_CONFLICT` if a record with that id exists.
   *
   * @example
   * const m = await storage.matches.start({ mode: 'arena', players: [a.id, b.id] });
   */
  async start(input: StartMatch): Promise<MatchRecord> {
    const params = [
      input.id === undefined ? newId<MatchId>() : uuid('id', input.id),
      mode(input.mode),
      json('players', players(input.players ?? []), 64 * 1024),
      object('metadata', input.metadata ?? {}, METADATA_MAX_BYTES),
      input.started_at === undefined ? null : date('started_at', input.started_at),
    ];
    const [row] = await this.db.query<MatchRecord & Record<string, unknown>>(
      `INSERT INTO match_records (id, mode, status, players, metadata, started_at)
       VALUES ($1, $2, 'running', $3::jsonb, $4::jsonb, COALESCE($5::timestamptz, now())) RETURNING *`,
      params,
    );
    return row!;
  }

  /**
   * Writes the finished record and applies every player's stats, in one transaction: if anything fails
   * (an unknown player is `STO_ERR_NOT_FOUND` with `details.player_ids`), neither the record nor any stat
   * is written. Completes a `running`/`waiting`/`paused` row of the same id, else inserts one. A match
   * finishes once: finishing it again is `STO_ERR_CONFLICT` (`details.reason: 'already_finished'`), also
   * when two finishes race.
   *
   * @example
   * await storage.matches.finish({ id: matchId, mode: 'arena', players: [a.id, b.id], result: { winners: [a.id] } });
   */
  async finish(input: FinishMatch): Promise<MatchRecord> {
    const id = input.id === undefined ? newId<MatchId>() : uuid('id', input.id);
    const roster = players(input.players);
    const params = [
      id,
      mode(input.mode),
      json('players', roster, 64 * 1024),
      result(input.result),
      input.metadata === undefined ? null : object('metadata', input.metadata, METADATA_MAX_BYTES),
      input.started_at === undefined ? null : date('started_at', input.started_at),
      input.finished_at === undefined ? null : date('finished_at', input.finished_at),
    ];
    try {
      return await this.db.transaction(async (tx) => {
        const [row] = await tx.query<MatchRecord & Record<string, unknown>>(
          `INSERT INTO match_records (id, mode, status, players, result, metadata, started_at, finished_at)
           VALUES ($1, $2, 'finished', $3::jsonb, $4::jsonb, COALESCE($5::jsonb, '{}'::jsonb), $6::timestamptz, COALESCE($7::timestamptz, now()))
           ON CONFLICT (id) DO UPDATE SET mode = EXCLUDED.mode, status = 'finished', players = EXCLUDED.players, result = EXCLUDED.result,
             metadata = COALESCE($5::jsonb, match_records.metadata), started_at = COALESCE($6::timestamptz, match_records.started_at),
             finished_at = EXCLUDED.finished_at
           WHERE match_records.status <> 'finished'
           RETURNING *`,
          params,
        );
        if (row === undefined) throw new StorageError('STO_ERR_CONFLICT', { details: { match_id: id, reason: 'already_finished' } });
        if (roster.length > 0) {
          const missing = await tx.query<{ id: string }>(
            `SELECT r.id FROM jsonb_array_elements_text($1::jsonb) AS r(id) WHERE NOT EXISTS (SELECT 1 FROM players p WHERE p.id = r.id::uuid)`,
            [params[2]],
          );
          if (missing.length > 0) throw new StorageError('STO_ERR_NOT_FOUND', { details: { match_id: id, player_ids: missing.map((m) => m.id) } });
        }
        await applyMatchStats(tx, roster, row.result);
        return row;
      });
    } catch (e) {
      // A player erased between the check and the stats write: still a coded, rolled-back NOT_FOUND.
      if (isStorageError(e, 'STO_ERR_NOT_FOUND') && e.details?.['constraint'] === 'player_stats_player_id_fkey') {
        throw new StorageError('STO_ERR_NOT_FOUND', { details: { match_id: id, player_ids: roster }, cause: e });
      }
      throw e;
    }
  }

  /** One match record, or undefined. */
  async get(id: string): Promise<MatchRecord | undefined> {
    const [row] = await this.db.query<MatchRecord & Record<string, unknown>>('SELECT * FROM match_records WHERE id = $1', [uuid('id', id)]);
    return row;
  }

  /**
   * Match records newest first (by `inserted_at`, then id), optionally of one mode and/or status.
   * `limit` 1..200 (default 50). `before` pages on: a match id (exclusive keyset cursor; an unknown id
   * is `STO_ERR_NOT_FOUND`) or a Date (records inserted strictly before it).
   *
   * @example
   * const page1 = await storage.matches.list({ mode: 'arena', status: 'finished', limit: 20 });
   * const page2 = await storage.matches.list({ mode: 'arena', status: 'finished', limit: 20, before: page1.at(-1)!.id });
   */
  async list(options: ListMatchesOptions = {}): Promise<MatchRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.mode !== undefined) {
      params.push(mode(options.mode));
      where.push(`mode = $${params.length}`);
    }
    if (options.status !== undefined) {
      params.push(oneOf('status', options.status, MATCH_STATUSES));
      where.push(`status = $${params.length}`);
    }
    if (options.before instanceof Date) {
      params.push(date('before', options.before));
      where.push(`inserted_at < $${params.length}`);
    } else if (options.before !== undefined) {
      const cursor = uuid('before', options.before);
      const found = await this.db.query('SELECT 1 FROM match_records WHERE id = $1', [cursor]);
      if (found.length === 0) throw new StorageError('STO_ERR_NOT_FOUND', { details: { match_id: cursor } });
      params.push(cursor);
      // Compared in SQL: the cursor's inserted_at keeps its microseconds (a JS Date would not).
      where.push(`(inserted_at, id) < (SELECT c.inserted_at, c.id FROM match_records c WHERE c.id = $${params.length})`);
    }
    params.push(limit(options.limit, 50, 200));
    return this.db.query<MatchRecord & Record<string, unknown>>(
      `SELECT * FROM match_records ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY inserted_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
  }
}
