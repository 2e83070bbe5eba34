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
// Sign-in with OIDC providers (google, apple, microsoft, discord) and Steam; createServer builds this from options.auth.
export { createIdentityVerifier, type IdentityVerifierOptions } from './auth/identity-verifiers.js';
export { createOidcVerifier, OIDC_PROVIDERS, OIDC_ALGORITHMS, type OidcProvider, type OidcVerifier, type OidcVerifierSettings } from './auth/oidc.js';
export { createSteamVerifier, STEAM_API_BASE_URL, STEAM_TICKET_MAX_BYTES, type SteamVerifier, type SteamVerifierSettings } from './auth/steam.js';
export type { FetchLike } from './internal/outbound-http.js';
export { hashPassword, verifyPassword } from './auth/password.js';
export { bearer, me, type HajimeRouteConfig } from './hooks.js';
export { SlidingWindowLimiter, type LimitDecision } from './internal/sliding-window.js';
// The WebSocket gateway (GET /ws): frame handlers for domains, pushes to players, session close codes.
export { Gateway, WS_PATH, maxMessageBytes, type GatewayDeps } from './gateway/gateway.js';
export { FrameRefusal, type FrameHandler, type FrameRequest, type FrameHandlerResult, type HandledType, type SessionHandle } from './gateway/frame-handlers.js';
export { pushMessage, playerGroup, FRAME_WINDOW_MS, type PushMessage } from './gateway/session.js';
export { CLOSE_CODES, CLOSE_REASONS, type CloseFrame } from './gateway/close.js';
