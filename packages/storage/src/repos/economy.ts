/**
 * Money and things: wallets with a ledger, item definitions, store listings, purchases and inventory.
 * Every balance change is one transaction that locks the wallet row (`FOR UPDATE`, serialising per
 * player and currency), writes a ledger row with `balance_after`, and never lets a balance go negative
 * (`STO_ERR_INSUFFICIENT_FUNDS`; the table also has a CHECK). An optional idempotency key makes a retried
 * grant, debit or purchase apply once: the retry gets the original ledger row back with `replayed: true`.
 */
import type { Driver, Queryable } from '../driver.js';
import { StorageError, isStorageError } from '../errors.js';
import { newId, type ItemId, type PlayerId, type WalletId } from '../ids.js';
import { METADATA_MAX_BYTES, bool, date, int, invalid, limit, object, oneOf, optText, text, uuid } from '../internal/validate.js';

/** Amounts and prices are integers in [0, 2^53). */
const MAX_AMOUNT = Number.MAX_SAFE_INTEGER;
const CURRENCY_RE = /^[A-Za-z0-9_.-]{1,32}$/;
export const RARITIES = ['common', 'uncommon', 'rare', 'epic', 'legendary'] as const;
export type Rarity = (typeof RARITIES)[number];

export interface Wallet {
  readonly currency: string;
  readonly balance: number;
}

export interface LedgerEntry {
  readonly id: string;
  readonly wallet_id: WalletId;
  readonly amount: number;
  readonly balance_after: number;
  readonly reason: string | null;
  readonly reference_type: string | null;
  readonly reference_id: string | null;
  readonly idempotency_key: string | null;
  readonly metadata: Record<string, unknown>;
  readonly inserted_at: Date;
  /** True when an earlier call with the same idempotency key already applied this change. */
  readonly replayed?: boolean;
}

export interface ChangeOptions {
  readonly reason?: string;
  readonly reference_type?: string;
  readonly reference_id?: string;
  /** Makes a retry apply once (unique per wallet). */
  readonly idempotency_key?: string;
  readonly metadata?: Record<string, unknown>;
}

export interface ItemDef {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly category: string | null;
  readonly rarity: Rarity;
  readonly stackable: boolean;
  readonly metadata: Record<string, unknown>;
  readonly inserted_at: Date;
  readonly updated_at: Date;
}

export interface Listing {
  readonly id: string;
  readonly item_def_id: string;
  readonly currency: string;
  readonly price: number;
  readonly active: boolean;
  readonly valid_from: Date | null;
  readonly valid_until: Date | null;
  /** Remaining units for a limited listing; null = unlimited. */
  readonly stock: number | null;
  readonly metadata: Record<string, unknown>;
}

export interface PlayerItem {
  readonly id: ItemId;
  readonly item_def_id: string;
  readonly player_id: PlayerId;
  readonly quantity: number;
  readonly metadata: Record<string, unknown>;
  readonly acquired_at: Date;
  readonly updated_at: Date;
}

function currency(v: unknown): string {
  const s = text('currency', v, { max: 32 });
  if (!CURRENCY_RE.test(s)) throw invalid('currency', 'letters, digits, _ - . only, 1..32 long');
  return s;
}

/** Applies one signed balance change inside `tx`. */
async function change(tx: Queryable, playerId: string, cur: string, amount: number, opts: ChangeOptions): Promise<LedgerEntry> {
  await tx.query('INSERT INTO wallets (id, player_id, currency) VALUES ($1, $2, $3) ON CONFLICT (player_id, currency) DO NOTHING', [newId(), playerId, cur]);
  const [wallet] = await tx.query<{ id: WalletId; balance: number }>('SELECT id, balance FROM wallets WHERE player_id = $1 AND currency = $2 FOR UPDATE', [playerId, cur]);
  // Gone between the insert and the lock: the player was erased meanwhile.
  if (wallet === undefined) throw new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: playerId, currency: cur } });
  const key = opts.idempotency_key ?? null;
  if (key !== null) {
    const [prior] = await tx.query<LedgerEntry & Record<string, unknown>>('SELECT * FROM transactions WHERE wallet_id = $1 AND idempotency_key = $2', [wallet.id, key]);
    if (prior !== undefined) return { ...prior, replayed: true };
  }
  const after = wallet.balance + amount;
  if (after < 0) throw new StorageError('STO_ERR_INSUFFICIENT_FUNDS', { details: { currency: cur, balance: wallet.balance, needed: -amount } });
  if (after > MAX_AMOUNT) throw invalid('amount', 'balance would overflow');
  await tx.query('UPDATE wallets SET balance = $2, updated_at = now() WHERE id = $1', [wallet.id, after]);
  const [row] = await tx.query<LedgerEntry & Record<string, unknown>>(
    `INSERT INTO transactions (id, wallet_id, amount, balance_after, reason, reference_type, reference_id, idempotency_key, metadata)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb) RETURNING *`,
    [newId(), wallet.id, amount, after, opts.reason ?? null, opts.reference_type ?? null, opts.reference_id ?? null, key, object('metadata', opts.metadata ?? {}, METADATA_MAX_BYTES)],
  );
  return row!;
}

