// POST /api/v1/iap/apple against a test CA made with openssl (root → intermediate → leaf, EC P-256):
// a valid signed transaction is claimed, resubmits are duplicates, another player gets 409, and every
// way a receipt can be wrong answers 422 iap.invalid_receipt with details.reason. The grants map credits
// the wallet and grants the item exactly once.
import { sign } from 'node:crypto';
import t, { type Test } from 'tap';
import type { Storage } from '@hajime/storage';
import { createAppleVerifier, createIapPlugin, IapVerificationError, type HajimeServer } from '../src/index.js';
import { testServer, testStorage, uniqueName } from './helpers.js';
import { BUNDLE_ID, makeCa, signTransaction, transaction } from './iap-fixtures.js';

const ca = makeCa('Hajime Test');
const rogue = makeCa('Rogue');

async function setup(t: Test, grants = {}): Promise<{ storage: Storage; server: HajimeServer; player: () => Promise<{ id: string; token: string }> }> {
  const storage = await testStorage(t);
  const plugin = createIapPlugin({ apple: { rootCertificates: [ca.rootPem], bundleId: BUNDLE_ID }, grants });
  const server = await testServer(t, storage, { rateLimits: { iap: { max: 10_000, windowMs: 1000 } } }, { plugins: [plugin] });
  const player = async (): Promise<{ id: string; token: string }> => {
    const r = (await server.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username: uniqueName('iap'), password: 'password123' } })).json();
    return { id: r.player_id, token: r.access_token };
  };
  return { storage, server, player };
}

function post(server: HajimeServer, token: string, signed_transaction: string) {
  return server.app.inject({ method: 'POST', url: '/api/v1/iap/apple', headers: { authorization: `Bearer ${token}` }, payload: { signed_transaction } });
}

t.test('a valid transaction is claimed; resubmits are duplicates; another player gets 409', async (t) => {
  const { storage, server, player } = await setup(t);
  const alice = await player();
  const bob = await player();
  const tx = transaction({ productId: 'no_grant_product' });
  const jws = signTransaction(ca, tx);

  const first = await post(server, alice.token, jws);
  t.equal(first.statusCode, 200, first.body);
  t.same(first.json(), {
    product_id: 'no_grant_product',
    transaction_id: tx['transactionId'],
    original_transaction_id: tx['originalTransactionId'],
    purchase_date: tx['purchaseDate'],
    expires_date: 'undefined',
    quantity: 1,
    type: 'Consumable',
    valid: true,
    duplicate: false,
  });
  const row = await storage.iap.find('apple', tx['transactionId'] as string);
  t.equal(row?.player_id, alice.id, 'the claim is stored for the caller');
  t.equal(row?.product_id, 'no_grant_product');

  const again = await post(server, alice.token, jws);
  t.equal(again.statusCode, 200);
  t.equal(again.json().duplicate, true, 'same player resubmits: duplicate');

  const stolen = await post(server, bob.token, jws);
  t.equal(stolen.statusCode, 409);
  t.equal(stolen.json().error.code, 'iap.transaction_already_claimed');
  t.equal((await storage.iap.find('apple', tx['transactionId'] as string))?.player_id, alice.id, 'the claim stays with the first player');
});

t.test('an expired subscription is valid: false; an active one valid: true', async (t) => {
  const { server, player } = await setup(t);
  const p = await player();
  const expired = await post(server, p.token, signTransaction(ca, transaction({ type: 'Auto-Renewable Subscription', productId: 'sub', expiresDate: Date.now() - 60_000 })));
  t.equal(expired.statusCode, 200);
  t.equal(expired.json().valid, false);
  t.equal(expired.json().type, 'Auto-Renewable Subscription');
  const active = await post(server, p.token, signTransaction(ca, transaction({ type: 'Auto-Renewable Subscription', productId: 'sub', expiresDate: Date.now() + 3_600_000 })));
  t.equal(active.json().valid, true);
});

t.test('missing transaction id → 422 iap.missing_transaction_id', async (t) => {
  const { server, player } = await setup(t);
  const p = await player();
  const r = await post(server, p.token, signTransaction(ca, transaction({ transactionId: undefined })));
  t.equal(r.statusCode, 422);
  t.equal(r.json().error.code, 'iap.missing_transaction_id');
  const empty = await post(server, p.token, signTransaction(ca, transaction({ transactionId: '' })));
  t.equal(empty.json().error.code, 'iap.missing_transaction_id');
});

