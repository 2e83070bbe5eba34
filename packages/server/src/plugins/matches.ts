/**
 * Matches on the wire (asobi-reference.md §2.5, §2.7, §3.2, §4.3–4.4): the frames `match.list`,
 * `match.join`, `match.find_or_create`, `match.leave`, `match.input` and the routes `GET /matches`
 * (finished records), `GET /matches/live` (listings), `GET /matches/:id`. Registered by the game plugin
 * (`createGamePlugin`) with its {@link Matches}.
 */
import type { Matches } from '@hajime/game';
import { frame } from '@hajime/protocol';
import { MATCH_STATUSES, type MatchRecord } from '@hajime/storage';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { FrameRefusal, type SessionHandle } from '../gateway/frame-handlers.js';
import { refusing } from './game-errors.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const security = [{ bearer: [] }];
/** At most one `not_in_match` answer per connection per this many ms (asobi: 1 per 5 s). */
export const NOT_IN_MATCH_ANSWER_EVERY_MS = 5_000;
const NOT_IN_MATCH_ATTR = 'match.not_in_match_at';

const listingSchema = {
  type: 'object',
  properties: {
    match_id: { type: 'string' },
    mode: { type: 'string' },
    status: { type: 'string', enum: [...MATCH_STATUSES] },
    player_count: { type: 'integer' },
    max_players: { type: 'integer' },
    joinable: { type: 'boolean' },
    phase: { type: 'object', additionalProperties: true },
  },
  required: ['match_id', 'mode', 'status', 'player_count', 'max_players', 'joinable'],
} as const;

const recordSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    mode: { type: 'string' },
    status: { type: 'string', enum: [...MATCH_STATUSES] },
    result: { type: ['object', 'null'], additionalProperties: true },
    metadata: { type: 'object', additionalProperties: true },
    started_at: { type: ['string', 'null'], format: 'date-time' },
    finished_at: { type: ['string', 'null'], format: 'date-time' },
    inserted_at: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'mode', 'status', 'result', 'started_at', 'finished_at'],
} as const;

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

function recordOut(r: MatchRecord, withPlayers: boolean) {
  const out = { id: r.id, mode: r.mode, status: r.status, result: r.result, metadata: r.metadata, started_at: iso(r.started_at), finished_at: iso(r.finished_at), inserted_at: r.inserted_at.toISOString() };
  return withPlayers ? { ...out, players: r.players } : out;
}

/** Applies the per-player join limit (`join` rate-limit group): `join_rate_limited`. */
function checkJoinRate(ctx: ServerContext, playerId: string): void {
  const d = ctx.limiters.join.hit(`join:${playerId}`);
  if (!d.allowed) throw new FrameRefusal('join_rate_limited', { retry_after_ms: d.retryAfterMs });
}

function notInMatch(session: SessionHandle, now: number): void {
  const last = session.attrs.get(NOT_IN_MATCH_ATTR) as number | undefined;
  if (last !== undefined && now - last < NOT_IN_MATCH_ANSWER_EVERY_MS) return;
  session.attrs.set(NOT_IN_MATCH_ATTR, now);
  throw new FrameRefusal('not_in_match');
}

