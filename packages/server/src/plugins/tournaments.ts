/**
 * `/api/v1` tournament routes (asobi-reference.md §2.15, §3.2): list (`?status&limit`, ordered by
 * start_at), get, and join (`{success: true, tournament_id}`; 409 `tournament.full`,
 * `tournament.already_joined`, `tournament.closed`; 402 `economy.insufficient_funds` for the entry fee;
 * 404 `tournament.not_found`). Tournaments are created server-side (`Tournaments.create`), never over
 * REST. `tournamentsPlugin` uses the defaults; `createTournamentsPlugin(options)` plugs in a
 * `Tournaments` built elsewhere or the standings source (the server's `Leaderboards`). See
 * guides/tournaments.md.
 */
import type { FastifyInstance } from 'fastify';
import { TOURNAMENT_STATUSES, type Tournament, type TournamentStatus } from '@hajime/storage';
import type { ServerContext } from '../context.js';
import { me } from '../hooks.js';
import { TOURNAMENT_LIST_LIMIT, Tournaments, type StandingsSource, type TournamentsOptions } from '../tournaments/tournaments.js';

const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** One tournament on the wire (the row; `entry_fee` and `rewards` as stored, see guides/tournaments.md). */
export const tournamentSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    leaderboard_id: { type: 'string' },
    max_entries: { type: ['integer', 'null'] },
    entry_fee: {},
    rewards: {},
    status: { type: 'string', enum: [...TOURNAMENT_STATUSES] },
    start_at: { type: 'string', format: 'date-time' },
    end_at: { type: 'string', format: 'date-time' },
    metadata: { type: 'object', additionalProperties: true },
    inserted_at: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'name', 'leaderboard_id', 'max_entries', 'entry_fee', 'rewards', 'status', 'start_at', 'end_at', 'metadata', 'inserted_at'],
} as const;

export interface TournamentJson {
  readonly id: string;
  readonly name: string;
  readonly leaderboard_id: string;
  readonly max_entries: number | null;
  readonly entry_fee: unknown;
  readonly rewards: unknown;
  readonly status: TournamentStatus;
  readonly start_at: string;
  readonly end_at: string;
  readonly metadata: Record<string, unknown>;
  readonly inserted_at: string;
}

const iso = (d: Date | string): string => (d instanceof Date ? d : new Date(d)).toISOString();

/** The wire form of a row. */
export function tournamentOut(t: Tournament): TournamentJson {
  return {
    id: t.id,
    name: t.name,
    leaderboard_id: t.leaderboard_id,
    max_entries: t.max_entries,
    entry_fee: t.entry_fee ?? null,
    rewards: t.rewards ?? null,
    status: t.status,
    start_at: iso(t.start_at),
    end_at: iso(t.end_at),
    metadata: t.metadata ?? {},
    inserted_at: iso(t.inserted_at),
  };
}

export interface TournamentsPluginOptions extends TournamentsOptions {
  /** Serve this `Tournaments` (started here if needed; its owner stops it) instead of creating one. */
  readonly tournaments?: Tournaments;
  /** Final standings for rewards when the plugin creates the service (default: the server's live `Leaderboards` when the leaderboards plugin runs, else the persisted boards). */
  readonly standings?: StandingsSource;
}

/**
 * The tournament routes. Without `options.tournaments`, the plugin creates a `Tournaments` on the
 * server's actor system and storage (resuming every pending/active tournament) and stops it on close.
 *
 * @example
 * const leaderboards = new Leaderboards({ system, store: storage.leaderboards });
 * const server = await createServer({ storage, system }, { plugins: [createLeaderboardsPlugin({ leaderboards }), createTournamentsPlugin({ standings: leaderboards })] });
 */
export function createTournamentsPlugin(options: TournamentsPluginOptions = {}) {
  return async function tournamentsRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
    const { tournaments: given, standings: configured, ...rest } = options;
    // Standings default to the server's live boards (the leaderboards plugin runs first), so rewards see
    // scores not flushed yet; without that plugin, the persisted boards.
    const standings = configured ?? ctx.services.leaderboards;
    const service =
      given ?? new Tournaments({ system: ctx.system, storage: ctx.storage, ...(standings === undefined ? {} : { standings }), options: rest });
    await service.start();
    ctx.services.tournaments = service;
    if (given === undefined) app.addHook('onClose', async () => service.stop());
    const security = [{ bearer: [] }];
    const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: UUID_PATTERN } } } as const;

    app.get(
      '/tournaments',
      {
        config: { auth: true },
        schema: {
          tags: ['tournaments'],
          summary: 'Tournaments ordered by start_at, optionally of one status',
          security,
          querystring: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: [...TOURNAMENT_STATUSES] },
              limit: { type: 'integer', minimum: TOURNAMENT_LIST_LIMIT.min, maximum: TOURNAMENT_LIST_LIMIT.max, default: TOURNAMENT_LIST_LIMIT.default },
            },
          },
          response: { 200: { type: 'object', properties: { tournaments: { type: 'array', items: tournamentSchema } }, required: ['tournaments'] } },
        },
      },
      async (request) => {
        const { status, limit } = request.query as { status?: TournamentStatus; limit: number };
        const rows = await service.list(status === undefined ? { limit } : { status, limit });
        return { tournaments: rows.map(tournamentOut) };
      },
    );

    app.get(
      '/tournaments/:id',
      {
        config: { auth: true },
        schema: { tags: ['tournaments'], summary: 'One tournament', security, params: idParams, response: { 200: tournamentSchema } },
      },
      async (request) => {
        const { id } = request.params as { id: string };
        return tournamentOut(await service.get(id.toLowerCase()));
      },
    );

    app.post(
      '/tournaments/:id/join',
      {
        config: { auth: true },
        schema: {
          tags: ['tournaments'],
          summary: 'Join a pending or active tournament, paying its entry fee',
          description:
            'Debits the entry fee (if any) and records you as a participant. 409 `tournament.full`, `tournament.already_joined`, `tournament.closed` (finished); 402 `economy.insufficient_funds`; 404 `tournament.not_found`. A fee whose join fails is refunded.',
          security,
          params: idParams,
          response: { 200: { type: 'object', properties: { success: { type: 'boolean', enum: [true] }, tournament_id: { type: 'string' } }, required: ['success', 'tournament_id'] } },
        },
      },
      async (request) => {
        const { id } = request.params as { id: string };
        const entry = await service.join(id.toLowerCase(), me(request));
        return { success: true as const, tournament_id: entry.tournament_id };
      },
    );
  };
}

/** The tournament routes with the defaults (standings from the persisted boards). */
export const tournamentsPlugin = createTournamentsPlugin();
