// Server-side item grants (src/economy/grants.ts): by catalogue slug, as a new stack the player then sees
// in GET /inventory and can consume.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { grantItem, loadCatalogue } from '../src/index.js';
import { testServer, testStorage, uniqueName } from './helpers.js';
import { ECONOMY_PLUGINS } from './matrix/economy.js';

t.test('grantItem', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, {}, { plugins: ECONOMY_PLUGINS });
  await loadCatalogue(storage, { items: [{ slug: 'health_potion', name: 'Health potion' }, { slug: 'banner', name: 'Banner', stackable: false }] });
  const p = await storage.players.create({ username: uniqueName('g') });
  const { access_token } = await server.context.auth.issuePair(p.id);

  t.test('grants a new stack by slug, with quantity and metadata', async (t) => {
    const potions = await grantItem(storage, p.id, 'health_potion', { quantity: 3, metadata: { source: 'daily_login' } });
    const banner = await grantItem(storage, p.id, 'banner');
    t.match(potions, { player_id: p.id, quantity: 3, metadata: { source: 'daily_login' }, item_def_id: (await storage.economy.itemDef('health_potion'))!.id });
    t.match(banner, { quantity: 1, metadata: {} }, 'one unit by default');
    const again = await grantItem(storage, p.id, 'health_potion');
    t.not(again.id, potions.id, 'every grant is its own stack (no stacking, as asobi)');
    const listed = (await server.app.inject({ url: '/api/v1/inventory', headers: { authorization: `Bearer ${access_token}` } })).json().items;
    t.same(listed.map((i: { id: string }) => i.id), [again.id, banner.id, potions.id], 'the player sees them, newest first');
  });

  t.test('refuses an unknown slug or player, and a quantity outside 1..1,000,000', async (t) => {
    await t.rejects(grantItem(storage, p.id, 'no_such_item'), { name: 'StorageError', code: 'STO_ERR_NOT_FOUND', details: { item_def: 'no_such_item' } });
    await t.rejects(grantItem(storage, randomUUID(), 'banner'), { name: 'StorageError', code: 'STO_ERR_NOT_FOUND', details: { player_id: String } });
    for (const quantity of [0, 1_000_001, 2.5]) await t.rejects(grantItem(storage, p.id, 'banner', { quantity }), { name: 'StorageError', code: 'STO_ERR_INVALID_INPUT', details: { field: 'quantity' } }, `quantity ${quantity}`);
  });
});
