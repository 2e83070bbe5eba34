/**
 * @hajime/server: the front door. `createServer(options)` builds Fastify (REST under /api/v1, health,
 * metrics, OpenAPI at /docs) and the WebSocket gateway on one HTTP server, without listening.
 * See guides/rest-api.md, guides/protocol.md and guides/authentication.md.
 */
export { createServer, DEFAULT_PLUGINS, type HajimeServer, type CreateServerExtras, type DomainPlugin } from './server.js';
export { resolveOptions, DEFAULT_RATE_LIMITS, RATE_LIMIT_GROUPS, type ServerOptions, type AuthOptions, type WsOptions, type RateLimit, type RateLimitGroup, type OidcProviderOptions, type SteamOptions, type LoggerOptions, REQUEST_LOG_LEVELS, type RequestLogLevel } from './options.js';
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
export { pushMessage, playerGroup, textFrame, FRAME_WINDOW_MS, type PushMessage } from './gateway/session.js';
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
// Leaderboards: one board actor per live board (memory reads, dirty flush to storage), the service that starts them, and the REST routes.
export { leaderboardsPlugin, createLeaderboardsPlugin, leaderboardEntryOut, leaderboardEntrySchema, BOARD_ID_PATTERN, type LeaderboardsPluginOptions, type LeaderboardEntryJson } from './plugins/leaderboards.js';
export { Leaderboards, TOP_LIMIT, AROUND_RANGE, LEADERBOARD_METADATA_MAX_BYTES, type LeaderboardsDeps, type SubmitOptions, type SubmitResult, type LeaderboardRankedEntry } from './leaderboards/leaderboards.js';
export { Board, BoardServer, type BoardArgs, type BoardStats, type BoardCallOptions, type LeaderboardStore, type SubmitInput, type SubmitReply } from './leaderboards/board-server.js';
export { SortedBoard, compareEntries, type BoardEntry, type RankedBoardEntry } from './leaderboards/sorted-board.js';
export { applyOperator, isOperator, OPERATORS, SCORE_LIMIT, type Operator } from './leaderboards/operators.js';
export { resolveLeaderboardsOptions, clientSubmitAllowed, operatorOf, resetOf, matchesBoard, LEADERBOARD_DEFAULTS, type LeaderboardsOptions, type ResolvedLeaderboardsOptions } from './leaderboards/options.js';
export { nextReset, nextBoundary, periodStart, archiveIdFor, utcDate, isResetEvery, isArchiveId, RESET_EVERY, type ResetEvery, type ResetRule, type ResetPlan } from './leaderboards/resets.js';
// In-app purchases: receipt validation routes (not default: pass createIapPlugin(...) in extras.plugins), Apple JWS and Google Play verifiers.
// Writing a game: the authoring helpers and types of @hajime/game, re-exported for one-import servers
export { finished, refuse, rejectInput, ModeRegistry, Matches, GameError, isGameError, type MatchBehaviour, type MatchApi, type MatchConfig, type ModeConfig, type JoinCtx, type VoteMethod, type VoteRequest, type VoteResult, type MatchmakerStrategy, type PhaseDef, type ReconnectPolicy } from '@hajime/game';
export { createGamePlugin, gatewayDelivery, type GamePluginOptions, type GameRuntime } from './plugins/game.js';
export { registerMatchRoutes, NOT_IN_MATCH_ANSWER_EVERY_MS } from './plugins/matches.js';
export { registerVoteRoutes, voteSchema, MATCH_VOTES_LIMIT, type VoteService, type VoteRouteDeps } from './plugins/votes.js';
export { registerMatchmakerRoutes, MATCHMAKER_INPUT_LIMITS, type MatchmakerService } from './plugins/matchmaker.js';
export { refusalOf, apiErrorOf, refusing } from './plugins/game-errors.js';
export { createIapPlugin, IAP_MISSING, type IapPluginOptions, type IapGrant } from './plugins/iap.js';
export { createAppleVerifier, IapVerificationError, APPLE_JWS_MAX_BYTES, type AppleVerifier, type AppleVerifierSettings, type AppleTransactionPayload, type IapInvalidReason } from './iap/apple.js';
export { createGoogleVerifier, IapUpstreamError, GOOGLE_API_BASE_URL, GOOGLE_TIMEOUT_MS, type GoogleVerifier, type GoogleVerifierSettings, type GooglePurchase } from './iap/google.js';
export { serviceAccountAccessToken, ANDROID_PUBLISHER_SCOPE, GOOGLE_TOKEN_URI, type ServiceAccountKey, type ServiceAccountTokenOptions } from './iap/google-auth.js';
// Chat, DMs and presence: one channel actor per live channel (members as a process group, 100-message buffer, idle stop), the ACL and content rules, the presence service, and the plugins (default plugins; options.chat / options.presence false leave them out).
export { chatPlugin, createChatPlugin, presencePlugin, chatMessageOut, chatMessageSchema, type ChatPluginOptions, type ChatMessageJson } from './plugins/chat.js';
export { Chat, CHAT_DEFAULTS, type ChatOptions, type ChatDeps, type ChatSocial, type DmResult } from './chat/chat.js';
export { Channel, ChannelServer, channelGroup, type ChannelArgs, type ChannelStats, type ChatStore, type BufferedMessage, type SendReply, type Delivery } from './chat/channel-server.js';
export { parseChannel, checkAccess, contentProblem, checkChannelContent, checkDmContent, recipientOf, SUPPORTED_CHANNEL_TYPES, type ParsedChannel, type MembershipLookup, type ContentProblem } from './chat/acl.js';
export { Presence, PRESENCE_ONLINE, PRESENCE_OFFLINE, type PresenceDeps, type PresenceGateway } from './chat/presence.js';
// Tournaments: one actor per pending or active tournament (start/end on the clock, entry fees, rewards paid once), the service and the REST routes.
export { tournamentsPlugin, createTournamentsPlugin, tournamentOut, tournamentSchema, type TournamentsPluginOptions, type TournamentJson } from './plugins/tournaments.js';
export { Tournaments, TOURNAMENT_LIST_LIMIT, MAX_FEE_ATTEMPTS, type TournamentsDeps, type TournamentsOptions, type StandingsSource } from './tournaments/tournaments.js';
export { TournamentActor, TournamentServer, MAX_TIMER_MS, type TournamentArgs, type TournamentOps, type TournamentCallOptions, type JoinReply } from './tournaments/tournament-server.js';
export { parseEntryFee, parseRewards, payoutsFor, feeKey, refundKey, rewardKey, REWARD_MAX_RANK, type EntryFee, type RewardTier, type Payout } from './tournaments/rules.js';
export { createLuaHostServices } from './lua-services.js';
export type { ServerServices } from './context.js';
