// POST /api/v1/iap/google against a fake Play Developer API on loopback: a purchased token is claimed
// (order id = transaction id), cancelled / pending / unknown tokens are iap.invalid_receipt, a purchase
// without an order id is iap.missing_transaction_id, an unreachable or failing API is 503, and the grant
// mapping credits once.
import { generateKeyPairSync } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import t, { type Test } from 'tap';
import type { Storage } from '@hajime/storage';
import { ANDROID_PUBLISHER_SCOPE, createIapPlugin, serviceAccountAccessToken, type HajimeServer, type IapPluginOptions } from '../src/index.js';
import { testServer, testStorage, uniqueName } from './helpers.js';
import { fakePlay, PACKAGE_NAME, PLAY_TOKEN, type FakePlay } from './iap-fixtures.js';


async function setup(t: Test, google: Partial<NonNullable<IapPluginOptions['google']>> = {}, grants = {}): Promise<{ storage: Storage; server: HajimeServer; play: FakePlay; player: () => Promise<{ id: string; token: string }> }> {
  const play = await fakePlay();
  t.teardown(() => play.close());
  const storage = await testStorage(t);
  const plugin = createIapPlugin({ google: { packageName: PACKAGE_NAME, apiBaseUrl: play.url, accessToken: async () => PLAY_TOKEN, timeoutMs: 2000, ...google }, grants });
  const server = await testServer(t, storage, { rateLimits: { iap: { max: 10_000, windowMs: 1000 } } }, { plugins: [plugin] });
  const player = async (): Promise<{ id: string; token: string }> => {
    const r = (await server.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username: uniqueName('iapg'), password: 'password123' } })).json();
    return { id: r.player_id, token: r.access_token };
  };
  return { storage, server, play, player };
}

function post(server: HajimeServer, token: string, product_id: string, purchase_token: string) {
  return server.app.inject({ method: 'POST', url: '/api/v1/iap/google', headers: { authorization: `Bearer ${token}` }, payload: { product_id, purchase_token } });
}

const purchased = (orderId: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  purchaseTimeMillis: '1700000000000',
  purchaseState: 0,
  consumptionState: 0,
  developerPayload: '',
  orderId,
  acknowledgementState: 1,
  purchaseType: 0,
  regionCode: 'JP',
  ...extra,
});

t.test('a purchased token is claimed; duplicates and other players', async (t) => {
  const { storage, server, play, player } = await setup(t);
  const alice = await player();
  const bob = await player();
  play.purchases.set('gems_100/tok-1', purchased('GPA.1111-2222-3333-44444'));

  const r = await post(server, alice.token, 'gems_100', 'tok-1');
  t.equal(r.statusCode, 200, r.body);
  t.same(r.json(), { product_id: 'gems_100', order_id: 'GPA.1111-2222-3333-44444', purchase_time: '1700000000000', consumption_state: 0, acknowledged: true, valid: true, duplicate: false });
  t.equal(play.requests[0]?.path, `/androidpublisher/v3/applications/${PACKAGE_NAME}/purchases/products/gems_100/tokens/tok-1`);
  t.equal(play.requests[0]?.authorization, `Bearer ${PLAY_TOKEN}`, 'the injected bearer token is sent');
  t.equal((await storage.iap.find('google', 'GPA.1111-2222-3333-44444'))?.player_id, alice.id);

  const dup = await post(server, alice.token, 'gems_100', 'tok-1');
  t.equal(dup.statusCode, 200);
  t.equal(dup.json().duplicate, true);
  const stolen = await post(server, bob.token, 'gems_100', 'tok-1');
  t.equal(stolen.statusCode, 409);
  t.equal(stolen.json().error.code, 'iap.transaction_already_claimed');

  play.purchases.set('gems_100/tok-2', purchased('GPA.2', { acknowledgementState: 0, consumptionState: 1 }));
  const second = (await post(server, alice.token, 'gems_100', 'tok-2')).json();
  t.match(second, { acknowledged: false, consumption_state: 1, duplicate: false });
});

t.test('cancelled, pending and unknown tokens are invalid receipts; no order id is missing_transaction_id', async (t) => {
  const { storage, server, play, player } = await setup(t);
  const p = await player();
  play.purchases.set('gems_100/cancelled', purchased('GPA.C', { purchaseState: 1 }));
  play.purchases.set('gems_100/pending', purchased('GPA.P', { purchaseState: 2 }));
  play.purchases.set('gems_100/no-order', purchased('', { orderId: undefined }));
  for (const [token, reason] of [
    ['cancelled', 'cancelled'],
    ['pending', 'pending'],
    ['unknown', 'unknown_token'],
  ] as const) {
    const r = await post(server, p.token, 'gems_100', token);
    t.equal(r.statusCode, 422, token);
    t.match(r.json().error, { code: 'iap.invalid_receipt', details: { reason } }, `${token}: ${reason}`);
  }
  const wrongProduct = await post(server, p.token, 'other_product', 'cancelled');
  t.match(wrongProduct.json().error, { code: 'iap.invalid_receipt', details: { reason: 'unknown_token' } }, 'a token under another product is unknown');
  const noOrder = await post(server, p.token, 'gems_100', 'no-order');
  t.equal(noOrder.statusCode, 422);
  t.equal(noOrder.json().error.code, 'iap.missing_transaction_id');
  t.same(await storage.iap.listForPlayer(p.id), [], 'nothing was claimed');
});

