/**
 * The board actor: one GenServer per live leaderboard. It hydrates the board's working set from storage
 * in `init`, answers submit, top, rank and around from memory (reads never touch the database), and
 * writes the entries that changed (the dirty set) with one `upsertMany` every `flushIntervalMs` on the
 * system clock, on `Board.flush`, and in `terminate` (it traps exits, so a supervisor's shutdown and
 * `system.stop()` flush it). A flush that fails keeps its entries dirty for the next one; players the
 * storage no longer knows (erased) are dropped from the board. Started by {@link Leaderboards}; only the
 * `Board` client API below sends it messages. A board nobody read or
 * submitted to for `idleStopMs` stops itself at a flush tick once everything is written.
 *
 * A board with a scheduled reset (`reset`) arms a timer on the system clock for the next 00:00 UTC
 * boundary (in hops of at most a day). At the boundary it flushes, moves its stored entries to
 * `<board>@<YYYY-MM-DD>` (the start date of the period that ended) with the store's `archive`, clears its
 * working set and arms the next reset. A failed flush or archive keeps every entry and is retried after
 * `resetRetryMs`. A board that starts with only entries from before the current period (it was stopped
 * across a boundary) archives them at once.
 */
import { GenServer, noreply, ok, reply, stop, type ActorSystem, type Dest, type GenServerBehaviour, type ProcessContext, type TimerRef } from '@hajime/actor';
import { isStorageError, type EntryInput, type LeaderboardEntry } from '@hajime/storage';
import { applyOperator, SCORE_LIMIT, type Operator } from './operators.js';
import { nextReset, periodStart, type ResetEvery, type ResetPlan } from './resets.js';
import { SortedBoard, type BoardEntry, type RankedBoardEntry } from './sorted-board.js';

/** What a board needs from storage (the port; `storage.leaderboards` is the adapter). */
export interface LeaderboardStore {
  load(board: string): Promise<readonly LeaderboardEntry[]>;
  upsertMany(board: string, entries: readonly EntryInput[]): Promise<{ upserted: number }>;
  /** Moves every stored entry of `board` to `archiveId` in one transaction (needed by scheduled resets). */
  archive?(board: string, archiveId: string): Promise<{ archived: number }>;
}

/** Longest single reset timer; a later boundary is reached in hops. */
export const MAX_RESET_TIMER_MS = 24 * 60 * 60 * 1000;
/** Default delay before a failed reset is tried again. */
export const RESET_RETRY_MS = 30_000;

/** Start arguments of one board. */
export interface BoardArgs {
  readonly id: string;
  readonly operator: Operator;
  readonly flushIntervalMs: number;
  /** Stop (normally, after a flush) once no read or submit arrived for this long. */
  readonly idleStopMs: number;
  readonly store: LeaderboardStore;
  /** Scheduled reset period (default none). */
  readonly reset?: ResetEvery | undefined;
  /** Delay before a failed reset is retried (default {@link RESET_RETRY_MS}). */
  readonly resetRetryMs?: number | undefined;
}

interface BoardState {
  readonly id: string;
  readonly operator: Operator;
  readonly store: LeaderboardStore;
  board: SortedBoard;
  /** Players whose entry changed since the last successful flush. */
  readonly dirty: Set<string>;
  readonly idleStopMs: number;
  /** When the last read or submit arrived (system clock, ms). */
  lastUsedMs: number;
  readonly reset: ResetEvery | undefined;
  readonly resetRetryMs: number;
  /** The pending reset, or undefined without one. */
  nextReset: ResetPlan | undefined;
  resetTimer: TimerRef | undefined;
}

/** One submit, as the board receives it (ids already validated and lower-cased). */
export interface SubmitInput {
  readonly player_id: string;
  readonly score: number;
  /** Default: the player's current sub_score, else 0. */
  readonly sub_score?: number;
  /** Default: the player's current metadata, else `{}`. */
  readonly metadata?: Record<string, unknown>;
}

