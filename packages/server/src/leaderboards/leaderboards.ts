/**
 * `Leaderboards`: the leaderboards of one server. It owns a SupervisedPool of board actors (a
 * DynamicSupervisor, and a Registry naming them by board id); a board is started (and hydrated) on
 * first use and stays live until it has been idle for `idleStopMs`, `stopBoard` or `stop` (each
 * flushes it first). Validates every input, applies the per-board options (operator,
 * client submits) and turns actor failures into wire codes. No module state: create one per server.
 *
 * @example
 * const leaderboards = new Leaderboards({ system, store: storage.leaderboards, options: { operators: { 'kills:*': 'incr' } } });
 * await leaderboards.start();
 * const { rank } = await leaderboards.submit('weekly', playerId, 1200);
 * const best = await leaderboards.top('weekly', 10);
 */
import { SupervisedPool, type ActorSystem, type Pid } from '@hajime/actor';
import { boardId } from '@hajime/storage';
import { ApiError } from '../api-error.js';
import { Board, BoardServer, type BoardArgs, type BoardStats, type LeaderboardStore } from './board-server.js';
import { SCORE_LIMIT, type Operator } from './operators.js';
import type { ResetEvery } from './resets.js';
import { clientSubmitAllowed, operatorOf, resetOf, resolveLeaderboardsOptions, type LeaderboardsOptions, type ResolvedLeaderboardsOptions } from './options.js';
import type { RankedBoardEntry } from './sorted-board.js';

/** `top` limits (asobi: 1..100, default 100). */
export const TOP_LIMIT = Object.freeze({ min: 1, max: 100, default: 100 });
/** `around` ranges either side (asobi: 1..50, default 5). */
export const AROUND_RANGE = Object.freeze({ min: 1, max: 50, default: 5 });

/** Largest `metadata` a submit may carry, as JSON (the storage's cap on metadata columns). */
export const LEADERBOARD_METADATA_MAX_BYTES = 16 * 1024;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface LeaderboardsDeps {
  readonly system: ActorSystem;
  /** Usually `storage.leaderboards`. */
  readonly store: LeaderboardStore;
  readonly options?: LeaderboardsOptions;
}

/** A server-side submit's extras. */
export interface SubmitOptions {
  /** Stored with the score, never used for ordering (default: kept, else 0). */
  readonly subScore?: number;
  /** Stored with the score (default: kept, else `{}`). */
  readonly metadata?: Record<string, unknown>;
}

/** A ranked entry of one board, as the API and the wire show it. */
export interface LeaderboardRankedEntry extends RankedBoardEntry {
  readonly leaderboard_id: string;
}

/** A submit's answer: the player's entry after it (with rank), and whether the submit changed it. */
export interface SubmitResult {
  readonly entry: LeaderboardRankedEntry;
  readonly rank: number;
  /** False when the operator kept the old score (`best` with a lower one). */
  readonly changed: boolean;
}

function validationFailed(field: string, why: string, extra: Record<string, unknown> = {}): ApiError {
  return new ApiError('validation_failed', { field, why, ...extra });
}

function intIn(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw validationFailed(field, `an integer in ${min}..${max}`);
  return v;
}

function playerIdOf(v: unknown): string {
  if (typeof v !== 'string' || !UUID_RE.test(v)) throw validationFailed('player_id', 'a uuid');
  return v.toLowerCase();
}

/** Validates metadata up front (a flush must never fail on it) and takes a copy the caller cannot change. */
function metadataOf(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw validationFailed('metadata', 'an object');
  let json: string;
  try {
    json = JSON.stringify(v);
  } catch {
    throw validationFailed('metadata', 'JSON-serialisable');
  }
  if (Buffer.byteLength(json) > LEADERBOARD_METADATA_MAX_BYTES) throw validationFailed('metadata', `at most ${LEADERBOARD_METADATA_MAX_BYTES} bytes of JSON`);
  return JSON.parse(json) as Record<string, unknown>;
}

function boardIdOf(v: unknown): string {
  try {
    return boardId(v);
  } catch {
    throw validationFailed('leaderboard_id', 'printable ASCII without spaces, 1..128 long');
  }
}

export class Leaderboards {
  readonly options: ResolvedLeaderboardsOptions;
  readonly #system: ActorSystem;
  readonly #store: LeaderboardStore;
  /** One board process per live board id. */
  readonly #boards: SupervisedPool<string, BoardArgs>;

