/**
 * Tournaments (`tournaments`) and their participants (`tournament_entries`). asobi keeps participants in
 * memory only; Hajime persists them, so `max_entries` and duplicates are enforced here, atomically: a join
 * locks the tournament row, so concurrent joins never exceed `max_entries` on any node. `entry_fee` and
 * `rewards` are stored and shown, not enforced or paid out (asobi §2.15). Status runs pending → active →
 * finished; a finished tournament takes no more entries.
 */
import type { Driver } from '../driver.js';
import { StorageError, isStorageError } from '../errors.js';
import { newId, type PlayerId, type TournamentId } from '../ids.js';
import { METADATA_MAX_BYTES, date, int, invalid, json, limit, object, oneOf, text, uuid } from '../internal/validate.js';
import { boardId } from './leaderboards.js';

export const TOURNAMENT_STATUSES = ['pending', 'active', 'finished'] as const;
export type TournamentStatus = (typeof TOURNAMENT_STATUSES)[number];
/** Largest `max_entries`. */
export const TOURNAMENT_MAX_ENTRIES = 1_000_000;

export interface Tournament {
  readonly id: TournamentId;
  readonly name: string;
  readonly leaderboard_id: string;
  /** null: unlimited. */
  readonly max_entries: number | null;
  readonly entry_fee: unknown;
  readonly rewards: unknown;
  readonly status: TournamentStatus;
  readonly start_at: Date;
  readonly end_at: Date;
  readonly metadata: Record<string, unknown>;
  readonly inserted_at: Date;
}

export interface NewTournament {
  /** Default: a new UUIDv7. */
  readonly id?: string;
  readonly name: string;
  /** The backing board (default `tournament:<id>`). */
  readonly leaderboard_id?: string;
  /** 1..1,000,000, or null/absent for unlimited. */
  readonly max_entries?: number | null;
  /** Any JSON, e.g. `{currency: 'gold', amount: 100}`; stored, not charged. */
  readonly entry_fee?: unknown;
  /** Any JSON; stored, not paid out. */
  readonly rewards?: unknown;
  /** Default `pending`. */
  readonly status?: TournamentStatus;
  readonly start_at: Date;
  /** After `start_at`. */
  readonly end_at: Date;
  readonly metadata?: Record<string, unknown>;
}

export interface TournamentEntry {
  readonly tournament_id: TournamentId;
  readonly player_id: PlayerId;
  readonly joined_at: Date;
}

const JSON_MAX_BYTES = 16 * 1024;

function optJson(field: string, v: unknown): string | null {
  return v === undefined || v === null ? null : json(field, v, JSON_MAX_BYTES);
}

export class TournamentsRepo {
  constructor(protected readonly db: Driver) {}

  /**
   * Creates a tournament. `STO_ERR_CONFLICT` if the id exists.
   *
   * @example
   * const t = await storage.tournaments.create({ name: 'Spring Cup', max_entries: 64, start_at, end_at });
   */
  async create(input: NewTournament): Promise<Tournament> {
    const id = input.id === undefined ? newId<TournamentId>() : uuid('id', input.id);
    const startAt = date('start_at', input.start_at);
    const endAt = date('end_at', input.end_at);
    if (endAt <= startAt) throw invalid('end_at', 'must be after start_at');
    const [row] = await this.db.query<Tournament & Record<string, unknown>>(
      `INSERT INTO tournaments (id, name, leaderboard_id, max_entries, entry_fee, rewards, status, start_at, end_at, metadata)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9, $10::jsonb) RETURNING *`,
      [
        id,
        text('name', input.name, { max: 128 }),
        input.leaderboard_id === undefined ? `tournament:${id}` : boardId(input.leaderboard_id),
        input.max_entries == null ? null : int('max_entries', input.max_entries, { min: 1, max: TOURNAMENT_MAX_ENTRIES }),
        optJson('entry_fee', input.entry_fee),
        optJson('rewards', input.rewards),
        oneOf('status', input.status ?? 'pending', TOURNAMENT_STATUSES),
        startAt,
        endAt,
        object('metadata', input.metadata ?? {}, METADATA_MAX_BYTES),
      ],
    );
    return row!;
  }

  /** One tournament, or undefined. */
  async get(id: string): Promise<Tournament | undefined> {
    const [row] = await this.db.query<Tournament & Record<string, unknown>>('SELECT * FROM tournaments WHERE id = $1', [uuid('id', id)]);
    return row;
  }

  /** Tournaments ordered by `start_at` (then id), optionally of one status; `limit` 1..200, default 50. */
  async list(options: { status?: TournamentStatus; limit?: number } = {}): Promise<Tournament[]> {
    const params: unknown[] = [];
    let where = '';
    if (options.status !== undefined) {
      params.push(oneOf('status', options.status, TOURNAMENT_STATUSES));
      where = 'WHERE status = $1';
    }
    params.push(limit(options.limit, 50, 200));
    return this.db.query<Tournament & Record<string, unknown>>(`SELECT * FROM tournaments ${where} ORDER BY start_at ASC, id ASC LIMIT $${params.length}`, params);
  }