/** The reply to a submit: the player's entry after it, with rank, and whether it changed. */
export type SubmitReply = { readonly ok: RankedBoardEntry; readonly changed: boolean } | { readonly err: 'out_of_range'; readonly score: number };

type BoardCall =
  | ({ readonly type: 'submit' } & SubmitInput)
  | { readonly type: 'top'; readonly n: number }
  | { readonly type: 'rank'; readonly player_id: string }
  | { readonly type: 'entry'; readonly player_id: string }
  | { readonly type: 'around'; readonly player_id: string; readonly range: number }
  | { readonly type: 'flush' }
  | { readonly type: 'stats' };

type BoardInfo = { readonly type: 'flush_tick' } | { readonly type: 'reset_tick' };

/** What `Board.stats` answers. */
export interface BoardStats {
  readonly id: string;
  readonly operator: Operator;
  readonly entries: number;
  readonly dirty: number;
  /** When the next scheduled reset is due (UTC ms), if the board resets. */
  readonly next_reset_at_ms?: number;
  /** Where the current period will be archived, if the board resets. */
  readonly next_archive_id?: string;
}

const FLUSH_TICK: BoardInfo = { type: 'flush_tick' };
const RESET_TICK: BoardInfo = { type: 'reset_tick' };

/** Arms the reset timer for `s.nextReset` (or `delayMs`), at most a day per hop. */
function armReset(s: BoardState, ctx: ProcessContext, delayMs?: number): void {
  if (s.resetTimer !== undefined) ctx.cancelTimer(s.resetTimer);
  s.resetTimer = undefined;
  if (s.nextReset === undefined) return;
  const wait = delayMs ?? s.nextReset.atMs - ctx.system.clock.epochMs();
  if (wait <= 0) ctx.send(ctx.self, RESET_TICK);
  else s.resetTimer = ctx.sendAfter(RESET_TICK, Math.min(wait, MAX_RESET_TIMER_MS));
}

/** At (or after) the boundary: flush, archive, clear, re-arm. Any failure keeps the entries and retries. */
async function resetTick(s: BoardState, ctx: ProcessContext): Promise<void> {
  s.resetTimer = undefined;
  const plan = s.nextReset;
  if (plan === undefined || s.reset === undefined) return;
  const now = ctx.system.clock.epochMs();
  if (now < plan.atMs) return armReset(s, ctx); // a hop of a long wait
  await flush(s, ctx);
  const retry = (error: string): void => {
    ctx.system.logger.warn({ report: 'leaderboard_reset_failed', leaderboard_id: s.id, archive_id: plan.archiveId, error, retry_ms: s.resetRetryMs });
    armReset(s, ctx, s.resetRetryMs);
  };
  if (s.dirty.size > 0) return retry('flush_failed');
  let archived: number;
  try {
    archived = (await s.store.archive!(s.id, plan.archiveId)).archived;
  } catch (e) {
    return retry(isStorageError(e) ? e.code : String(e));
  }
  s.board = SortedBoard.from([]);
  s.dirty.clear();
  ctx.system.logger.info({ report: 'leaderboard_reset', leaderboard_id: s.id, archive_id: plan.archiveId, archived });
  s.nextReset = nextReset(s.id, s.reset, Math.max(now, plan.atMs));
  armReset(s, ctx);
}

/** The first reset of a board starting at `nowMs`: at once when every stored entry predates the current period. */
function firstReset(id: string, every: ResetEvery, stored: readonly BoardEntry[], nowMs: number): ResetPlan {
  if (stored.length > 0) {
    const latest = Math.max(...stored.map((e) => e.updated_at_ms));
    if (Number.isFinite(latest) && latest < periodStart(every, nowMs)) return nextReset(id, every, latest);
  }
  return nextReset(id, every, nowMs);
}

function fromStored(e: LeaderboardEntry): BoardEntry {
  return {
    player_id: e.player_id,
    score: Number(e.score),
    sub_score: Number(e.sub_score),
    metadata: e.metadata ?? {},
    updated_at_ms: e.updated_at instanceof Date ? e.updated_at.getTime() : new Date(e.updated_at as unknown as string).getTime(),
  };
}

