// The authorization matrix of the economy and inventory routes (matrix/economy.ts), run with the victim
// seeded: money and a ledger in `gold`, and the item MATRIX_ITEM_ID; the attacker has money too, so its
// purchase goes through. For every row, no token and a forged token are 401; another player's token is
// a valid session that never changes the victim's wallets, ledger or inventory (its purchase debits its
// own wallet; consuming the victim's item is 403 forbidden); the victim's own token is allowed.
import t from 'tap';
import type { Storage } from '@hajime/storage';
import { testServer, testStorage } from './helpers.js';
import { ECONOMY_PLUGINS, ECONOMY_ROWS, MATRIX_CURRENCY, MATRIX_ITEM_ID, MATRIX_LISTING_ID } from './matrix/economy.js';
import type { Actor } from './matrix/types.js';
import { registerActor, documentedRoutes } from './matrix/harness.js';

const PRICE = 10;

async function seedListing(storage: Storage): Promise<string> {
  const def = await storage.economy.upsertItemDef({ slug: 'matrix_sword', name: 'Matrix sword' });
  await storage.driver.query(`INSERT INTO store_listings (id, item_def_id, currency, price) VALUES ($1, $2, $3, $4)`, [MATRIX_LISTING_ID, def.id, MATRIX_CURRENCY, PRICE]);
  return def.id;
}

async function economyOf(storage: Storage, playerId: string): Promise<unknown> {
  return {
    wallets: await storage.economy.wallets(playerId),
    ledger: await storage.economy.history(playerId, MATRIX_CURRENCY, { limit: 200 }),
    items: await storage.economy.inventory(playerId, { limit: 500 }),
  };
}

t.test('economy authorization matrix', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, {}, { plugins: ECONOMY_PLUGINS });
  const app = server.app;
  const itemDefId = await seedListing(storage);
  const register = (): Promise<Actor> => registerActor(app);

  const routes = await documentedRoutes(app, (path) => /^\/api\/v1\/(wallets|store|inventory)(\/|$)/.test(path));
  t.same(routes.slice().sort(), Object.keys(ECONOMY_ROWS).sort(), 'every economy route has a row, and every row is a route');

  for (const [route, c] of Object.entries(ECONOMY_ROWS)) {
    t.test(`${route} (${c.access})`, async (t) => {
      const victim = await register();
      const attacker = await register();
      await storage.economy.grant(victim.id, MATRIX_CURRENCY, 100, { reason: 'seed' });
      await storage.economy.grant(attacker.id, MATRIX_CURRENCY, 100, { reason: 'seed' });
      await storage.driver.query('DELETE FROM player_items WHERE id = $1', [MATRIX_ITEM_ID]);
      await storage.driver.query('INSERT INTO player_items (id, item_def_id, player_id, quantity) VALUES ($1, $2, $3, 5)', [MATRIX_ITEM_ID, itemDefId, victim.id]);
      const before = await economyOf(storage, victim.id);

      const anon = await app.inject({ ...c.request(victim, victim) } as never);
      t.equal(anon.statusCode, 401, 'no token: 401');
      t.equal(anon.json().error.code, 'unauthenticated');
      const forged = await app.inject({ ...c.request(victim, victim), headers: { authorization: 'Bearer not-a-real-token-not-a-real-token-xx' } } as never);
      t.equal(forged.statusCode, 401, 'forged token: 401');
      t.same(await economyOf(storage, victim.id), before, 'unauthenticated calls change nothing');

      const attackerBefore = await storage.economy.balance(attacker.id, MATRIX_CURRENCY);
      const other = await app.inject({ ...c.request(attacker, victim), headers: { authorization: `Bearer ${attacker.token}` } } as never);
      t.not(other.statusCode, 401, "another player's token is a valid session");
      t.notOk(other.body.includes(victim.id), "another player's token never sees the victim's rows");
      if (route === 'POST /api/v1/inventory/consume') {
        t.equal(other.statusCode, 403, "the victim's item: 403");
        t.match(other.json().error, { code: 'forbidden', details: { reason: 'not_owner' } });
      }
      if (route === 'POST /api/v1/store/purchase') {
        t.equal(other.statusCode, 200, 'the attacker buys for itself');
        t.equal(other.json().item.player_id, attacker.id, 'the item goes to the caller, whatever the body says');
        t.equal(await storage.economy.balance(attacker.id, MATRIX_CURRENCY), attackerBefore - PRICE, "the attacker's own wallet pays");
      }
      t.same(await economyOf(storage, victim.id), before, "the victim's wallets, ledger and inventory are untouched");

      const own = await app.inject({ ...c.request(victim, victim), headers: { authorization: `Bearer ${victim.token}` } } as never);
      t.equal(own.statusCode, 200, 'own token: allowed');
    });
  }
});
