/**
 * The closed error registry: every error code Hajime puts on the wire, with its HTTP status and a default
 * message. HTTP error bodies and WebSocket error frames share it (asobi-reference.md §3.4). Untrusted
 * strings (client input, provider answers, Lua) never become codes: they go in `details`.
 * Codes marked "Hajime" are additions to the asobi set; no asobi code changes meaning.
 */

export const ERROR_CODES = {
  // Cross-cutting (bare) codes
  internal: { status: 500, message: 'Something went wrong on the server.' },
  rate_limited: { status: 429, message: 'Too many requests; retry after `retry_after` seconds.' },
  join_rate_limited: { status: 429, message: 'Too many match or world joins; slow down.' },
  payload_too_large: { status: 413, message: 'The request or frame is too large.' },
  invalid_json: { status: 400, message: 'The body or frame is not valid JSON.' },
  invalid_message: { status: 400, message: 'The frame is not an object with a string `type`.' },
  invalid_payload: { status: 400, message: 'The payload has the wrong shape or types.' },
  missing_field: { status: 400, message: 'A required field is missing.' },
  unknown_type: { status: 400, message: 'Unknown message type.' },
  unauthenticated: { status: 401, message: 'Missing, invalid or expired credentials.' },
  forbidden: { status: 403, message: 'Not allowed.' },
  validation_failed: { status: 422, message: 'The input failed validation; see `details.fields`.' },
  length_required: { status: 411, message: 'A request body needs a Content-Length.' },
  client_gate_denied: { status: 403, message: 'The client gate denied this request.' },
  not_ready: { status: 503, message: 'The server is not ready.' },
  datagram_unavailable: { status: 503, message: 'The datagram plane is not available.' },
  not_found: { status: 404, message: 'Not found.' }, // Hajime: unknown route or row
  conflict: { status: 409, message: 'The request conflicts with the current state.' }, // Hajime
  service_unavailable: { status: 503, message: 'A backing service is unavailable; retry later.' }, // Hajime
  unsupported_media_type: { status: 415, message: 'Send JSON (Content-Type: application/json).' }, // Hajime

  // auth.*
  'auth.username_taken': { status: 409, message: 'That username is taken.' },
  'auth.invalid_credentials': { status: 401, message: 'Wrong username or password.' },
  'auth.already_registering': { status: 409, message: 'This identity is being registered right now; retry to log in.' },
  'auth.identity_not_found': { status: 404, message: 'No identity of that provider is linked.' },
  'auth.last_auth_method': { status: 422, message: 'Cannot remove the last way to sign in.' },
  'auth.password_registration_disabled': { status: 403, message: 'Password sign-up is disabled; use a provider.' },
  'auth.provider_already_linked': { status: 409, message: 'That provider identity is already linked.' },
  'auth.registration_closed': { status: 403, message: 'Registration is closed.' },
  'auth.unsupported_provider': { status: 400, message: 'That provider is not configured.' },
  'auth.invalid_provider_token': { status: 401, message: 'The provider token could not be verified.' }, // Hajime

  // guest.*
  'guest.disabled': { status: 403, message: 'Guest sign-in is disabled.' },
  'guest.capacity_reached': { status: 503, message: 'Too many guest accounts; try again later.' },
  'guest.unavailable': { status: 503, message: 'Guest sign-in is temporarily unavailable.' },
  'guest.invalid_credentials': { status: 401, message: 'The device secret does not match.' }, // Hajime
  'guest.already_upgraded': { status: 409, message: 'This account is no longer a guest.' }, // Hajime

  // player.*
  'player.confirmation_failed': { status: 403, message: 'The confirmation did not match.' },
  'player.credentials_changed': { status: 409, message: 'The credentials changed meanwhile; retry.' },
  'player.not_found': { status: 404, message: 'No such player.' }, // Hajime

  // match.*, matchmaker.*
  'match.full': { status: 409, message: 'The match is full.' },
  'match.locked': { status: 409, message: 'The match is not joinable.' },
  'match.join_refused': { status: 403, message: 'The game refused the join; see `details.refused_reason`.' },
  'match.not_found': { status: 404, message: 'No live match has this id.' },
  'match.not_in_match': { status: 409, message: 'You are not in a match.' },
  'matchmaker.queue_full': { status: 503, message: 'The matchmaker queue is full.' },
  'matchmaker.ticket_not_found': { status: 404, message: 'No such matchmaker ticket.' },
  'matchmaker.unknown_mode': { status: 400, message: 'Unknown game mode.' },

  // world.*
  'world.already_joined': { status: 409, message: 'Already in a world.' },
  'world.capacity_reached': { status: 503, message: 'No capacity for another world.' },
  'world.create_failed': { status: 500, message: 'The world could not be created.' },
  'world.not_found': { status: 404, message: 'No live world exists with this id.' },
  'world.player_limit_reached': { status: 429, message: 'You own too many worlds.' },

  // leaderboard.*, tournament.*, vote.*
  'leaderboard.capacity_reached': { status: 503, message: 'Too many live leaderboards.' },
  'leaderboard.client_submit_disabled': { status: 403, message: 'Clients cannot submit scores to this board.' },
  'tournament.already_joined': { status: 409, message: 'Already in this tournament.' },
  'tournament.full': { status: 409, message: 'The tournament is full.' },
  'tournament.not_found': { status: 404, message: 'No such tournament.' }, // Hajime
  'tournament.closed': { status: 409, message: 'The tournament is no longer open.' }, // Hajime
  'vote.not_found': { status: 404, message: 'No such vote.' },

  // economy.*, inventory.*, iap.*
  'economy.insufficient_funds': { status: 402, message: 'Not enough funds.' },
  'economy.listing_inactive': { status: 400, message: 'That listing is not on sale.' },
  'inventory.insufficient_quantity': { status: 409, message: 'Not enough of that item.' },
  'inventory.invalid_quantity': { status: 422, message: 'Quantity must be 1..1,000,000.' },
  'inventory.item_not_found': { status: 404, message: 'No such item.' },
  'iap.missing_transaction_id': { status: 422, message: 'The receipt has no transaction id.' },
  'iap.transaction_already_claimed': { status: 409, message: 'That purchase was claimed by another player.' },
  'iap.invalid_receipt': { status: 422, message: 'The receipt could not be verified.' }, // Hajime

  // social.*, chat.*, dm.*, notification.*
  'social.already_member': { status: 409, message: 'Already a member.' },
  'social.cannot_friend_self': { status: 400, message: 'You cannot befriend yourself.' },
  'social.friend_not_found': { status: 404, message: 'No such player to befriend.' },
  'social.friendship_not_found': { status: 404, message: 'No such friendship or request.' },
  'social.group_not_found': { status: 404, message: 'No such group.' },
  'social.member_not_found': { status: 404, message: 'Not a member of this group.' },
  'social.group_closed': { status: 403, message: 'The group is closed.' },
  'social.group_full': { status: 409, message: 'The group is full.' },
  'social.not_member': { status: 403, message: 'Not a member of this group.' }, // Hajime
  'chat.invalid_channel_id': { status: 400, message: 'Invalid channel id.' },
  'chat.too_many_channels': { status: 429, message: 'Joined too many channels.' },
  'chat.invalid_content': { status: 400, message: 'Chat content must be a non-empty string within the size cap.' }, // Hajime
  'dm.blocked': { status: 403, message: 'The recipient blocked you.' },
  'dm.content_empty': { status: 400, message: 'The message is empty.' },
  'dm.content_too_large': { status: 413, message: 'The message is too long.' },
  'notification.not_found': { status: 404, message: 'No such notification.' }, // Hajime

  // save.*, storage.*
  'save.not_found': { status: 404, message: 'That save slot is empty.' },
  'save.slot_limit_reached': { status: 409, message: 'All save slots are used.' },
  'save.too_large': { status: 413, message: 'The save is too large.' },
  'save.version_conflict': { status: 409, message: 'The save changed meanwhile; see `details.current_version`.' },
  'storage.conflict': { status: 409, message: 'The object changed meanwhile.' },
  'storage.forbidden': { status: 403, message: 'Not allowed to access this object.' },
  'storage.invalid_perm': { status: 422, message: 'Permissions are `public` or `owner`.' },
  'storage.invalid_request': { status: 400, message: 'Invalid storage request.' },
  'storage.not_found': { status: 404, message: 'No object exists at this collection and key.' },
  'storage.value_too_large': { status: 413, message: 'The value is too large.' },

  // rpc.*
  'rpc.invalid_cid': { status: 400, message: 'rpc.call needs a cid of 1-64 printable ASCII characters.' },
  'rpc.invalid_params': { status: 400, message: 'Invalid RPC parameters.' },
  'rpc.unknown_method': { status: 404, message: 'Unknown RPC method.' },
  'rpc.unsupported_protocol': { status: 400, message: 'Unsupported RPC protocol version.' },

  // ops.*
  'ops.confirmation_mismatch': { status: 400, message: 'The confirmation does not match.' },
  'ops.confirmation_required': { status: 400, message: 'This action needs a confirmation.' },
  'ops.invalid_id': { status: 400, message: 'The id is not a UUID.' },
  'ops.invalid_filter': { status: 400, message: 'An id filter is not a UUID.' },
  'ops.not_found': { status: 404, message: 'Not found.' },
  'ops.orphaned_extension_rows': { status: 409, message: 'An extension left rows behind.' },
  'ops.purge_count_mismatch': { status: 409, message: 'The purge count changed; re-run the dry run.' },
  'ops.unknown_sort_field': { status: 400, message: 'Unknown sort field.' },
  'ops.export_incomplete': { status: 500, message: 'Part of the export failed.' },

  // ws.*
  'ws.request_failed': { status: 400, message: 'The request failed; see `details.reason`.' },
} as const satisfies Record<string, { status: number; message: string }>;

