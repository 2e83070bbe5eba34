/**
 * The error table of `@hajime/storage`. Every failure a repository reports is a `StorageError` with one of
 * these codes, never a raw driver error. `wire` is the asobi error code the server answers with, so the
 * REST layer maps storage failures without guessing; `guides/reference/errors.md` lists them all.
 */

export const STORAGE_ERRORS = {
  STO_ERR_INVALID_INPUT: { status: 422, wire: 'validation_failed', cause: 'An argument has the wrong type, range or format; `details.field` names it.' },
  STO_ERR_TOO_LARGE: { status: 413, wire: 'payload_too_large', cause: 'A value is over its size cap; `details` gives the field and limit.' },
  STO_ERR_NOT_FOUND: { status: 404, wire: 'not_found', cause: 'No row with that id (or the referenced row does not exist).' },
  STO_ERR_CONFLICT: { status: 409, wire: 'conflict', cause: 'A uniqueness rule was violated; `details.constraint` names it.' },
  STO_ERR_USERNAME_TAKEN: { status: 409, wire: 'auth.username_taken', cause: 'Another player already has that username.' },
  STO_ERR_IDENTITY_TAKEN: { status: 409, wire: 'auth.provider_already_linked', cause: 'That provider identity is already linked to a player.' },
  STO_ERR_INSUFFICIENT_FUNDS: { status: 402, wire: 'economy.insufficient_funds', cause: 'The wallet balance is lower than the debit.' },
  STO_ERR_LISTING_INACTIVE: { status: 400, wire: 'economy.listing_inactive', cause: 'The store listing is inactive or outside its valid_from/valid_until window.' },
  STO_ERR_ITEM_NOT_FOUND: { status: 404, wire: 'inventory.item_not_found', cause: 'No inventory item with that id.' },
  STO_ERR_INSUFFICIENT_QUANTITY: { status: 409, wire: 'inventory.insufficient_quantity', cause: 'The item stack holds less than the quantity asked for.' },
  STO_ERR_FORBIDDEN: { status: 403, wire: 'forbidden', cause: 'The row belongs to another player, or its permissions forbid the access.' },
  STO_ERR_VERSION_CONFLICT: { status: 409, wire: 'save.version_conflict', cause: 'The expected version does not match; `details.current_version` holds the current one.' },
  STO_ERR_SLOT_LIMIT: { status: 409, wire: 'save.slot_limit_reached', cause: 'The player already uses every cloud save slot.' },
  STO_ERR_ALREADY_CLAIMED: { status: 409, wire: 'iap.transaction_already_claimed', cause: 'That store transaction id was already claimed by another player.' },
  // codes: matches, votes, leaderboards, tournaments, zones (add below this line)
  STO_ERR_TOURNAMENT_FULL: { status: 409, wire: 'tournament.full', cause: 'The tournament already has max_entries participants.' },
  STO_ERR_ALREADY_JOINED: { status: 409, wire: 'tournament.already_joined', cause: 'The player already joined that tournament.' },
  STO_ERR_TOURNAMENT_CLOSED: { status: 409, wire: 'tournament.closed', cause: 'The tournament is finished and takes no more entries.' },
  // codes: social, chat, notifications (add below this line)
  STO_ERR_CANNOT_FRIEND_SELF: { status: 400, wire: 'social.cannot_friend_self', cause: 'A player cannot befriend (or block) themselves.' },
  STO_ERR_FRIEND_NOT_FOUND: { status: 404, wire: 'social.friend_not_found', cause: 'No player exists with that friend id.' },
  STO_ERR_FRIENDSHIP_NOT_FOUND: { status: 404, wire: 'social.friendship_not_found', cause: 'No such friendship row (or no pending request to accept) between the two players.' },
  STO_ERR_GROUP_NOT_FOUND: { status: 404, wire: 'social.group_not_found', cause: 'No group with that id.' },
  STO_ERR_GROUP_CLOSED: { status: 403, wire: 'social.group_closed', cause: 'The group is closed: it cannot be joined without an invite.' },
  STO_ERR_GROUP_FULL: { status: 409, wire: 'social.group_full', cause: 'The group already holds max_members members.' },
  STO_ERR_ALREADY_MEMBER: { status: 409, wire: 'social.already_member', cause: 'The player is already a member of the group.' },
  STO_ERR_MEMBER_NOT_FOUND: { status: 404, wire: 'social.member_not_found', cause: 'The target player is not a member of the group.' },
  STO_ERR_INVALID_CHANNEL: { status: 400, wire: 'chat.invalid_channel_id', cause: 'The chat channel id is not 1..256 bytes with a known prefix (dm:, global:, room:, world:, zone:, prox:); `details.why` says why.' },
  STO_ERR_CONTENT_EMPTY: { status: 400, wire: 'dm.content_empty', cause: 'A chat message needs non-empty content.' },
  STO_ERR_CONTENT_TOO_LARGE: { status: 413, wire: 'dm.content_too_large', cause: 'The chat message content is over 2000 bytes.' },
  STO_ERR_NOTIFICATION_NOT_FOUND: { status: 404, wire: 'notification.not_found', cause: 'No notification with that id.' },
  // codes: saves, objects, iap, audit, erasure (add below this line)
  STO_ERR_SAVE_TOO_LARGE: { status: 413, wire: 'save.too_large', cause: 'The cloud save data is over 256 KB (262,144 bytes of JSON); `details.limitBytes` gives the cap.' },
  STO_ERR_OBJECT_TOO_LARGE: { status: 413, wire: 'storage.value_too_large', cause: 'The storage object value is over 256 KB (262,144 bytes of JSON); `details.limitBytes` gives the cap.' },
  STO_ERR_OBJECT_CONFLICT: { status: 409, wire: 'storage.conflict', cause: 'The expected storage object version does not match; `details.current_version` holds the current one (0: no object).' },
  STO_ERR_OBJECT_FORBIDDEN: { status: 403, wire: 'storage.forbidden', cause: "The storage object's owner or read_perm/write_perm does not allow this access; `details.reason` says which." },
  STO_ERR_INVALID_PERM: { status: 422, wire: 'storage.invalid_perm', cause: 'read_perm and write_perm must be `public` or `owner`; `details.field` names the bad one.' },
  STO_ERR_MISSING_TRANSACTION_ID: { status: 422, wire: 'iap.missing_transaction_id', cause: 'The IAP claim has no (or an empty) store transaction id.' },
  STO_ERR_ORPHANED_ROWS: { status: 409, wire: 'ops.orphaned_extension_rows', cause: 'Rows in a table the erasure does not sweep (a removed extension) still reference the player; `details.table` names it. Nothing was erased.' },
  STO_ERR_UNAVAILABLE: { status: 503, wire: 'service_unavailable', cause: 'The database could not be reached or failed unexpectedly; `cause` holds the driver error.' },
  STO_ERR_MIGRATION_FAILED: { status: 503, wire: 'service_unavailable', cause: 'A schema migration failed; `details.migration` names it. The node stays up but not ready.' },
  STO_ERR_CLOSED: { status: 503, wire: 'service_unavailable', cause: 'The storage was closed.' },
} as const satisfies Record<string, { status: number; wire: string; cause: string }>;

export type StorageErrorCode = keyof typeof STORAGE_ERRORS;

/** A storage failure. Match on `code`; `details` carries structured context, `cause` the driver error if any. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;
  readonly status: number;
  /** The asobi wire error code for this failure. */
  readonly wire: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: StorageErrorCode, options: { details?: Record<string, unknown>; cause?: unknown; message?: string } = {}) {
    super(options.message ?? STORAGE_ERRORS[code].cause, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = STORAGE_ERRORS[code].status;
    this.wire = STORAGE_ERRORS[code].wire;
    this.details = options.details;
  }
}

/** True when `e` is a {@link StorageError}, optionally with the given code. */
export function isStorageError(e: unknown, code?: StorageErrorCode): e is StorageError {
  return e instanceof StorageError && (code === undefined || e.code === code);
}
