/**
 * @hajime/server: the front door. `createServer(options)` builds Fastify (REST under /api/v1, health,
 * metrics, OpenAPI at /docs) and the WebSocket gateway on one HTTP server, without listening.
 * See guides/rest-api.md, guides/protocol.md and guides/authentication.md.
 */
export { createServer, DEFAULT_PLUGINS, type HajimeServer, type CreateServerExtras, type DomainPlugin } from './server.js';
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
// Economy and inventory: the REST routes (wallets, ledger, store, purchases, inventory), the catalogue loader and server-side grants.
export { economyPlugin, notOnSale, CONSUME_QUANTITY_MAX, PURCHASE_KEY_PREFIX, PURCHASE_KEY_MAX } from './plugins/economy.js';
export { loadCatalogue, validateCatalogue, CatalogueError, CATALOGUE_ERRORS, type Catalogue, type CatalogueItem, type CatalogueListing, type CatalogueReport, type CatalogueProblem, type CatalogueErrorCode, type LoadCatalogueOptions, type ValidatedCatalogue, type ValidCatalogueItem, type ValidCatalogueListing } from './economy/catalogue.js';
export { grantItem, type GrantItemOptions } from './economy/grants.js';
export { SlidingWindowLimiter, type LimitDecision } from './internal/sliding-window.js';
// The WebSocket gateway (GET /ws): frame handlers for domains, pushes to players, session close codes.
export { Gateway, WS_PATH, maxMessageBytes, type GatewayDeps } from './gateway/gateway.js';
export { FrameRefusal, type FrameHandler, type FrameRequest, type FrameHandlerResult, type HandledType, type SessionHandle } from './gateway/frame-handlers.js';
export { pushMessage, playerGroup, FRAME_WINDOW_MS, type PushMessage } from './gateway/session.js';
export { CLOSE_CODES, CLOSE_REASONS, type CloseFrame } from './gateway/close.js';
// Social (friends, groups) and notifications: REST plugins, and the Notifier server code uses to notify players.
export { socialPlugin, FRIEND_REQUEST_NOTIFICATION } from './plugins/social.js';
export { notificationsPlugin } from './plugins/notifications.js';
export { Notifier, createNotifier, notificationJson, type NotifierDeps, type NotificationJson } from './notifier.js';
// Cloud saves, storage objects and RPC (REST routes; rpcPlugin also answers the rpc.call frame).
export { savesPlugin } from './plugins/saves.js';
export { objectsPlugin } from './plugins/objects.js';
export { rpcPlugin } from './plugins/rpc.js';
// The RPC registry (ctx.rpc): methods registered by name, params checked by a JSON-schema subset.
export { RpcRegistry, RPC_METHOD_RE, RPC_METHOD_MAX_LENGTH, type RpcHandler, type RpcContext, type RpcResult, type RpcOutcome, type RpcTransport, type RegisterRpcOptions, type RpcLogger } from './rpc/registry.js';
export { compileParamsSchema, type ParamsSchema, type ParamsValidator, type JsonType } from './rpc/params-schema.js';