/** One code of the closed registry. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** True when `code` is in the registry. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** The HTTP status of a code. */
export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}

/** The shared error object of HTTP bodies and WS error frames. */
export interface ErrorObject {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: Record<string, unknown>;
}

/** Builds the shared error object (default message from the registry). */
export function errorObject(code: ErrorCode, details: Record<string, unknown> = {}, message?: string): ErrorObject {
  return { code, message: message ?? ERROR_CODES[code].message, details };
}

/**
 * An HTTP error body: `{ error: { code, message, details } }` plus asobi's legacy top-level extras
 * (`retry_after` on 429, `fields`/`errors` on 422), each repeated inside `details`.
 */
export function httpErrorBody(code: ErrorCode, details: Record<string, unknown> = {}, message?: string): Record<string, unknown> {
  const body: Record<string, unknown> = { error: errorObject(code, details, message) };
  if (statusOf(code) === 429 && details['retry_after'] !== undefined) body['retry_after'] = details['retry_after'];
  if (code === 'validation_failed') {
    if (details['fields'] !== undefined) body['fields'] = details['fields'];
    if (details['errors'] !== undefined) body['errors'] = details['errors'];
  }
  return body;
}

/**
 * The flat `reason` dialect of WS error frames and the code each maps to (asobi-reference.md §4.2).
 * Bare codes map to themselves; any other reason becomes `ws.request_failed` with `details.reason`.
 */
