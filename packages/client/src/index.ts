/**
 * @hajime/client: the client SDK of Hajime for browsers and Node 20. Typed REST modules with single-flight
 * token refresh, a WebSocket client of the asobi protocol (reply matching, heartbeat, reconnect with
 * backoff, typed events), and guest device credentials. Works against asobi servers too.
 * See guides/client-sdk.md.
 */

// The client and its REST modules
export { HajimeClient, type HajimeClientOptions } from './client.js';
export { AuthApi, type AuthResponse, type AuthProvider, type RegisterRequest, type LoginRequest, type ProviderTokenRequest, type LinkResponse, type SuccessResponse } from './rest/auth.js';
export { PlayersApi, type PlayerProfile, type PlayerUpdate } from './rest/players.js';
export { RestTransport, seg, type FetchLike, type HttpMethod, type Query, type RequestOptions, type RestTransportOptions } from './rest/transport.js';
export type { Tokens, OnTokens } from './tokens.js';

// The WebSocket client
export { HajimeSocket, type SocketState, type SendOptions, type FireOptions, type HeartbeatResult } from './socket/socket.js';
export type { HajimeSocketOptions, TokenSource } from './socket/options.js';
export type { SocketEvents, SocketEventName, SocketListener, FrameListener, LifecycleEvents, ConnectedEvent, DisconnectedEvent, ReconnectingEvent, ReconnectFailedEvent, AuthExpiredEvent } from './socket/events.js';
export { REPLY_TYPE_OF, RESERVED_LEAVES, customEvent, type ServerFrame, type CustomEventFrame, type ReplyPayloads, type RequestType, type RequestPayloads, type SessionConnected } from './socket/frames.js';
export { backoffDelayMs, DEFAULT_RECONNECT, type ReconnectOptions } from './socket/backoff.js';
export { resolveWebSocket, type WebSocketLike, type WebSocketConstructor } from './socket/websocket.js';

// Guest devices
export { GuestDevice, GUEST_DEVICE_KEY, DEVICE_SECRET_BYTES, memoryStore, webStorageStore, platformLocalStorage, defaultGuestDeviceStore, type GuestDeviceCredentials, type GuestDeviceStore, type WebStorageLike } from './guest-device.js';

// Errors
export { HajimeError, HajimeApiError, HajimeSocketError, HajimeClientError, CLIENT_ERRORS, isHajimeError, type ClientErrorCode, type WireErrorCode } from './errors.js';

// Time
export { realClock, type ClientClock, type ClientTimer } from './clock.js';

// Wire types, re-exported from @hajime/protocol (types only: nothing of it is loaded at run time)
export type { ErrorCode, ErrorObject, InboundPayloads, InboundType, OutboundPayloads, OutboundType, MatchListing, WorldListing } from '@hajime/protocol';

export { MatchesApi, MatchmakerApi, VotesApi, type QueuedTicket } from './rest/game.js';
export { EconomyApi, LeaderboardsApi, ChatApi, TournamentsApi, SocialApi, NotificationsApi, SavesApi, StorageApi, RpcApi, type Wallet } from './rest/domains.js';
