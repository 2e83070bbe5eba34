/**
 * The game REST modules (asobi-reference.md §3.2): `client.matches` (records and live listings, votes of
 * a match), `client.matchmaker` (tickets) and `client.votes`. Live play goes over the socket
 * (`match.join`, `match.input`, ...); these are for lobbies, history and tools.
 */
import { seg, type RestTransport } from './transport.js';

type Row = Record<string, unknown>;

/** A live match as listings show it (never the roster). */
export interface MatchListing {
  readonly match_id: string;
  readonly mode: string;
  readonly status: 'waiting' | 'running' | 'paused' | 'finished';
  readonly player_count: number;
  readonly max_players: number;
  readonly joinable: boolean;
  readonly phase?: Row;
}

/** `client.matches` */
export class MatchesApi {
  constructor(private readonly http: RestTransport) {}
  /** Match records, newest first (no roster). */
  async list(options: { mode?: string; status?: 'waiting' | 'running' | 'paused' | 'finished'; limit?: number } = {}): Promise<Row[]> {
    const query: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(options)) if (v !== undefined) query[k] = v;
    return (await this.http.request<{ matches: Row[] }>({ method: 'GET', path: '/matches', query })).matches;
  }
  /** Live listed matches (filters as `match.list`). */
  async live(options: { mode?: string; hasCapacity?: boolean; joinable?: boolean } = {}): Promise<MatchListing[]> {
    const query: Record<string, string | number> = {};
    if (options.mode !== undefined) query['mode'] = options.mode;
    if (options.hasCapacity !== undefined) query['has_capacity'] = String(options.hasCapacity);
    if (options.joinable !== undefined) query['joinable'] = String(options.joinable);
    return (await this.http.request<{ matches: MatchListing[] }>({ method: 'GET', path: '/matches/live', query })).matches;
  }
  /** One match: its record (with players), or its live listing. `match.not_found`. */
  get(matchId: string): Promise<Row> {
    return this.http.request({ method: 'GET', path: `/matches/${seg(matchId)}` });
  }
  /** The votes of a match you played in, newest first. `forbidden` otherwise. */
  async votes(matchId: string): Promise<Row[]> {
    return (await this.http.request<{ votes: Row[] }>({ method: 'GET', path: `/matches/${seg(matchId)}/votes` })).votes;
  }
}

/** The answer to queueing. */
export interface QueuedTicket {
  readonly ticket_id: string;
  readonly status: 'pending';
  readonly players_needed: number | null;
  readonly already_queued: boolean;
}

/** `client.matchmaker` */
export class MatchmakerApi {
  constructor(private readonly http: RestTransport) {}
  /** Queues for `mode`; `match.matched` arrives on the socket. `matchmaker.unknown_mode`, `matchmaker.queue_full`. */
  add(mode: string, properties: Row = {}, options: { query?: string } = {}): Promise<QueuedTicket> {
    return this.http.request({ method: 'POST', path: '/matchmaker', body: { mode, properties, ...(options.query === undefined ? {} : { query: options.query }) } });
  }
  /** Your ticket. `matchmaker.ticket_not_found`, `forbidden`. */
  get(ticketId: string): Promise<Row> {
    return this.http.request({ method: 'GET', path: `/matchmaker/${seg(ticketId)}` });
  }
  /** Leaves the queue. */
  remove(ticketId: string): Promise<{ success: true }> {
    return this.http.request({ method: 'DELETE', path: `/matchmaker/${seg(ticketId)}` });
  }
}

/** `client.votes` */
export class VotesApi {
  constructor(private readonly http: RestTransport) {}
  /** One vote (live or resolved). `vote.not_found`. */
  get(voteId: string): Promise<Row> {
    return this.http.request({ method: 'GET', path: `/votes/${seg(voteId)}` });
  }
}