t.test('receipts that do not verify → 422 iap.invalid_receipt with details.reason', async (t) => {
  const { storage, server, player } = await setup(t);
  const p = await player();
  const tx = (): Record<string, unknown> => transaction();
  const good = signTransaction(ca, tx());
  const [h, pl] = good.split('.') as [string, string, string];
  const tampered = `${h}.${Buffer.from(JSON.stringify({ ...tx(), productId: 'gems_9999' })).toString('base64url')}.${good.split('.')[2]}`;
  const hs256Header = Buffer.from(JSON.stringify({ alg: 'HS256', x5c: [ca.leaf, ca.intermediate, ca.root] })).toString('base64url');
  const cases: [string, string, string][] = [
    ['leaf issued by another CA (bad chain)', signTransaction(ca, tx(), { x5c: [rogue.leaf, ca.intermediate, ca.root], key: rogue.leafKey }), 'chain_invalid'],
    ['intermediate missing (bad chain)', signTransaction(ca, tx(), { x5c: [ca.leaf, ca.root] }), 'chain_invalid'],
    ['chain out of order', signTransaction(ca, tx(), { x5c: [ca.intermediate, ca.leaf, ca.root] }), 'chain_invalid'],
    ['a complete chain to another root', signTransaction(rogue, tx()), 'untrusted_root'],
    ['a chain that stops before the root, under another root', signTransaction(rogue, tx(), { x5c: [rogue.leaf, rogue.intermediate] }), 'untrusted_root'],
    ['signed by another key', signTransaction(ca, tx(), { key: rogue.leafKey }), 'bad_signature'],
    ['payload changed after signing', tampered, 'bad_signature'],
    ['wrong bundle id', signTransaction(ca, { ...tx(), bundleId: 'com.other.game' }), 'bundle_id_mismatch'],
    ['no bundle id', signTransaction(ca, { ...tx(), bundleId: undefined }), 'bundle_id_mismatch'],
    ['alg HS256', `${hs256Header}.${pl}.c2ln`, 'unsupported_alg'],
    ['alg ES384', signTransaction(ca, tx(), { header: { alg: 'ES384' } }), 'unsupported_alg'],
    ['alg none', `${Buffer.from(JSON.stringify({ alg: 'none', x5c: [ca.leaf, ca.intermediate, ca.root] })).toString('base64url')}.${pl}.`, 'unsupported_alg'],
    ['no x5c', signTransaction(ca, tx(), { x5c: [] }), 'missing_x5c'],
    ['x5c not certificates', signTransaction(ca, tx(), { x5c: ['bm90IGEgY2VydA==', 'bm9wZQ=='] }), 'bad_certificate'],
    ['not a JWS', 'hello', 'malformed'],
    ['header not JSON', `${Buffer.from('nope').toString('base64url')}.${pl}.c2ln`, 'malformed'],
  ];
  for (const [name, jws, reason] of cases) {
    const r = await post(server, p.token, jws);
    t.equal(r.statusCode, 422, `${name}: 422`);
    t.match(r.json().error, { code: 'iap.invalid_receipt', details: { reason } }, `${name}: ${reason}`);
  }
  t.same(await storage.iap.listForPlayer(p.id), [], 'nothing was claimed');
});

t.test('the verifier checks validity dates against its clock', async (t) => {
  const verifier = createAppleVerifier({ rootCertificates: [ca.rootPem], bundleId: BUNDLE_ID, now: () => Date.now() + 365 * 86_400_000 });
  t.throws(() => verifier.verify(signTransaction(ca, transaction())), new IapVerificationError('certificate_expired'));
  const past = createAppleVerifier({ rootCertificates: [ca.rootPem], bundleId: BUNDLE_ID, now: () => Date.now() - 86_400_000 });
  t.throws(() => past.verify(signTransaction(ca, transaction())), new IapVerificationError('certificate_expired'), 'not yet valid');
  const direct = createAppleVerifier({ rootCertificates: [ca.rootPem], bundleId: BUNDLE_ID });
  t.match(direct.verify(signTransaction(ca, transaction({ productId: 'x' }), { x5c: [ca.directLeaf, ca.root], key: ca.directLeafKey })), { productId: 'x' }, 'a two-certificate chain to the root verifies');
  const der = sign('sha256', Buffer.from('x'), { key: ca.leafKey, dsaEncoding: 'der' }).toString('base64url');
  const [h, p] = signTransaction(ca, transaction()).split('.');
  t.throws(() => direct.verify(`${h}.${p}.${der}`), new IapVerificationError('bad_signature'), 'a DER-encoded signature is not a JWS signature');
});

