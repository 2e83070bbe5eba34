/**
 * Game refusals on the wire: a `GameError` of `@hajime/game` carries a flat reason (`match_full`,
 * `vote_not_found`, ...). Over WebSocket it becomes the error frame of that reason (mapped to its code by
 * the gateway); over REST an `ApiError` with the same code (reasons without a code of their own:
 * `ws.request_failed` with `details.reason`, status 400).
 */
import { isGameError, type GameError } from '@hajime/game';
import { codeForReason } from '@hajime/protocol';
import { ApiError } from '../api-error.js';
import { FrameRefusal } from '../gateway/frame-handlers.js';

export function refusalOf(e: GameError): FrameRefusal {
  return new FrameRefusal(e.reason, e.details);
}

export function apiErrorOf(e: GameError): ApiError {
  const { code, details } = codeForReason(e.reason);
  return new ApiError(code, { ...e.details, ...details });
}

/** Runs a frame handler's game call: a `GameError` becomes the error frame of its reason. */
export async function refusing<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw isGameError(e) ? refusalOf(e) : e;
  }
}
