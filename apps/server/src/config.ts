/**
 * Configuration of the reference server, read from the environment (the only place `process.env` is
 * read). Every value is validated; a bad value stops start-up with a message naming the variable.
 * See guides/configuration.md.
 */
import type { LogLevel } from '@hajime/actor';
import { LOG_LEVELS } from '@hajime/actor';
import type { DemoOptions } from './demo.js';

type OidcName = 'google' | 'apple' | 'microsoft' | 'discord';
interface OidcEnv {
  readonly issuer: string;
  readonly clientId: string;
  readonly jwksUrl?: string;
}
interface SteamEnv {
  readonly apiKey: string;
  readonly appId: string;
  readonly apiBaseUrl?: string;
  readonly identity?: string;
}

/** Issuers of the providers that have one fixed issuer; the others need `HAJIME_OIDC_<P>_ISSUER`. */
export const DEFAULT_OIDC_ISSUERS: Readonly<Partial<Record<OidcName, string>>> = Object.freeze({ google: 'https://accounts.google.com', apple: 'https://appleid.apple.com' });

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  readonly dev: boolean;
  /** `postgres://...` to use a Postgres server; undefined for the embedded database. */
  readonly databaseUrl: string | undefined;
  /** Folder of the embedded database. */
  readonly dataDir: string;
  readonly corsOrigins: readonly string[];
  readonly wsOrigins: readonly string[] | undefined;
  readonly registration: 'open' | 'oauth_only' | 'closed';
  /** Enables guest device sign-in when set (≥ 32 bytes). */
  readonly guestPepper: string | undefined;
  readonly trustProxy: boolean;
  /** Chat and DMs (`HAJIME_CHAT`, default on) and presence pushes to friends (`HAJIME_PRESENCE`, default on). */
  readonly chat: boolean;
  readonly presence: boolean;
  /** Run the supervised crash-and-resume demo ticker under the root supervisor. */
  readonly demoTicker: boolean;
  readonly demo: DemoOptions;
  /** The Lua game folder; undefined = the built-in hot-reload demo, null = no game (`HAJIME_GAME_DIR=none`). */
  readonly gameDir: string | undefined | null;
  /** Re-run saved Lua scripts in running matches (`HAJIME_LUA_RELOAD`, default on). */
  readonly luaReload: boolean;
  /** Count every Lua allocation against the engine's memory cap (`HAJIME_LUA_EXACT_MEMORY`, default off: checked on Lua's heap count). */
  readonly luaExactMemory: boolean;
  /** Worker threads for Lua match engines (`HAJIME_LUA_WORKERS`, default 0: in the main thread). */
  readonly luaWorkers: number;
  /** Third-party sign-in (OIDC), by provider: from `HAJIME_OIDC_<PROVIDER>_CLIENT_ID` / `_ISSUER` / `_JWKS_URL`. */
  readonly oidc: Readonly<Partial<Record<OidcName, OidcEnv>>>;
  /** Steam sign-in: `HAJIME_STEAM_API_KEY` + `HAJIME_STEAM_APP_ID` (+ `_API_BASE_URL`, `_IDENTITY`). */
  readonly steam: SteamEnv | undefined;
  /** Serve the demo page at `/` (default: when the game is the built-in demo; `HAJIME_DEMO_PAGE=1` forces it). */
  readonly demoPage: boolean;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  return n;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new Error(`${name} must be 1/true or 0/false (got ${JSON.stringify(raw)})`);
}

/** A flag that is on unless set to `0`. */
function onUnlessOff(env: NodeJS.ProcessEnv, name: string): boolean {
  return env[name] === undefined || env[name] === '' ? true : flag(env, name);
}

function list(env: NodeJS.ProcessEnv, name: string): string[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function gameDir(env: NodeJS.ProcessEnv): string | undefined | null {
  const raw = env['HAJIME_GAME_DIR'];
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'none') return null;
  return raw;
}