function checkOptions(opts: ChangeOptions): ChangeOptions {
  optText('reason', opts.reason, { max: 128 });
  optText('reference_type', opts.reference_type, { max: 64 });
  optText('reference_id', opts.reference_id, { max: 128 });
  optText('idempotency_key', opts.idempotency_key, { max: 128 });
  return opts;
}

export class EconomyRepo {
  constructor(private readonly db: Driver) {}

  /** Every wallet of a player (created lazily, so possibly none). */
  async wallets(playerId: string): Promise<Wallet[]> {
    return this.db.query<Wallet & Record<string, unknown>>('SELECT currency, balance FROM wallets WHERE player_id = $1 ORDER BY currency', [uuid('player_id', playerId)]);
  }

  /** The balance in one currency (0 without a wallet). */
  async balance(playerId: string, cur: string): Promise<number> {
    const [row] = await this.db.query<{ balance: number }>('SELECT balance FROM wallets WHERE player_id = $1 AND currency = $2', [uuid('player_id', playerId), currency(cur)]);
    return row?.balance ?? 0;
  }

  /** Adds `amount` (> 0). `STO_ERR_NOT_FOUND` for an unknown player. */
  async grant(playerId: string, cur: string, amount: number, opts: ChangeOptions = {}): Promise<LedgerEntry> {
    return this.#apply(playerId, cur, int('amount', amount, { min: 1, max: MAX_AMOUNT }), opts);
  }

  /** Removes `amount` (> 0); `STO_ERR_INSUFFICIENT_FUNDS` if the balance is lower. */
  async debit(playerId: string, cur: string, amount: number, opts: ChangeOptions = {}): Promise<LedgerEntry> {
    return this.#apply(playerId, cur, -int('amount', amount, { min: 1, max: MAX_AMOUNT }), opts);
  }

