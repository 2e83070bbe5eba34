/**
 * A minimal token source for the Play Developer API from a service-account key (the JSON file the Google
 * Cloud console downloads): signs an RS256 JWT assertion with the key and exchanges it at the key's
 * `token_uri` for an OAuth2 access token (RFC 7523 jwt-bearer grant), cached until a minute before it
 * expires. Concurrent callers share one exchange. Use it as `google.accessToken` of `createIapPlugin`, or
 * bring your own function (google-auth-library, workload identity, ...).
 */
import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { secureUrl, type FetchLike } from '../internal/outbound-http.js';

export const ANDROID_PUBLISHER_SCOPE = 'https://www.googleapis.com/auth/androidpublisher';
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/** The fields of a service-account key file that are used. */
export interface ServiceAccountKey {
  readonly client_email: string;
  /** PKCS#8 PEM. */
  readonly private_key: string;
  readonly private_key_id?: string;
  /** Default {@link GOOGLE_TOKEN_URI}; https, or plain http to a loopback host. */
  readonly token_uri?: string;
}

export interface ServiceAccountTokenOptions {
  readonly scope?: string;
  readonly fetch?: FetchLike;
  readonly timeoutMs?: number;
  /** Wall-clock milliseconds (default `Date.now`). */
  readonly now?: () => number;
}

/** Returns `() => Promise<string>` minting (and caching) access tokens for `key`. Throws at once on a bad key. */
export function serviceAccountAccessToken(key: ServiceAccountKey, options: ServiceAccountTokenOptions = {}): () => Promise<string> {
  if (typeof key?.client_email !== 'string' || key.client_email === '') throw new Error('service account key: client_email is missing');
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key.private_key);
  } catch {
    throw new Error('service account key: private_key is not a PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('service account key: private_key must be an RSA key');
  const tokenUri = secureUrl('google.serviceAccount.token_uri', key.token_uri ?? GOOGLE_TOKEN_URI);
  const fetchImpl: FetchLike = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const scope = options.scope ?? ANDROID_PUBLISHER_SCOPE;
  const timeoutMs = options.timeoutMs ?? 5_000;
  let cached: { token: string; refreshAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  async function exchange(): Promise<string> {
    const iat = Math.floor(now() / 1000);
    const assertion = await new SignJWT({ scope })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(key.private_key_id === undefined ? {} : { kid: key.private_key_id }) })
      .setIssuer(key.client_email)
      .setAudience(tokenUri.href)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .sign(privateKey);
    const response = await fetchImpl(tokenUri, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
    });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`token endpoint answered ${response.status}`);
    }
    const body = (await response.json()) as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string' || body.access_token === '') throw new Error('token endpoint answered no access_token');
    const ttl = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
    cached = { token: body.access_token, refreshAt: now() + Math.max(0, ttl - 60) * 1000 };
    return body.access_token;
  }

  return async () => {
    if (cached !== undefined && now() < cached.refreshAt) return cached.token;
    inflight ??= exchange().finally(() => {
      inflight = undefined;
    });
    return inflight;
  };
}
