/**
 * @hajime/protocol: the asobi wire protocol 1.0 as Hajime speaks it. The envelope `{type, payload, cid?}`,
 * every inbound and outbound frame as a typed union, inbound validation with coded errors, and the closed
 * error registry shared by HTTP bodies and WebSocket error frames. No runtime dependencies.
 * See guides/protocol.md and guides/reference/errors.md.
 */

// Errors: the closed registry, HTTP bodies, the reason dialect
export {
  ERROR_CODES,
  REASON_TO_CODE,
  isErrorCode,
  statusOf,
  errorObject,
  httpErrorBody,
  codeForReason,
  reasonForCode,
  type ErrorCode,
  type ErrorObject,
} from './errors.js';

// Inbound frames
export { parseFrame, MAX_FRAME_BYTES, type ParseResult } from './envelope.js';
export { validateInbound, isInboundType, INBOUND_TYPES, CID_RE, CONTENT_MAX_BYTES, type InboundFrame, type InboundPayloads, type InboundType, type FrameError } from './inbound.js';

// Outbound frames
export {
  frame,
  encodeFrame,
  RawJson,
  errorFrame,
  customEventType,
  OUTBOUND_TYPES,
  OUTBOUND_REQUIRED_FIELDS,
  RESERVED_LEAVES,
  REPLY_TYPES,
  type OutboundFrame,
  type OutboundPayloads,
  type OutboundType,
  type ErrorFramePayload,
  type MatchListing,
  type WorldListing,
} from './outbound.js';