  async #apply(playerId: string, cur: string, signed: number, opts: ChangeOptions): Promise<LedgerEntry> {
    const pid = uuid('player_id', playerId);
    const c = currency(cur);
    checkOptions(opts);
    return this.#idempotent(pid, c, opts, () => this.db.transaction((tx) => change(tx, pid, c, signed, opts)));
  }

  /** Runs `fn`; if a concurrent call with the same idempotency key won the race, returns its row instead. */
  async #idempotent<T>(playerId: string, cur: string, opts: ChangeOptions, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (opts.idempotency_key !== undefined && isStorageError(e, 'STO_ERR_CONFLICT') && e.details?.['constraint'] === 'transactions_idempotency_key') {
        return fn();
      }
      if (isStorageError(e, 'STO_ERR_NOT_FOUND') && e.details?.['constraint'] === 'wallets_player_id_fkey') {
        throw new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: playerId, currency: cur } });
      }
      throw e;
    }
  }

  /** Ledger rows of one wallet, newest first (default 50, at most 200). */
  async history(playerId: string, cur: string, options: { limit?: number } = {}): Promise<LedgerEntry[]> {
    return this.db.query<LedgerEntry & Record<string, unknown>>(
      `SELECT t.* FROM transactions t JOIN wallets w ON w.id = t.wallet_id
        WHERE w.player_id = $1 AND w.currency = $2 ORDER BY t.inserted_at DESC, t.id DESC LIMIT $3`,
      [uuid('player_id', playerId), currency(cur), limit(options.limit, 50, 200)],
    );
  }

  /** Sum of a wallet's ledger (equals its balance; exposed for audits and tests). */
  async ledgerSum(playerId: string, cur: string): Promise<number> {
    const [row] = await this.db.query<{ s: number }>(
      `SELECT COALESCE(sum(t.amount), 0)::int8 AS s FROM transactions t JOIN wallets w ON w.id = t.wallet_id WHERE w.player_id = $1 AND w.currency = $2`,
      [uuid('player_id', playerId), currency(cur)],
    );
    return row!.s;
  }

  // ---- catalogue -------------------------------------------------------------------------------------

  /** Creates or updates an item definition by slug (catalogue seeding is idempotent). */
  async upsertItemDef(input: { slug: string; name: string; category?: string | null; rarity?: Rarity; stackable?: boolean; metadata?: Record<string, unknown> }): Promise<ItemDef> {
    const slug = text('slug', input.slug, { max: 64 });
    if (!/^[a-z0-9_.-]+$/.test(slug)) throw invalid('slug', 'lowercase letters, digits, _ - . only');
    const [row] = await this.db.query<ItemDef & Record<string, unknown>>(
      `INSERT INTO item_defs (id, slug, name, category, rarity, stackable, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
       ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category, rarity = EXCLUDED.rarity,
         stackable = EXCLUDED.stackable, metadata = EXCLUDED.metadata, updated_at = now()
       RETURNING *`,
      [
        newId(),
        slug,
        text('name', input.name, { max: 128 }),
        optText('category', input.category, { max: 64 }),
        oneOf('rarity', input.rarity ?? 'common', RARITIES),
        bool('stackable', input.stackable ?? true),
        object('metadata', input.metadata ?? {}, METADATA_MAX_BYTES),
      ],
    );
    return row!;
  }

  async itemDef(idOrSlug: string): Promise<ItemDef | undefined> {
    const byId = /^[0-9a-f-]{36}$/i.test(idOrSlug);
    const [row] = await this.db.query<ItemDef & Record<string, unknown>>(`SELECT * FROM item_defs WHERE ${byId ? 'id' : 'slug'} = $1`, [byId ? uuid('id', idOrSlug) : text('slug', idOrSlug, { max: 64 })]);
    return row;
  }

  async itemDefs(): Promise<ItemDef[]> {
    return this.db.query<ItemDef & Record<string, unknown>>('SELECT * FROM item_defs ORDER BY slug');
  }

  /** Creates a store listing. `STO_ERR_NOT_FOUND` for an unknown item definition. */
  async createListing(input: {
    item_def_id: string;
    currency: string;
    price: number;
    active?: boolean;
    valid_from?: Date | null;
    valid_until?: Date | null;
    stock?: number | null;
    metadata?: Record<string, unknown>;
  }): Promise<Listing> {
    const validFrom = input.valid_from == null ? null : date('valid_from', input.valid_from);
    const validUntil = input.valid_until == null ? null : date('valid_until', input.valid_until);
    if (validFrom !== null && validUntil !== null && validUntil <= validFrom) throw invalid('valid_until', 'must be after valid_from');
    const [row] = await this.db.query<Listing & Record<string, unknown>>(
      `INSERT INTO store_listings (id, item_def_id, currency, price, active, valid_from, valid_until, stock, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb) RETURNING *`,
      [
        newId(),
        uuid('item_def_id', input.item_def_id),
        currency(input.currency),
        int('price', input.price, { min: 0, max: MAX_AMOUNT }),
        bool('active', input.active ?? true),
        validFrom,
        validUntil,
        input.stock == null ? null : int('stock', input.stock, { min: 0 }),
        object('metadata', input.metadata ?? {}, METADATA_MAX_BYTES),
      ],
    );
    return row!;
  }

  async setListingActive(listingId: string, active: boolean): Promise<void> {
    const rows = await this.db.query('UPDATE store_listings SET active = $2 WHERE id = $1 RETURNING id', [uuid('listing_id', listingId), bool('active', active)]);
    if (rows.length === 0) throw new StorageError('STO_ERR_NOT_FOUND', { details: { listing_id: listingId } });
  }

  /** Listings on sale at `now`: active, inside their window, not sold out; optionally of one currency. */
  async listings(now: Date, options: { currency?: string } = {}): Promise<Listing[]> {
    const params: unknown[] = [now];
    let where = `active AND (valid_from IS NULL OR valid_from <= $1) AND (valid_until IS NULL OR valid_until > $1) AND (stock IS NULL OR stock > 0)`;
    if (options.currency !== undefined) {
      params.push(currency(options.currency));
      where += ` AND currency = $2`;
    }
    return this.db.query<Listing & Record<string, unknown>>(`SELECT * FROM store_listings WHERE ${where} ORDER BY price, id`, params);
  }

  async listing(listingId: string): Promise<Listing | undefined> {
    const [row] = await this.db.query<Listing & Record<string, unknown>>('SELECT * FROM store_listings WHERE id = $1', [uuid('listing_id', listingId)]);
    return row;
  }

  /**
   * Buys one unit of a listing at `now`: debit, item grant and (limited listings) stock decrement in one
   * transaction. `STO_ERR_LISTING_INACTIVE` when inactive, outside its window or sold out (`details.reason`);
   * `STO_ERR_INSUFFICIENT_FUNDS`; `STO_ERR_NOT_FOUND` for an unknown listing.
   */
  async purchase(playerId: string, listingId: string, now: Date, opts: { idempotency_key?: string } = {}): Promise<{ item: PlayerItem; transaction: LedgerEntry }> {
    const pid = uuid('player_id', playerId);
    const lid = uuid('listing_id', listingId);
    optText('idempotency_key', opts.idempotency_key, { max: 128 });
    const run = (): Promise<{ item: PlayerItem; transaction: LedgerEntry }> =>
      this.db.transaction(async (tx) => {
        const [l] = await tx.query<Listing & Record<string, unknown>>('SELECT * FROM store_listings WHERE id = $1 FOR UPDATE', [lid]);
        if (l === undefined) throw new StorageError('STO_ERR_NOT_FOUND', { details: { listing_id: listingId } });
        const itemId = newId<ItemId>();
        const debit = await change(tx, pid, l.currency, -l.price, {
          reason: 'purchase',
          reference_type: 'player_item',
          reference_id: itemId,
          ...(opts.idempotency_key === undefined ? {} : { idempotency_key: opts.idempotency_key }),
          metadata: { listing_id: lid },
        });
        if (debit.replayed === true) {
          const [prior] = await tx.query<PlayerItem & Record<string, unknown>>('SELECT * FROM player_items WHERE id = $1', [debit.reference_id]);
          return { item: prior!, transaction: debit };
        }
        const reason = !l.active
          ? 'inactive'
          : l.valid_from !== null && l.valid_from > now
            ? 'not_yet_valid'
            : l.valid_until !== null && l.valid_until <= now
              ? 'expired'
              : l.stock !== null && l.stock <= 0
                ? 'sold_out'
                : undefined;
        if (reason !== undefined) throw new StorageError('STO_ERR_LISTING_INACTIVE', { details: { listing_id: lid, reason } });
        if (l.stock !== null) await tx.query('UPDATE store_listings SET stock = stock - 1 WHERE id = $1', [lid]);
        const [item] = await tx.query<PlayerItem & Record<string, unknown>>(
          `INSERT INTO player_items (id, item_def_id, player_id, quantity, metadata) VALUES ($1, $2, $3, 1, '{}'::jsonb) RETURNING *`,
          [itemId, l.item_def_id, pid],
        );
        return { item: item!, transaction: debit };
      });
    return this.#idempotent(pid, '', opts, run);
  }

  // ---- inventory -------------------------------------------------------------------------------------

  /** Grants `quantity` of an item definition (by id or slug) as a new stack. */
  async grantItem(playerId: string, itemDef: string, quantity = 1, metadata: Record<string, unknown> = {}): Promise<PlayerItem> {
    const def = await this.itemDef(itemDef);
    if (def === undefined) throw new StorageError('STO_ERR_NOT_FOUND', { details: { item_def: itemDef } });
    try {
      const [row] = await this.db.query<PlayerItem & Record<string, unknown>>(
        'INSERT INTO player_items (id, item_def_id, player_id, quantity, metadata) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING *',
        [newId(), def.id, uuid('player_id', playerId), int('quantity', quantity, { min: 1, max: 1_000_000 }), object('metadata', metadata, METADATA_MAX_BYTES)],
      );
      return row!;
    } catch (e) {
      if (isStorageError(e, 'STO_ERR_NOT_FOUND')) throw new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: playerId } });
      throw e;
    }
  }

  /** A player's items, newest first (default 100, at most 500). */
  async inventory(playerId: string, options: { limit?: number } = {}): Promise<PlayerItem[]> {
    return this.db.query<PlayerItem & Record<string, unknown>>('SELECT * FROM player_items WHERE player_id = $1 ORDER BY acquired_at DESC, id DESC LIMIT $2', [
      uuid('player_id', playerId),
      limit(options.limit, 100, 500),
    ]);
  }

  /**
   * Consumes `quantity` (1..1,000,000) from a stack; consuming it all deletes the row.
   * `STO_ERR_ITEM_NOT_FOUND`, `STO_ERR_FORBIDDEN` (another player's item), `STO_ERR_INSUFFICIENT_QUANTITY`.
   */
  async consume(playerId: string, itemId: string, quantity: number): Promise<{ remaining_quantity: number }> {
    const pid = uuid('player_id', playerId);
    const iid = uuid('item_id', itemId);
    const q = int('quantity', quantity, { min: 1, max: 1_000_000 });
    return this.db.transaction(async (tx) => {
      const [item] = await tx.query<PlayerItem & Record<string, unknown>>('SELECT * FROM player_items WHERE id = $1 FOR UPDATE', [iid]);
      if (item === undefined) throw new StorageError('STO_ERR_ITEM_NOT_FOUND', { details: { item_id: iid } });
      if (item.player_id !== pid) throw new StorageError('STO_ERR_FORBIDDEN', { details: { item_id: iid } });
      if (item.quantity < q) throw new StorageError('STO_ERR_INSUFFICIENT_QUANTITY', { details: { item_id: iid, quantity: item.quantity } });
      const remaining = item.quantity - q;
      if (remaining === 0) await tx.query('DELETE FROM player_items WHERE id = $1', [iid]);
      else await tx.query('UPDATE player_items SET quantity = $2, updated_at = now() WHERE id = $1', [iid, remaining]);
      return { remaining_quantity: remaining };
    });
  }
}
