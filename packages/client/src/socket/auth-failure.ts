/**
 * When the server means "these credentials are no good": the socket then stops reconnecting and emits
 * `auth_expired`. An `invalid_token` answer to `session.connect`, an error or close with reason
 * `session_revoked` / `idle_auth_timeout`, or any close 1008 (as asobi-js does), except 1008
 * `rate_limited` (too many upgrades from one address), which a later attempt with backoff gets past.
 */
import { HajimeClientError, HajimeSocketError } from '../errors.js';
import type { AuthExpiredEvent } from './events.js';

/** Reasons of `error` frames and closes that mean the credentials are no good. */
export const AUTH_REASONS: ReadonlySet<string> = new Set(['invalid_token', 'session_revoked', 'idle_auth_timeout']);
const POLICY_VIOLATION = 1008;

/**
 * A close that ends the session for good: any 1008 (as asobi-js), or an auth reason; except 1008
 * `rate_limited` (too many upgrades from one address), which a later attempt with backoff gets past.
 */
export function isAuthClose(code: unknown, reason: string): boolean {
  return (code === POLICY_VIOLATION && reason !== 'rate_limited') || AUTH_REASONS.has(reason);
}

/** Why a failed (re)connect means the credentials are refused, if it does. */
export function authFailureOf(e: unknown): AuthExpiredEvent | undefined {
  if (e instanceof HajimeSocketError && (e.code === 'unauthenticated' || AUTH_REASONS.has(e.reason ?? ''))) return { reason: e.reason ?? 'invalid_token', code: e.code, closeCode: undefined };
  if (e instanceof HajimeClientError) {
    if (e.code === 'CLI_ERR_NOT_AUTHENTICATED') return { reason: 'no_token', code: undefined, closeCode: undefined };
    const closeCode = e.details['closeCode'];
    const closeReason = typeof e.details['closeReason'] === 'string' ? e.details['closeReason'] : '';
    if (isAuthClose(closeCode, closeReason)) return { reason: closeReason || 'policy_violation', code: undefined, closeCode: typeof closeCode === 'number' ? closeCode : undefined };
  }
  return undefined;
}

