// Rows of the authorization matrix for cloud saves, storage objects and RPC.
//
// Who may call what:
// - "self": saves are the caller's own only (no route names another player's slot). Storage objects act
//   on the caller's own by default; `?player_id=` names another owner, and the rows below use it so
//   another player's token aims at the victim's objects: it may read them only when `read_perm` is
//   `public` and write or delete them only when `write_perm` is `public` (the repository decides,
//   403 `storage.forbidden`). objects-authorization.test.ts seeds the victim with a save and an
//   owner-only object and checks that no other token reads or changes them.
// - "authenticated": any signed-in player may call an RPC method; what it may do is the method's affair.
import { objectsPlugin, rpcPlugin, savesPlugin, type DomainPlugin } from '../../src/index.js';
import type { Case } from './types.js';

/** The victim's seeded save slot and object (see objects-authorization.test.ts). */
export const MATRIX_SLOT = 'matrix-slot';
export const MATRIX_COLLECTION = 'matrix';
export const MATRIX_KEY = 'secret';

export const STORAGE_ROWS: Record<string, Case> = {
  'GET /api/v1/saves': { access: 'self', request: () => ({ method: 'GET', url: '/api/v1/saves' }) },
  'GET /api/v1/saves/{slot}': { access: 'self', request: () => ({ method: 'GET', url: `/api/v1/saves/${MATRIX_SLOT}` }) },
  'PUT /api/v1/saves/{slot}': { access: 'self', request: () => ({ method: 'PUT', url: `/api/v1/saves/${MATRIX_SLOT}`, payload: { data: { overwritten: true } } }) },
  'GET /api/v1/storage/{collection}': { access: 'self', request: () => ({ method: 'GET', url: `/api/v1/storage/${MATRIX_COLLECTION}` }) },
  'GET /api/v1/storage/{collection}/{key}': { access: 'self', request: (_c, target) => ({ method: 'GET', url: `/api/v1/storage/${MATRIX_COLLECTION}/${MATRIX_KEY}?player_id=${target.id}` }) },
  'PUT /api/v1/storage/{collection}/{key}': {
    access: 'self',
    request: (_c, target) => ({ method: 'PUT', url: `/api/v1/storage/${MATRIX_COLLECTION}/${MATRIX_KEY}?player_id=${target.id}`, payload: { value: { overwritten: true } } }),
  },
  'DELETE /api/v1/storage/{collection}/{key}': { access: 'self', request: (_c, target) => ({ method: 'DELETE', url: `/api/v1/storage/${MATRIX_COLLECTION}/${MATRIX_KEY}?player_id=${target.id}` }) },
  'POST /api/v1/rpc/{method}': { access: 'authenticated', request: () => ({ method: 'POST', url: '/api/v1/rpc/matrix.echo', payload: { params: {} } }) },
};

/** Registers `plugin` unless a server already has its routes (once createServer lists it by default). */
function once(plugin: DomainPlugin, method: 'GET' | 'POST', probe: string): DomainPlugin {
  return async (app, ctx) => {
    if (!app.hasRoute({ method, url: probe })) await plugin(app, ctx);
  };
}

/** The plugins these rows need, for `testServer(t, storage, {}, { plugins: STORAGE_PLUGINS })`. */
export const STORAGE_PLUGINS: readonly DomainPlugin[] = [
  once(savesPlugin, 'GET', '/api/v1/saves'),
  once(objectsPlugin, 'GET', '/api/v1/storage/:collection'),
  once(rpcPlugin, 'POST', '/api/v1/rpc/:method'),
];
