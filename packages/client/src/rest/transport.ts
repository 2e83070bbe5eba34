/**
 * The HTTP half of the SDK: one `request()` every REST module goes through. It sends JSON to
 * `${baseUrl}/api/v1${path}` with the bearer token, turns error bodies into {@link HajimeApiError},
 * network failures and timeouts into {@link HajimeClientError}, and on a 401 (outside `/auth/`) refreshes
 * the tokens once, shared by every request that failed meanwhile (single flight), then replays the request
 * once with the new access token.
 */
import type { ClientClock } from '../clock.js';
import { HajimeApiError, HajimeClientError } from '../errors.js';
import type { TokenHolder, Tokens } from '../tokens.js';

/** The subset of `fetch` the SDK uses (the global `fetch` of browsers and Node 20 fits). */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal }) => Promise<{ readonly status: number; readonly ok: boolean; text(): Promise<string> }>;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Query parameters; `undefined` values are left out. */
export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface RequestOptions {
  readonly method: HttpMethod;
  /** The path under `/api/v1`, starting with `/` (path segments already encoded; see {@link seg}). */
  readonly path: string;
  readonly query?: Query;
  /** Sent as JSON. */
  readonly body?: unknown;
  /**
   * `required`: send the bearer token and refresh on 401 (outside `/auth/`); `optional`: send it if there is
   * one, never refresh; `none`: never send it. Default `required`.
   */
  readonly auth?: 'required' | 'optional' | 'none';
  /** Default: the client's `timeoutMs`. */
  readonly timeoutMs?: number;
}

export interface RestTransportOptions {
  /** `${baseUrl}/api/v1`, no trailing slash. */
  readonly apiUrl: string;
  readonly fetch: FetchLike;
  readonly clock: ClientClock;
  readonly timeoutMs: number;
  readonly tokens: TokenHolder;
}

/** Encodes one path segment: `/players/${seg(id)}`. */
export function seg(value: string): string {
  return encodeURIComponent(value);
}

export class RestTransport {
  readonly #o: RestTransportOptions;
  #refreshing: Promise<Tokens> | undefined;

  constructor(options: RestTransportOptions) {
    this.#o = options;
  }

  /** Sends one request; resolves with the parsed JSON answer. */
  async request<T>(options: RequestOptions): Promise<T> {
    const mode = options.auth ?? 'required';
    const sentWith = mode === 'none' ? undefined : this.#o.tokens.accessToken;
    try {
      return await this.#send<T>(options, sentWith);
    } catch (e) {
      if (!(e instanceof HajimeApiError) || e.status !== 401 || mode !== 'required' || options.path.startsWith('/auth/') || this.#o.tokens.refreshToken === undefined) throw e;
      // Someone refreshed while this request was in flight: replay with their token, do not refresh again.
      const current = this.#o.tokens.accessToken;
      const token = current !== undefined && current !== sentWith ? current : (await this.refresh()).accessToken;
      return this.#send<T>(options, token);
    }
  }

  /**
   * Rotates the refresh token (`POST /auth/refresh`). Concurrent callers share one request. On 401 (the
   * refresh token is spent, revoked or expired) the tokens are cleared and `onTokens(null)` is called.
   */
  refresh(): Promise<Tokens> {
    this.#refreshing ??= this.#refreshOnce().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refreshOnce(): Promise<Tokens> {
    const refreshToken = this.#o.tokens.refreshToken;
    if (refreshToken === undefined) throw new HajimeClientError('CLI_ERR_NOT_AUTHENTICATED', { need: 'refresh_token' });
    let answer: { access_token: string; refresh_token: string };
    try {
      answer = await this.#send<{ access_token: string; refresh_token: string }>({ method: 'POST', path: '/auth/refresh', body: { refresh_token: refreshToken } }, undefined);
    } catch (e) {
      // Only drop the session if it is still the one that failed (not replaced by a sign-in meanwhile).
      if (e instanceof HajimeApiError && e.status === 401 && this.#o.tokens.refreshToken === refreshToken) this.#o.tokens.clear();
      throw e;
    }
    const tokens = { accessToken: answer.access_token, refreshToken: answer.refresh_token };
    this.#o.tokens.set(tokens);
    return tokens;
  }

  async #send<T>(options: RequestOptions, token: string | undefined): Promise<T> {
    let url = this.#o.apiUrl + options.path;
    if (options.query !== undefined) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(options.query)) if (v !== undefined) q.set(k, String(v));
      const s = q.toString();
      if (s !== '') url += `?${s}`;
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    const abort = new AbortController();
    const init: Parameters<FetchLike>[1] = { method: options.method, headers, signal: abort.signal };
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    const timeoutMs = options.timeoutMs ?? this.#o.timeoutMs;
    let timedOut = false;
    const timer = this.#o.clock.setTimer(() => {
      timedOut = true;
      abort.abort();
    }, timeoutMs);
    let status: number;
    let ok: boolean;
    let text: string;
    try {
      const res = await this.#o.fetch(url, init);
      status = res.status;
      ok = res.ok;
      text = await res.text();
    } catch (cause) {
      if (timedOut) throw new HajimeClientError('CLI_ERR_TIMEOUT', { timeoutMs, method: options.method, path: options.path }, { cause });
      throw new HajimeClientError('CLI_ERR_NETWORK', { method: options.method, path: options.path }, { cause });
    } finally {
      this.#o.clock.clearTimer(timer);
    }
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch (cause) {
        throw new HajimeClientError('CLI_ERR_BAD_RESPONSE', { status, method: options.method, path: options.path }, { cause });
      }
    }
    if (ok) return body as T;
    // The shared error body `{error}`, or an RPC answer `{type: 'rpc.error', payload: {error}}`.
    const b = body as { error?: { code?: unknown; message?: unknown; details?: unknown }; type?: unknown; payload?: { error?: { code?: unknown; message?: unknown; details?: unknown } } } | undefined;
    const error = b?.error ?? (b?.type === 'rpc.error' ? b.payload?.error : undefined);
    if (error === undefined || typeof error.code !== 'string') throw new HajimeClientError('CLI_ERR_BAD_RESPONSE', { status, method: options.method, path: options.path });
    throw new HajimeApiError(status, {
      code: error.code,
      ...(typeof error.message === 'string' ? { message: error.message } : {}),
      ...(typeof error.details === 'object' && error.details !== null && !Array.isArray(error.details) ? { details: error.details as Record<string, unknown> } : {}),
    });
  }
}
