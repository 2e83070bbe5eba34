/**
 * `/api/v1/auth/*`: register, login, refresh, logout, guest (create-or-resume), guest upgrade, OAuth/OIDC
 * and Steam sign-in, link and unlink (asobi-reference.md §2.2, §3.1). Every sign-in answers
 * `{player_id, access_token, refresh_token, username}`.
 */
import { isStorageError, type Player } from '@hajime/storage';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { checkVerifier, decodeDeviceSecret, guestUsername, makeVerifier, type GuestVerifier } from '../auth/guest.js';
import { PROVIDERS } from '../auth/identity-verifier.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../auth/password.js';
import { bearer, me } from '../hooks.js';

const tokensResponse = {
  type: 'object',
  properties: {
    player_id: { type: 'string' },
    access_token: { type: 'string' },
    refresh_token: { type: 'string' },
    username: { type: 'string' },
    created: { type: 'boolean' },
    guest: { type: 'boolean' },
    upgraded: { type: 'boolean' },
  },
  required: ['player_id', 'access_token', 'refresh_token', 'username'],
} as const;

const usernameSchema = { type: 'string', minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$' } as const;
const passwordSchema = { type: 'string', minLength: 1, maxLength: 256 } as const;

export async function authPlugin(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { storage, auth, options } = ctx;
  const opts = options.auth;

  function checkPassword(password: string): void {
    if ([...password].length < opts.passwordMinLength) throw new ApiError('validation_failed', { fields: { password: `must be at least ${opts.passwordMinLength} characters` } });
  }

  async function signedIn(player: Pick<Player, 'id' | 'username'>, extra: Record<string, boolean> = {}): Promise<Record<string, unknown>> {
    const pair = await auth.issuePair(player.id);
    return { player_id: player.id, ...pair, username: player.username, ...extra };
  }

  app.post(
    '/auth/register',
    {
      config: { rateLimit: 'register' },
      schema: {
        tags: ['auth'],
        summary: 'Create a password account',
        body: { type: 'object', required: ['username', 'password'], properties: { username: usernameSchema, password: passwordSchema, display_name: { type: 'string', maxLength: 64 } }, additionalProperties: true },
        response: { 200: tokensResponse },
      },
    },
    async (request) => {
      if (opts.registration === 'closed') throw new ApiError('auth.registration_closed');
      if (opts.registration === 'oauth_only') throw new ApiError('auth.password_registration_disabled');
      const body = request.body as { username: string; password: string; display_name?: string };
      checkPassword(body.password);
      const hashed = await hashPassword(body.password);
      try {
        const player = await storage.players.create({ username: body.username, hashed_password: hashed, display_name: body.display_name ?? null });
        return await signedIn(player);
      } catch (e) {
        if (isStorageError(e, 'STO_ERR_USERNAME_TAKEN')) throw new ApiError('auth.username_taken', { fields: { username: 'taken' } });
        throw e;
      }
    },
  );

  app.post(
    '/auth/login',
    {
      config: { rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username and password',
        body: { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string', maxLength: 64 }, password: passwordSchema } },
        response: { 200: tokensResponse },
      },
    },
    async (request) => {
      const { username, password } = request.body as { username: string; password: string };
      const player = await storage.players.getByUsername(username);
      // Unknown users cost the same KDF time as wrong passwords.
      const ok = await verifyPassword(password, player?.hashed_password ?? DUMMY_HASH);
      if (player === undefined || player.hashed_password === null || !ok) throw new ApiError('auth.invalid_credentials');
      if (player.banned_at !== null) throw new ApiError('forbidden', { reason: 'banned' });
      return signedIn(player);
    },
  );

  app.post(
    '/auth/refresh',
    {
      config: { rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Rotate a refresh token (single use)',
        body: { type: 'object', required: ['refresh_token'], properties: { refresh_token: { type: 'string', maxLength: 512 } } },
        response: { 200: { type: 'object', properties: { access_token: { type: 'string' }, refresh_token: { type: 'string' } }, required: ['access_token', 'refresh_token'] } },
      },
    },
    async (request) => {
      const { access_token, refresh_token } = await auth.refresh((request.body as { refresh_token: string }).refresh_token);
      return { access_token, refresh_token };
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { rateLimit: 'auth' },
      schema: { tags: ['auth'], summary: 'Revoke the session (always succeeds)', body: { type: ['object', 'null'], properties: { refresh_token: { type: 'string', maxLength: 512 } } } },
    },
    async (request) => {
      const body = (request.body ?? {}) as { refresh_token?: string };
      await auth.logout(body.refresh_token, bearer(request));
      return { success: true };
    },
  );

  app.post(
    '/auth/guest',
    {
      config: { rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Guest device sign-in (create or resume)',
        body: { type: 'object', required: ['device_id', 'device_secret'], properties: { device_id: { type: 'string', minLength: 1, maxLength: 255 }, device_secret: { type: 'string', maxLength: 256 } } },
        response: { 200: tokensResponse },
      },
    },
    async (request) => {
      const g = opts.guest;
      if (!g.enabled || g.pepper === undefined) throw new ApiError('guest.disabled');
      const { device_id, device_secret } = request.body as { device_id: string; device_secret: string };
      if (Buffer.byteLength(device_id) > 255) throw new ApiError('validation_failed', { fields: { device_id: 'at most 255 bytes' } });
      const secret = decodeDeviceSecret(device_secret);
      if (secret === undefined) throw new ApiError('validation_failed', { fields: { device_secret: 'base64 of 32..128 bytes' } });
      const existing = await storage.players.findIdentity('guest', device_id);
      if (existing !== undefined) {
        if (!checkVerifier(g.pepper, existing.provider_metadata as Partial<GuestVerifier>, secret)) throw new ApiError('guest.invalid_credentials');
        const player = await storage.players.require(existing.player_id);
        if (player.banned_at !== null) throw new ApiError('forbidden', { reason: 'banned' });
        return signedIn(player, { guest: true });
      }
      if (opts.registration === 'closed') throw new ApiError('auth.registration_closed');
      const global = ctx.limiters.guest_global.hit('guest_global');
      if (!global.allowed) throw new ApiError('rate_limited', { retry_after: Math.max(1, Math.ceil(global.retryAfterMs / 1000)), group: 'guest_global' });
      let count: number;
      try {
        count = await storage.players.countByProvider('guest');
      } catch {
        throw new ApiError('guest.unavailable');
      }
      if (count >= g.unlinkedCap) throw new ApiError('guest.capacity_reached');
      const verifier = makeVerifier(g.pepper, g.keyId, secret);
      try {
        const player = await storage.driver.transaction(async (tx) => {
          const p = await storage.players.create({ username: guestUsername() }, tx);
          await storage.players.addIdentity(p.id, { provider: 'guest', provider_uid: device_id, provider_metadata: { ...verifier } }, tx);
          return p;
        });
        return await signedIn(player, { guest: true, created: true });
      } catch (e) {
        // Two first calls for one device raced: the loser signs in like a resume.
        if (isStorageError(e, 'STO_ERR_IDENTITY_TAKEN')) throw new ApiError('auth.already_registering');
        throw e;
      }
    },
  );

  app.post(
    '/auth/guest/upgrade',
    {
      config: { auth: true, rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Turn a guest into a password account (same player id)',
        security: [{ bearer: [] }],
        body: { type: 'object', required: ['username', 'password'], properties: { username: usernameSchema, password: passwordSchema } },
        response: { 200: tokensResponse },
      },
    },
    async (request) => {
      const playerId = me(request);
      if (opts.registration === 'oauth_only') throw new ApiError('auth.password_registration_disabled');
      const { username, password } = request.body as { username: string; password: string };
      checkPassword(password);
      const hashed = await hashPassword(password);
      const identities = await storage.players.listIdentities(playerId);
      const player = await storage.players.require(playerId);
      if (player.hashed_password !== null || !identities.some((i) => i.provider === 'guest')) throw new ApiError('guest.already_upgraded');
      let pair;
      try {
        pair = await storage.driver.transaction(async (tx) => {
          await storage.players.rename(playerId, username, tx);
          await storage.players.setPassword(playerId, hashed, tx);
          await storage.players.removeIdentity(playerId, 'guest', tx);
          await storage.tokens.revokeAllForPlayer(playerId, new Date(ctx.system.clock.epochMs()), tx);
          return auth.issuePair(playerId, tx);
        });
      } catch (e) {
        if (isStorageError(e, 'STO_ERR_USERNAME_TAKEN')) throw new ApiError('auth.username_taken', { fields: { username: 'taken' } });
        throw e;
      }
      auth.forgetPlayer(playerId, 'guest_upgrade');
      return { player_id: playerId, ...pair, username, upgraded: true };
    },
  );

  app.post(
    '/auth/oauth',
    {
      config: { rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with google, apple, microsoft, discord (OIDC ID token) or steam (session ticket)',
        body: { type: 'object', required: ['provider', 'token'], properties: { provider: { type: 'string', enum: [...PROVIDERS] }, token: { type: 'string', minLength: 1, maxLength: 16384 } } },
        response: { 200: tokensResponse },
      },
    },
    async (request) => {
      const { provider, token } = request.body as { provider: string; token: string };
      const id = await ctx.identities.verify(provider, token);
      const existing = await storage.players.findIdentity(id.provider, id.provider_uid);
      if (existing !== undefined) {
        const player = await storage.players.require(existing.player_id);
        if (player.banned_at !== null) throw new ApiError('forbidden', { reason: 'banned' });
        return signedIn(player);
      }
      if (opts.registration === 'closed') throw new ApiError('auth.registration_closed');
      for (let attempt = 0; attempt < 5; attempt++) {
        const username = `${id.provider}_${id.provider_uid.replace(/[^A-Za-z0-9]/g, '').slice(0, 8).toLowerCase() || 'user'}_${Math.floor(1000 + Math.random() * 9000)}`;
        try {
          const player = await storage.driver.transaction(async (tx) => {
            const p = await storage.players.create({ username, display_name: id.display_name ?? null }, tx);
            await storage.players.addIdentity(
              p.id,
              { provider: id.provider, provider_uid: id.provider_uid, provider_email: id.email ?? null, provider_display_name: id.display_name ?? null, provider_metadata: id.metadata ?? {} },
              tx,
            );
            return p;
          });
          return await signedIn(player, { created: true });
        } catch (e) {
          if (isStorageError(e, 'STO_ERR_USERNAME_TAKEN')) continue;
          if (isStorageError(e, 'STO_ERR_IDENTITY_TAKEN')) throw new ApiError('auth.already_registering');
          throw e;
        }
      }
      throw new ApiError('internal', { reason: 'username_generation_failed' });
    },
  );

  app.post(
    '/auth/link',
    {
      config: { auth: true, rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Link a provider identity to this player',
        security: [{ bearer: [] }],
        body: { type: 'object', required: ['provider', 'token'], properties: { provider: { type: 'string', enum: [...PROVIDERS] }, token: { type: 'string', minLength: 1, maxLength: 16384 } } },
      },
    },
    async (request) => {
      const playerId = me(request);
      const { provider, token } = request.body as { provider: string; token: string };
      const id = await ctx.identities.verify(provider, token);
      try {
        await storage.players.addIdentity(playerId, {
          provider: id.provider,
          provider_uid: id.provider_uid,
          provider_email: id.email ?? null,
          provider_display_name: id.display_name ?? null,
          provider_metadata: id.metadata ?? {},
        });
      } catch (e) {
        if (isStorageError(e, 'STO_ERR_IDENTITY_TAKEN')) throw new ApiError('auth.provider_already_linked', { provider: id.provider });
        throw e;
      }
      return { provider: id.provider, provider_uid: id.provider_uid, linked: true };
    },
  );

  app.delete(
    '/auth/unlink',
    {
      config: { auth: true, rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Unlink a provider identity (never the last way to sign in)',
        security: [{ bearer: [] }],
        querystring: { type: 'object', required: ['provider'], properties: { provider: { type: 'string', maxLength: 32 } } },
      },
    },
    async (request) => {
      const playerId = me(request);
      const { provider } = request.query as { provider: string };
      const player = await storage.players.require(playerId);
      const identities = await storage.players.listIdentities(playerId);
      if (!identities.some((i) => i.provider === provider)) throw new ApiError('auth.identity_not_found', { provider });
      // Every identity of that provider goes: count what is left after it.
      const remaining = identities.filter((i) => i.provider !== provider).length + (player.hashed_password === null ? 0 : 1);
      if (remaining < 1) throw new ApiError('auth.last_auth_method');
      await storage.players.removeIdentity(playerId, provider);
      return { success: true };
    },
  );
}