/** Writes the dirty entries; returns how many were written. Failures leave them dirty (logged). */
async function flush(s: BoardState, ctx: ProcessContext): Promise<number> {
  if (s.dirty.size === 0) return 0;
  const ids = [...s.dirty];
  s.dirty.clear();
  const batchOf = (): EntryInput[] =>
    ids.flatMap((id) => {
      const e = s.board.get(id);
      return e === undefined ? [] : [{ player_id: e.player_id, score: e.score, sub_score: e.sub_score, metadata: e.metadata }];
    });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const { upserted } = await s.store.upsertMany(s.id, batchOf());
      return upserted;
    } catch (e) {
      const unknown = isStorageError(e, 'STO_ERR_NOT_FOUND') ? e.details?.['player_ids'] : undefined;
      if (attempt === 0 && Array.isArray(unknown) && unknown.length > 0) {
        // Players erased since they scored: drop them, then write the rest.
        for (const id of unknown) s.board.remove(String(id));
        ctx.system.logger.warn({ report: 'leaderboard_unknown_players', leaderboard_id: s.id, player_ids: unknown });
        continue;
      }
      for (const id of ids) if (s.board.get(id) !== undefined) s.dirty.add(id);
      ctx.system.logger.warn({ report: 'leaderboard_flush_failed', leaderboard_id: s.id, entries: ids.length, error: isStorageError(e) ? e.code : String(e) });
      return 0;
    }
  }
  return 0;
}

function submit(s: BoardState, msg: SubmitInput, nowMs: number): SubmitReply {
  const current = s.board.get(msg.player_id);
  const next = applyOperator(s.operator, current?.score, msg.score);
  if (next === undefined) return { ok: { ...current!, rank: s.board.rank(msg.player_id)! }, changed: false };
  if (!(Math.abs(next) <= SCORE_LIMIT)) return { err: 'out_of_range', score: next };
  const entry: BoardEntry = {
    player_id: msg.player_id,
    score: next,
    sub_score: msg.sub_score ?? current?.sub_score ?? 0,
    metadata: msg.metadata ?? current?.metadata ?? {},
    updated_at_ms: nowMs,
  };
  const rank = s.board.put(entry);
  s.dirty.add(msg.player_id);
  return { ok: { ...entry, rank }, changed: true };
}

