/**
 * `/api/v1/players`: read any player's public profile, update your own, erase yourself
 * (asobi-reference.md §2.4, §2.2 "Erasure").
 */
import type { Player } from '@hajime/storage';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { verifyPassword } from '../auth/password.js';
import { me } from '../hooks.js';

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const profileSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    display_name: { type: ['string', 'null'] },
    avatar_url: { type: ['string', 'null'] },
    metadata: { type: 'object', additionalProperties: true },
    inserted_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
  required: ['id', 'username'],
} as const;

/** The public profile: never the password hash or the ban. */
export function profile(p: Player): Record<string, unknown> {
  return { id: p.id, username: p.username, display_name: p.display_name, avatar_url: p.avatar_url, metadata: p.metadata, inserted_at: p.inserted_at.toISOString(), updated_at: p.updated_at.toISOString() };
}

export async function playersPlugin(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { storage } = ctx;
  const params = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: UUID } } } as const;

  app.get('/players/:id', { config: { auth: true }, schema: { tags: ['players'], summary: 'A player profile', security: [{ bearer: [] }], params, response: { 200: profileSchema } } }, async (request) => {
    const { id } = request.params as { id: string };
    const p = await storage.players.get(id);
    if (p === undefined) throw new ApiError('player.not_found');
    return profile(p);
  });

  app.put(
    '/players/:id',
    {
      config: { auth: true },
      schema: {
        tags: ['players'],
        summary: 'Update your own profile',
        security: [{ bearer: [] }],
        params,
        body: {
          type: 'object',
          properties: {
            display_name: { type: ['string', 'null'], maxLength: 64 },
            avatar_url: { type: ['string', 'null'], maxLength: 1024 },
            metadata: { type: 'object', additionalProperties: true },
          },
          additionalProperties: false,
        },
        response: { 200: profileSchema },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      if (id.toLowerCase() !== me(request)) throw new ApiError('forbidden', { reason: 'not_owner' });
      const body = request.body as { display_name?: string | null; avatar_url?: string | null; metadata?: Record<string, unknown> };
      const patch = {
        ...(body.display_name === undefined ? {} : { display_name: body.display_name }),
        ...(body.avatar_url === undefined ? {} : { avatar_url: body.avatar_url }),
        ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
      };
      return profile(await storage.players.update(id, patch));
    },
  );

  app.post(
    '/players/me/erase',
    {
      config: { auth: true, rateLimit: 'erase' },
      schema: {
        tags: ['players'],
        summary: 'Erase your account and its data (GDPR); password accounts confirm with the password',
        security: [{ bearer: [] }],
        body: { type: ['object', 'null'], properties: { password: { type: 'string', maxLength: 256 } } },
      },
    },
    async (request) => {
      const playerId = me(request);
      const player = await storage.players.require(playerId);
      if (player.hashed_password !== null) {
        const password = (request.body as { password?: string } | null)?.password;
        if (typeof password !== 'string' || !(await verifyPassword(password, player.hashed_password))) throw new ApiError('player.confirmation_failed');
        const now = await storage.players.get(playerId);
        if (now?.hashed_password !== player.hashed_password) throw new ApiError('player.credentials_changed');
      }
      await storage.erasure.erasePlayer(playerId, { actor: { actor_id: playerId, actor_display: player.username, actor_source: 'player', actor_attested: true } });
      ctx.auth.forgetPlayer(playerId, 'erased');
      return { deleted: true };
    },
  );
}
