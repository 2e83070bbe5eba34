/**
 * Join context validation (asobi §2.5): the `ctx` of `match.join`, `match.find_or_create` and
 * `world.join` is a flat object of at most 8 keys (each ≤ 64 bytes), whose values are strings of at most
 * 256 bytes, integers or booleans. It is handed to the game's `join` and never interpreted, echoed or
 * logged. Failures are {@link GameError}s with asobi's reasons (sent as `ws.request_failed`).
 */
import { GameError } from '../errors.js';
import type { JoinCtx } from './behaviour.js';

export const JOIN_CTX_LIMITS = Object.freeze({ maxKeys: 8, maxKeyBytes: 64, maxStringBytes: 256 });

/** Returns the context as a fresh frozen object (`{}` when absent), or throws a GameError. */
export function validateJoinCtx(ctx: unknown): JoinCtx {
  if (ctx === undefined || ctx === null) return Object.freeze({});
  if (typeof ctx !== 'object' || Array.isArray(ctx)) throw new GameError('invalid_join_ctx');
  const entries = Object.entries(ctx as Record<string, unknown>);
  if (entries.length > JOIN_CTX_LIMITS.maxKeys) throw new GameError('join_ctx_too_many_keys', { limit: JOIN_CTX_LIMITS.maxKeys });
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of entries) {
    if (k.length === 0) throw new GameError('invalid_join_ctx_key');
    if (Buffer.byteLength(k) > JOIN_CTX_LIMITS.maxKeyBytes) throw new GameError('join_ctx_key_too_long', { limit: JOIN_CTX_LIMITS.maxKeyBytes });
    if (typeof v === 'string') {
      if (Buffer.byteLength(v) > JOIN_CTX_LIMITS.maxStringBytes) throw new GameError('join_ctx_value_too_long', { limit: JOIN_CTX_LIMITS.maxStringBytes });
    } else if (!(typeof v === 'boolean' || (typeof v === 'number' && Number.isSafeInteger(v)))) {
      throw new GameError('invalid_join_ctx_value');
    }
    out[k] = v;
  }
  return Object.freeze(out);
}

const PRINTABLE = /^[\x20-\x7e]{1,64}$/;

/** A game's refusal text, kept only when it is 1..64 printable ASCII bytes (else dropped: never a code). */
export function refusedReason(reason: unknown): string | undefined {
  return typeof reason === 'string' && PRINTABLE.test(reason) ? reason : undefined;
}
