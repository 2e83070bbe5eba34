/**
 * Server options: typed, defaults written once with units in the names, validated and frozen by
 * `resolveOptions`. `createServer` takes these; only `apps/server` reads the environment.
 */
import type { ActorSystem, Logger } from '@hajime/actor';
import type { Storage } from '@hajime/storage';

/** Rate limit groups (asobi-reference.md §2.3). */
export const RATE_LIMIT_GROUPS = ['register', 'auth', 'iap', 'api', 'ws_connect', 'join', 'guest_global', 'erase'] as const;
export type RateLimitGroup = (typeof RATE_LIMIT_GROUPS)[number];

export interface RateLimit {
  readonly max: number;
  readonly windowMs: number;
}

/** asobi's defaults, plus a tight bucket for self-service erasure. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<RateLimitGroup, RateLimit>> = Object.freeze({
  register: { max: 3, windowMs: 1_000 },
  auth: { max: 5, windowMs: 1_000 },
  iap: { max: 10, windowMs: 1_000 },
  api: { max: 300, windowMs: 1_000 },
  ws_connect: { max: 60, windowMs: 1_000 },
  join: { max: 10, windowMs: 60_000 },
  guest_global: { max: 100, windowMs: 1_000 },
  erase: { max: 3, windowMs: 60_000 },
});

/** An OIDC provider: tokens are validated against the issuer's JWKS (discovered, or given). */
export interface OidcProviderOptions {
  readonly issuer: string;
  /** The audience the ID token must carry (the client id). */
  readonly clientId: string;
  /** JWKS URL; default: discovered from `${issuer}/.well-known/openid-configuration`. */
  readonly jwksUrl?: string;
}

export interface SteamOptions {
  readonly apiKey: string;
  readonly appId: string;
  /** Steam Web API base (default https://api.steampowered.com); tests point it at a local fake. */
  readonly apiBaseUrl?: string;
  /** The identity string clients pass to `GetAuthTicketForWebApi`; sent as `identity` when set. */
  readonly identity?: string;
}

export interface AuthOptions {
  readonly accessTtlMs?: number;
  readonly refreshTtlMs?: number;
  /** `open` (default), `oauth_only` (no password sign-up) or `closed` (no new players). */
  readonly registration?: 'open' | 'oauth_only' | 'closed';
  /** Guest device auth; off unless enabled AND a pepper (≥ 32 bytes) is configured. */
  readonly guest?: { readonly enabled: boolean; readonly pepper?: string; readonly keyId?: string; readonly unlinkedCap?: number };
  readonly authCache?: { readonly positiveTtlMs?: number; readonly negativeTtlMs?: number; readonly maxEntries?: number };
  readonly passwordMinLength?: number;
  readonly providers?: Readonly<Partial<Record<'google' | 'apple' | 'microsoft' | 'discord', OidcProviderOptions>>>;
  readonly steam?: SteamOptions;
}

export interface WsOptions {
  /** Exact Origin allowlist; absent Origin always passes; undefined = any origin. */
  readonly allowedOrigins?: readonly string[];
  readonly idleAuthTimeoutMs?: number;
  readonly maxFrameBytes?: number;
  readonly framesPerSecond?: number;
  readonly maxChatChannels?: number;
  /** Offer the binary world.tick wire when a client asks for it. */
  readonly binaryWire?: boolean;
  /** Outbound bytes a connection may leave unread before it is closed 1013 `slow_consumer` (default 4 MiB). */
  readonly maxBufferedBytes?: number;
}

/** Levels the per-request log line may use. */
export const REQUEST_LOG_LEVELS = ['info', 'debug', 'trace'] as const;
export type RequestLogLevel = (typeof REQUEST_LOG_LEVELS)[number];

export interface LoggerOptions {
  /** Lowest level written (default `info`). */
  readonly level?: string;
  /**
   * The level of the one line written per completed request (`request completed`: method, url, status
   * code, response time, request id); `false`: none. Default `debug`, so a server at the default `info`
   * level writes no line per request (errors are logged either way: a 5xx at `warn` or `error`).
   */
  readonly requests?: RequestLogLevel | false;
  /** Where the JSON lines go (default: stdout). */
  readonly stream?: { write(line: string): void };
}

