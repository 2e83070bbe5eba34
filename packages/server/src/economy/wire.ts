/**
 * The wire shapes of the economy routes (asobi-reference.md §2.16, §2.17): JSON schemas for the OpenAPI
 * document and response serialisation, and the functions that turn storage rows into them (timestamps as
 * ISO 8601 strings, internal columns such as idempotency keys left out).
 */
import type { LedgerEntry, Listing, PlayerItem, Wallet } from '@hajime/storage';

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
/** Currency codes as the storage accepts them: 1..32 of `A-Z a-z 0-9 _ . -`. */
export const CURRENCY_PATTERN = '^[A-Za-z0-9_.-]{1,32}$';

const metadata = { type: 'object', additionalProperties: true } as const;

export const walletSchema = {
  type: 'object',
  properties: { currency: { type: 'string' }, balance: { type: 'integer' } },
  required: ['currency', 'balance'],
} as const;

export const transactionSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    wallet_id: { type: 'string' },
    amount: { type: 'integer' },
    balance_after: { type: 'integer' },
    reason: { type: ['string', 'null'] },
    reference_type: { type: ['string', 'null'] },
    reference_id: { type: ['string', 'null'] },
    metadata,
    inserted_at: { type: 'string' },
  },
  required: ['id', 'wallet_id', 'amount', 'balance_after', 'inserted_at'],
} as const;

export const listingSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    item_def_id: { type: 'string' },
    currency: { type: 'string' },
    price: { type: 'integer' },
    active: { type: 'boolean' },
    valid_from: { type: ['string', 'null'] },
    valid_until: { type: ['string', 'null'] },
    stock: { type: ['integer', 'null'], description: 'Units left of a limited listing; null when unlimited (Hajime addition).' },
    metadata,
  },
  required: ['id', 'item_def_id', 'currency', 'price', 'active'],
} as const;

export const itemSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    item_def_id: { type: 'string' },
    player_id: { type: 'string' },
    quantity: { type: 'integer' },
    metadata,
    acquired_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
  required: ['id', 'item_def_id', 'player_id', 'quantity', 'acquired_at', 'updated_at'],
} as const;

export function walletOut(w: Wallet): Record<string, unknown> {
  return { currency: w.currency, balance: w.balance };
}

export function transactionOut(e: LedgerEntry): Record<string, unknown> {
  return {
    id: e.id,
    wallet_id: e.wallet_id,
    amount: e.amount,
    balance_after: e.balance_after,
    reason: e.reason,
    reference_type: e.reference_type,
    reference_id: e.reference_id,
    metadata: e.metadata,
    inserted_at: e.inserted_at.toISOString(),
  };
}

export function listingOut(l: Listing): Record<string, unknown> {
  return {
    id: l.id,
    item_def_id: l.item_def_id,
    currency: l.currency,
    price: l.price,
    active: l.active,
    valid_from: l.valid_from?.toISOString() ?? null,
    valid_until: l.valid_until?.toISOString() ?? null,
    stock: l.stock,
    metadata: l.metadata,
  };
}

export function itemOut(i: PlayerItem): Record<string, unknown> {
  return {
    id: i.id,
    item_def_id: i.item_def_id,
    player_id: i.player_id,
    quantity: i.quantity,
    metadata: i.metadata,
    acquired_at: i.acquired_at.toISOString(),
    updated_at: i.updated_at.toISOString(),
  };
}
