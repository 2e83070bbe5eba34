/**
 * How a connection ends: the WebSocket close codes and reasons Hajime sends (asobi-reference.md §4.5),
 * and how a session's exit reason becomes the close frame. A session that wants the socket closed with a
 * particular code stops with `closeWith(code, reason)`, an exit reason of the `{ shutdown: ... }` kind
 * (a normal exit: no crash report, never restarted).
 */
import type { ExitReason } from '@hajime/actor';

/** Close codes (RFC 6455 §7.4.1) used by the gateway. */
export const CLOSE_CODES = {
  /** The session ended normally (the client closed, or the session stopped with nothing to say). */
  normal: 1000,
  /** The server is shutting down. */
  goingAway: 1001,
  /** Policy: `idle_auth_timeout`, `rate_limited` (connect flood), `origin_rejected`, `session_revoked`. */
  policy: 1008,
  /** A frame bigger than the hard transport cap (see `maxMessageBytes`): the socket cannot keep up with it. */
  tooBig: 1009,
  /** The session crashed. */
  internal: 1011,
  /** The client did not read its frames fast enough (`slow_consumer`): reconnect. */
  tryAgainLater: 1013,
} as const;

/** Reasons sent in close frames. Clients match on these (asobi-js stops reconnecting on 1008). */
export const CLOSE_REASONS = {
  idleAuthTimeout: 'idle_auth_timeout',
  rateLimited: 'rate_limited',
  originRejected: 'origin_rejected',
  sessionRevoked: 'session_revoked',
  serverShutdown: 'server_shutdown',
  internalError: 'internal_error',
  slowConsumer: 'slow_consumer',
} as const;

/** A close frame: code and reason. */
export interface CloseFrame {
  readonly code: number;
  readonly reason: string;
}

/** The exit reason of a session that wants its socket closed with `code` and `reason`. */
export function closeWith(code: number, reason: string): { readonly shutdown: { readonly close: CloseFrame } } {
  return { shutdown: { close: { code, reason } } };
}

/**
 * The close frame for a session's exit reason: the one it asked for with {@link closeWith}; 1000 for
 * `normal`; 1001 `server_shutdown` when its supervisor (the server) shut it down; 1011 `internal_error`
 * for a crash or a kill.
 */
export function closeFrameFor(reason: ExitReason): CloseFrame {
  if (typeof reason === 'object' && reason !== null && 'shutdown' in reason) {
    const close = (reason.shutdown as { close?: unknown } | null)?.close as Partial<CloseFrame> | undefined;
    if (close !== undefined && typeof close.code === 'number' && typeof close.reason === 'string') return { code: close.code, reason: close.reason };
    return { code: CLOSE_CODES.goingAway, reason: CLOSE_REASONS.serverShutdown };
  }
  if (reason === 'normal') return { code: CLOSE_CODES.normal, reason: '' };
  if (reason === 'shutdown') return { code: CLOSE_CODES.goingAway, reason: CLOSE_REASONS.serverShutdown };
  return { code: CLOSE_CODES.internal, reason: CLOSE_REASONS.internalError };
}