  constructor(deps: LeaderboardsDeps) {
    this.options = resolveLeaderboardsOptions(deps.options);
    this.#system = deps.system;
    this.#store = deps.store;
    const maxBoards = this.options.maxBoards;
    this.#boards = new SupervisedPool<string, BoardArgs>(deps.system, {
      behaviour: BoardServer,
      restart: 'transient',
      keyOf: (a) => a.id,
      startOptions: () => ({ trapExit: true }),
      intensity: 100,
      periodMs: 10_000,
      maxChildren: maxBoards,
      notStarted: () => new ApiError('not_ready', { reason: 'leaderboards_not_started' }),
      atCapacity: () => new ApiError('leaderboard.capacity_reached', { max_boards: maxBoards }),
    });
  }

  /** Starts the board supervisor (idempotent). Boards start on first use. */
  start(): Promise<void> {
    return this.#boards.start();
  }

  /** Stops every board (each flushes its dirty entries first), then the supervisor. Idempotent. */
  stop(): Promise<void> {
    return this.#boards.stop();
  }

  /** Whether players may submit to `board` over REST (`clientSubmit` option). */
  allowsClientSubmit(board: string): boolean {
    return clientSubmitAllowed(this.options, board);
  }

  /** The operator of `board` (`operators` option, else `defaultOperator`). */
  operatorOf(board: string): Operator {
    return operatorOf(this.options, board);
  }

  /** How often `board` resets (`resets` option), or undefined when it never does. */
  resetOf(board: string): ResetEvery | undefined {
    return resetOf(this.options, board);
  }

  /** Ids of the live boards, sorted. */
  async liveBoards(): Promise<string[]> {
    return (await this.#boards.keys()).sort();
  }

  /**
   * Submits `score` for `playerId` on `board` under the board's operator. Visible to reads at once;
   * written to storage by the next flush. `validation_failed` for a bad id or a score out of
   * ±Number.MAX_SAFE_INTEGER (also an `incr` that would leave it); `leaderboard.capacity_reached` when
   * `maxBoards` boards are live and this one is not.
   *
   * @example
   * const { rank } = await leaderboards.submit('weekly', playerId, 1200, { subScore: 3 });
   */
  async submit(board: string, playerId: string, score: number, options: SubmitOptions = {}): Promise<SubmitResult> {
    const id = boardIdOf(board);
    const player_id = playerIdOf(playerId);
    const value = intIn('score', score, -SCORE_LIMIT, SCORE_LIMIT);
    const sub = options.subScore === undefined ? {} : { sub_score: intIn('sub_score', options.subScore, -SCORE_LIMIT, SCORE_LIMIT) };
    const meta = options.metadata === undefined ? {} : { metadata: metadataOf(options.metadata) };
    const r = await this.#withBoard(id, (ref) => Board.submit(ref, { player_id, score: value, ...sub, ...meta }, { system: this.#system }));
    if ('err' in r) throw validationFailed('score', 'the result must stay within ±Number.MAX_SAFE_INTEGER', { result: r.score });
    return { entry: { leaderboard_id: id, ...r.ok }, rank: r.ok.rank, changed: r.changed };
  }

  /** The best `limit` entries of `board` with ranks (`limit` 1..100, default 100). */
  async top(board: string, limit: number = TOP_LIMIT.default): Promise<LeaderboardRankedEntry[]> {
    const id = boardIdOf(board);
    const n = intIn('limit', limit, TOP_LIMIT.min, TOP_LIMIT.max);
    return (await this.#withBoard(id, (ref) => Board.top(ref, n, { system: this.#system }))).map((e) => ({ leaderboard_id: id, ...e }));
  }

  /** The player's 1-based rank on `board`, or undefined without an entry. */
  async rank(board: string, playerId: string): Promise<number | undefined> {
    const id = boardIdOf(board);
    const player = playerIdOf(playerId);
    return this.#withBoard(id, (ref) => Board.rank(ref, player, { system: this.#system }));
  }

  /** The player's entry with rank, or undefined. */
  async entry(board: string, playerId: string): Promise<LeaderboardRankedEntry | undefined> {
    const id = boardIdOf(board);
    const player = playerIdOf(playerId);
    const e = await this.#withBoard(id, (ref) => Board.entry(ref, player, { system: this.#system }));
    return e === undefined ? undefined : { leaderboard_id: id, ...e };
  }

  /** The player's entry and up to `range` entries either side (1..50, default 5), best first; `[]` without an entry. */
  async around(board: string, playerId: string, range: number = AROUND_RANGE.default): Promise<LeaderboardRankedEntry[]> {
    const id = boardIdOf(board);
    const player = playerIdOf(playerId);
    const r = intIn('range', range, AROUND_RANGE.min, AROUND_RANGE.max);
    return (await this.#withBoard(id, (ref) => Board.around(ref, player, r, { system: this.#system }))).map((e) => ({ leaderboard_id: id, ...e }));
  }

  /** The pid of a live board, or undefined. */
  whereis(board: string): Pid | undefined {
    return this.#boards.whereis(boardIdOf(board));
  }

  /** Writes `board`'s dirty entries now (if it is live); resolves with how many were written. */
  async flush(board: string): Promise<number> {
    const pid = this.#boards.whereis(boardIdOf(board));
    return pid === undefined ? 0 : Board.flush(pid, { system: this.#system });
  }

  /** Entry and dirty counts of a live board, or undefined when it is not live. */
  async stats(board: string): Promise<BoardStats | undefined> {
    const pid = this.#boards.whereis(boardIdOf(board));
    return pid === undefined ? undefined : Board.stats(pid, { system: this.#system });
  }

  /** Stops one live board (it flushes first); returns whether it was live. */
  async stopBoard(board: string): Promise<boolean> {
    return this.#boards.terminate(boardIdOf(board));
  }

  /** Runs `fn` against the board's process, starting it if needed; retries once if it exited meanwhile. */
  #withBoard<R>(id: string, fn: (ref: Pid) => Promise<R>): Promise<R> {
    return this.#boards.withChild(id, () => this.#argsOf(id), fn);
  }

  #argsOf(id: string): BoardArgs {
    return {
      id,
      operator: this.operatorOf(id),
      flushIntervalMs: this.options.flushIntervalMs,
      idleStopMs: this.options.idleStopMs,
      store: this.#store,
      reset: this.resetOf(id),
      resetRetryMs: this.options.resetRetryMs,
    };
  }
}
