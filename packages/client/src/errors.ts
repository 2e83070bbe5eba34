/**
 * The errors the SDK throws. Three kinds, one base class, all matched on `code`, never on the message:
 * - {@link HajimeApiError}: the server answered a REST call with `{error: {code, message, details}}`;
 * - {@link HajimeSocketError}: the server answered a WebSocket request with an `error` or `rpc.error` frame;
 * - {@link HajimeClientError}: the SDK itself gave up (network, timeout, not connected, ...), with one of
 *   the `CLI_ERR_*` codes of {@link CLIENT_ERRORS}. `guides/reference/errors.md` lists the same codes; a
 *   test keeps them in step.
 */
import type { ErrorCode } from '@hajime/protocol';

/** A wire error code: one of the closed registry, or a code a newer server added. */
export type WireErrorCode = ErrorCode | (string & {});

/** Every `CLI_ERR_*` code, its HTTP-style status and its cause. */
export const CLIENT_ERRORS = {
  CLI_ERR_INVALID_OPTION: { status: 400, cause: 'An option given to the SDK is invalid; `details.option` names it.' },
  CLI_ERR_NETWORK: { status: 503, cause: 'The server could not be reached (DNS, refused connection, TLS, CORS, or the socket failed to open).' },
  CLI_ERR_TIMEOUT: { status: 504, cause: 'No answer within the timeout (`details.timeoutMs`); the request may still take effect.' },
  CLI_ERR_BAD_RESPONSE: { status: 502, cause: 'The server answered something that is not the Hajime protocol (not JSON, or an error without a code).' },
  CLI_ERR_NOT_AUTHENTICATED: { status: 401, cause: 'The client holds no token for this (no access token to connect with, no refresh token to refresh with).' },
  CLI_ERR_NOT_CONNECTED: { status: 409, cause: 'The WebSocket is not connected and authenticated; wait for `connected` or call `connect()`.' },
  CLI_ERR_DISCONNECTED: { status: 503, cause: 'The WebSocket dropped while the request awaited its reply; the request may or may not have taken effect.' },
  CLI_ERR_CLOSED: { status: 499, cause: '`close()` was called while the operation was pending.' },
  CLI_ERR_NO_WEBSOCKET: { status: 501, cause: 'No WebSocket implementation: no global `WebSocket` and the `ws` package is not installed.' },
} as const satisfies Record<string, { status: number; cause: string }>;

/** One of the `CLI_ERR_*` codes. */
export type ClientErrorCode = keyof typeof CLIENT_ERRORS;

/** The base class of every error the SDK throws. */
export abstract class HajimeError extends Error {
  abstract readonly code: string;
  /** Structured data about the failure; always an object, never part of the message. */
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = details;
  }
}

/**
 * A REST call the server refused: `status` is the HTTP status, `code` the wire code
 * (`auth.username_taken`, `unauthenticated`, ...), `details` the error's details.
 *
 * @example
 * try { await client.auth.register({ username, password }) } catch (e) {
 *   if (e instanceof HajimeApiError && e.code === 'auth.username_taken') askForAnotherName();
 *   else throw e;
 * }
 */
export class HajimeApiError extends HajimeError {
  override readonly name = 'HajimeApiError';
  readonly code: WireErrorCode;
  readonly status: number;

  constructor(status: number, error: { readonly code: WireErrorCode; readonly message?: string; readonly details?: Record<string, unknown> }) {
    super(error.message ?? error.code, error.details ?? {});
    this.status = status;
    this.code = error.code;
  }
}

/**
 * A WebSocket request the server refused. `frame` says which dialect answered: an `error` frame (then
 * `reason` holds asobi's older flat reason, e.g. `match_full` next to code `match.full`) or an `rpc.error`.
 */
export class HajimeSocketError extends HajimeError {
  override readonly name = 'HajimeSocketError';
  readonly code: WireErrorCode;
  /** The flat `reason` of an `error` frame; undefined for `rpc.error`. */
  readonly reason: string | undefined;
  readonly frame: 'error' | 'rpc.error';
  /** The request type that was refused. */
  readonly requestType: string;

  constructor(frame: 'error' | 'rpc.error', requestType: string, error: { readonly code: WireErrorCode; readonly message?: string; readonly details?: Record<string, unknown> }, reason?: string) {
    super(error.message ?? error.code, error.details ?? {});
    this.frame = frame;
    this.requestType = requestType;
    this.code = error.code;
    this.reason = reason;
  }
}

/** A failure inside the SDK (not an answer from the server); `code` is one of {@link CLIENT_ERRORS}. */
export class HajimeClientError extends HajimeError {
  override readonly name = 'HajimeClientError';
  readonly code: ClientErrorCode;
  readonly status: number;

  constructor(code: ClientErrorCode, details: Record<string, unknown> = {}, options: { message?: string; cause?: unknown } = {}) {
    super(options.message ?? CLIENT_ERRORS[code].cause, details, options);
    this.code = code;
    this.status = CLIENT_ERRORS[code].status;
  }
}

/**
 * True when `e` is an error of this SDK, optionally with the given code (a wire code or a `CLI_ERR_*`).
 *
 * @example
 * try { await socket.send('match.join', { match_id }) } catch (e) {
 *   if (isHajimeError(e, 'match.full')) showFull();
 *   else if (isHajimeError(e, 'CLI_ERR_TIMEOUT')) retryLater();
 *   else throw e;
 * }
 */
export function isHajimeError(e: unknown, code?: WireErrorCode | ClientErrorCode): e is HajimeError {
  return e instanceof HajimeError && (code === undefined || e.code === code);
}