export interface ServerOptions {
  readonly storage: Storage;
  /** Default: a new system with snapshots in `storage`. */
  readonly system?: ActorSystem;
  /** Structured logs (pino through Fastify): `false` silences them (default true: level info, request lines at debug). */
  readonly logger?: boolean | LoggerOptions;
  /** Logger port for the actor system when the server creates it. */
  readonly actorLogger?: Logger;
  /** Dev mode: `module.error` frames to players, more detail in errors. */
  readonly dev?: boolean;
  readonly auth?: AuthOptions;
  readonly rateLimits?: Partial<Record<RateLimitGroup, RateLimit>>;
  /** CORS origin allowlist; empty or undefined: no CORS headers. */
  readonly corsOrigins?: readonly string[];
  readonly ws?: WsOptions;
  /** Request body cap (default 1 MiB). */
  readonly bodyLimitBytes?: number;
  /** Trust X-Forwarded-For from these proxies (Fastify's trustProxy). */
  readonly trustProxy?: boolean | string | readonly string[];
  /**
   * Chat and direct messages (`chatPlugin`: the `chat.*` and `dm.send` frames, `/chat` and `/dm` routes),
   * on by default. `false` leaves them out (those frames then answer `not_available`, the routes 404).
   */
  readonly chat?: boolean;
  /**
   * Presence with friend pushes (`presencePlugin`: `presence.update` also pushes `presence.changed` to
   * online friends), on by default. `false` keeps the gateway's plain `presence.update` (no pushes).
   */
  readonly presence?: boolean;
}

export interface ResolvedOptions {
  readonly storage: Storage;
  readonly system: ActorSystem | undefined;
  /** `false`, or pino's level and destination. */
  readonly logger: false | { readonly level: string; readonly stream: { write(line: string): void } | undefined };
  /** The level of the per-request line, or `false` (also when logging is off). */
  readonly requestLog: RequestLogLevel | false;
  readonly actorLogger: Logger | undefined;
  readonly dev: boolean;
  readonly auth: {
    readonly accessTtlMs: number;
    readonly refreshTtlMs: number;
    readonly registration: 'open' | 'oauth_only' | 'closed';
    readonly guest: { readonly enabled: boolean; readonly pepper: string | undefined; readonly keyId: string; readonly unlinkedCap: number };
    readonly authCache: { readonly positiveTtlMs: number; readonly negativeTtlMs: number; readonly maxEntries: number };
    readonly passwordMinLength: number;
    readonly providers: Readonly<Partial<Record<'google' | 'apple' | 'microsoft' | 'discord', OidcProviderOptions>>>;
    readonly steam: SteamOptions | undefined;
  };
  readonly rateLimits: Readonly<Record<RateLimitGroup, RateLimit>>;
  readonly corsOrigins: readonly string[];
  readonly ws: {
    readonly allowedOrigins: readonly string[] | undefined;
    readonly idleAuthTimeoutMs: number;
    readonly maxFrameBytes: number;
    readonly framesPerSecond: number;
    readonly maxChatChannels: number;
    readonly binaryWire: boolean;
    readonly maxBufferedBytes: number;
  };
  readonly bodyLimitBytes: number;
  readonly trustProxy: boolean | string | readonly string[];
  readonly chat: boolean;
  readonly presence: boolean;
}

function positive(name: string, v: number | undefined, fallback: number): number {
  const n = v ?? fallback;
  if (!(typeof n === 'number' && Number.isFinite(n) && n > 0)) throw new Error(`option ${name} must be a number > 0`);
  return n;
}

function flag(name: string, v: boolean | undefined, fallback: boolean): boolean {
  if (v !== undefined && typeof v !== 'boolean') throw new Error(`option ${name} must be true or false`);
  return v ?? fallback;
}

