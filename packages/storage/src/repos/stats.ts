/**
 * Player stats (`games_played`, `wins`, `losses`, rating columns). Written by the match server in the
 * same transaction as the match record (see `MatchesRepo.finish`), with asobi's rules: everyone in a
 * finished match played a game; wins/losses only when the result names winners (and optionally losers;
 * winners without losers means every other player lost; `losers: []` means co-op, nobody lost).
 */
import type { Driver, Queryable } from '../driver.js';
import type { PlayerId } from '../ids.js';
import { uuid } from '../internal/validate.js';

export interface PlayerStats {
  readonly player_id: PlayerId;
  readonly games_played: number;
  readonly wins: number;
  readonly losses: number;
  readonly rating: number;
  readonly rating_deviation: number;
  readonly metadata: Record<string, unknown>;
  readonly updated_at: Date | null;
}

/** Winners and losers of a result, per the rules above. */
export function outcome(players: readonly string[], result: unknown): { winners: Set<string>; losers: Set<string> } {
  const r = (typeof result === 'object' && result !== null ? result : {}) as Record<string, unknown>;
  // Ids compare case-insensitively (rosters are stored lowercased).
  const list = (v: unknown): string[] | undefined =>
    (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : undefined)?.map((x) => x.toLowerCase());
  const winners = list(r['winners']) ?? list(r['winner']);
  if (winners === undefined) return { winners: new Set(), losers: new Set() };
  const roster = players.map((p) => p.toLowerCase());
  const losers = list(r['losers']) ?? list(r['loser']) ?? roster.filter((p) => !winners.includes(p));
  return { winners: new Set(winners), losers: new Set(losers) };
}

/** Applies one finished match to the stats of its players, inside the caller's transaction. */
export async function applyMatchStats(tx: Queryable, players: readonly string[], result: unknown): Promise<void> {
  const { winners, losers } = outcome(players, result);
  for (const p of new Set(players.map((x) => x.toLowerCase()))) {
    const w = winners.has(p) ? 1 : 0;
    const l = losers.has(p) && !winners.has(p) ? 1 : 0;
    await tx.query(
      `INSERT INTO player_stats (player_id, games_played, wins, losses) VALUES ($1, 1, $2, $3)
       ON CONFLICT (player_id) DO UPDATE SET games_played = player_stats.games_played + 1,
         wins = player_stats.wins + EXCLUDED.wins, losses = player_stats.losses + EXCLUDED.losses, updated_at = now()`,
      [p, w, l],
    );
  }
}

export class StatsRepo {
  constructor(private readonly db: Driver) {}

  /** A player's stats (the defaults when the player never finished a match). */
  async get(playerId: string): Promise<PlayerStats> {
    const pid = uuid('player_id', playerId);
    const [row] = await this.db.query<PlayerStats & Record<string, unknown>>('SELECT * FROM player_stats WHERE player_id = $1', [pid]);
    return row ?? { player_id: pid as PlayerId, games_played: 0, wins: 0, losses: 0, rating: 1500, rating_deviation: 350, metadata: {}, updated_at: null };
  }
}