export const BoardServer: GenServerBehaviour<BoardState, BoardArgs, BoardCall, never, unknown> = {
  async init(args, ctx) {
    const stored = (await args.store.load(args.id)).map(fromStored);
    ctx.sendInterval(FLUSH_TICK, args.flushIntervalMs);
    let reset = args.reset;
    // The archive id adds `@YYYY-MM-DD` (11 characters) and must stay a valid board id (128 at most).
    if (reset !== undefined && (args.store.archive === undefined || args.id.length > 128 - 11)) {
      ctx.system.logger.warn({ report: 'leaderboard_reset_disabled', leaderboard_id: args.id, reason: args.store.archive === undefined ? 'store_without_archive' : 'id_too_long' });
      reset = undefined;
    }
    const s: BoardState = {
      id: args.id,
      operator: args.operator,
      store: args.store,
      board: SortedBoard.from(stored),
      dirty: new Set(),
      idleStopMs: args.idleStopMs,
      lastUsedMs: ctx.system.clock.now(),
      reset,
      resetRetryMs: args.resetRetryMs ?? RESET_RETRY_MS,
      nextReset: reset === undefined ? undefined : firstReset(args.id, reset, stored, ctx.system.clock.epochMs()),
      resetTimer: undefined,
    };
    armReset(s, ctx);
    return ok(s);
  },

  async handleCall(msg, _from, s, ctx) {
    if (msg.type !== 'flush' && msg.type !== 'stats') s.lastUsedMs = ctx.system.clock.now();
    switch (msg.type) {
      case 'submit':
        return reply(submit(s, msg, ctx.system.clock.epochMs()), s);
      case 'top':
        return reply(s.board.top(msg.n), s);
      case 'rank':
        return reply(s.board.rank(msg.player_id), s);
      case 'entry': {
        const e = s.board.get(msg.player_id);
        return reply(e === undefined ? undefined : { ...e, rank: s.board.rank(msg.player_id)! }, s);
      }
      case 'around':
        return reply(s.board.around(msg.player_id, msg.range), s);
      case 'flush':
        return reply(await flush(s, ctx), s);
      case 'stats':
        return reply(
          {
            id: s.id,
            operator: s.operator,
            entries: s.board.size,
            dirty: s.dirty.size,
            ...(s.nextReset === undefined ? {} : { next_reset_at_ms: s.nextReset.atMs, next_archive_id: s.nextReset.archiveId }),
          } satisfies BoardStats,
          s,
        );
    }
  },

  async handleInfo(msg, s, ctx) {
    const type = (msg as BoardInfo | undefined)?.type;
    if (type === 'reset_tick') {
      await resetTick(s, ctx);
      return noreply(s);
    }
    if (type !== 'flush_tick') return noreply(s);
    await flush(s, ctx);
    // Idle and fully written: stop normally (not restarted); the next use hydrates it again.
    if (s.dirty.size === 0 && ctx.system.clock.now() - s.lastUsedMs >= s.idleStopMs) return stop('normal', s);
    return noreply(s);
  },

  async terminate(_reason, s, ctx) {
    await flush(s, ctx);
  },
};

/** Call options shared by the client functions: the system (needed for via names) and a timeout. */
export interface BoardCallOptions {
  readonly system?: ActorSystem;
  /** Default 5000 ms (the GenServer default). */
  readonly timeoutMs?: number;
}

function callBoard<R>(ref: Dest, msg: BoardCall, o: BoardCallOptions): Promise<R> {
  return GenServer.call<R>(ref, msg, o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }, o.system);
}

/**
 * The board actor's client API: the only code that builds its messages. `ref` is its pid or via name.
 * Inputs are trusted here (validated by {@link Leaderboards}).
 *
 * @example
 * const r = await Board.submit(pid, { player_id, score: 1200 });
 * if ('ok' in r) console.log(r.ok.rank);
 */
export const Board = {
  /** Applies the board's operator to the player's score; replies with the entry and its rank. */
  submit: (ref: Dest, input: SubmitInput, o: BoardCallOptions = {}): Promise<SubmitReply> => callBoard(ref, { type: 'submit', ...input }, o),
  /** The best `n` entries with ranks. */
  top: (ref: Dest, n: number, o: BoardCallOptions = {}): Promise<RankedBoardEntry[]> => callBoard(ref, { type: 'top', n }, o),
  /** The player's 1-based rank, or undefined. */
  rank: (ref: Dest, playerId: string, o: BoardCallOptions = {}): Promise<number | undefined> => callBoard(ref, { type: 'rank', player_id: playerId }, o),
  /** The player's entry with rank, or undefined. */
  entry: (ref: Dest, playerId: string, o: BoardCallOptions = {}): Promise<RankedBoardEntry | undefined> => callBoard(ref, { type: 'entry', player_id: playerId }, o),
  /** The player's entry and up to `range` either side, best first; `[]` without an entry. */
  around: (ref: Dest, playerId: string, range: number, o: BoardCallOptions = {}): Promise<RankedBoardEntry[]> =>
    callBoard(ref, { type: 'around', player_id: playerId, range }, o),
  /** Writes the dirty entries now; resolves with how many were written. */
  flush: (ref: Dest, o: BoardCallOptions = {}): Promise<number> => callBoard(ref, { type: 'flush' }, o),
  /** Entry and dirty counts. */
  stats: (ref: Dest, o: BoardCallOptions = {}): Promise<BoardStats> => callBoard(ref, { type: 'stats' }, o),
} as const;
