// The authorization matrix of the IAP routes (matrix/iap.ts), with both providers configured: no token and
// a forged token are 401; another player's token is a valid session that claims nothing for the victim;
// the victim's own token is allowed (the matrix receipts do not verify: 422 iap.invalid_receipt).
import t from 'tap';
import { createIapPlugin } from '../src/index.js';
import { testServer, testStorage, uniqueName } from './helpers.js';
import { BUNDLE_ID, fakePlay, makeCa, PACKAGE_NAME, PLAY_TOKEN } from './iap-fixtures.js';
import { IAP_ROWS } from './matrix/iap.js';
import type { Actor } from './matrix/types.js';
import { registerActor, documentedRoutes } from './matrix/harness.js';

t.test('iap authorization matrix', async (t) => {
  const ca = makeCa('Matrix');
  const play = await fakePlay();
  t.teardown(() => play.close());
  const storage = await testStorage(t);
  const plugin = createIapPlugin({
    apple: { rootCertificates: [ca.rootPem], bundleId: BUNDLE_ID },
    google: { packageName: PACKAGE_NAME, apiBaseUrl: play.url, accessToken: async () => PLAY_TOKEN },
  });
  const server = await testServer(t, storage, { rateLimits: { iap: { max: 10_000, windowMs: 1000 } } }, { plugins: [plugin] });
  const app = server.app;
  const register = (): Promise<Actor> => registerActor(app);
  const routes = await documentedRoutes(app, (path) => path.startsWith('/api/v1/iap/'));
  t.same(routes.slice().sort(), Object.keys(IAP_ROWS).sort(), 'every iap route has a row, and every row is a route');

  for (const [route, c] of Object.entries(IAP_ROWS)) {
    t.test(`${route} (${c.access})`, async (t) => {
      const victim = await register();
      const attacker = await register();
      const before = await storage.players.get(victim.id);
      const anon = await app.inject({ ...c.request(victim, victim) } as never);
      t.equal(anon.statusCode, 401);
      t.equal(anon.json().error.code, 'unauthenticated');
      const forged = await app.inject({ ...c.request(victim, victim), headers: { authorization: 'Bearer not-a-real-token-not-a-real-token-xx' } } as never);
      t.equal(forged.statusCode, 401);
      const other = await app.inject({ ...c.request(attacker, victim), headers: { authorization: `Bearer ${attacker.token}` } } as never);
      t.not(other.statusCode, 401, "another player's token is a valid session");
      t.same(await storage.players.get(victim.id), before, "the victim's row is untouched");
      t.same(await storage.iap.listForPlayer(victim.id), [], 'nothing claimed for the victim');
      const own = await app.inject({ ...c.request(victim, victim), headers: { authorization: `Bearer ${victim.token}` } } as never);
      t.equal(own.statusCode, 422, 'own token: allowed (the receipt does not verify)');
      t.equal(own.json().error.code, 'iap.invalid_receipt');
    });
  }

  t.test('the iap rate-limit group applies', async (t) => {
    const storage2 = await testStorage(t);
    const limited = await testServer(t, storage2, { rateLimits: { iap: { max: 2, windowMs: 60_000 } } }, { plugins: [plugin] });
    const r = (await limited.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username: uniqueName('rl'), password: 'password123' } })).json();
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) {
      codes.push((await limited.app.inject({ method: 'POST', url: '/api/v1/iap/apple', headers: { authorization: `Bearer ${r.access_token}` }, payload: { signed_transaction: 'a.b.c' } })).statusCode);
    }
    t.same(codes, [422, 422, 429]);
  });
});
