/**
 * The matchmaker on the wire (asobi-reference.md §2.6, §3.2, §4.3, §4.4): the `matchmaker.add` and
 * `matchmaker.remove` frames and `POST /matchmaker`, `GET /matchmaker/:ticket_id`,
 * `DELETE /matchmaker/:ticket_id`, all answered by a `Matchmaker` of `@hajime/game`. The pushes
 * (`match.matched`, `match.matchmaker_expired`, `match.matchmaker_failed`) are sent by the matchmaker
 * itself through the `notify` it was built with (usually `ctx.gateway.sendToPlayer`).
 *
 * Not a plugin of its own: the game plugin builds the `Matchmaker` (it owns the modes and the match
 * starter) and calls {@link registerMatchmakerRoutes}. See guides/matchmaking.md.
 *
 * Limits (also enforced by the matchmaker): `properties` is a flat object of at most 16 keys (1..64
 * bytes each) whose values are strings (≤ 256 bytes), finite numbers or booleans; `query` is at most 512
 * characters; `mode` 1..64 of `[A-Za-z0-9_.:-]`.
 */
import { frame, type ErrorCode } from '@hajime/protocol';
import { isGameError } from '@hajime/game';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { me } from '../hooks.js';
import { apiErrorOf, refusing } from './game-errors.js';

/** Bounds of ticket input on the REST schema (the same as the matchmaker's own checks). */
export const MATCHMAKER_INPUT_LIMITS = Object.freeze({ maxPropertyKeys: 16, maxKeyLength: 64, maxStringLength: 256, maxQueryLength: 512, maxModeLength: 64 });

/** What the routes need of a `Matchmaker` (`@hajime/game`); a `Matchmaker` satisfies it. */
export interface MatchmakerService {
  add(
    playerId: string,
    input: { readonly mode?: string; readonly properties?: unknown; readonly query?: unknown },
  ): Promise<{ readonly ticket_id: string; readonly status: 'pending'; readonly players_needed: number; readonly already_queued: boolean }>;
  remove(ticketId: string, playerId: string): Promise<void>;
  get(
    ticketId: string,
    playerId: string,
  ): Promise<{ readonly id: string; readonly mode: string; readonly status: string; readonly properties: Readonly<Record<string, unknown>>; readonly submitted_at: string; readonly query?: string }>;
}

const security = [{ bearer: [] }];

const ticketIdParams = { type: 'object', required: ['ticket_id'], properties: { ticket_id: { type: 'string', minLength: 1, maxLength: 128 } } } as const;

const propertiesSchema = {
  type: 'object',
  maxProperties: MATCHMAKER_INPUT_LIMITS.maxPropertyKeys,
  propertyNames: { minLength: 1, maxLength: MATCHMAKER_INPUT_LIMITS.maxKeyLength },
  // No `type` (nor a type-specific keyword such as maxLength) here: Fastify's type coercion would turn null
  // into "" or false into "false", and Ajv's strict mode warns at start-up about a keyword without its type.
  // Values (a string of at most 256 bytes, a finite number, a boolean) are checked by the matchmaker, as
  // for `matchmaker.add` frames (422 validation_failed, fields.properties).
  additionalProperties: { description: `a string (at most ${MATCHMAKER_INPUT_LIMITS.maxStringLength} bytes), a finite number or a boolean` },
} as const;

const queuedSchema = {
  type: 'object',
  properties: { ticket_id: { type: 'string' }, status: { type: 'string' }, players_needed: { type: 'integer' }, already_queued: { type: 'boolean' } },
  required: ['ticket_id', 'status', 'players_needed', 'already_queued'],
} as const;

const ticketSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    mode: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'matching'] },
    properties: { type: 'object', additionalProperties: true },
    submitted_at: { type: 'string', format: 'date-time' },
    query: { type: 'string' },
  },
  required: ['id', 'mode', 'status', 'properties', 'submitted_at'],
} as const;

/** REST codes of the matchmaker's refusals (the frames use the flat reasons as they are). */
const REST_CODES: Readonly<Record<string, ErrorCode>> = {
  not_found: 'matchmaker.ticket_not_found',
  not_owner: 'forbidden',
  unknown_mode: 'matchmaker.unknown_mode',
  queue_full: 'matchmaker.queue_full',
  not_started: 'not_ready',
};

