/**
 * `/api/v1` economy and inventory routes (asobi-reference.md §2.16, §2.17): the caller's wallets and
 * ledger, the store (listings on sale now: active, inside valid_from/valid_until, not sold out), purchases
 * (debit + item grant in one transaction, optionally idempotent) and the caller's inventory. Every route
 * acts on the authenticated player only; see guides/economy.md.
 */
import { isStorageError, type Listing, type PlayerItem } from '@hajime/storage';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { CURRENCY_PATTERN, UUID_PATTERN, itemOut, itemSchema, listingOut, listingSchema, transactionOut, transactionSchema, walletOut, walletSchema } from '../economy/wire.js';
import { me } from '../hooks.js';

/** Quantities a consume accepts (asobi's range); anything else is `inventory.invalid_quantity`. */
export const CONSUME_QUANTITY_MAX = 1_000_000;
/** Prefix put before a client's purchase idempotency key, so it never collides with a server-side key. */
export const PURCHASE_KEY_PREFIX = 'purchase:';
/** Longest purchase idempotency key a client may send (the ledger keeps 128 bytes, prefix included). */
export const PURCHASE_KEY_MAX = 100;

const HISTORY_LIMIT = { default: 50, max: 200 } as const;
const INVENTORY_LIMIT = { default: 100, max: 500 } as const;

/** Why a listing is not on sale at `now` (the storage's `details.reason` vocabulary), or undefined. */
export function notOnSale(l: Listing, now: Date): 'inactive' | 'not_yet_valid' | 'expired' | 'sold_out' | undefined {
  if (!l.active) return 'inactive';
  if (l.valid_from !== null && l.valid_from > now) return 'not_yet_valid';
  if (l.valid_until !== null && l.valid_until <= now) return 'expired';
  if (l.stock !== null && l.stock <= 0) return 'sold_out';
  return undefined;
}

