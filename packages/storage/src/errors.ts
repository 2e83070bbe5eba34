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
  // codes: social, chat, notifications (add below this line)
  // codes: saves, objects, iap, audit, erasure (add below this line)
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
