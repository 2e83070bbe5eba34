/**
 * OIDC ID-token verification for one provider (google, apple, microsoft, discord): discovers `jwks_uri`
 * from `${issuer}/.well-known/openid-configuration` (or takes `jwksUrl`), keeps the issuer's key set in a
 * cached remote JWKS, and checks each token's signature (RS256 or ES256 only), issuer, audience
 * (`clientId`), expiry and not-before with a small clock tolerance. The player's provider uid is `sub`.
 *
 * Failures are wire codes: a token that does not verify is 401 `auth.invalid_provider_token` with
 * `details.reason` (never the token); an issuer that cannot be reached or answers nonsense is 503
 * `service_unavailable`.
 */
import { RealClock, type Clock } from '@hajime/actor';
import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ApiError } from '../api-error.js';
import { clipUtf8, getJson, secureUrl, type FetchLike } from '../internal/outbound-http.js';
import type { OidcProviderOptions } from '../options.js';
import type { Provider, VerifiedIdentity } from './identity-verifier.js';

/** The providers that sign in with an OIDC ID token. */
export const OIDC_PROVIDERS = ['google', 'apple', 'microsoft', 'discord'] as const satisfies readonly Provider[];
export type OidcProvider = (typeof OIDC_PROVIDERS)[number];

/** Signature algorithms accepted on ID tokens; everything else (including `none` and HS*) is refused. */
export const OIDC_ALGORITHMS = ['RS256', 'ES256'] as const;

/** Knobs shared by every verifier; the defaults suit production. */
export interface OidcVerifierSettings {
  /** Time source for expiry checks and the discovery retry pause (default: real time). */
  readonly clock?: Clock;
  /** `fetch` used for discovery and the JWKS (default: the global one). */
  readonly fetch?: FetchLike;
  /** Timeout of each discovery or JWKS request (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Leeway on `exp`/`nbf` (default 30 s). */
  readonly clockToleranceSec?: number;
  /** After a failed discovery, requests fail fast for this long before discovery is tried again (default 5000 ms). */
  readonly discoveryRetryMs?: number;
}

/** Verifies ID tokens of one provider. */
export interface OidcVerifier {
  readonly provider: OidcProvider;
  readonly issuer: string;
  verify(token: string): Promise<VerifiedIdentity>;
}

/** Extra `iss` spellings an issuer is known to put in its tokens (Google documents both). */
const ISSUER_ALIASES: Readonly<Record<string, readonly string[]>> = { 'https://accounts.google.com': ['accounts.google.com'] };

/** Limits of the `player_identities`/`players` columns the identity lands in. */
const SUB_MAX_BYTES = 255;
const EMAIL_MAX_BYTES = 320;
const DISPLAY_NAME_MAX_BYTES = 64;

function invalidToken(provider: OidcProvider, reason: string, extra: Record<string, unknown> = {}): ApiError {
  return new ApiError('auth.invalid_provider_token', { provider, reason, ...extra });
}

function unavailable(provider: OidcProvider, reason: string, extra: Record<string, unknown> = {}): ApiError {
  return new ApiError('service_unavailable', { provider, reason, ...extra });
}

/** Thrown by the key source when the JWKS itself could not be had (as opposed to a token naming no key). */
class KeySourceFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('jwks unavailable');
  }
}