export async function economyPlugin(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { storage } = ctx;
  const security = [{ bearer: [] }];
  const now = (): Date => new Date(ctx.system.clock.epochMs());

  app.get(
    '/wallets',
    {
      config: { auth: true },
      schema: {
        tags: ['economy'],
        summary: 'Your wallets, one per currency (created on first grant)',
        security,
        response: { 200: { type: 'object', properties: { wallets: { type: 'array', items: walletSchema } }, required: ['wallets'] } },
      },
    },
    async (request) => ({ wallets: (await storage.economy.wallets(me(request))).map(walletOut) }),
  );

  app.get(
    '/wallets/:currency/history',
    {
      config: { auth: true },
      schema: {
        tags: ['economy'],
        summary: 'Ledger of one of your wallets, newest first',
        security,
        params: { type: 'object', required: ['currency'], properties: { currency: { type: 'string', pattern: CURRENCY_PATTERN } } },
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: HISTORY_LIMIT.max, default: HISTORY_LIMIT.default } } },
        response: { 200: { type: 'object', properties: { transactions: { type: 'array', items: transactionSchema } }, required: ['transactions'] } },
      },
    },
    async (request) => {
      const { currency } = request.params as { currency: string };
      const { limit } = request.query as { limit: number };
      return { transactions: (await storage.economy.history(me(request), currency, { limit })).map(transactionOut) };
    },
  );

  app.get(
    '/store',
    {
      config: { auth: true },
      schema: {
        tags: ['economy'],
        summary: 'Listings on sale now (active, inside their window, not sold out), cheapest first',
        security,
        querystring: { type: 'object', properties: { currency: { type: 'string', pattern: CURRENCY_PATTERN } } },
        response: { 200: { type: 'object', properties: { listings: { type: 'array', items: listingSchema } }, required: ['listings'] } },
      },
    },
    async (request) => {
      const { currency } = request.query as { currency?: string };
      return { listings: (await storage.economy.listings(now(), currency === undefined ? {} : { currency })).map(listingOut) };
    },
  );

  app.post(
    '/store/purchase',
    {
      config: { auth: true },
      schema: {
        tags: ['economy'],
        summary: 'Buy one unit of a listing: debit and item grant in one transaction',
        description: 'A retry with the same `idempotency_key` (per player and currency) returns the first purchase\'s item and moves no money.',
        security,
        body: {
          type: 'object',
          required: ['listing_id'],
          properties: {
            listing_id: { type: 'string', pattern: UUID_PATTERN },
            idempotency_key: { type: 'string', minLength: 1, maxLength: PURCHASE_KEY_MAX },
          },
        },
        response: { 200: { type: 'object', properties: { success: { type: 'boolean' }, item: itemSchema }, required: ['success', 'item'] } },
      },
    },
    async (request) => {
      const playerId = me(request);
      const body = request.body as { listing_id: string; idempotency_key?: string };
      const listingId = body.listing_id.toLowerCase();
      const at = now();
      const key = body.idempotency_key === undefined ? {} : { idempotency_key: PURCHASE_KEY_PREFIX + body.idempotency_key };
      let bought: Awaited<ReturnType<typeof storage.economy.purchase>>;
      try {
        bought = await storage.economy.purchase(playerId, listingId, at, key);
      } catch (e) {
        if (isStorageError(e, 'STO_ERR_NOT_FOUND') && e.details?.['listing_id'] !== undefined) throw new ApiError('economy.listing_inactive', { listing_id: listingId, reason: 'not_found' });
        if (isStorageError(e, 'STO_ERR_INSUFFICIENT_FUNDS')) {
          // The wallet is checked first inside the transaction; a listing that is not on sale says so whatever the balance.
          const listing = await storage.economy.listing(listingId);
          const reason = listing === undefined ? 'not_found' : notOnSale(listing, at);
          if (reason !== undefined) throw new ApiError('economy.listing_inactive', { listing_id: listingId, reason });
        }
        throw e;
      }
      const { transaction } = bought;
      let item: PlayerItem | undefined = bought.item;
      if (transaction.replayed === true) {
        if (transaction.reason !== 'purchase' || transaction.metadata['listing_id'] !== listingId) throw new ApiError('conflict', { reason: 'idempotency_key_reused', listing_id: transaction.metadata['listing_id'] ?? null });
        // The first purchase's item was consumed since: answer with it, quantity 0.
        if (item === undefined) item = await consumedItem(listingId, playerId, transaction.reference_id ?? '', transaction.inserted_at);
      }
      return { success: true, item: itemOut(item) };
    },
  );

  async function consumedItem(listingId: string, playerId: string, itemId: string, at: Date): Promise<PlayerItem> {
    const listing = await storage.economy.listing(listingId);
    return { id: itemId, item_def_id: listing?.item_def_id ?? '', player_id: playerId, quantity: 0, metadata: {}, acquired_at: at, updated_at: at } as PlayerItem;
  }

  app.get(
    '/inventory',
    {
      config: { auth: true },
      schema: {
        tags: ['inventory'],
        summary: 'Your items, newest first',
        security,
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: INVENTORY_LIMIT.max, default: INVENTORY_LIMIT.default } } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: itemSchema } }, required: ['items'] } },
      },
    },
    async (request) => {
      const { limit } = request.query as { limit: number };
      return { items: (await storage.economy.inventory(me(request), { limit })).map(itemOut) };
    },
  );

  app.post(
    '/inventory/consume',
    {
      config: { auth: true },
      schema: {
        tags: ['inventory'],
        summary: 'Use up part or all of one of your item stacks (all of it deletes the stack)',
        security,
        body: {
          type: 'object',
          required: ['item_id', 'quantity'],
          properties: {
            item_id: { type: 'string', pattern: UUID_PATTERN },
            // The range is checked by the handler: out of 1..1,000,000 answers inventory.invalid_quantity.
            quantity: { type: 'number', description: 'An integer in 1..1,000,000' },
          },
        },
        response: { 200: { type: 'object', properties: { success: { type: 'boolean' }, remaining_quantity: { type: 'integer' } }, required: ['success', 'remaining_quantity'] } },
      },
    },
    async (request) => {
      const playerId = me(request);
      const { item_id: itemId, quantity } = request.body as { item_id: string; quantity: number };
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > CONSUME_QUANTITY_MAX) throw new ApiError('inventory.invalid_quantity', { quantity, min: 1, max: CONSUME_QUANTITY_MAX });
      try {
        const { remaining_quantity } = await storage.economy.consume(playerId, itemId, quantity);
        return { success: true, remaining_quantity };
      } catch (e) {
        if (isStorageError(e, 'STO_ERR_FORBIDDEN')) throw new ApiError('forbidden', { item_id: itemId.toLowerCase(), reason: 'not_owner' });
        throw e;
      }
    },
  );
}
