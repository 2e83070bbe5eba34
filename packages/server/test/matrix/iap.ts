// Rows of the authorization matrix for the IAP routes (registered only when createIapPlugin is given
// that provider, so these rows run in iap-authorization.test.ts with both providers configured).
//
// Who may call what:
// - "self": both routes verify a receipt and claim it for the caller; no route takes a player id. The
//   rows send `player_id: <victim>` in the body, which the routes ignore (additional properties are not
//   used). The payloads are receipts that do not verify, so the victim's own call answers 422
//   `iap.invalid_receipt` (authenticated and allowed, but nothing is claimed) and nothing changes for anyone.
import type { Case } from './types.js';

export const IAP_ROWS: Record<string, Case> = {
  'POST /api/v1/iap/apple': {
    access: 'self',
    request: (_c, target) => ({ method: 'POST', url: '/api/v1/iap/apple', payload: { signed_transaction: 'eyJhbGciOiJFUzI1NiJ9.e30.AAAA', player_id: target.id } }),
    untouched: 'profile',
  },
  'POST /api/v1/iap/google': {
    access: 'self',
    request: (_c, target) => ({ method: 'POST', url: '/api/v1/iap/google', payload: { product_id: 'gems_100', purchase_token: 'matrix-unknown-token', player_id: target.id } }),
    untouched: 'profile',
  },
};
