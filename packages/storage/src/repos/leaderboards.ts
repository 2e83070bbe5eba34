/**
 * Leaderboard entries (`leaderboard_entries`). A board is a string id, created on first use; a player has
 * one entry per board and a submit replaces it (not best-of). Ordering everywhere is score descending,
 * then player_id ascending; ranks are 1-based positions in that order (no shared ranks). `sub_score` is
 * stored, never used for ordering (asobi §2.14). The leaderboard actor hydrates with `load`, serves reads
 * from memory and flushes changed entries with `upsertMany`; the rank queries here serve REST and ops.
 */
import type { Driver, Queryable } from '../driver.js';
import { StorageError, isStorageError } from '../errors.js';
import { newId, type PlayerId } from '../ids.js';
import { METADATA_MAX_BYTES, int, invalid, limit, object, text, uuid } from '../internal/validate.js';

/** Board ids: 1..128 bytes of printable ASCII, no spaces (e.g. `weekly:2026-w10`). */
export const BOARD_ID_RE = /^[\x21-\x7e]{1,128}$/;
/** Most entries one {@link LeaderboardsRepo.upsertMany} call may write. */
export const UPSERT_MAX_ENTRIES = 100_000;
/** Entries per statement inside an `upsertMany` transaction. */
const UPSERT_CHUNK = 1000;

export interface LeaderboardEntry {
  readonly id: string;
  readonly leaderboard_id: string;
  readonly player_id: PlayerId;
  readonly score: number;
  readonly sub_score: number;
  readonly metadata: Record<string, unknown>;
  readonly updated_at: Date;
}

/** An entry with its 1-based rank. */
export interface RankedEntry extends LeaderboardEntry {
  readonly rank: number;
}

/** One entry to write with {@link LeaderboardsRepo.upsertMany}. */
export interface EntryInput {
  readonly player_id: string;
  readonly score: number;
  /** Default 0. */
  readonly sub_score?: number;
  /** Default `{}`. */
  readonly metadata?: Record<string, unknown>;
}

export interface BoardSummary {
  readonly leaderboard_id: string;
  readonly entries: number;
  readonly top_score: number;
}

/** Validates a board id (also used for tournaments' `leaderboard_id`). */
export function boardId(v: unknown, field = 'leaderboard_id'): string {
  const s = text(field, v, { max: 128 });
  if (!BOARD_ID_RE.test(s)) throw invalid(field, 'printable ASCII without spaces, 1..128 long');
  return s;
}