/** Maps what `jwtVerify` threw for a token to a wire error. */
function mapVerifyError(provider: OidcProvider, e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof KeySourceFailure) {
    const timeout = e.cause instanceof errors.JWKSTimeout;
    return unavailable(provider, timeout ? 'jwks_timeout' : 'jwks_unavailable');
  }
  if (e instanceof errors.JWTExpired) return invalidToken(provider, 'expired');
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.reason === 'missing') return invalidToken(provider, 'missing_claim', { claim: e.claim });
    switch (e.claim) {
      case 'iss':
        return invalidToken(provider, 'wrong_issuer');
      case 'aud':
        return invalidToken(provider, 'wrong_audience');
      case 'nbf':
        return invalidToken(provider, 'not_yet_valid');
      default:
        return invalidToken(provider, 'invalid_claim', { claim: e.claim });
    }
  }
  if (e instanceof errors.JWSSignatureVerificationFailed) return invalidToken(provider, 'bad_signature');
  if (e instanceof errors.JWKSNoMatchingKey) return invalidToken(provider, 'unknown_key');
  if (e instanceof errors.JWKSMultipleMatchingKeys) return invalidToken(provider, 'ambiguous_key');
  if (e instanceof errors.JOSEAlgNotAllowed) return invalidToken(provider, 'alg_not_allowed');
  if (e instanceof errors.JOSENotSupported) return invalidToken(provider, 'unsupported');
  // JWSInvalid, JWTInvalid and anything a garbled token makes the decoder throw.
  return invalidToken(provider, 'malformed');
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const v = payload[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The identity an ID token names: `sub`, and email/name when present and usable. */
function identityOf(provider: OidcProvider, payload: JWTPayload): VerifiedIdentity {
  const sub = payload.sub;
  if (typeof sub !== 'string' || sub === '' || sub.includes('\u0000') || Buffer.byteLength(sub, 'utf8') > SUB_MAX_BYTES) throw invalidToken(provider, 'invalid_sub');
  const metadata: Record<string, unknown> = { issuer: payload.iss };
  // Apple sends email_verified as the string "true"/"false".
  const verifiedRaw = payload['email_verified'];
  const emailVerified = verifiedRaw === true || verifiedRaw === 'true' ? true : verifiedRaw === false || verifiedRaw === 'false' ? false : undefined;
  if (emailVerified !== undefined) metadata['email_verified'] = emailVerified;
  const email = stringClaim(payload, 'email');
  const name = stringClaim(payload, 'name') ?? stringClaim(payload, 'preferred_username');
  const displayName = name === undefined ? '' : clipUtf8(name, DISPLAY_NAME_MAX_BYTES).trim();
  return {
    provider,
    provider_uid: sub,
    ...(email !== undefined && emailVerified !== false && Buffer.byteLength(email, 'utf8') <= EMAIL_MAX_BYTES && !email.includes('\u0000') ? { email } : {}),
    ...(displayName === '' ? {} : { display_name: displayName }),
    metadata,
  };
}

/**
 * A verifier for one OIDC provider. Validates the configuration at once (throws an Error naming the bad
 * option): `issuer` and `jwksUrl` must be https, plain http being allowed only for loopback hosts (local
 * fakes in tests); `clientId` must be set. Discovery happens on the first token, not at boot, so a
 * server starts even while an issuer is down.
 *
 * @example
 * const google = createOidcVerifier('google', { issuer: 'https://accounts.google.com', clientId: '1234.apps.googleusercontent.com' });
 * const id = await google.verify(idToken); // { provider: 'google', provider_uid: '1098...', email, display_name }
 */
export function createOidcVerifier(provider: OidcProvider, options: OidcProviderOptions, settings: OidcVerifierSettings = {}): OidcVerifier {
  const prefix = `auth.providers.${provider}`;
  if (typeof options !== 'object' || options === null) throw new Error(`option ${prefix} must be an object`);
  const issuerUrl = secureUrl(`${prefix}.issuer`, options.issuer);
  if (issuerUrl.search !== '' || issuerUrl.hash !== '') throw new Error(`option ${prefix}.issuer must not have a query or fragment`);
  if (typeof options.clientId !== 'string' || options.clientId === '') throw new Error(`option ${prefix}.clientId is required`);
  const configuredJwks = options.jwksUrl === undefined ? undefined : secureUrl(`${prefix}.jwksUrl`, options.jwksUrl);
  const issuer = options.issuer;
  const clientId = options.clientId;
  const clock = settings.clock ?? new RealClock();
  const fetchImpl: FetchLike = settings.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = settings.timeoutMs ?? 5_000;
  const clockTolerance = settings.clockToleranceSec ?? 30;
  const retryMs = settings.discoveryRetryMs ?? 5_000;
  const issuers = [issuer, ...(ISSUER_ALIASES[issuer] ?? [])];
  const discoveryUrl = new URL(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);

  let keySet: JWTVerifyGetKey | undefined;
  let pending: Promise<JWTVerifyGetKey> | undefined;
  let failure: { readonly error: ApiError; readonly untilMs: number } | undefined;

  function remoteKeySet(url: URL): JWTVerifyGetKey {
    const remote = createRemoteJWKSet(url, {
      timeoutDuration: Math.ceil(timeoutMs),
      ...(settings.fetch === undefined ? {} : { [customFetch]: (u: string, init: RequestInit) => fetchImpl(u, init) }),
    });
    return async (header, token) => {
      try {
        return await remote(header, token);
      } catch (e) {
        if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys) throw e;
        throw new KeySourceFailure(e);
      }
    };
  }

  async function discover(): Promise<URL> {
    const r = await getJson(fetchImpl, discoveryUrl, timeoutMs);
    if (!r.ok) {
      if (r.failure === 'unreachable' || r.failure === 'timeout') throw unavailable(provider, 'issuer_unreachable');
      throw unavailable(provider, 'discovery_failed', r.status === undefined ? {} : { status: r.status });
    }
    const doc = r.body as { issuer?: unknown; jwks_uri?: unknown } | null;
    if (typeof doc !== 'object' || doc === null || typeof doc.jwks_uri !== 'string') throw unavailable(provider, 'discovery_failed');
    // OIDC Discovery 1.0 §4.3: the document's issuer must be the one asked for.
    if (doc.issuer !== issuer) throw unavailable(provider, 'discovery_issuer_mismatch');
    try {
      return secureUrl(`${prefix} jwks_uri`, doc.jwks_uri);
    } catch {
      throw unavailable(provider, 'discovery_insecure_jwks_uri');
    }
  }

  /** The key set, discovering it once; a failed discovery is remembered for `retryMs`. */
  function keys(): Promise<JWTVerifyGetKey> {
    if (keySet !== undefined) return Promise.resolve(keySet);
    if (configuredJwks !== undefined) return Promise.resolve((keySet = remoteKeySet(configuredJwks)));
    if (failure !== undefined && clock.now() < failure.untilMs) return Promise.reject(failure.error);
    pending ??= discover().then(
      (url) => {
        pending = undefined;
        failure = undefined;
        return (keySet = remoteKeySet(url));
      },
      (e: unknown) => {
        pending = undefined;
        const error = e instanceof ApiError ? e : unavailable(provider, 'discovery_failed');
        failure = { error, untilMs: clock.now() + retryMs };
        throw error;
      },
    );
    return pending;
  }

  return Object.freeze({
    provider,
    issuer,
    async verify(token: string): Promise<VerifiedIdentity> {
      if (typeof token !== 'string' || token.split('.').length !== 3) throw invalidToken(provider, 'malformed');
      const getKey = await keys();
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          issuer: issuers,
          audience: clientId,
          algorithms: [...OIDC_ALGORITHMS],
          clockTolerance,
          currentDate: new Date(clock.epochMs()),
          requiredClaims: ['sub', 'exp', 'iat'],
        }));
      } catch (e) {
        throw mapVerifyError(provider, e);
      }
      return identityOf(provider, payload);
    },
  });
}
