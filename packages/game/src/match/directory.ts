/**
 * `MatchDirectory`: what the node knows about its live matches without asking them. Each match publishes
 * its listing here whenever it changes (asobi keeps the same in ETS), so `match.list`, `GET /matches/live`
 * and input routing never call a match process. Also records which match each player is in.
 * One per `Matches` instance; written only by that instance's match processes.
 */

import type { MatchInputs } from './env.js';

/** The listing of a live match (`match.list`, `GET /matches/live`); never the roster. */
export interface MatchListing {
  readonly match_id: string;
  readonly mode: string;
  readonly status: 'waiting' | 'running' | 'paused' | 'finished';
  readonly player_count: number;
  readonly max_players: number;
  readonly joinable: boolean;
  /** The current phase, for modes with phases. */
  readonly phase?: Readonly<Record<string, unknown>>;
}

/** A directory row: the listing plus what only the node uses. */
export interface MatchEntry extends MatchListing {
  readonly players: readonly string[];
  readonly listed: boolean;
  readonly quick_play: boolean;
  readonly created_at: number;
  /** The current phase block, computed when listed (modes with phases). */
  readonly phaseOf?: () => Readonly<Record<string, unknown>>;
}

/**
 * Where a player is: the match id, and that match's input queue once an input has looked it up (so an
 * input costs one map lookup, not two; a stale queue, from an incarnation that crashed, refuses and is
 * looked up again).
 */
export interface Seat {
  readonly matchId: string;
  inputs: MatchInputs | undefined;
}

export class MatchDirectory {
  readonly #entries = new Map<string, MatchEntry>();
  readonly #playerMatch = new Map<string, Seat>();

  publish(entry: MatchEntry): void {
    this.#entries.set(entry.match_id, entry);
  }
  get(matchId: string): MatchEntry | undefined {
    return this.#entries.get(matchId);
  }
  /** Forgets a match and the players it held; returns its last entry. */
  remove(matchId: string): MatchEntry | undefined {
    const e = this.#entries.get(matchId);
    this.#entries.delete(matchId);
    if (e !== undefined) for (const p of e.players) if (this.#playerMatch.get(p)?.matchId === matchId) this.#playerMatch.delete(p);
    return e;
  }
  entries(): IterableIterator<MatchEntry> {
    return this.#entries.values();
  }
  get size(): number {
    return this.#entries.size;
  }
  /** The match `playerId` is in on this node, if any. */
  matchOf(playerId: string): string | undefined {
    return this.#playerMatch.get(playerId)?.matchId;
  }
  /** Where `playerId` is on this node (the input path). */
  seatOf(playerId: string): Seat | undefined {
    return this.#playerMatch.get(playerId);
  }
  setPlayer(playerId: string, matchId: string): void {
    if (this.#playerMatch.get(playerId)?.matchId !== matchId) this.#playerMatch.set(playerId, { matchId, inputs: undefined });
  }
  clearPlayer(playerId: string, matchId: string): void {
    if (this.#playerMatch.get(playerId)?.matchId === matchId) this.#playerMatch.delete(playerId);
  }
}

/** The public listing of an entry (no roster, no node-only fields). */
export function listingOf(e: MatchEntry): MatchListing {
  const l: MatchListing = { match_id: e.match_id, mode: e.mode, status: e.status, player_count: e.player_count, max_players: e.max_players, joinable: e.joinable };
  const phase = e.phaseOf?.() ?? e.phase;
  return phase === undefined ? l : { ...l, phase };
}
