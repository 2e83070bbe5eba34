/**
 * `GameError`: a refusal with a flat reason (`match_full`, `not_in_match`, `vote_not_found`, ...). The
 * server maps the reason to its wire code (`codeForReason` of `@hajime/protocol`: `match_full` →
 * `match.full`; reasons without a code of their own become `ws.request_failed` with `details.reason`).
 * `details` carries extra, safe fields (never script text as a code).
 */
export class GameError extends Error {
  override readonly name = 'GameError';
  constructor(
    readonly reason: string,
    readonly details: Record<string, unknown> = {},
    message?: string,
  ) {
    super(message ?? reason);
  }
}

export function isGameError(e: unknown, reason?: string): e is GameError {
  return e instanceof GameError && (reason === undefined || e.reason === reason);
}
