/**
 * `ApiError`: a wire error code (from the closed registry in @hajime/protocol) with details, thrown by
 * route handlers and turned into `{ error: { code, message, details } }` with the code's HTTP status.
 */
import { statusOf, type ErrorCode } from '@hajime/protocol';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly details: Record<string, unknown> = {},
    message?: string,
  ) {
    super(message ?? code);
    this.status = statusOf(code);
  }
}