export const REASON_TO_CODE = {
  invalid_token: 'unauthenticated',
  not_authorized: 'forbidden',
  not_owner: 'forbidden',
  not_in_match: 'match.not_in_match',
  match_not_found: 'match.not_found',
  match_full: 'match.full',
  match_locked: 'match.locked',
  join_refused: 'match.join_refused',
  world_not_found: 'world.not_found',
  already_in_world: 'world.already_joined',
  invalid_channel_id: 'chat.invalid_channel_id',
  too_many_channels: 'chat.too_many_channels',
  unknown_mode: 'matchmaker.unknown_mode',
  queue_full: 'matchmaker.queue_full',
  blocked: 'dm.blocked',
  content_empty: 'dm.content_empty',
  content_too_large: 'dm.content_too_large',
  internal_error: 'internal',
} as const satisfies Record<string, ErrorCode>;

/** Bare codes that are also their own reason. */
const BARE = new Set<string>(Object.keys(ERROR_CODES).filter((c) => !c.includes('.')));

/** The registry code for a flat reason (and the extra details it implies). */
export function codeForReason(reason: string): { code: ErrorCode; details: Record<string, unknown> } {
  const mapped = (REASON_TO_CODE as Record<string, ErrorCode>)[reason];
  if (mapped !== undefined) return { code: mapped, details: {} };
  if (BARE.has(reason)) return { code: reason as ErrorCode, details: {} };
  return { code: 'ws.request_failed', details: { reason } };
}

const CODE_TO_REASON: Record<string, string> = Object.fromEntries(
  Object.entries(REASON_TO_CODE)
    .filter(([reason]) => reason !== 'not_owner' && reason !== 'internal_error')
    .map(([reason, code]) => [code, reason]),
);
CODE_TO_REASON['internal'] = 'internal_error';

/** The flat reason for a registry code: the mapped one, the code itself when bare, else the code. */
export function reasonForCode(code: ErrorCode): string {
  return CODE_TO_REASON[code] ?? code;
}
