/**
 * Parsing one inbound text frame: size cap (measured before parsing), JSON, the envelope shape, then the
 * typed payload. Every refusal is a coded error (`payload_too_large`, `invalid_json`, `invalid_message`,
 * `unknown_type`, `missing_field`, `invalid_payload`, ...) with the `cid` to echo when it was valid.
 */
import { validateInbound, type FrameError, type InboundFrame } from './inbound.js';

/** Largest inbound text frame, in bytes (asobi: 64 KiB). */
export const MAX_FRAME_BYTES = 64 * 1024;

export type ParseResult = { readonly ok: true; readonly frame: InboundFrame } | { readonly ok: false; readonly error: FrameError; readonly cid?: string };

/** Parses and validates one text frame (a string or UTF-8 bytes). */
export function parseFrame(data: string | Uint8Array, maxBytes: number = MAX_FRAME_BYTES): ParseResult {
  const size = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength;
  if (size > maxBytes) return { ok: false, error: { code: 'payload_too_large', details: { limit_bytes: maxBytes } } };
  // A Buffer decodes itself without a new view (the per-frame path: `ws` hands over Buffers).
  const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString() : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: { code: 'invalid_json', details: {} } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: { code: 'invalid_message', details: {} } };
  const env = value as { type?: unknown; payload?: unknown; cid?: unknown; seq?: unknown };
  if (typeof env.type !== 'string') return { ok: false, error: { code: 'invalid_message', details: {} } };
  // The parsed object is the envelope (validateInbound reads only type, payload, cid and seq).
  return validateInbound(env as { type: string; payload?: unknown; cid?: unknown; seq?: unknown });
}
