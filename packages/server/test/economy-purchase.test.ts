// Purchases under pressure (src/plugins/economy.ts on the storage's purchase transaction): 500 players
// buying the last unit of a limited listing at once, and retries with an idempotency key.
import t from 'tap';
import { performance } from 'node:perf_hooks';
import type { Storage } from '@hajime/storage';
import { testServer, testStorage, uniqueName } from './helpers.js';
import { ECONOMY_PLUGINS } from './matrix/economy.js';
import type { HajimeServer } from '../src/index.js';

interface Caller {
  readonly id: string;
  readonly token: string;
}

async function player(server: HajimeServer, storage: Storage, gold: number): Promise<Caller> {
  const p = await storage.players.create({ username: uniqueName('b') });
  const pair = await server.context.auth.issuePair(p.id);
  if (gold > 0) await storage.economy.grant(p.id, 'gold', gold, { reason: 'seed' });
  return { id: p.id, token: pair.access_token };
}

t.test('purchases', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, {}, { plugins: ECONOMY_PLUGINS });
  const app = server.app;
  const buy = (who: Caller, body: Record<string, unknown>) => app.inject({ method: 'POST', url: '/api/v1/store/purchase', headers: { authorization: `Bearer ${who.token}` }, payload: body });
  const crown = await storage.economy.upsertItemDef({ slug: 'crown', name: 'Crown', rarity: 'legendary' });
  const cape = await storage.economy.upsertItemDef({ slug: 'cape', name: 'Cape' });

  t.test('500 players buying the last unit at once: exactly one gets it, every other is told sold_out, money moves only for the winner', async (t) => {
    const PLAYERS = 500;
    const PRICE = 30;
    const START = 100;
    const listing = await storage.economy.createListing({ item_def_id: crown.id, currency: 'gold', price: PRICE, stock: 1 });
    const players: Caller[] = [];
    for (let i = 0; i < PLAYERS; i++) players.push(await player(server, storage, START));

    const started = performance.now();
    const answers = await Promise.all(players.map((p) => buy(p, { listing_id: listing.id })));
    const elapsedMs = performance.now() - started;
    t.comment(`${PLAYERS} concurrent purchases of a stock-1 listing on ${storage.kind}: ${elapsedMs.toFixed(0)} ms`);

    const winners = answers.flatMap((r, i) => (r.statusCode === 200 ? [i] : []));
    t.equal(winners.length, 1, 'exactly one purchase succeeds');
    const losers = answers.filter((r) => r.statusCode !== 200);
    t.equal(losers.length, PLAYERS - 1);
    t.ok(
      losers.every((r) => r.statusCode === 400 && r.json().error.code === 'economy.listing_inactive' && r.json().error.details.reason === 'sold_out'),
      'every other answer is 400 economy.listing_inactive, reason sold_out',
    );

    const winner = players[winners[0]!]!;
    const item = answers[winners[0]!]!.json().item;
    t.match(item, { item_def_id: crown.id, player_id: winner.id, quantity: 1 });
    t.equal((await storage.economy.listing(listing.id))!.stock, 0, 'stock is 0, never negative');
    const [granted] = await storage.driver.query<{ n: number }>('SELECT count(*)::int AS n FROM player_items WHERE item_def_id = $1', [crown.id]);
    t.equal(granted!.n, 1, 'one item exists');

    let total = 0;
    let untouched = 0;
    for (const p of players) {
      const balance = await storage.economy.balance(p.id, 'gold');
      total += balance;
      if (p === winner) {
        t.equal(balance, START - PRICE, 'the winner paid once');
        t.equal(await storage.economy.ledgerSum(p.id, 'gold'), balance, "the winner's ledger sums to the balance");
      } else if (balance === START && (await storage.economy.history(p.id, 'gold')).length === 1) untouched++;
    }
    t.equal(untouched, PLAYERS - 1, 'every other wallet keeps its balance and has no ledger row beyond the seed');
    t.equal(total, PLAYERS * START - PRICE, 'money moved only for the winner');
  });

  t.test('a retried purchase with the same idempotency key returns the same item and moves money once', async (t) => {
    const listing = await storage.economy.createListing({ item_def_id: crown.id, currency: 'gold', price: 10, stock: 1 });
    const p = await player(server, storage, 100);
    const first = await buy(p, { listing_id: listing.id, idempotency_key: 'order-1' });
    t.equal(first.statusCode, 200);
    const again = await buy(p, { listing_id: listing.id, idempotency_key: 'order-1' });
    t.equal(again.statusCode, 200, 'the retry succeeds although the listing is now sold out');
    t.strictSame(again.json(), first.json(), 'with the same item');
    t.equal(await storage.economy.balance(p.id, 'gold'), 90, 'debited once');
    t.equal((await storage.economy.inventory(p.id)).length, 1, 'granted once');
    const fresh = await buy(p, { listing_id: listing.id, idempotency_key: 'order-2' });
    t.match(fresh.json().error, { code: 'economy.listing_inactive', details: { reason: 'sold_out' } }, 'a new key is a new purchase');
    const [row] = (await storage.economy.history(p.id, 'gold', { limit: 1 }));
    t.equal(row!.idempotency_key, 'purchase:order-1', 'client keys are namespaced in the ledger');
  });

  t.test('concurrent retries with one key buy once', async (t) => {
    const listing = await storage.economy.createListing({ item_def_id: cape.id, currency: 'gold', price: 7 });
    const p = await player(server, storage, 100);
    const answers = await Promise.all(Array.from({ length: 20 }, () => buy(p, { listing_id: listing.id, idempotency_key: 'double-tap' })));
    t.ok(answers.every((r) => r.statusCode === 200), 'every retry succeeds');
    t.equal(new Set(answers.map((r) => r.json().item.id)).size, 1, 'all with the same item');
    t.equal(await storage.economy.balance(p.id, 'gold'), 93, 'debited once');
  });

  t.test('reusing a key for another listing is 409 conflict; a key whose item was used up answers it with quantity 0', async (t) => {
    const a = await storage.economy.createListing({ item_def_id: cape.id, currency: 'gold', price: 5 });
    const b = await storage.economy.createListing({ item_def_id: crown.id, currency: 'gold', price: 6 });
    const p = await player(server, storage, 100);
    const first = (await buy(p, { listing_id: a.id, idempotency_key: 'k' })).json().item;
    const reused = await buy(p, { listing_id: b.id, idempotency_key: 'k' });
    t.equal(reused.statusCode, 409);
    t.same(reused.json().error.details, { reason: 'idempotency_key_reused', listing_id: a.id });
    t.equal(reused.json().error.code, 'conflict');
    t.equal(await storage.economy.balance(p.id, 'gold'), 95, 'nothing moved for the reused key');

    await storage.economy.consume(p.id, first.id, 1);
    const replay = await buy(p, { listing_id: a.id, idempotency_key: 'k' });
    t.equal(replay.statusCode, 200);
    t.match(replay.json().item, { id: first.id, item_def_id: cape.id, player_id: p.id, quantity: 0 }, 'the item, used up');
    t.equal(await storage.economy.balance(p.id, 'gold'), 95, 'still debited once');

    await storage.economy.grant(p.id, 'gold', 1, { idempotency_key: 'purchase:server-side' });
    const clash = await buy(p, { listing_id: a.id, idempotency_key: 'server-side' });
    t.match(clash.json().error, { code: 'conflict', details: { reason: 'idempotency_key_reused' } }, 'a key of another kind of change is never taken for a purchase');
  });
});
