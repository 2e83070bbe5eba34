/**
 * IAP replay protection (asobi-reference.md §2.18): one `iap_transactions` row per verified store
 * transaction, unique on `(provider, transaction_id)`. The first claim wins; the same player resubmitting
 * gets the row back with `duplicate: true`; anyone else gets `STO_ERR_ALREADY_CLAIMED`, also once the
 * claimant was erased (the row survives erasure with `player_id` NULL, so a receipt is never claimable
 * twice). Claims are one `INSERT ... ON CONFLICT DO NOTHING`, so racing claims are decided by the unique
 * index. Crediting wallets or granting items is the game's job, not this table's.
 */
import type { Driver } from '../driver.js';
import { StorageError, isStorageError } from '../errors.js';
import { newId, type PlayerId } from '../ids.js';
import { invalid, limit, optText, text, uuid } from '../internal/validate.js';

const PROVIDER_RE = /^[a-z0-9_.-]{1,32}$/;

export interface IapTransaction {
  readonly id: string;
  /** The claimant; null once that player was erased. */
  readonly player_id: PlayerId | null;
  readonly provider: string;
  readonly transaction_id: string;
  readonly original_transaction_id: string | null;
  readonly product_id: string | null;
  readonly inserted_at: Date;
}

/** Input of {@link IapRepo.claim}: a transaction the caller has already verified with the store. */
export interface IapClaim {
  /** `apple`, `google`, ...: lowercase letters, digits, `_ . -`, 1..32 long. */
  readonly provider: string;
  readonly transaction_id: string;
  readonly original_transaction_id?: string | null | undefined;
  readonly product_id?: string | null | undefined;
  readonly player_id: string;
}

function provider(v: unknown): string {
  const s = text('provider', v, { max: 32 });
  if (!PROVIDER_RE.test(s)) throw invalid('provider', 'lowercase letters, digits, _ . - only, 1..32 long');
  return s;
}

export class IapRepo {
  constructor(protected readonly db: Driver) {}

  /**
   * Records a verified store transaction for a player. Returns the row and whether it was already this
   * player's (`duplicate`). `STO_ERR_ALREADY_CLAIMED` when another (or an erased) player holds it,
   * `STO_ERR_MISSING_TRANSACTION_ID` for a missing or empty id, `STO_ERR_NOT_FOUND` for an unknown player.
   *
   * @example
   * const { duplicate } = await storage.iap.claim({ provider: 'apple', transaction_id: tx, product_id: 'gems_100', player_id: me });
   * if (!duplicate) await storage.economy.grant(me, 'gems', 100, { reason: 'iap', reference_id: tx });
   */
  async claim(input: IapClaim): Promise<{ row: IapTransaction; duplicate: boolean }> {
    if (input.transaction_id === undefined || input.transaction_id === null || input.transaction_id === '') {
      throw new StorageError('STO_ERR_MISSING_TRANSACTION_ID', { details: { field: 'transaction_id' } });
    }
    const params = [
      newId(),
      uuid('player_id', input.player_id),
      provider(input.provider),
      text('transaction_id', input.transaction_id, { max: 255 }),
      optText('original_transaction_id', input.original_transaction_id, { max: 255 }),
      optText('product_id', input.product_id, { max: 255 }),
    ] as const;
    // A claim that loses the race waits for the winner's commit, then finds its row; if the winner rolled
    // back instead, the next round inserts.
    for (let round = 0; round < 3; round++) {
      let inserted: IapTransaction | undefined;
      try {
        [inserted] = await this.db.query<IapTransaction & Record<string, unknown>>(
          `INSERT INTO iap_transactions (id, player_id, provider, transaction_id, original_transaction_id, product_id)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (provider, transaction_id) DO NOTHING RETURNING *`,
          params,
        );
      } catch (e) {
        if (isStorageError(e, 'STO_ERR_NOT_FOUND')) throw new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: params[1] } });
        throw e;
      }
      if (inserted !== undefined) return { row: inserted, duplicate: false };
      const existing = await this.find(params[2], params[3]);
      if (existing === undefined) continue;
      if (existing.player_id !== params[1]) throw new StorageError('STO_ERR_ALREADY_CLAIMED', { details: { provider: params[2], transaction_id: params[3] } });
      return { row: existing, duplicate: true };
    }
    throw new StorageError('STO_ERR_UNAVAILABLE', { details: { provider: params[2], transaction_id: params[3], why: 'claim kept racing' } });
  }

  /** The row of one store transaction, or undefined. */
  async find(providerName: string, transactionId: string): Promise<IapTransaction | undefined> {
    const [row] = await this.db.query<IapTransaction & Record<string, unknown>>('SELECT * FROM iap_transactions WHERE provider = $1 AND transaction_id = $2', [
      provider(providerName),
      text('transaction_id', transactionId, { max: 255 }),
    ]);
    return row;
  }

  /** A player's claimed transactions, newest first (default 50, at most 200). */
  async listForPlayer(playerId: string, options: { limit?: number | undefined } = {}): Promise<IapTransaction[]> {
    return this.db.query<IapTransaction & Record<string, unknown>>('SELECT * FROM iap_transactions WHERE player_id = $1 ORDER BY inserted_at DESC, id DESC LIMIT $2', [
      uuid('player_id', playerId),
      limit(options.limit, 50, 200),
    ]);
  }
}
