/**
 * Google Play one-time product purchases (asobi-reference.md §2.18) through the Play Developer API:
 * `GET {apiBaseUrl}/androidpublisher/v3/applications/{packageName}/purchases/products/{productId}/tokens/{token}`
 * with a bearer token from the injected `accessToken()` (e.g. an OAuth2 access token minted from a service
 * account key with the `androidpublisher` scope; Hajime does not mint it). A purchase in state 1 (cancelled)
 * or 2 (pending), or a token the API does not know, is refused ({@link IapVerificationError}); an API that
 * cannot be reached, times out, refuses our credentials or answers garbage is {@link IapUpstreamError}
 * (the route answers 503 `service_unavailable`).
 */
import { secureUrl, type FetchLike } from '../internal/outbound-http.js';
import { IapVerificationError } from './apple.js';

export const GOOGLE_API_BASE_URL = 'https://androidpublisher.googleapis.com';
export const GOOGLE_TIMEOUT_MS = 5_000;

export interface GoogleVerifierSettings {
  /** The Android application id, e.g. `com.example.game`. */
  readonly packageName: string;
  /** Default {@link GOOGLE_API_BASE_URL}; https, or plain http to a loopback host (tests, local fakes). */
  readonly apiBaseUrl?: string;
  /** Returns a bearer token for the Play Developer API (called per verification; cache it yourself). */
  readonly accessToken: () => Promise<string>;
  readonly fetch?: FetchLike;
  readonly timeoutMs?: number;
}

/** The fields of a ProductPurchase the route uses. */
export interface GooglePurchase {
  readonly orderId?: unknown;
  readonly purchaseTimeMillis?: unknown;
  readonly purchaseState?: unknown;
  readonly consumptionState?: unknown;
  readonly acknowledgementState?: unknown;
  readonly [k: string]: unknown;
}

export class IapUpstreamError extends Error {
  override readonly name = 'IapUpstreamError';
  constructor(
    readonly reason: 'unreachable' | 'timeout' | 'http_status' | 'invalid_response' | 'credentials',
    readonly status?: number,
  ) {
    super(reason);
  }
}

export interface GoogleVerifier {
  verify(productId: string, purchaseToken: string): Promise<GooglePurchase>;
}

export function createGoogleVerifier(settings: GoogleVerifierSettings): GoogleVerifier {
  if (typeof settings.packageName !== 'string' || !/^[A-Za-z0-9_.]{1,255}$/.test(settings.packageName)) throw new Error('option google.packageName must be an Android application id');
  if (typeof settings.accessToken !== 'function') throw new Error('option google.accessToken must be a function returning a bearer token');
  const base = secureUrl('google.apiBaseUrl', settings.apiBaseUrl ?? GOOGLE_API_BASE_URL);
  const prefix = base.href.replace(/\/+$/, '');
  const fetchImpl: FetchLike = settings.fetch ?? fetch;
  const timeoutMs = settings.timeoutMs ?? GOOGLE_TIMEOUT_MS;
  const pkg = encodeURIComponent(settings.packageName);

  return {
    async verify(productId, purchaseToken) {
      const url = new URL(`${prefix}/androidpublisher/v3/applications/${pkg}/purchases/products/${encodeURIComponent(productId)}/tokens/${encodeURIComponent(purchaseToken)}`);
      let token: string;
      try {
        token = await settings.accessToken();
      } catch {
        throw new IapUpstreamError('credentials');
      }
      const signal = AbortSignal.timeout(timeoutMs);
      let response: Response;
      try {
        response = await fetchImpl(url, { method: 'GET', redirect: 'manual', signal, headers: { accept: 'application/json', authorization: `Bearer ${token}` } });
      } catch (e) {
        throw new IapUpstreamError(signal.aborted || (e as { name?: unknown } | null)?.name === 'TimeoutError' ? 'timeout' : 'unreachable');
      }
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => undefined);
        // 400 (malformed token), 404 (unknown token or product), 410 (purchase gone): the receipt is bad.
        if (response.status === 400 || response.status === 404 || response.status === 410) throw new IapVerificationError('unknown_token');
        if (response.status === 401 || response.status === 403) throw new IapUpstreamError('credentials', response.status);
        throw new IapUpstreamError('http_status', response.status);
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        throw new IapUpstreamError(signal.aborted ? 'timeout' : 'invalid_response');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new IapUpstreamError('invalid_response');
      const purchase = body as GooglePurchase;
      const state = purchase.purchaseState ?? 0;
      if (state === 1) throw new IapVerificationError('cancelled');
      if (state === 2) throw new IapVerificationError('pending');
      if (state !== 0) throw new IapUpstreamError('invalid_response');
      return purchase;
    },
  };
}
