/**
 * Votes on the wire (asobi-reference.md §2.9, §3.2, §4.3): the `vote.cast` and `vote.veto` frames
 * (`vote.cast_ok` / `vote.veto_ok {success: true}`; a refusal is an `error` frame with its reason, e.g.
 * `vote_not_found` → `ws.request_failed`, `rate_limited` → `rate_limited`), `GET /votes/:id` (any
 * signed-in player; 404 `vote.not_found`) and `GET /matches/:id/votes` (the match's participants only,
 * else 403 `forbidden`; newest 50 as `{votes}`). Hidden votes leave out `votes_cast` until resolved.
 * `registerVoteRoutes` is called by the game plugin with the node's `Votes` (see guides/voting.md).
 */
import { frame } from '@hajime/protocol';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { me } from '../hooks.js';
import { refusing } from './game-errors.js';

/** The vote service as the routes use it (the `Votes` of `@hajime/game` implements it). */
export interface VoteService {
  cast(voteId: string, playerId: string, optionId: string | readonly string[]): Promise<void>;
  veto(voteId: string, playerId: string): Promise<void>;
  get(voteId: string): Promise<{ readonly id: string } | undefined>;
  listForMatch(matchId: string, limit?: number): Promise<readonly { readonly id: string }[]>;
}

export interface VoteRouteDeps {
  readonly votes: VoteService;
  /** Whether `playerId` plays (or played) in `matchId` (or world): gates the match's vote history. */
  isParticipant(matchId: string, playerId: string): Promise<boolean>;
}

/** Newest votes `GET /matches/:id/votes` answers (asobi: 50). */
export const MATCH_VOTES_LIMIT = 50;

const security = [{ bearer: [] }];
const nullable = (type: string) => ({ type: [type, 'null'] });

/** One vote on the REST wire (live: `status: 'open'`; stored: `'closed'`). */
export const voteSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    match_id: { type: 'string' },
    status: { type: 'string', enum: ['open', 'closed'] },
    template: nullable('string'),
    method: { type: 'string', enum: ['plurality', 'approval', 'weighted', 'ranked'] },
    options: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, label: { type: 'string' } }, required: ['id'] } },
    visibility: { type: 'string', enum: ['live', 'hidden'] },
    votes_cast: { type: 'object', additionalProperties: true, description: 'Ballots by voter id; absent while a hidden vote is open.' },
    result: { type: ['object', 'null'], additionalProperties: true, description: '`winner`, `status` (`decided`, `no_quorum`, `no_consensus`, `vetoed`), `counts`, `total_votes`.' },
    distribution: { type: ['object', 'null'], additionalProperties: true },
    turnout: nullable('number'),
    eligible_count: nullable('integer'),
    window_ms: nullable('integer'),
    opened_at: { type: ['string', 'null'], format: 'date-time' },
    closed_at: { type: ['string', 'null'], format: 'date-time' },
  },
  required: ['id', 'match_id', 'status', 'template', 'method', 'options', 'result', 'distribution', 'turnout', 'eligible_count', 'window_ms', 'opened_at', 'closed_at'],
} as const;

/**
 * Registers the vote frames and routes on `app` (the /api/v1 scope of the game plugin).
 *
 * @example
 * const votes = new Votes({ system: ctx.system, store: ctx.storage.votes });
 * await votes.start();
 * registerVoteRoutes(app, ctx, { votes, isParticipant: (matchId, playerId) => matches.isParticipant(matchId, playerId) });
 */
export function registerVoteRoutes(app: FastifyInstance, ctx: ServerContext, deps: VoteRouteDeps): void {
  const { votes } = deps;

  ctx.gateway.registerFrameHandler('vote.cast', async ({ payload, session }) => {
    await refusing(() => votes.cast(payload.vote_id, session.playerId, payload.option_id));
    return frame('vote.cast_ok', { success: true });
  });

  ctx.gateway.registerFrameHandler('vote.veto', async ({ payload, session }) => {
    await refusing(() => votes.veto(payload.vote_id, session.playerId));
    return frame('vote.veto_ok', { success: true });
  });

  app.get(
    '/votes/:id',
    {
      config: { auth: true },
      schema: {
        tags: ['votes'],
        summary: 'One vote, open or resolved (any signed-in player)',
        security,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } },
        response: { 200: voteSchema },
      },
    },
    async (request) => {
      me(request);
      const { id } = request.params as { id: string };
      const vote = await votes.get(id);
      if (vote === undefined) throw new ApiError('vote.not_found', { vote_id: id });
      return vote;
    },
  );

  app.get(
    '/matches/:id/votes',
    {
      config: { auth: true },
      schema: {
        tags: ['votes'],
        summary: "A match's (or world's) votes, newest first (its participants only)",
        description: `Open votes first, then resolved ones; at most ${MATCH_VOTES_LIMIT}. Hidden open votes leave out \`votes_cast\`.`,
        security,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } },
        response: { 200: { type: 'object', properties: { votes: { type: 'array', items: voteSchema } }, required: ['votes'] } },
      },
    },
    async (request) => {
      const playerId = me(request);
      const { id } = request.params as { id: string };
      if (!(await deps.isParticipant(id, playerId))) throw new ApiError('forbidden', { reason: 'not_a_participant' });
      return { votes: await votes.listForMatch(id, MATCH_VOTES_LIMIT) };
    },
  );
}