t.test('configuration errors throw at once', async (t) => {
  t.throws(() => createIapPlugin({ apple: { rootCertificates: [], bundleId: BUNDLE_ID } }), /rootCertificates/);
  t.throws(() => createIapPlugin({ apple: { rootCertificates: ['not a pem'], bundleId: BUNDLE_ID } }), /rootCertificates\[0\]/);
  t.throws(() => createIapPlugin({ apple: { rootCertificates: [ca.rootPem], bundleId: '' } }), /bundleId/);
  t.throws(() => createIapPlugin({ grants: { p: {} } }), /currency or an item/);
  t.throws(() => createIapPlugin({ grants: { p: { currency: 'gems' } } }), /amount/);
  t.throws(() => createIapPlugin({ grants: { p: { currency: 'gems', amount: 0 } } }), /amount/);
  t.throws(() => createIapPlugin({ grants: { p: { currency: 'bad currency!', amount: 1 } } }), /currency/);
  t.throws(() => createIapPlugin({ grants: { p: { item: 'sword', quantity: 0 } } }), /quantity/);
  t.doesNotThrow(() => createIapPlugin({}));
});

t.test('unconfigured providers have no route; the route needs a token', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, {}, { plugins: [createIapPlugin({})] });
  t.equal((await server.app.inject({ method: 'POST', url: '/api/v1/iap/apple', payload: { signed_transaction: 'x' } })).statusCode, 404);
  const { server: s2 } = await setup(t);
  const anon = await s2.app.inject({ method: 'POST', url: '/api/v1/iap/apple', payload: { signed_transaction: signTransaction(ca, transaction()) } });
  t.equal(anon.statusCode, 401);
});

t.test('the grant mapping credits the wallet and grants the item exactly once', async (t) => {
  const { storage, server, player } = await setup(t, { gems_100: { currency: 'gems', amount: 100 }, starter: { item: 'starter_sword', quantity: 2 }, bundle: { currency: 'gems', amount: 5, item: 'starter_sword' } });
  await storage.economy.upsertItemDef({ slug: 'starter_sword', name: 'Starter sword' });
  const alice = await player();
  const bob = await player();

  const gems = signTransaction(ca, transaction({ productId: 'gems_100', quantity: 3 }));
  t.equal((await post(server, alice.token, gems)).statusCode, 200);
  t.equal(await storage.economy.balance(alice.id, 'gems'), 300, 'amount × quantity credited');
  const dup = await post(server, alice.token, gems);
  t.equal(dup.json().duplicate, true);
  t.equal(await storage.economy.balance(alice.id, 'gems'), 300, 'a duplicate credits nothing');
  t.equal((await post(server, bob.token, gems)).statusCode, 409);
  t.equal(await storage.economy.balance(bob.id, 'gems'), 0, 'another player gets nothing');
  const ledger = await storage.economy.history(alice.id, 'gems', { limit: 10 });
  t.equal(ledger.length, 1, 'one ledger row');
  t.match(ledger[0], { amount: 300, reason: 'iap', reference_type: 'iap_apple' });

  const starter = signTransaction(ca, transaction({ productId: 'starter' }));
  await post(server, alice.token, starter);
  await post(server, alice.token, starter);
  let items = await storage.economy.inventory(alice.id);
  t.equal(items.length, 1, 'one item stack despite the resubmit');
  t.equal(items[0]?.quantity, 2);

  const bundle = signTransaction(ca, transaction({ productId: 'bundle' }));
  await Promise.all([post(server, alice.token, bundle), post(server, alice.token, bundle), post(server, alice.token, bundle)]);
  items = await storage.economy.inventory(alice.id);
  t.equal(items.length, 2, 'concurrent resubmits grant the item once');
  t.equal(await storage.economy.balance(alice.id, 'gems'), 305, 'and credit once');

  const expired = signTransaction(ca, transaction({ productId: 'gems_100', expiresDate: Date.now() - 1000 }));
  const r = await post(server, alice.token, expired);
  t.equal(r.json().valid, false);
  t.equal(await storage.economy.balance(alice.id, 'gems'), 305, 'an expired subscription grants nothing');
});
