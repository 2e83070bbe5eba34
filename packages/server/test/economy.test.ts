// The economy and inventory routes (src/plugins/economy.ts) over inject(), on real storage: wallets,
// ledger history, the store and its window (on the server's injected clock), purchases and every
// refusal, inventory and consume with every inventory code.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { ActorSystem, MemoryLogger, SimulatedClock } from '@hajime/actor';
import type { Storage } from '@hajime/storage';
import { testServer, testStorage, uniqueName } from './helpers.js';
import { ECONOMY_PLUGINS } from './matrix/economy.js';
import type { HajimeServer } from '../src/index.js';

const HOUR = 3_600_000;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Caller {
  readonly id: string;
  readonly token: string;
}

async function player(server: HajimeServer, storage: Storage): Promise<Caller> {
  const p = await storage.players.create({ username: uniqueName('e') });
  const pair = await server.context.auth.issuePair(p.id);
  return { id: p.id, token: pair.access_token };
}

t.test('economy routes', async (t) => {
  const storage = await testStorage(t);
  const clock = new SimulatedClock({ epochStartMs: Date.now() });
  const system = new ActorSystem({ clock, logger: new MemoryLogger(), snapshotStore: storage.snapshots });
  t.teardown(() => system.stop());
  const server = await testServer(t, storage, { system, auth: { accessTtlMs: 30 * 24 * HOUR } }, { plugins: ECONOMY_PLUGINS });
  const app = server.app;
  const call = (who: Caller, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${who.token}` }, ...(payload === undefined ? {} : { payload }) });
  const now = (): Date => new Date(clock.epochMs());
  const sword = await storage.economy.upsertItemDef({ slug: 'sword', name: 'Sword', rarity: 'rare' });
  const potion = await storage.economy.upsertItemDef({ slug: 'potion', name: 'Potion' });

  t.test('GET /wallets lists the caller\'s wallets as {currency, balance}, none before a first grant', async (t) => {
    const p = await player(server, storage);
    t.same((await call(p, 'GET', '/api/v1/wallets')).json(), { wallets: [] });
    await storage.economy.grant(p.id, 'gold', 100);
    await storage.economy.grant(p.id, 'gems', 5);
    const r = await call(p, 'GET', '/api/v1/wallets');
    t.equal(r.statusCode, 200);
    t.strictSame(r.json(), { wallets: [{ currency: 'gems', balance: 5 }, { currency: 'gold', balance: 100 }] }, 'sorted by currency, wallet ids stripped');
  });

  t.test('GET /wallets/:currency/history answers the ledger newest first, 50 by default, limit 1..200', async (t) => {
    const p = await player(server, storage);
    await storage.economy.grant(p.id, 'gold', 100, { reason: 'welcome', metadata: { campaign: 'launch' } });
    await storage.economy.debit(p.id, 'gold', 30, { reason: 'fee', reference_type: 'match', reference_id: 'm-1', idempotency_key: 'fee-1' });
    const r = await call(p, 'GET', '/api/v1/wallets/gold/history');
    t.equal(r.statusCode, 200);
    const { transactions } = r.json() as { transactions: Record<string, unknown>[] };
    t.equal(transactions.length, 2);
    t.match(transactions[0], { amount: -30, balance_after: 70, reason: 'fee', reference_type: 'match', reference_id: 'm-1', metadata: {} }, 'newest first');
    t.match(transactions[1], { amount: 100, balance_after: 100, reason: 'welcome', reference_type: null, reference_id: null, metadata: { campaign: 'launch' } });
    t.same(Object.keys(transactions[0]!).sort(), ['amount', 'balance_after', 'id', 'inserted_at', 'metadata', 'reason', 'reference_id', 'reference_type', 'wallet_id'], 'the asobi columns, no idempotency key');
    t.match(transactions[0]!['inserted_at'], ISO, 'timestamps are ISO 8601');

    for (let i = 0; i < 53; i++) await storage.economy.grant(p.id, 'gold', 1);
    t.equal((await call(p, 'GET', '/api/v1/wallets/gold/history')).json().transactions.length, 50, 'default limit 50');
    t.equal((await call(p, 'GET', '/api/v1/wallets/gold/history?limit=200')).json().transactions.length, 55);
    const two = (await call(p, 'GET', '/api/v1/wallets/gold/history?limit=2')).json().transactions;
    t.same(two.map((x: { balance_after: number }) => x.balance_after), [123, 122]);
    t.same((await call(p, 'GET', '/api/v1/wallets/gems/history')).json(), { transactions: [] }, 'a currency without a wallet has no history');
    for (const bad of ['/api/v1/wallets/gold/history?limit=0', '/api/v1/wallets/gold/history?limit=201', '/api/v1/wallets/gold/history?limit=x', '/api/v1/wallets/g%24ld/history']) {
      const e = await call(p, 'GET', bad);
      t.equal(e.statusCode, 422, bad);
      t.equal(e.json().error.code, 'validation_failed', bad);
    }
  });

  t.test('GET /store lists what is on sale now: active, inside its window, not sold out; ?currency filters', async (t) => {
    await storage.driver.query('DELETE FROM store_listings');
    const at = now();
    const plain = await storage.economy.createListing({ item_def_id: sword.id, currency: 'gold', price: 100 });
    const limited = await storage.economy.createListing({ item_def_id: potion.id, currency: 'gold', price: 5, stock: 3, metadata: { badge: 'limited' } });
    const gems = await storage.economy.createListing({ item_def_id: sword.id, currency: 'gems', price: 2 });
    const inactive = await storage.economy.createListing({ item_def_id: sword.id, currency: 'gold', price: 90, active: false });
    const soldOut = await storage.economy.createListing({ item_def_id: sword.id, currency: 'gold', price: 80, stock: 0 });
    const later = await storage.economy.createListing({ item_def_id: potion.id, currency: 'gold', price: 7, valid_from: new Date(at.getTime() + HOUR), valid_until: new Date(at.getTime() + 2 * HOUR) });
    const expired = await storage.economy.createListing({ item_def_id: potion.id, currency: 'gold', price: 6, valid_until: new Date(at.getTime() - 1) });
    const p = await player(server, storage);

    const all = await call(p, 'GET', '/api/v1/store');
    t.equal(all.statusCode, 200);
    t.same(all.json().listings.map((l: { id: string }) => l.id).sort(), [plain.id, limited.id, gems.id].sort(), 'inactive, sold out, not yet valid and expired listings are not on sale');
    t.notOk(all.json().listings.some((l: { id: string }) => [inactive.id, soldOut.id, later.id, expired.id].includes(l.id)));
    const gold = (await call(p, 'GET', '/api/v1/store?currency=gold')).json().listings;
    t.same(gold.map((l: { id: string }) => l.id), [limited.id, plain.id], 'one currency, cheapest first');
    t.strictSame(gold[0], { id: limited.id, item_def_id: potion.id, currency: 'gold', price: 5, active: true, valid_from: null, valid_until: null, stock: 3, metadata: { badge: 'limited' } });
    t.equal((await call(p, 'GET', '/api/v1/store?currency=bad%20currency')).json().error.code, 'validation_failed');

    await clock.advance(HOUR);
    const opened = (await call(p, 'GET', '/api/v1/store?currency=gold')).json().listings;
    const shown = opened.find((l: { id: string }) => l.id === later.id);
    t.ok(shown, 'valid_from reached on the server clock: on sale');
    t.equal(shown.valid_from, later.valid_from!.toISOString(), 'window bounds as ISO 8601');
    t.equal(shown.valid_until, later.valid_until!.toISOString());
    await clock.advance(HOUR);
    t.notOk((await call(p, 'GET', '/api/v1/store?currency=gold')).json().listings.some((l: { id: string }) => l.id === later.id), 'valid_until reached: off sale');
  });

  t.test('POST /store/purchase debits the price and grants one unit, with a ledger row naming the item', async (t) => {
    const listing = await storage.economy.createListing({ item_def_id: sword.id, currency: 'gold', price: 40, stock: 2 });
    const p = await player(server, storage);
    await storage.economy.grant(p.id, 'gold', 100);
    const r = await call(p, 'POST', '/api/v1/store/purchase', { listing_id: listing.id });
    t.equal(r.statusCode, 200);
    const { success, item } = r.json();
    t.equal(success, true);
    t.match(item, { item_def_id: sword.id, player_id: p.id, quantity: 1, metadata: {}, acquired_at: ISO, updated_at: ISO });
    t.same(Object.keys(item).sort(), ['acquired_at', 'id', 'item_def_id', 'metadata', 'player_id', 'quantity', 'updated_at']);
    t.equal(await storage.economy.balance(p.id, 'gold'), 60);
    const [row] = (await call(p, 'GET', '/api/v1/wallets/gold/history?limit=1')).json().transactions;
    t.match(row, { amount: -40, balance_after: 60, reason: 'purchase', reference_type: 'player_item', reference_id: item.id, metadata: { listing_id: listing.id } });
    t.same((await call(p, 'GET', '/api/v1/inventory')).json().items.map((i: { id: string }) => i.id), [item.id]);
    t.equal((await storage.economy.listing(listing.id))!.stock, 1, 'a limited listing loses one unit');

    const upper = await call(p, 'POST', '/api/v1/store/purchase', { listing_id: listing.id.toUpperCase() });
    t.equal(upper.statusCode, 200, 'listing ids are case-insensitive');
    t.equal(await storage.economy.ledgerSum(p.id, 'gold'), await storage.economy.balance(p.id, 'gold'), 'the ledger sums to the balance');

    const free = await storage.economy.createListing({ item_def_id: potion.id, currency: 'gold', price: 0 });
    const broke = await player(server, storage);
    const gift = await call(broke, 'POST', '/api/v1/store/purchase', { listing_id: free.id });
    t.equal(gift.statusCode, 200, 'a free listing needs no money');
    t.same((await call(broke, 'GET', '/api/v1/wallets')).json(), { wallets: [{ currency: 'gold', balance: 0 }] });
  });

  t.test('POST /store/purchase refuses with 402 economy.insufficient_funds and moves nothing', async (t) => {
    const listing = await storage.economy.createListing({ item_def_id: sword.id, currency: 'gold', price: 50, stock: 5 });
    const p = await player(server, storage);
    await storage.economy.grant(p.id, 'gold', 49);
    const r = await call(p, 'POST', '/api/v1/store/purchase', { listing_id: listing.id });
    t.equal(r.statusCode, 402);
    t.match(r.json().error, { code: 'economy.insufficient_funds', details: { currency: 'gold', balance: 49, needed: 50 } });
    t.equal(await storage.economy.balance(p.id, 'gold'), 49);
    t.same((await call(p, 'GET', '/api/v1/inventory')).json(), { items: [] });
    t.equal((await storage.economy.listing(listing.id))!.stock, 5, 'stock untouched');
    const none = await player(server, storage);
    t.equal((await call(none, 'POST', '/api/v1/store/purchase', { listing_id: listing.id })).json().error.code, 'economy.insufficient_funds', 'no wallet at all');
  });

  t.test('POST /store/purchase answers 400 economy.listing_inactive with details.reason for every listing not on sale', async (t) => {
    const at = now();
    const p = await player(server, storage);
    await storage.economy.grant(p.id, 'gold', 1000);
    const cases: Record<string, string> = {
      inactive: (await storage.economy.createListing({ item_def_id: sword.id, currency: 'gold', price: 1, active: false })).id,
      not_yet_valid: (await storage.economy.createListing({ item_def_id: sword.id, currency: 'gold', price: 1, valid_from: new Date(at.getTime() + HOUR) })).id,
      expired: (await storage.economy.createListing({ item_def_id: sword.id, currency: 'gold', price: 1, valid_until: at })).id,
      sold_out: (await storage.economy.createListing({ item_def_id: sword.id, currency: 'gold', price: 1, stock: 0 })).id,
      not_found: randomUUID(),
    };
    for (const [reason, id] of Object.entries(cases)) {
      const r = await call(p, 'POST', '/api/v1/store/purchase', { listing_id: id });
      t.equal(r.statusCode, 400, reason);
      t.same(r.json().error.details, { listing_id: id, reason }, reason);
      t.equal(r.json().error.code, 'economy.listing_inactive', reason);
    }
    t.equal(await storage.economy.balance(p.id, 'gold'), 1000, 'no money moved');
    t.same((await call(p, 'GET', '/api/v1/inventory')).json(), { items: [] }, 'no item granted');

    const poor = await player(server, storage);
    for (const [reason, id] of Object.entries(cases)) {
      const r = await call(poor, 'POST', '/api/v1/store/purchase', { listing_id: id });
      t.match(r.json().error, { code: 'economy.listing_inactive', details: { reason } }, `${reason}: said so whatever the balance`);
    }
    await storage.economy.setListingActive(cases['inactive']!, true);
    t.equal((await call(p, 'POST', '/api/v1/store/purchase', { listing_id: cases['inactive'] })).statusCode, 200, 'reactivated: on sale again');
  });

  t.test('POST /store/purchase validates its body (422 validation_failed)', async (t) => {
    const p = await player(server, storage);
    for (const body of [{}, { listing_id: 'not-a-uuid' }, { listing_id: randomUUID(), idempotency_key: '' }, { listing_id: randomUUID(), idempotency_key: 'k'.repeat(101) }]) {
      const r = await call(p, 'POST', '/api/v1/store/purchase', body);
      t.equal(r.statusCode, 422, JSON.stringify(body).slice(0, 60));
      t.equal(r.json().error.code, 'validation_failed');
    }
  });

  t.test('GET /inventory lists the caller\'s items newest first; limit 1..500 (100 by default)', async (t) => {
    const p = await player(server, storage);
    const other = await player(server, storage);
    const first = await storage.economy.grantItem(p.id, 'sword');
    const second = await storage.economy.grantItem(p.id, 'potion', 3, { from: 'quest' });
    await storage.economy.grantItem(other.id, 'potion');
    const r = await call(p, 'GET', '/api/v1/inventory');
    t.equal(r.statusCode, 200);
    const items = r.json().items;
    t.same(items.map((i: { id: string }) => i.id), [second.id, first.id], 'newest first, only the caller\'s');
    t.strictSame(items[0], {
      id: second.id,
      item_def_id: potion.id,
      player_id: p.id,
      quantity: 3,
      metadata: { from: 'quest' },
      acquired_at: second.acquired_at.toISOString(),
      updated_at: second.updated_at.toISOString(),
    });
    t.equal((await call(p, 'GET', '/api/v1/inventory?limit=1')).json().items.length, 1);
    for (let i = 0; i < 101; i++) await storage.economy.grantItem(p.id, 'potion');
    t.equal((await call(p, 'GET', '/api/v1/inventory')).json().items.length, 100, 'default limit 100');
    t.equal((await call(p, 'GET', '/api/v1/inventory?limit=500')).json().items.length, 103);
    for (const bad of ['0', '501', 'x']) t.equal((await call(p, 'GET', `/api/v1/inventory?limit=${bad}`)).json().error.code, 'validation_failed', `limit=${bad}`);
  });

  t.test('POST /inventory/consume takes from a stack, deletes it when emptied, and refuses with the inventory codes', async (t) => {
    const p = await player(server, storage);
    const stack = await storage.economy.grantItem(p.id, 'potion', 5);
    const part = await call(p, 'POST', '/api/v1/inventory/consume', { item_id: stack.id, quantity: 2 });
    t.equal(part.statusCode, 200);
    t.strictSame(part.json(), { success: true, remaining_quantity: 3 });
    t.equal((await call(p, 'GET', '/api/v1/inventory')).json().items[0].quantity, 3);

    const tooMany = await call(p, 'POST', '/api/v1/inventory/consume', { item_id: stack.id, quantity: 4 });
    t.equal(tooMany.statusCode, 409);
    t.match(tooMany.json().error, { code: 'inventory.insufficient_quantity', details: { item_id: stack.id, quantity: 3 } });

    for (const quantity of [0, -1, 1_000_001, 1.5]) {
      const r = await call(p, 'POST', '/api/v1/inventory/consume', { item_id: stack.id, quantity });
      t.equal(r.statusCode, 422, `quantity ${quantity}`);
      t.match(r.json().error, { code: 'inventory.invalid_quantity', details: { quantity, min: 1, max: 1_000_000 } }, `quantity ${quantity}`);
    }
    t.equal((await call(p, 'POST', '/api/v1/inventory/consume', { item_id: stack.id })).json().error.code, 'validation_failed', 'quantity is required');
    t.equal((await call(p, 'POST', '/api/v1/inventory/consume', { item_id: 'nope', quantity: 1 })).json().error.code, 'validation_failed', 'item_id is a UUID');

    const other = await player(server, storage);
    const theirs = await storage.economy.grantItem(other.id, 'sword');
    const forbidden = await call(p, 'POST', '/api/v1/inventory/consume', { item_id: theirs.id, quantity: 1 });
    t.equal(forbidden.statusCode, 403);
    t.same(forbidden.json().error.details, { item_id: theirs.id, reason: 'not_owner' });
    t.equal(forbidden.json().error.code, 'forbidden');
    t.equal((await storage.economy.inventory(other.id))[0]!.quantity, 1, "another player's item is untouched");

    const missing = await call(p, 'POST', '/api/v1/inventory/consume', { item_id: randomUUID(), quantity: 1 });
    t.equal(missing.statusCode, 404);
    t.equal(missing.json().error.code, 'inventory.item_not_found');

    const all = await call(p, 'POST', '/api/v1/inventory/consume', { item_id: stack.id, quantity: 3 });
    t.strictSame(all.json(), { success: true, remaining_quantity: 0 });
    t.same((await call(p, 'GET', '/api/v1/inventory')).json(), { items: [] }, 'an emptied stack is deleted');
    t.equal((await call(p, 'POST', '/api/v1/inventory/consume', { item_id: stack.id, quantity: 1 })).json().error.code, 'inventory.item_not_found', 'and gone for good');
  });

  t.test('the OpenAPI document describes every economy route with its schemas', async (t) => {
    const doc = (await app.inject('/docs/json')).json();
    for (const [path, method] of [['/api/v1/wallets', 'get'], ['/api/v1/wallets/{currency}/history', 'get'], ['/api/v1/store', 'get'], ['/api/v1/store/purchase', 'post'], ['/api/v1/inventory', 'get'], ['/api/v1/inventory/consume', 'post']] as const) {
      const op = doc.paths[path]?.[method];
      t.ok(op, `${method.toUpperCase()} ${path}`);
      t.ok(op?.responses?.['200'], 'with its response schema');
      t.same(op?.security, [{ bearer: [] }], 'bearer auth');
    }
    t.ok(doc.paths['/api/v1/store/purchase'].post.requestBody, 'purchase documents its body');
  });
});
