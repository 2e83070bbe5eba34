/**
 * The in-memory working set of one leaderboard: entries kept in board order (score descending, then
 * player_id ascending, the storage's order) in a sorted array, plus a map by player. Rank, insert and
 * remove find their position by binary search (O(log n) compares; the array splice moves memory, which
 * is fast for the working sets a board holds). Pure: the board actor owns one and nothing else touches it.
 */

/** One entry of a board as the board actor holds it. */
export interface BoardEntry {
  readonly player_id: string;
  readonly score: number;
  readonly sub_score: number;
  readonly metadata: Record<string, unknown>;
  /** When the score last changed (epoch ms on the system clock, or the stored `updated_at`). */
  readonly updated_at_ms: number;
}

/** An entry with its 1-based rank. */
export interface RankedBoardEntry extends BoardEntry {
  readonly rank: number;
}

/** Negative when `a` is ranked before `b`: higher score first, then the smaller player id. */
export function compareEntries(a: Pick<BoardEntry, 'score' | 'player_id'>, b: Pick<BoardEntry, 'score' | 'player_id'>): number {
  if (a.score !== b.score) return a.score > b.score ? -1 : 1;
  return a.player_id < b.player_id ? -1 : a.player_id > b.player_id ? 1 : 0;
}

export class SortedBoard {
  readonly #order: BoardEntry[] = [];
  readonly #byPlayer = new Map<string, BoardEntry>();

  /** Builds a board from entries in any order (a hydrate); a repeated player keeps its last entry. */
  static from(entries: Iterable<BoardEntry>): SortedBoard {
    const board = new SortedBoard();
    for (const e of entries) board.#byPlayer.set(e.player_id, e);
    board.#order.push(...board.#byPlayer.values());
    board.#order.sort(compareEntries);
    return board;
  }

  get size(): number {
    return this.#order.length;
  }

  get(playerId: string): BoardEntry | undefined {
    return this.#byPlayer.get(playerId);
  }

  /** Inserts or replaces the player's entry; returns its new 1-based rank. */
  put(entry: BoardEntry): number {
    this.remove(entry.player_id);
    const i = this.#lowerBound(entry);
    this.#order.splice(i, 0, entry);
    this.#byPlayer.set(entry.player_id, entry);
    return i + 1;
  }

  /** Removes the player's entry; returns whether there was one. */
  remove(playerId: string): boolean {
    const old = this.#byPlayer.get(playerId);
    if (old === undefined) return false;
    this.#order.splice(this.#lowerBound(old), 1);
    this.#byPlayer.delete(playerId);
    return true;
  }

  /** The player's 1-based rank, or undefined when they have no entry. */
  rank(playerId: string): number | undefined {
    const e = this.#byPlayer.get(playerId);
    return e === undefined ? undefined : this.#lowerBound(e) + 1;
  }

  /** The best `n` entries with ranks. */
  top(n: number): RankedBoardEntry[] {
    return this.#ranked(0, Math.min(n, this.#order.length));
  }

  /** The player's entry with up to `range` entries either side, best first; `[]` without an entry. */
  around(playerId: string, range: number): RankedBoardEntry[] {
    const rank = this.rank(playerId);
    if (rank === undefined) return [];
    const i = rank - 1;
    return this.#ranked(Math.max(0, i - range), Math.min(this.#order.length, i + range + 1));
  }

  /** Every entry, best first (for checks and exports). */
  entries(): readonly BoardEntry[] {
    return this.#order.slice();
  }

  #ranked(from: number, to: number): RankedBoardEntry[] {
    const out: RankedBoardEntry[] = [];
    for (let i = from; i < to; i++) out.push({ ...this.#order[i]!, rank: i + 1 });
    return out;
  }

  /** First index whose entry is not ranked before `e` (its own index when present). */
  #lowerBound(e: Pick<BoardEntry, 'score' | 'player_id'>): number {
    let lo = 0;
    let hi = this.#order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEntries(this.#order[mid]!, e) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
