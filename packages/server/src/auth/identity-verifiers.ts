/**
 * The real `IdentityVerifier`: one OIDC verifier per configured provider (google, apple, microsoft,
 * discord) and the Steam verifier when `steam` is configured, behind the port `/auth/oauth`, `/auth/link`
 * use. A provider that is not configured answers 400 `auth.unsupported_provider`. `createServer` builds
 * this from `options.auth.providers`/`options.auth.steam` unless it is handed `extras.identities`.
 */
import type { Clock } from '@hajime/actor';
import type { FetchLike } from '../internal/outbound-http.js';
import type { AuthOptions, SteamOptions } from '../options.js';
import { ApiError } from '../api-error.js';
import { NO_PROVIDERS, type IdentityVerifier, type Provider, type VerifiedIdentity } from './identity-verifier.js';
import { createOidcVerifier, OIDC_PROVIDERS, type OidcProvider } from './oidc.js';
import { createSteamVerifier } from './steam.js';

export interface IdentityVerifierOptions {
  /** OIDC providers by name; each needs `issuer` and `clientId` (`jwksUrl` optional). */
  readonly providers?: AuthOptions['providers'];
  /** Steam Web API credentials. */
  readonly steam?: SteamOptions | undefined;
  /** Time source for token expiry and retry pauses (default: real time; createServer passes the system clock). */
  readonly clock?: Clock;
  /** `fetch` for every provider call (default: the global one). */
  readonly fetch?: FetchLike;
  /** Timeout of each provider request (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Leeway on ID token `exp`/`nbf` (default 30 s). */
  readonly clockToleranceSec?: number;
  /** Pause after a failed OIDC discovery before it is tried again (default 5000 ms). */
  readonly discoveryRetryMs?: number;
}

/**
 * Builds a verifier for the configured providers; throws an Error naming the bad option when a provider's
 * configuration is invalid (unknown provider name, non-https issuer, missing client id, ...). With nothing
 * configured it returns `NO_PROVIDERS`.
 *
 * @example
 * const identities = createIdentityVerifier({
 *   providers: { google: { issuer: 'https://accounts.google.com', clientId: '1234.apps.googleusercontent.com' } },
 *   steam: { apiKey: 'XXXX', appId: '480' },
 * });
 * const server = await createServer({ storage }, { identities }); // or just pass the same under options.auth
 */
export function createIdentityVerifier(options: IdentityVerifierOptions): IdentityVerifier {
  const settings = {
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: positive('timeoutMs', options.timeoutMs) }),
    ...(options.clockToleranceSec === undefined ? {} : { clockToleranceSec: nonNegative('clockToleranceSec', options.clockToleranceSec) }),
    ...(options.discoveryRetryMs === undefined ? {} : { discoveryRetryMs: nonNegative('discoveryRetryMs', options.discoveryRetryMs) }),
  };
  const verifiers = new Map<Provider, (token: string) => Promise<VerifiedIdentity>>();
  for (const [name, config] of Object.entries(options.providers ?? {})) {
    if (config === undefined) continue;
    if (!(OIDC_PROVIDERS as readonly string[]).includes(name)) throw new Error(`option auth.providers.${name}: unknown provider (one of ${OIDC_PROVIDERS.join(', ')})`);
    const v = createOidcVerifier(name as OidcProvider, config, settings);
    verifiers.set(v.provider, (token) => v.verify(token));
  }
  if (options.steam !== undefined) {
    const steam = createSteamVerifier(options.steam, settings);
    verifiers.set('steam', (token) => steam.verify(token));
  }
  if (verifiers.size === 0) return NO_PROVIDERS;
  const providers = Object.freeze([...verifiers.keys()]);
  return Object.freeze({
    providers,
    async verify(provider: string, token: string): Promise<VerifiedIdentity> {
      const verify = verifiers.get(provider as Provider);
      if (verify === undefined) throw new ApiError('auth.unsupported_provider', { provider });
      return verify(token);
    },
  });
}

function positive(name: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new Error(`option ${name} must be a number > 0`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!(Number.isFinite(v) && v >= 0)) throw new Error(`option ${name} must be a number ≥ 0`);
  return v;
}
