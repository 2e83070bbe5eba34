/**
 * Server-side item grants: game code (match results, RPC handlers, tournament rewards, IAP mappings) gives
 * a player items by catalogue slug. Clients have no grant route; this is the only way in besides a purchase.
 */
import type { PlayerItem, Storage } from '@hajime/storage';

export interface GrantItemOptions {
  /** Units in the new stack, 1..1,000,000 (default 1). */
  readonly quantity?: number;
  /** Per-stack metadata (default `{}`), e.g. `{ source: 'season_3_reward' }`. */
  readonly metadata?: Record<string, unknown>;
}

/**
 * Grants `quantity` units of the item `slug` to a player as a new inventory stack (asobi keeps no
 * stacking logic; neither does this). Throws `StorageError` `STO_ERR_NOT_FOUND` for an unknown slug
 * (`details.item_def`) or player (`details.player_id`), `STO_ERR_INVALID_INPUT` for a bad quantity.
 *
 * @example
 * await grantItem(storage, playerId, 'health_potion', { quantity: 3, metadata: { source: 'daily_login' } });
 */
export async function grantItem(storage: Storage, playerId: string, slug: string, options: GrantItemOptions = {}): Promise<PlayerItem> {
  return storage.economy.grantItem(playerId, slug, options.quantity ?? 1, options.metadata ?? {});
}
