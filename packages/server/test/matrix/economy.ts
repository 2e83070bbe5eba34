// Rows of the authorization matrix for the economy and inventory routes.
//
// Who may call what:
// - "self": wallets, ledger history, purchases, inventory and consume act on the caller's own rows only;
//   no route takes a player id. The purchase and consume rows also send `player_id: <victim>` in the
//   body, which the routes ignore: another player's token buys with its own wallet and may not consume
//   the victim's item (403 `forbidden`, `details.reason: not_owner`). economy-authorization.test.ts seeds
//   the victim with money, a ledger and the item MATRIX_ITEM_ID, and the listing MATRIX_LISTING_ID, and
//   checks that no other token changes the victim's wallets, ledger or inventory.
// - "authenticated": the store is the same for every signed-in player.
import { economyPlugin, type DomainPlugin } from '../../src/index.js';
import type { Case } from './types.js';

/** The listing economy-authorization.test.ts creates (unknown elsewhere: a purchase answers economy.listing_inactive). */
export const MATRIX_LISTING_ID = '00000000-0000-7000-8000-00000000e001';
/** The victim's item economy-authorization.test.ts seeds (unknown elsewhere: inventory.item_not_found). */
export const MATRIX_ITEM_ID = '00000000-0000-7000-8000-00000000e002';
export const MATRIX_CURRENCY = 'gold';

export const ECONOMY_ROWS: Record<string, Case> = {
  'GET /api/v1/wallets': { access: 'self', request: () => ({ method: 'GET', url: '/api/v1/wallets' }) },
  'GET /api/v1/wallets/{currency}/history': { access: 'self', request: () => ({ method: 'GET', url: `/api/v1/wallets/${MATRIX_CURRENCY}/history` }) },
  'GET /api/v1/store': { access: 'authenticated', request: () => ({ method: 'GET', url: `/api/v1/store?currency=${MATRIX_CURRENCY}` }) },
  'POST /api/v1/store/purchase': {
    access: 'self',
    request: (_c, target) => ({ method: 'POST', url: '/api/v1/store/purchase', payload: { listing_id: MATRIX_LISTING_ID, player_id: target.id } }),
    untouched: 'profile',
  },
  'GET /api/v1/inventory': { access: 'self', request: () => ({ method: 'GET', url: '/api/v1/inventory' }) },
  'POST /api/v1/inventory/consume': {
    access: 'self',
    request: (_c, target) => ({ method: 'POST', url: '/api/v1/inventory/consume', payload: { item_id: MATRIX_ITEM_ID, quantity: 1, player_id: target.id } }),
    untouched: 'profile',
  },
};

/** Registers `plugin` unless a server already has its routes (once createServer lists it by default). */
function once(plugin: DomainPlugin, probe: string): DomainPlugin {
  return async (app, ctx) => {
    if (!app.hasRoute({ method: 'GET', url: probe })) await plugin(app, ctx);
  };
}

/** The plugins these rows need, for `testServer(t, storage, {}, { plugins: ECONOMY_PLUGINS })`. */
export const ECONOMY_PLUGINS: readonly DomainPlugin[] = [once(economyPlugin, '/api/v1/wallets')];
