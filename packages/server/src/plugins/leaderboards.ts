/**
 * `/api/v1` leaderboard routes (asobi-reference.md §2.14, §3.2): a board's top entries, the entries
 * around a player, and a player's own submit, which is off unless the board is listed in the
 * `clientSubmit` option (403 `leaderboard.client_submit_disabled`). Every read is served from the board
 * actor's memory. `leaderboardsPlugin` uses the defaults; `createLeaderboardsPlugin(options)` sets the
 * options or plugs in a `Leaderboards` built elsewhere (to submit from server code). See
 * guides/leaderboards.md.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { me } from '../hooks.js';
import { AROUND_RANGE, Leaderboards, TOP_LIMIT, type LeaderboardRankedEntry } from '../leaderboards/leaderboards.js';
import { SCORE_LIMIT } from '../leaderboards/operators.js';
import type { LeaderboardsOptions } from '../leaderboards/options.js';

/** Board ids on the wire: 1..128 printable ASCII characters, no spaces (the storage's rule). */
export const BOARD_ID_PATTERN = '^[!-~]{1,128}$';
const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** One entry on the wire. */
export const leaderboardEntrySchema = {
  type: 'object',
  properties: {
    leaderboard_id: { type: 'string' },
    player_id: { type: 'string' },
    score: { type: 'integer' },
    sub_score: { type: 'integer' },
    rank: { type: 'integer', minimum: 1 },
    updated_at: { type: 'string', format: 'date-time' },
  },
  required: ['leaderboard_id', 'player_id', 'score', 'sub_score', 'rank', 'updated_at'],
} as const;

export interface LeaderboardEntryJson {
  readonly leaderboard_id: string;
  readonly player_id: string;
  readonly score: number;
  readonly sub_score: number;
  readonly rank: number;
  readonly updated_at: string;
}

/** The wire form of an entry (metadata stays server-side). */
export function leaderboardEntryOut(e: LeaderboardRankedEntry): LeaderboardEntryJson {
  return { leaderboard_id: e.leaderboard_id, player_id: e.player_id, score: e.score, sub_score: e.sub_score, rank: e.rank, updated_at: new Date(e.updated_at_ms).toISOString() };
}

export interface LeaderboardsPluginOptions extends LeaderboardsOptions {
  /**
   * Serve this `Leaderboards` (built on the server's actor system) instead of creating one; the plugin
   * starts it if needed and its owner stops it. Its own options apply; the others given here are ignored.
   */
  readonly leaderboards?: Leaderboards;
}

const entries = { type: 'object', properties: { entries: { type: 'array', items: leaderboardEntrySchema } }, required: ['entries'] } as const;

/**
 * The leaderboard routes with `options` (see `LeaderboardsOptions`). Without `options.leaderboards`, the
 * plugin creates a `Leaderboards` on the server's actor system and storage, and stops it (flushing every
 * board) when the server closes.
 *
 * @example
 * const leaderboards = createLeaderboardsPlugin({ clientSubmit: ['casual:*'], operators: { 'kills:*': 'incr' } });
 * const server = await createServer({ storage }, { plugins: [leaderboards] });
 */
export function createLeaderboardsPlugin(options: LeaderboardsPluginOptions = {}) {
  return async function leaderboardsRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
    const { leaderboards: given, ...rest } = options;
    const boards = given ?? new Leaderboards({ system: ctx.system, store: ctx.storage.leaderboards, options: rest });
    await boards.start();
    ctx.services.leaderboards = boards;
    if (given === undefined) app.addHook('onClose', async () => boards.stop());
    const security = [{ bearer: [] }];
    const idParam = { id: { type: 'string', pattern: BOARD_ID_PATTERN } } as const;

    app.get(
      '/leaderboards/:id',
      {
        config: { auth: true },
        schema: {
          tags: ['leaderboards'],
          summary: 'The best entries of a board, with ranks (score descending, then player id)',
          security,
          params: { type: 'object', required: ['id'], properties: idParam },
          querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: TOP_LIMIT.min, maximum: TOP_LIMIT.max, default: TOP_LIMIT.default } } },
          response: { 200: entries },
        },
      },
      async (request) => {
        const { id } = request.params as { id: string };
        const { limit } = request.query as { limit: number };
        return { entries: (await boards.top(id, limit)).map(leaderboardEntryOut) };
      },
    );

    app.get(
      '/leaderboards/:id/around/:player_id',
      {
        config: { auth: true },
        schema: {
          tags: ['leaderboards'],
          summary: "A player's entry and up to `range` entries either side; empty when the player has no entry",
          security,
          params: { type: 'object', required: ['id', 'player_id'], properties: { ...idParam, player_id: { type: 'string', pattern: UUID_PATTERN } } },
          querystring: { type: 'object', properties: { range: { type: 'integer', minimum: AROUND_RANGE.min, maximum: AROUND_RANGE.max, default: AROUND_RANGE.default } } },
          response: { 200: entries },
        },
      },
      async (request) => {
        const { id, player_id: playerId } = request.params as { id: string; player_id: string };
        const { range } = request.query as { range: number };
        return { entries: (await boards.around(id, playerId, range)).map(leaderboardEntryOut) };
      },
    );

    app.post(
      '/leaderboards/:id',
      {
        config: { auth: true },
        schema: {
          tags: ['leaderboards'],
          summary: 'Submit your score to a board that accepts client submits',
          description:
            'Off unless the board is listed in the `clientSubmit` option (403 `leaderboard.client_submit_disabled`). The board\'s operator (`set`, `best`, `incr`) combines the score with your current one. Answers your entry with its rank.',
          security,
          params: { type: 'object', required: ['id'], properties: idParam },
          body: {
            type: 'object',
            required: ['score'],
            properties: {
              score: { type: 'integer', minimum: -SCORE_LIMIT, maximum: SCORE_LIMIT },
              sub_score: { type: 'integer', minimum: -SCORE_LIMIT, maximum: SCORE_LIMIT },
            },
          },
          response: { 200: leaderboardEntrySchema },
        },
      },
      async (request) => {
        const playerId = me(request);
        const { id } = request.params as { id: string };
        if (!boards.allowsClientSubmit(id)) throw new ApiError('leaderboard.client_submit_disabled', { leaderboard_id: id });
        const { score, sub_score: subScore } = request.body as { score: number; sub_score?: number };
        const { entry } = await boards.submit(id, playerId, score, subScore === undefined ? {} : { subScore });
        return leaderboardEntryOut(entry);
      },
    );
  };
}

/** The leaderboard routes with the default options (no board accepts client submits; operator `set`). */
export const leaderboardsPlugin = createLeaderboardsPlugin();
