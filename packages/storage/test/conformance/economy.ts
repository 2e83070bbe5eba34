import type { Suite } from './harness.js';
import { player, unique } from './harness.js';

export const economySuite: Suite = async (t, { storage }) => {
  const eco = storage.economy;

  t.test('grant and debit write ledger rows with balance_after; wallets are created lazily', async (t) => {
    const p = await player(storage);
    t.same(await eco.wallets(p.id), []);
    const g = await eco.grant(p.id, 'gold', 100, { reason: 'welcome', reference_type: 'test', reference_id: 'r1', metadata: { a: 1 } });
    t.match(g, { amount: 100, balance_after: 100, reason: 'welcome', reference_type: 'test', reference_id: 'r1', metadata: { a: 1 } });
    const d = await eco.debit(p.id, 'gold', 30);
    t.match(d, { amount: -30, balance_after: 70 });
    t.same(await eco.wallets(p.id), [{ currency: 'gold', balance: 70 }]);
    t.equal(await eco.balance(p.id, 'gold'), 70);
    t.equal(await eco.balance(p.id, 'gems'), 0);
    t.same((await eco.history(p.id, 'gold')).map((r) => r.amount), [-30, 100], 'newest first');
    t.equal(await eco.ledgerSum(p.id, 'gold'), 70);
  });

  t.test('insufficient funds is a coded error and changes nothing', async (t) => {
    const p = await player(storage);
    await eco.grant(p.id, 'gold', 5);
    await t.rejects(eco.debit(p.id, 'gold', 6), { code: 'STO_ERR_INSUFFICIENT_FUNDS', wire: 'economy.insufficient_funds', status: 402, details: { balance: 5, needed: 6 } });
    t.equal(await eco.balance(p.id, 'gold'), 5);
    t.equal((await eco.history(p.id, 'gold')).length, 1);
  });

  t.test('1,000 concurrent debits of 1 against a balance of 500: exactly 500 succeed', async (t) => {
    const p = await player(storage);
    await eco.grant(p.id, 'coins', 500);
    const results = await Promise.allSettled(Array.from({ length: 1000 }, () => eco.debit(p.id, 'coins', 1)));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const codes = new Set(results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as { code: string }).code));
    t.equal(ok, 500);
    t.same([...codes], ['STO_ERR_INSUFFICIENT_FUNDS']);
    t.equal(await eco.balance(p.id, 'coins'), 0);
    t.equal(await eco.ledgerSum(p.id, 'coins'), 0, 'the ledger sums to the balance');
    const afters = (await eco.history(p.id, 'coins', { limit: 200 })).map((r) => r.balance_after);
    t.same(afters.slice(0, 5), [0, 1, 2, 3, 4], 'balance_after is exact and serialised');
  });

  t.test('a retried grant with the same idempotency key applies once, also when the retries race', async (t) => {
    const p = await player(storage);
    const a = await eco.grant(p.id, 'gold', 50, { idempotency_key: 'order-1' });
    const b = await eco.grant(p.id, 'gold', 50, { idempotency_key: 'order-1' });
    t.equal(b.id, a.id);
    t.equal(b.replayed, true);
    const raced = await Promise.all(Array.from({ length: 20 }, () => eco.grant(p.id, 'gold', 7, { idempotency_key: 'order-2' })));
    t.equal(new Set(raced.map((r) => r.id)).size, 1);
    t.equal(await eco.balance(p.id, 'gold'), 57);
    t.equal(await eco.ledgerSum(p.id, 'gold'), 57);
  });

  t.test('bad amounts, currencies and unknown players are coded errors', async (t) => {
    const p = await player(storage);
    for (const amount of [0, -1, 1.5, Number.NaN, '5' as never, 2 ** 60]) {
      await t.rejects(eco.grant(p.id, 'gold', amount), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'amount' } }, `amount ${String(amount)}`);
    }
    await t.rejects(eco.grant(p.id, 'go ld', 1), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'currency' } });
    await t.rejects(eco.grant(p.id, 'x'.repeat(33), 1), { code: 'STO_ERR_TOO_LARGE' });
    await t.rejects(eco.grant('00000000-0000-7000-8000-000000000000', 'gold', 1), { code: 'STO_ERR_NOT_FOUND' });
    await t.rejects(eco.grant('nope', 'gold', 1), { code: 'STO_ERR_INVALID_INPUT' });
    await t.rejects(eco.grant(p.id, 'gold', 1, { reason: 'r'.repeat(200) }), { code: 'STO_ERR_TOO_LARGE' });
  });

  t.test('catalogue: item definitions upsert by slug; listings respect active, window and stock', async (t) => {
    const slug = unique('sword').toLowerCase();
    const def = await eco.upsertItemDef({ slug, name: 'Sword', rarity: 'rare', category: 'weapon' });
    const again = await eco.upsertItemDef({ slug, name: 'Sharp Sword', rarity: 'epic' });
    t.equal(again.id, def.id);
    t.equal(again.name, 'Sharp Sword');
    t.equal((await eco.itemDef(slug))?.rarity, 'epic');
    t.equal((await eco.itemDef(def.id))?.slug, slug);
    await t.rejects(eco.upsertItemDef({ slug: unique('x').toLowerCase(), name: 'X', rarity: 'mythic' as never }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'rarity' } });
    const cur = unique('cur');
    const now = new Date('2026-06-01T00:00:00Z');
    const open = await eco.createListing({ item_def_id: def.id, currency: cur, price: 10 });
    await eco.createListing({ item_def_id: def.id, currency: cur, price: 11, active: false });
    await eco.createListing({ item_def_id: def.id, currency: cur, price: 12, valid_from: new Date('2026-07-01T00:00:00Z') });
    await eco.createListing({ item_def_id: def.id, currency: cur, price: 13, valid_until: new Date('2026-05-01T00:00:00Z') });
    await eco.createListing({ item_def_id: def.id, currency: cur, price: 14, stock: 0 });
    t.same((await eco.listings(now, { currency: cur })).map((l) => l.id), [open.id]);
    await t.rejects(eco.createListing({ item_def_id: '00000000-0000-7000-8000-000000000000', currency: cur, price: 1 }), { code: 'STO_ERR_NOT_FOUND' });
    await t.rejects(
      eco.createListing({ item_def_id: def.id, currency: cur, price: 1, valid_from: new Date('2026-02-01'), valid_until: new Date('2026-01-01') }),
      { code: 'STO_ERR_INVALID_INPUT', details: { field: 'valid_until' } },
    );
  });

  t.test('purchase: debit and item grant in one transaction, every refusal coded', async (t) => {
    const p = await player(storage);
    const def = await eco.upsertItemDef({ slug: unique('potion').toLowerCase(), name: 'Potion' });
    const now = new Date('2026-06-01T00:00:00Z');
    const listing = await eco.createListing({ item_def_id: def.id, currency: 'gold', price: 40 });
    await eco.grant(p.id, 'gold', 100);
    const { item, transaction } = await eco.purchase(p.id, listing.id, now);
    t.match(item, { item_def_id: def.id, player_id: p.id, quantity: 1 });
    t.match(transaction, { amount: -40, balance_after: 60, reason: 'purchase', reference_id: item.id });
    const retry1 = await eco.purchase(p.id, listing.id, now, { idempotency_key: 'buy-1' });
    const retry2 = await eco.purchase(p.id, listing.id, now, { idempotency_key: 'buy-1' });
    t.equal(retry2.item.id, retry1.item.id, 'a retried purchase returns the same item');
    t.equal(await eco.balance(p.id, 'gold'), 20);
    await t.rejects(eco.purchase(p.id, listing.id, now), { code: 'STO_ERR_INSUFFICIENT_FUNDS' });
    t.equal((await eco.inventory(p.id)).length, 2, 'the failed purchase granted nothing');
    const inactive = await eco.createListing({ item_def_id: def.id, currency: 'gold', price: 1, active: false });
    await t.rejects(eco.purchase(p.id, inactive.id, now), { code: 'STO_ERR_LISTING_INACTIVE', details: { reason: 'inactive' } });
    const expired = await eco.createListing({ item_def_id: def.id, currency: 'gold', price: 1, valid_until: new Date('2026-01-01') });
    await t.rejects(eco.purchase(p.id, expired.id, now), { code: 'STO_ERR_LISTING_INACTIVE', details: { reason: 'expired' } });
    const future = await eco.createListing({ item_def_id: def.id, currency: 'gold', price: 1, valid_from: new Date('2027-01-01') });
    await t.rejects(eco.purchase(p.id, future.id, now), { code: 'STO_ERR_LISTING_INACTIVE', details: { reason: 'not_yet_valid' } });
    await t.rejects(eco.purchase(p.id, '00000000-0000-7000-8000-000000000000', now), { code: 'STO_ERR_NOT_FOUND' });
    t.equal(await eco.balance(p.id, 'gold'), 20, 'refusals moved no money');
  });

  t.test('concurrent purchases of a limited listing: exactly the stock is sold', async (t) => {
    const def = await eco.upsertItemDef({ slug: unique('relic').toLowerCase(), name: 'Relic', rarity: 'legendary' });
    const listing = await eco.createListing({ item_def_id: def.id, currency: 'gold', price: 5, stock: 3 });
    const buyers = await Promise.all(Array.from({ length: 12 }, () => player(storage, 'buyer')));
    for (const b of buyers) await eco.grant(b.id, 'gold', 5);
    const now = new Date();
    const results = await Promise.allSettled(buyers.map((b) => eco.purchase(b.id, listing.id, now)));
    t.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
    const reasons = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as { details: { reason: string } }).details.reason);
    t.same(new Set(reasons), new Set(['sold_out']));
    t.equal((await eco.listing(listing.id))?.stock, 0);
    let spent = 0;
    for (const b of buyers) spent += 5 - (await eco.balance(b.id, 'gold'));
    t.equal(spent, 15, 'only the winners paid');
  });

  t.test('inventory: grant, list newest first, consume with every error code', async (t) => {
    const p = await player(storage);
    const other = await player(storage);
    const def = await eco.upsertItemDef({ slug: unique('arrow').toLowerCase(), name: 'Arrow' });
    const stack = await eco.grantItem(p.id, def.slug, 10, { fletched: true });
    const single = await eco.grantItem(p.id, def.id);
    t.same((await eco.inventory(p.id)).map((i) => i.id), [single.id, stack.id]);
    t.same(await eco.consume(p.id, stack.id, 4), { remaining_quantity: 6 });
    await t.rejects(eco.consume(p.id, stack.id, 7), { code: 'STO_ERR_INSUFFICIENT_QUANTITY' });
    await t.rejects(eco.consume(other.id, stack.id, 1), { code: 'STO_ERR_FORBIDDEN' });
    await t.rejects(eco.consume(p.id, stack.id, 0), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'quantity' } });
    await t.rejects(eco.consume(p.id, stack.id, 1_000_001), { code: 'STO_ERR_INVALID_INPUT' });
    t.same(await eco.consume(p.id, stack.id, 6), { remaining_quantity: 0 });
    await t.rejects(eco.consume(p.id, stack.id, 1), { code: 'STO_ERR_ITEM_NOT_FOUND', wire: 'inventory.item_not_found' });
    t.same((await eco.inventory(p.id)).map((i) => i.id), [single.id], 'a consumed stack is deleted');
    await t.rejects(eco.grantItem(p.id, 'no-such-item'), { code: 'STO_ERR_NOT_FOUND' });
  });
};
