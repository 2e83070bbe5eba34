import type { Suite } from './harness.js';
import { player, unique } from './harness.js';

const NOBODY = '00000000-0000-7000-8000-000000000000';

export const iapSuite: Suite = async (t, { storage }) => {
  const iap = storage.iap;

  t.test('the first claim records the row; the same player again is a duplicate; another player is refused', async (t) => {
    const [p, other] = [await player(storage), await player(storage)];
    const tx = unique('apple-tx');
    const first = await iap.claim({ provider: 'apple', transaction_id: tx, original_transaction_id: 'orig-1', product_id: 'gems_100', player_id: p.id });
    t.equal(first.duplicate, false);
    t.match(first.row, { player_id: p.id, provider: 'apple', transaction_id: tx, original_transaction_id: 'orig-1', product_id: 'gems_100' });
    t.ok(first.row.inserted_at instanceof Date);
    const again = await iap.claim({ provider: 'apple', transaction_id: tx, player_id: p.id });
    t.equal(again.duplicate, true);
    t.equal(again.row.id, first.row.id);
    t.equal(again.row.product_id, 'gems_100', 'the original row comes back');
    await t.rejects(iap.claim({ provider: 'apple', transaction_id: tx, player_id: other.id }), {
      code: 'STO_ERR_ALREADY_CLAIMED',
      wire: 'iap.transaction_already_claimed',
      status: 409,
      details: { provider: 'apple', transaction_id: tx },
    });
    const google = await iap.claim({ provider: 'google', transaction_id: tx, player_id: other.id });
    t.equal(google.duplicate, false, 'the same id at another provider is another transaction');
    t.equal((await iap.find('apple', tx))?.player_id, p.id);
    t.equal(await iap.find('apple', unique('none')), undefined);
  });

  t.test('listForPlayer: newest first, limited', async (t) => {
    const p = await player(storage);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await iap.claim({ provider: 'google', transaction_id: unique('gpa'), player_id: p.id })).row.id);
    t.same((await iap.listForPlayer(p.id)).map((r) => r.id), ids.reverse());
    t.equal((await iap.listForPlayer(p.id, { limit: 1 })).length, 1);
    t.same(await iap.listForPlayer(NOBODY), []);
    await t.rejects(iap.listForPlayer(p.id, { limit: 0 }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'limit' } });
  });

  t.test('missing transaction ids, bad providers and unknown players are coded errors', async (t) => {
    const p = await player(storage);
    for (const transaction_id of [undefined, null, '']) {
      await t.rejects(iap.claim({ provider: 'apple', transaction_id: transaction_id as never, player_id: p.id }), {
        code: 'STO_ERR_MISSING_TRANSACTION_ID',
        wire: 'iap.missing_transaction_id',
        status: 422,
      });
    }
    await t.rejects(iap.claim({ provider: 'Apple Store', transaction_id: 't', player_id: p.id }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'provider' } });
    await t.rejects(iap.claim({ provider: 'apple', transaction_id: 't'.repeat(256), player_id: p.id }), { code: 'STO_ERR_TOO_LARGE', details: { field: 'transaction_id' } });
    await t.rejects(iap.claim({ provider: 'apple', transaction_id: 't', product_id: 'p'.repeat(256), player_id: p.id }), { code: 'STO_ERR_TOO_LARGE', details: { field: 'product_id' } });
    await t.rejects(iap.claim({ provider: 'apple', transaction_id: 5 as never, player_id: p.id }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'transaction_id' } });
    await t.rejects(iap.claim({ provider: 'apple', transaction_id: 't', player_id: 'nope' }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'player_id' } });
    const tx = unique('tx');
    await t.rejects(iap.claim({ provider: 'apple', transaction_id: tx, player_id: NOBODY }), { code: 'STO_ERR_NOT_FOUND', details: { player_id: NOBODY } });
    t.equal(await iap.find('apple', tx), undefined, 'nothing was recorded');
    t.same(await iap.listForPlayer(p.id), []);
  });

  t.test('concurrent claims of one transaction by five players: exactly one player owns it', async (t) => {
    const players = await Promise.all(Array.from({ length: 5 }, () => player(storage)));
    const tx = unique('race');
    const attempts = players.flatMap((p) => Array.from({ length: 4 }, () => ({ p: p.id, claim: iap.claim({ provider: 'apple', transaction_id: tx, player_id: p.id }) })));
    const results = await Promise.allSettled(attempts.map((a) => a.claim));
    const owner = (await iap.find('apple', tx))!.player_id;
    results.forEach((r, i) => {
      if (attempts[i]!.p === owner) t.equal(r.status, 'fulfilled');
      else t.match(r, { status: 'rejected', reason: { code: 'STO_ERR_ALREADY_CLAIMED' } });
    });
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    t.equal(won.length, 4);
    t.equal(won.filter((r) => !r.duplicate).length, 1, 'exactly one claim is not a duplicate');
    const [count] = await storage.driver.query<{ n: number }>('SELECT count(*)::int8 AS n FROM iap_transactions WHERE transaction_id = $1', [tx]);
    t.equal(count!.n, 1);
  });
};