t.test('the API failing is 503 service_unavailable, never a claim', async (t) => {
  const { server, play, player } = await setup(t);
  const p = await player();
  play.purchases.set('gems_100/tok', purchased('GPA.X'));
  play.failWith = 500;
  let r = await post(server, p.token, 'gems_100', 'tok');
  t.equal(r.statusCode, 503);
  t.match(r.json().error, { code: 'service_unavailable', details: { service: 'google_play', reason: 'http_status', status: 500 } });
  play.failWith = 403;
  r = await post(server, p.token, 'gems_100', 'tok');
  t.match(r.json().error, { code: 'service_unavailable', details: { reason: 'credentials' } }, 'refused credentials are our problem, not the receipt');
  play.failWith = undefined;
  await play.close();
  r = await post(server, p.token, 'gems_100', 'tok');
  t.equal(r.statusCode, 503);
  t.match(r.json().error.details, { reason: 'unreachable' });
});

t.test('a failing token source is 503; wrong bearer is credentials', async (t) => {
  const { server, play, player } = await setup(t, {
    accessToken: async () => {
      throw new Error('no key');
    },
  });
  const p = await player();
  play.purchases.set('gems_100/tok', purchased('GPA.Y'));
  const r = await post(server, p.token, 'gems_100', 'tok');
  t.equal(r.statusCode, 503);
  t.match(r.json().error.details, { reason: 'credentials' });
  const { server: s2, play: play2, player: player2 } = await setup(t, { accessToken: async () => 'wrong' });
  play2.purchases.set('gems_100/tok', purchased('GPA.Y'));
  const p2 = await player2();
  t.match((await post(s2, p2.token, 'gems_100', 'tok')).json().error.details, { reason: 'credentials', status: 401 });
});

t.test('configuration: https or loopback only, valid package name, token function', async (t) => {
  const accessToken = async (): Promise<string> => 'x';
  t.throws(() => createIapPlugin({ google: { packageName: PACKAGE_NAME, apiBaseUrl: 'http://play.example.com', accessToken } }), /https/);
  t.throws(() => createIapPlugin({ google: { packageName: 'bad/name', accessToken } }), /packageName/);
  t.throws(() => createIapPlugin({ google: { packageName: PACKAGE_NAME, accessToken: undefined as never } }), /accessToken/);
  t.doesNotThrow(() => createIapPlugin({ google: { packageName: PACKAGE_NAME, accessToken } }), 'the default base URL is Google');
});

t.test('the grant mapping credits the wallet once, even on duplicates', async (t) => {
  const { storage, server, play, player } = await setup(t, {}, { gems_100: { currency: 'gems', amount: 100 } });
  const p = await player();
  play.purchases.set('gems_100/tok', purchased('GPA.G'));
  const results = await Promise.all([post(server, p.token, 'gems_100', 'tok'), post(server, p.token, 'gems_100', 'tok'), post(server, p.token, 'gems_100', 'tok')]);
  t.same(results.map((r) => r.statusCode), [200, 200, 200]);
  t.equal(results.filter((r) => r.json().duplicate === false).length, 1, 'one first claim');
  t.equal(await storage.economy.balance(p.id, 'gems'), 100);
  t.match(await storage.economy.history(p.id, 'gems'), [{ amount: 100, reason: 'iap', reference_type: 'iap_google', reference_id: 'GPA.G' }]);
});

t.test('serviceAccountAccessToken mints a jwt-bearer token, caches it and feeds the route', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  let exchanges = 0;
  const tokenServer = createHttpServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      void (async () => {
        const form = new URLSearchParams(raw);
        try {
          if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') throw new Error('grant_type');
          const { payload } = await jwtVerify(form.get('assertion') ?? '', publicKey, { issuer: 'iap@test.iam.gserviceaccount.com', audience: `${tokenUrl}/token` });
          if (payload['scope'] !== ANDROID_PUBLISHER_SCOPE) throw new Error('scope');
          exchanges++;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ access_token: PLAY_TOKEN, expires_in: 3599, token_type: 'Bearer' }));
        } catch {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end('{"error":"invalid_grant"}');
        }
      })();
    });
  });
  await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
  const tokenUrl = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}`;
  t.teardown(() => new Promise<void>((resolve) => tokenServer.close(() => resolve())));

  const accessToken = serviceAccountAccessToken({ client_email: 'iap@test.iam.gserviceaccount.com', private_key: pem, private_key_id: 'k1', token_uri: `${tokenUrl}/token` });
  const [a, b] = await Promise.all([accessToken(), accessToken()]);
  t.equal(a, PLAY_TOKEN);
  t.equal(b, PLAY_TOKEN);
  t.equal(exchanges, 1, 'concurrent callers share one exchange');
  await accessToken();
  t.equal(exchanges, 1, 'cached until shortly before expiry');

  const { server, play, player } = await setup(t, { accessToken });
  play.purchases.set('gems_100/sa', purchased('GPA.SA'));
  const p = await player();
  t.equal((await post(server, p.token, 'gems_100', 'sa')).statusCode, 200, 'the route works with the service-account token');

  const wrongKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  await t.rejects(serviceAccountAccessToken({ client_email: 'iap@test.iam.gserviceaccount.com', private_key: wrongKey, token_uri: `${tokenUrl}/token` })(), /400/);
  t.throws(() => serviceAccountAccessToken({ client_email: '', private_key: pem }), /client_email/);
  t.throws(() => serviceAccountAccessToken({ client_email: 'x', private_key: 'nope' }), /private_key/);
  t.throws(() => serviceAccountAccessToken({ client_email: 'x', private_key: pem, token_uri: 'http://oauth.example.com/token' }), /https/);
});