const score = (field: string, v: unknown): number => int(field, v, { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

/** "e is ranked before me": higher score, or the same score and a smaller player id. */
const BETTER = '(e.score > me.score OR (e.score = me.score AND e.player_id < me.player_id))';
const WORSE = '(e.score < me.score OR (e.score = me.score AND e.player_id > me.player_id))';

export class LeaderboardsRepo {
  constructor(protected readonly db: Driver) {}

  /** Every entry of a board, best first (the actor's hydrate). An unknown board is `[]`. */
  async load(board: string): Promise<LeaderboardEntry[]> {
    return this.db.query<LeaderboardEntry & Record<string, unknown>>('SELECT * FROM leaderboard_entries WHERE leaderboard_id = $1 ORDER BY score DESC, player_id ASC', [
      boardId(board),
    ]);
  }

  /**
   * Writes many entries (insert or replace) in one transaction: the actor's dirty flush. Every entry is
   * validated first; a repeated player, or more than {@link UPSERT_MAX_ENTRIES}, is refused. Unknown
   * players make the whole call `STO_ERR_NOT_FOUND` with `details.player_ids` and write nothing (drop them
   * and retry). Returns how many entries were written.
   *
   * @example
   * await storage.leaderboards.upsertMany('weekly', [...dirty].map(([player_id, e]) => ({ player_id, score: e.score })));
   */
  async upsertMany(board: string, entries: readonly EntryInput[]): Promise<{ upserted: number }> {
    const id = boardId(board);
    if (!Array.isArray(entries)) throw invalid('entries', 'must be an array');
    if (entries.length > UPSERT_MAX_ENTRIES) throw new StorageError('STO_ERR_TOO_LARGE', { details: { field: 'entries', limit: UPSERT_MAX_ENTRIES } });
    const seen = new Set<string>();
    const rows = entries.map((e: EntryInput) => {
      if (typeof e !== 'object' || e === null) throw invalid('entries', 'each entry must be an object');
      const pid = uuid('player_id', e.player_id);
      if (seen.has(pid)) throw invalid('entries', 'must not repeat a player');
      seen.add(pid);
      const metadata = e.metadata ?? {};
      object('metadata', metadata, METADATA_MAX_BYTES);
      return { id: newId(), player_id: pid, score: score('score', e.score), sub_score: score('sub_score', e.sub_score ?? 0), metadata };
    });
    if (rows.length === 0) return { upserted: 0 };
    // One lock order for every flush: two overlapping flushes can wait for each other, never deadlock.
    rows.sort((a, b) => (a.player_id < b.player_id ? -1 : a.player_id > b.player_id ? 1 : 0));
    const chunks: string[] = [];
    for (let i = 0; i < rows.length; i += UPSERT_CHUNK) chunks.push(JSON.stringify(rows.slice(i, i + UPSERT_CHUNK)));
    await this.db.transaction(async (tx) => {
      const missing: string[] = [];
      for (const chunk of chunks) {
        const unknown = await tx.query<{ player_id: string }>(
          `SELECT e.player_id FROM jsonb_to_recordset($1::jsonb) AS e(player_id uuid) WHERE NOT EXISTS (SELECT 1 FROM players p WHERE p.id = e.player_id)`,
          [chunk],
        );
        missing.push(...unknown.map((m) => m.player_id));
      }
      if (missing.length > 0) throw new StorageError('STO_ERR_NOT_FOUND', { details: { leaderboard_id: id, player_ids: missing } });
      for (const chunk of chunks) {
        await tx.query(
          `INSERT INTO leaderboard_entries (id, leaderboard_id, player_id, score, sub_score, metadata)
           SELECT e.id, $1, e.player_id, e.score, e.sub_score, e.metadata
             FROM jsonb_to_recordset($2::jsonb) AS e(id uuid, player_id uuid, score bigint, sub_score bigint, metadata jsonb)
           ON CONFLICT (leaderboard_id, player_id) DO UPDATE SET score = EXCLUDED.score, sub_score = EXCLUDED.sub_score,
             metadata = EXCLUDED.metadata, updated_at = now()`,
          [id, chunk],
        );
      }
    });
    return { upserted: rows.length };
  }

  /**
   * Sets (replaces) one player's entry and returns it with its rank. `STO_ERR_NOT_FOUND` for an unknown
   * player.
   *
   * @example
   * const { rank } = await storage.leaderboards.submit('weekly', player.id, 1200);
   */
  async submit(board: string, playerId: string, value: number, subScore = 0, metadata: Record<string, unknown> = {}): Promise<RankedEntry> {
    const params = [newId(), boardId(board), uuid('player_id', playerId), score('score', value), score('sub_score', subScore), object('metadata', metadata, METADATA_MAX_BYTES)];
    // The count runs on the statement's snapshot, which may still hold this player's old entry: skip it.
    const rows = await this.db.query<RankedEntry & Record<string, unknown>>(
      `WITH me AS (
         INSERT INTO leaderboard_entries (id, leaderboard_id, player_id, score, sub_score, metadata) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
         ON CONFLICT (leaderboard_id, player_id) DO UPDATE SET score = EXCLUDED.score, sub_score = EXCLUDED.sub_score,
           metadata = EXCLUDED.metadata, updated_at = now()
         RETURNING *)
       SELECT me.*, (SELECT count(*) FROM leaderboard_entries e WHERE e.leaderboard_id = me.leaderboard_id AND e.player_id <> me.player_id AND ${BETTER}) + 1 AS rank
         FROM me`,
      params,
    ).catch((e: unknown) => {
      if (isStorageError(e, 'STO_ERR_NOT_FOUND')) throw new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: params[2] }, cause: e });
      throw e;
    });
    return rows[0]!;
  }

  /** The best `n` entries with their ranks (`n` 1..1000, default 100). */
  async top(board: string, n?: number): Promise<RankedEntry[]> {
    return this.db.query<RankedEntry & Record<string, unknown>>(
      `SELECT *, row_number() OVER (ORDER BY score DESC, player_id ASC) AS rank
         FROM leaderboard_entries WHERE leaderboard_id = $1 ORDER BY score DESC, player_id ASC LIMIT $2`,
      [boardId(board), limit(n, 100, 1000)],
    );
  }

  /** A player's 1-based rank, or undefined when they have no entry on the board. */
  async rank(board: string, playerId: string): Promise<number | undefined> {
    const [row] = await this.#ranked(this.db, boardId(board), uuid('player_id', playerId));
    return row?.rank;
  }

  /** A player's entry with its rank, or undefined. */
  async entry(board: string, playerId: string): Promise<RankedEntry | undefined> {
    const [row] = await this.#ranked(this.db, boardId(board), uuid('player_id', playerId));
    return row;
  }

  async #ranked(q: Queryable, board: string, pid: string): Promise<RankedEntry[]> {
    return q.query<RankedEntry & Record<string, unknown>>(
      `SELECT me.*, (SELECT count(*) FROM leaderboard_entries e WHERE e.leaderboard_id = me.leaderboard_id AND ${BETTER}) + 1 AS rank
         FROM leaderboard_entries me WHERE me.leaderboard_id = $1 AND me.player_id = $2`,
      [board, pid],
    );
  }

  /**
   * The player's entry with up to `range` entries either side (`range` 1..50, default 5), best first, with
   * ranks. `[]` when the player has no entry. One statement, so the ranks are one consistent snapshot.
   */
  async around(board: string, playerId: string, range?: number): Promise<RankedEntry[]> {
    const id = boardId(board);
    const pid = uuid('player_id', playerId);
    const r = range === undefined ? 5 : int('range', range, { min: 1, max: 50 });
    const rows = await this.db.query<LeaderboardEntry & { better: number } & Record<string, unknown>>(
      `WITH me AS (SELECT score, player_id FROM leaderboard_entries WHERE leaderboard_id = $1 AND player_id = $2),
       above AS (SELECT e.* FROM leaderboard_entries e, me WHERE e.leaderboard_id = $1 AND ${BETTER} ORDER BY e.score ASC, e.player_id DESC LIMIT $3),
       below AS (SELECT e.* FROM leaderboard_entries e, me WHERE e.leaderboard_id = $1 AND ${WORSE} ORDER BY e.score DESC, e.player_id ASC LIMIT $3),
       window_rows AS (
         SELECT * FROM above
         UNION ALL SELECT e.* FROM leaderboard_entries e WHERE e.leaderboard_id = $1 AND e.player_id = $2
         UNION ALL SELECT * FROM below)
       SELECT w.*, (SELECT count(*) FROM leaderboard_entries e, me WHERE e.leaderboard_id = $1 AND ${BETTER}) AS better
         FROM window_rows w ORDER BY w.score DESC, w.player_id ASC`,
      [id, pid, r],
    );
    const mine = rows.findIndex((row) => row.player_id === pid);
    if (mine < 0) return [];
    const myRank = rows[mine]!.better + 1;
    return rows.map(({ better: _better, ...row }, i) => ({ ...(row as LeaderboardEntry), rank: myRank + i - mine }));
  }

  /** Every board with its entry count and top score, by id. */
  async boards(): Promise<BoardSummary[]> {
    return this.db.query<BoardSummary & Record<string, unknown>>(
      'SELECT leaderboard_id, count(*) AS entries, max(score) AS top_score FROM leaderboard_entries GROUP BY leaderboard_id ORDER BY leaderboard_id',
    );
  }

  /**
   * Moves every entry of `board` to `archiveId` in one transaction, leaving `board` empty for the next
   * period (scheduled resets). Entries keep their scores and timestamps. `STO_ERR_CONFLICT` if the archive
   * board already has entries; `STO_ERR_INVALID_INPUT` if the two ids are equal. Returns how many moved.
   *
   * @example
   * await storage.leaderboards.archive('weekly', 'weekly:2026-w10');
   */
  async archive(board: string, archiveId: string): Promise<{ archived: number }> {
    const from = boardId(board);
    const to = boardId(archiveId, 'archive_id');
    if (from === to) throw invalid('archive_id', 'must differ from the board id');
    return this.db.transaction(async (tx) => {
      const taken = await tx.query('SELECT 1 FROM leaderboard_entries WHERE leaderboard_id = $1 LIMIT 1', [to]);
      if (taken.length > 0) throw new StorageError('STO_ERR_CONFLICT', { details: { leaderboard_id: to, reason: 'archive_not_empty' } });
      const moved = await tx.query('UPDATE leaderboard_entries SET leaderboard_id = $2 WHERE leaderboard_id = $1 RETURNING id', [from, to]);
      return { archived: moved.length };
    });
  }

  /** Deletes a player's entry; returns whether there was one. */
  async remove(board: string, playerId: string): Promise<boolean> {
    const rows = await this.db.query('DELETE FROM leaderboard_entries WHERE leaderboard_id = $1 AND player_id = $2 RETURNING id', [boardId(board), uuid('player_id', playerId)]);
    return rows.length > 0;
  }
}
