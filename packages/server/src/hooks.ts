/**
 * Request hooks shared by every plugin: the 411 rule, per-group sliding-window rate limits (keyed by
 * bearer token when present, else client IP) and the `authenticate` pre-handler that turns a bearer
 * token into `request.principal` (401 `unauthenticated`, 403 `forbidden` with `details.reason: banned`).
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';
import type { ServerContext } from './context.js';
import type { RateLimitGroup } from './options.js';

/** Route config understood by the hooks. */
export interface HajimeRouteConfig {
  /** Rate limit group (default `api` under /api/v1; none elsewhere). */
  readonly rateLimit?: RateLimitGroup | false;
  /** Require a bearer token. */
  readonly auth?: boolean;
}

/** The bearer token of a request, if any. */
export function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

/** 411 for a body sent without a Content-Length (chunked uploads). */
export async function requireLength(request: FastifyRequest): Promise<void> {
  const method = request.method;
  if ((method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE') && request.headers['transfer-encoding'] !== undefined && request.headers['content-length'] === undefined) {
    throw new ApiError('length_required');
  }
}

/** The rate-limit key: the bearer token's hash (stands for the player) or the client IP. */
export function limitKey(request: FastifyRequest): string {
  const token = bearer(request);
  return token === undefined ? `ip:${request.ip}` : `tok:${createHash('sha256').update(token).digest('base64url').slice(0, 22)}`;
}

export function rateLimitHook(ctx: ServerContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const config = request.routeOptions.config as HajimeRouteConfig | undefined;
    const group = config?.rateLimit;
    if (group === undefined || group === false) return;
    const d = ctx.limiters[group].hit(`${group}:${limitKey(request)}`);
    if (!d.allowed) {
      const retryAfter = Math.max(1, Math.ceil(d.retryAfterMs / 1000));
      void reply.header('retry-after', String(retryAfter));
      throw new ApiError('rate_limited', { retry_after: retryAfter, group });
    }
  };
}

export function authenticateHook(ctx: ServerContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const config = request.routeOptions.config as HajimeRouteConfig | undefined;
    if (config?.auth !== true) return;
    const token = bearer(request);
    if (token === undefined) throw new ApiError('unauthenticated', { reason: 'missing_token' });
    const resolved = await ctx.auth.resolve(token);
    if (resolved === undefined) throw new ApiError('unauthenticated', { reason: 'invalid_token' });
    if (resolved.banned) throw new ApiError('forbidden', { reason: 'banned' });
    request.principal = resolved.principal;
  };
}

/** The authenticated player's id (only on `auth: true` routes). */
export function me(request: FastifyRequest): string {
  if (request.principal === null) throw new ApiError('unauthenticated');
  return request.principal.playerId;
}