/** A matchmaker refusal as a REST error; anything else is rethrown as is. */
function toApiError(e: unknown): unknown {
  if (!isGameError(e)) return e;
  if (e.reason === 'invalid_properties' || e.reason === 'invalid_query') {
    const field = e.reason === 'invalid_query' ? 'query' : 'properties';
    return new ApiError('validation_failed', { ...e.details, fields: { [field]: String(e.details['why'] ?? 'invalid') } });
  }
  const code = REST_CODES[e.reason];
  return code !== undefined ? new ApiError(code, e.details) : apiErrorOf(e);
}

async function rest<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toApiError(e);
  }
}

/**
 * Registers the matchmaker frames and routes on `app` (inside the `/api/v1` scope of the calling plugin).
 *
 * Frames: `matchmaker.add {mode = "default", properties?, query?}` → `matchmaker.queued {ticket_id,
 * status, players_needed, already_queued}`; `matchmaker.remove {ticket_id}` → `matchmaker.removed
 * {success: true}`; refusals are error frames with the flat reason (`unknown_mode`, `queue_full`,
 * `not_found`, `not_owner`, `invalid_properties`, `invalid_query`).
 *
 * @example
 * const matchmaker = new Matchmaker({ system: ctx.system, modes, startMatch, notify: (p, f) => ctx.gateway.sendToPlayer(p, f) });
 * await matchmaker.start();
 * app.addHook('onClose', () => matchmaker.stop());
 * registerMatchmakerRoutes(app, ctx, matchmaker);
 */
export function registerMatchmakerRoutes(app: FastifyInstance, ctx: ServerContext, matchmaker: MatchmakerService): void {
  // ---- frames ----

  ctx.gateway.registerFrameHandler('matchmaker.add', async ({ payload, session }) => {
    // `query` reaches here once the inbound validator keeps it (see guides/matchmaking.md).
    const query = (payload as { readonly query?: unknown }).query;
    const r = await refusing(() => matchmaker.add(session.playerId, { mode: payload.mode, properties: payload.properties, ...(query === undefined ? {} : { query }) }));
    return frame('matchmaker.queued', { ticket_id: r.ticket_id, status: r.status, players_needed: r.players_needed, already_queued: r.already_queued });
  });

  ctx.gateway.registerFrameHandler('matchmaker.remove', async ({ payload, session }) => {
    await refusing(() => matchmaker.remove(payload.ticket_id, session.playerId));
    return frame('matchmaker.removed', { success: true });
  });

  // ---- REST ----

  app.post(
    '/matchmaker',
    {
      config: { auth: true },
      schema: {
        tags: ['matchmaker'],
        summary: 'Queue for a match (one ticket per player and mode; a re-add answers the existing ticket)',
        description:
          'Pushes `match.matched {match_id, players}` over the socket when a group starts, `match.matchmaker_expired {ticket_id}` after `maxWaitSeconds` from the first submission, `match.matchmaker_failed {reason}` when the match cannot start.',
        security,
        body: {
          type: 'object',
          properties: {
            mode: { type: 'string', minLength: 1, maxLength: MATCHMAKER_INPUT_LIMITS.maxModeLength, default: 'default' },
            properties: propertiesSchema,
            query: { type: 'string', maxLength: MATCHMAKER_INPUT_LIMITS.maxQueryLength },
          },
          additionalProperties: false,
        },
        response: { 200: queuedSchema },
      },
    },
    async (request) => {
      const body = (request.body ?? {}) as { mode?: string; properties?: Record<string, unknown>; query?: string };
      return rest(() =>
        matchmaker.add(me(request), {
          mode: body.mode ?? 'default',
          ...(body.properties === undefined ? {} : { properties: body.properties }),
          ...(body.query === undefined ? {} : { query: body.query }),
        }),
      );
    },
  );

  app.get(
    '/matchmaker/:ticket_id',
    {
      config: { auth: true },
      schema: { tags: ['matchmaker'], summary: 'One of your tickets', security, params: ticketIdParams, response: { 200: ticketSchema } },
    },
    async (request) => {
      const { ticket_id } = request.params as { ticket_id: string };
      return rest(() => matchmaker.get(ticket_id, me(request)));
    },
  );

  app.delete(
    '/matchmaker/:ticket_id',
    {
      config: { auth: true },
      schema: {
        tags: ['matchmaker'],
        summary: 'Cancel one of your tickets',
        security,
        params: ticketIdParams,
        response: { 200: { type: 'object', properties: { success: { type: 'boolean' } }, required: ['success'] } },
      },
    },
    async (request) => {
      const { ticket_id } = request.params as { ticket_id: string };
      await rest(() => matchmaker.remove(ticket_id, me(request)));
      return { success: true };
    },
  );
}