  /** Sets the status and returns the row. `STO_ERR_NOT_FOUND` for an unknown tournament. */
  async setStatus(id: string, status: TournamentStatus): Promise<Tournament> {
    const [row] = await this.db.query<Tournament & Record<string, unknown>>('UPDATE tournaments SET status = $2 WHERE id = $1 RETURNING *', [
      uuid('id', id),
      oneOf('status', status, TOURNAMENT_STATUSES),
    ]);
    if (row === undefined) throw new StorageError('STO_ERR_NOT_FOUND', { details: { tournament_id: id } });
    return row;
  }

  /**
   * Adds a participant, atomically: the tournament row is locked while the entries are counted, so
   * concurrent joins never exceed `max_entries`. `STO_ERR_TOURNAMENT_FULL`, `STO_ERR_ALREADY_JOINED`,
   * `STO_ERR_TOURNAMENT_CLOSED` (finished), `STO_ERR_NOT_FOUND` (unknown tournament or player).
   *
   * @example
   * await storage.tournaments.join(t.id, player.id);
   */
  async join(tournamentId: string, playerId: string): Promise<TournamentEntry> {
    const tid = uuid('tournament_id', tournamentId);
    const pid = uuid('player_id', playerId);
    try {
      return await this.db.transaction(async (tx) => {
        const [t] = await tx.query<{ max_entries: number | null; status: string }>('SELECT max_entries, status FROM tournaments WHERE id = $1 FOR UPDATE', [tid]);
        if (t === undefined) throw new StorageError('STO_ERR_NOT_FOUND', { details: { tournament_id: tid } });
        if (t.status === 'finished') throw new StorageError('STO_ERR_TOURNAMENT_CLOSED', { details: { tournament_id: tid, status: t.status } });
        const [already] = await tx.query('SELECT 1 FROM tournament_entries WHERE tournament_id = $1 AND player_id = $2', [tid, pid]);
        if (already !== undefined) throw new StorageError('STO_ERR_ALREADY_JOINED', { details: { tournament_id: tid, player_id: pid } });
        if (t.max_entries !== null) {
          const [c] = await tx.query<{ n: number }>('SELECT count(*) AS n FROM tournament_entries WHERE tournament_id = $1', [tid]);
          if (c!.n >= t.max_entries) throw new StorageError('STO_ERR_TOURNAMENT_FULL', { details: { tournament_id: tid, max_entries: t.max_entries } });
        }
        const [row] = await tx.query<TournamentEntry & Record<string, unknown>>('INSERT INTO tournament_entries (tournament_id, player_id) VALUES ($1, $2) RETURNING *', [tid, pid]);
        return row!;
      });
    } catch (e) {
      if (isStorageError(e, 'STO_ERR_NOT_FOUND') && e.details?.['constraint'] === 'tournament_entries_player_id_fkey') throw new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: pid }, cause: e });
      throw e;
    }
  }

  /** Removes a participant; returns whether they were in. */
  async leave(tournamentId: string, playerId: string): Promise<boolean> {
    const rows = await this.db.query('DELETE FROM tournament_entries WHERE tournament_id = $1 AND player_id = $2 RETURNING player_id', [
      uuid('tournament_id', tournamentId),
      uuid('player_id', playerId),
    ]);
    return rows.length > 0;
  }

  /** The participants in join order. `STO_ERR_NOT_FOUND` for an unknown tournament. */
  async entries(tournamentId: string): Promise<TournamentEntry[]> {
    const tid = uuid('tournament_id', tournamentId);
    const [t] = await this.db.query('SELECT 1 FROM tournaments WHERE id = $1', [tid]);
    if (t === undefined) throw new StorageError('STO_ERR_NOT_FOUND', { details: { tournament_id: tid } });
    return this.db.query<TournamentEntry & Record<string, unknown>>('SELECT * FROM tournament_entries WHERE tournament_id = $1 ORDER BY joined_at ASC, player_id ASC', [tid]);
  }

  /** How many participants. `STO_ERR_NOT_FOUND` for an unknown tournament. */
  async countEntries(tournamentId: string): Promise<number> {
    const tid = uuid('tournament_id', tournamentId);
    const [row] = await this.db.query<{ n: number }>('SELECT (SELECT count(*) FROM tournament_entries e WHERE e.tournament_id = t.id) AS n FROM tournaments t WHERE t.id = $1', [tid]);
    if (row === undefined) throw new StorageError('STO_ERR_NOT_FOUND', { details: { tournament_id: tid } });
    return row.n;
  }
}