/** Fills defaults, validates, freezes. Throws an Error naming the bad option. */
export function resolveOptions(o: ServerOptions): ResolvedOptions {
  if (o.storage === undefined) throw new Error('option storage is required');
  const a = o.auth ?? {};
  const registration = a.registration ?? 'open';
  if (!['open', 'oauth_only', 'closed'].includes(registration)) throw new Error('option auth.registration must be open, oauth_only or closed');
  const pepper = a.guest?.pepper;
  if (pepper !== undefined && Buffer.byteLength(pepper) < 32) throw new Error('option auth.guest.pepper must be at least 32 bytes');
  const rateLimits = { ...DEFAULT_RATE_LIMITS } as Record<RateLimitGroup, RateLimit>;
  for (const [g, l] of Object.entries(o.rateLimits ?? {})) {
    if (!(RATE_LIMIT_GROUPS as readonly string[]).includes(g)) throw new Error(`unknown rate limit group ${g}`);
    rateLimits[g as RateLimitGroup] = { max: positive(`rateLimits.${g}.max`, l.max, 1), windowMs: positive(`rateLimits.${g}.windowMs`, l.windowMs, 1) };
  }
  const w = o.ws ?? {};
  const l = o.logger ?? true;
  const requestLog = l === false ? false : l === true ? 'debug' : (l.requests ?? 'debug');
  if (requestLog !== false && !(REQUEST_LOG_LEVELS as readonly string[]).includes(requestLog)) throw new Error(`option logger.requests must be ${REQUEST_LOG_LEVELS.join(', ')} or false`);
  return Object.freeze({
    storage: o.storage,
    system: o.system,
    logger: l === false ? false : Object.freeze({ level: l === true ? 'info' : (l.level ?? 'info'), stream: l === true ? undefined : l.stream }),
    requestLog,
    actorLogger: o.actorLogger,
    dev: o.dev ?? false,
    auth: Object.freeze({
      accessTtlMs: positive('auth.accessTtlMs', a.accessTtlMs, 60 * 60_000),
      refreshTtlMs: positive('auth.refreshTtlMs', a.refreshTtlMs, 30 * 24 * 60 * 60_000),
      registration,
      guest: Object.freeze({ enabled: (a.guest?.enabled ?? false) && pepper !== undefined, pepper, keyId: a.guest?.keyId ?? 'v1', unlinkedCap: positive('auth.guest.unlinkedCap', a.guest?.unlinkedCap, 100_000) }),
      authCache: Object.freeze({
        positiveTtlMs: positive('auth.authCache.positiveTtlMs', a.authCache?.positiveTtlMs, 60_000),
        negativeTtlMs: positive('auth.authCache.negativeTtlMs', a.authCache?.negativeTtlMs, 5_000),
        maxEntries: positive('auth.authCache.maxEntries', a.authCache?.maxEntries, 100_000),
      }),
      passwordMinLength: positive('auth.passwordMinLength', a.passwordMinLength, 8),
      providers: Object.freeze({ ...(a.providers ?? {}) }),
      steam: a.steam,
    }),
    rateLimits: Object.freeze(rateLimits),
    corsOrigins: Object.freeze([...(o.corsOrigins ?? [])]),
    ws: Object.freeze({
      allowedOrigins: w.allowedOrigins === undefined ? undefined : Object.freeze([...w.allowedOrigins]),
      idleAuthTimeoutMs: positive('ws.idleAuthTimeoutMs', w.idleAuthTimeoutMs, 10_000),
      maxFrameBytes: positive('ws.maxFrameBytes', w.maxFrameBytes, 64 * 1024),
      framesPerSecond: positive('ws.framesPerSecond', w.framesPerSecond, 60),
      maxChatChannels: positive('ws.maxChatChannels', w.maxChatChannels, 32),
      binaryWire: w.binaryWire ?? false,
      maxBufferedBytes: positive('ws.maxBufferedBytes', w.maxBufferedBytes, 4 * 1024 * 1024),
    }),
    bodyLimitBytes: positive('bodyLimitBytes', o.bodyLimitBytes, 1024 * 1024),
    trustProxy: o.trustProxy ?? false,
    chat: flag('chat', o.chat, true),
    presence: flag('presence', o.presence, true),
  });
}