export function registerMatchRoutes(app: FastifyInstance, ctx: ServerContext, matches: Matches): void {
  const { gateway } = ctx;

  // ---- frames ----

  gateway.registerFrameHandler('match.list', ({ payload }) => {
    const list = matches.list({
      ...(payload.mode === undefined ? {} : { mode: payload.mode }),
      ...(payload.has_capacity === undefined ? {} : { hasCapacity: payload.has_capacity }),
      ...(payload.joinable === undefined ? {} : { joinable: payload.joinable }),
    });
    return frame('match.list', { matches: list as never });
  });

  gateway.registerFrameHandler('match.join', async ({ payload, session }) => {
    checkJoinRate(ctx, session.playerId);
    const id = payload.match_id;
    if (!UUID_RE.test(id)) throw new FrameRefusal('match_not_found');
    const joined = await refusing(() => matches.join(id.toLowerCase(), session.playerId, session.pid, payload.ctx));
    return frame('match.joined', joined);
  });

  gateway.registerFrameHandler('match.find_or_create', async ({ payload, session }) => {
    checkJoinRate(ctx, session.playerId);
    const joined = await refusing(() => matches.findOrCreate(payload.mode, session.playerId, session.pid, payload.ctx));
    return frame('match.joined', joined);
  });

  gateway.registerFrameHandler('match.leave', async ({ session }) => {
    await matches.leave(session.playerId);
    return frame('match.left', { success: true });
  });

  // Inputs are the hot path: run as they arrive when the session is idle (no mailbox hop).
  gateway.registerFrameHandler(
    'match.input',
    ({ payload, session }) => {
      if (!matches.input(session.playerId, payload)) notInMatch(session, ctx.system.clock.now());
    },
    { inline: true },
  );

  // ---- REST ----

  app.get(
    '/matches',
    {
      config: { auth: true },
      schema: {
        tags: ['matches'],
        summary: 'Match records, newest first (no roster)',
        security,
        querystring: {
          type: 'object',
          properties: {
            mode: { type: 'string', maxLength: 64 },
            status: { type: 'string', enum: [...MATCH_STATUSES] },
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          },
        },
        response: { 200: { type: 'object', properties: { matches: { type: 'array', items: recordSchema } }, required: ['matches'] } },
      },
    },
    async (request) => {
      const q = request.query as { mode?: string; status?: (typeof MATCH_STATUSES)[number]; limit: number };
      const rows = await ctx.storage.matches.list({ ...(q.mode === undefined ? {} : { mode: q.mode }), ...(q.status === undefined ? {} : { status: q.status }), limit: q.limit });
      return { matches: rows.map((r) => recordOut(r, false)) };
    },
  );

  app.get(
    '/matches/live',
    {
      config: { auth: true },
      schema: {
        tags: ['matches'],
        summary: 'Live listed matches on this node',
        security,
        querystring: {
          type: 'object',
          properties: { mode: { type: 'string', maxLength: 64 }, has_capacity: { type: 'boolean' }, joinable: { type: 'boolean' } },
        },
        response: { 200: { type: 'object', properties: { matches: { type: 'array', items: listingSchema } }, required: ['matches'] } },
      },
    },
    async (request) => {
      const q = request.query as { mode?: string; has_capacity?: boolean; joinable?: boolean };
      return {
        matches: matches.list({
          ...(q.mode === undefined ? {} : { mode: q.mode }),
          ...(q.has_capacity === undefined ? {} : { hasCapacity: q.has_capacity }),
          ...(q.joinable === undefined ? {} : { joinable: q.joinable }),
        }),
      };
    },
  );

  app.get(
    '/matches/:id',
    {
      config: { auth: true },
      schema: {
        tags: ['matches'],
        summary: 'One match: its record, or its live listing while it has none',
        security,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
        response: {
          200: {
            type: 'object',
            properties: { ...recordSchema.properties, players: { type: 'array', items: { type: 'string' } }, player_count: { type: 'integer' }, max_players: { type: 'integer' }, joinable: { type: 'boolean' } },
            required: ['id', 'mode', 'status'],
          },
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      if (!UUID_RE.test(id)) throw new ApiError('match.not_found');
      const record = await ctx.storage.matches.get(id.toLowerCase());
      if (record !== undefined) return recordOut(record, true);
      const live = matches.get(id.toLowerCase());
      if (live === undefined) throw new ApiError('match.not_found');
      return { id: live.match_id, mode: live.mode, status: live.status, result: null, started_at: null, finished_at: null, player_count: live.player_count, max_players: live.max_players, joinable: live.joinable };
    },
  );
}


