/**
 * @hajime/server: the front door. `createServer(options)` builds Fastify (REST under /api/v1, health,
 * metrics, OpenAPI at /docs) and the WebSocket gateway on one HTTP server, without listening.
 * See guides/rest-api.md, guides/protocol.md and guides/authentication.md.
 */
export { createServer, type HajimeServer, type CreateServerExtras, type DomainPlugin } from './server.js';
export { resolveOptions, DEFAULT_RATE_LIMITS, RATE_LIMIT_GROUPS, type ServerOptions, type AuthOptions, type WsOptions, type RateLimit, type RateLimitGroup, type OidcProviderOptions, type SteamOptions } from './options.js';
export type { ServerContext } from './context.js';
export { ApiError } from './api-error.js';
export { mapError } from './error-handler.js';
export { AuthService, type TokenPair, type Principal, type Revocation } from './auth/auth-service.js';
export { NO_PROVIDERS, PROVIDERS, type IdentityVerifier, type VerifiedIdentity, type Provider } from './auth/identity-verifier.js';
export { hashPassword, verifyPassword } from './auth/password.js';
export { bearer, me, type HajimeRouteConfig } from './hooks.js';
export { SlidingWindowLimiter, type LimitDecision } from './internal/sliding-window.js';