function opt(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function oidc(env: NodeJS.ProcessEnv): Partial<Record<OidcName, OidcEnv>> {
  const out: Partial<Record<OidcName, OidcEnv>> = {};
  for (const p of ['google', 'apple', 'microsoft', 'discord'] as const) {
    const P = p.toUpperCase();
    const clientId = opt(env, `HAJIME_OIDC_${P}_CLIENT_ID`);
    const issuer = opt(env, `HAJIME_OIDC_${P}_ISSUER`) ?? DEFAULT_OIDC_ISSUERS[p];
    const jwksUrl = opt(env, `HAJIME_OIDC_${P}_JWKS_URL`);
    if (clientId === undefined) {
      if (opt(env, `HAJIME_OIDC_${P}_ISSUER`) !== undefined || jwksUrl !== undefined) throw new Error(`HAJIME_OIDC_${P}_CLIENT_ID is required to enable ${p} sign-in`);
      continue;
    }
    if (issuer === undefined) throw new Error(`HAJIME_OIDC_${P}_ISSUER is required for ${p} sign-in (its issuer depends on your tenant or app)`);
    out[p] = Object.freeze({ issuer, clientId, ...(jwksUrl === undefined ? {} : { jwksUrl }) });
  }
  return out;
}

function steam(env: NodeJS.ProcessEnv): SteamEnv | undefined {
  const apiKey = opt(env, 'HAJIME_STEAM_API_KEY');
  const appId = opt(env, 'HAJIME_STEAM_APP_ID');
  if (apiKey === undefined && appId === undefined) return undefined;
  if (apiKey === undefined || appId === undefined) throw new Error('HAJIME_STEAM_API_KEY and HAJIME_STEAM_APP_ID are both needed for Steam sign-in');
  const apiBaseUrl = opt(env, 'HAJIME_STEAM_API_BASE_URL');
  const identity = opt(env, 'HAJIME_STEAM_IDENTITY');
  return Object.freeze({ apiKey, appId, ...(apiBaseUrl === undefined ? {} : { apiBaseUrl }), ...(identity === undefined ? {} : { identity }) });
}

/** Reads and validates the configuration. */
export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const level = (env['HAJIME_LOG_LEVEL'] ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(level)) throw new Error(`HAJIME_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(level)})`);
  const url = env['DATABASE_URL'];
  if (url !== undefined && url !== '' && !/^postgres(ql)?:\/\//.test(url)) throw new Error('DATABASE_URL must start with postgres:// or postgresql://');
  const registration = env['HAJIME_REGISTRATION'] ?? 'open';
  if (!['open', 'oauth_only', 'closed'].includes(registration)) throw new Error('HAJIME_REGISTRATION must be open, oauth_only or closed');
  const pepper = env['HAJIME_GUEST_PEPPER'];
  if (pepper !== undefined && pepper !== '' && Buffer.byteLength(pepper) < 32) throw new Error('HAJIME_GUEST_PEPPER must be at least 32 bytes');
  return Object.freeze({
    port: int(env, 'PORT', 8080, 0, 65_535),
    host: env['HOST'] === undefined || env['HOST'] === '' ? '0.0.0.0' : env['HOST'],
    logLevel: level,
    dev: flag(env, 'HAJIME_DEV'),
    databaseUrl: url === undefined || url === '' ? undefined : url,
    dataDir: env['HAJIME_DATA_DIR'] === undefined || env['HAJIME_DATA_DIR'] === '' ? './data' : env['HAJIME_DATA_DIR'],
    corsOrigins: Object.freeze(list(env, 'HAJIME_CORS_ORIGINS') ?? []),
    wsOrigins: list(env, 'HAJIME_WS_ORIGINS'),
    registration: registration as AppConfig['registration'],
    guestPepper: pepper === undefined || pepper === '' ? undefined : pepper,
    trustProxy: flag(env, 'HAJIME_TRUST_PROXY'),
    chat: onUnlessOff(env, 'HAJIME_CHAT'),
    presence: onUnlessOff(env, 'HAJIME_PRESENCE'),
    demoTicker: flag(env, 'HAJIME_DEMO'),
    oidc: Object.freeze(oidc(env)),
    steam: steam(env),
    gameDir: gameDir(env),
    demoPage: gameDir(env) === undefined || flag(env, 'HAJIME_DEMO_PAGE'),
    luaReload: onUnlessOff(env, 'HAJIME_LUA_RELOAD'),
    luaExactMemory: flag(env, 'HAJIME_LUA_EXACT_MEMORY'),
    luaWorkers: int(env, 'HAJIME_LUA_WORKERS', 0, 0),
    demo: Object.freeze({
      tickIntervalMs: int(env, 'HAJIME_DEMO_TICK_MS', 1_000, 1),
      crashEveryTicks: int(env, 'HAJIME_DEMO_CRASH_EVERY', 7, 0),
      reportEveryTicks: int(env, 'HAJIME_DEMO_REPORT_EVERY', 1, 0),
    }),
  });
}
