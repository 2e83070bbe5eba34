// The authorization matrix of the saves, storage and RPC routes (matrix/storage.ts), run with the victim
// seeded: a cloud save and an owner-only storage object. For every row, no token and a forged token are
// 401; another player's token is a valid session that never reads the victim's owner-only object and
// never changes the victim's save or object; the victim's own token is allowed.
import t from 'tap';
import { testServer, testStorage } from './helpers.js';
import { MATRIX_COLLECTION, MATRIX_KEY, MATRIX_SLOT, STORAGE_PLUGINS, STORAGE_ROWS } from './matrix/storage.js';
import type { Actor } from './matrix/types.js';
import { registerActor, documentedRoutes } from './matrix/harness.js';

const SECRET = 'victim-only-f00d';

t.test('storage authorization matrix', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, {}, { plugins: STORAGE_PLUGINS });
  const app = server.app;
  server.context.rpc.registerRpc('matrix.echo', (params, { playerId }) => ({ params, player_id: playerId }));
  const register = (): Promise<Actor> => registerActor(app);

  const routes = await documentedRoutes(app, (path) => /^\/api\/v1\/(saves|storage|rpc)(\/|$)/.test(path));
  t.same(routes.slice().sort(), Object.keys(STORAGE_ROWS).sort(), 'every saves/storage/rpc route has a row, and every row is a route');

  for (const [route, c] of Object.entries(STORAGE_ROWS)) {
    t.test(`${route} (${c.access})`, async (t) => {
      const victim = await register();
      const attacker = await register();
      await storage.saves.put(victim.id, MATRIX_SLOT, { secret: SECRET });
      await storage.objects.put({ collection: MATRIX_COLLECTION, key: MATRIX_KEY, ownerId: victim.id, writerId: victim.id, value: { secret: SECRET } });
      const saveBefore = await storage.saves.get(victim.id, MATRIX_SLOT);
      const objectBefore = await storage.objects.get(MATRIX_COLLECTION, MATRIX_KEY, { ownerId: victim.id });

      const anon = await app.inject({ ...c.request(victim, victim) } as never);
      t.equal(anon.statusCode, 401, 'no token: 401');
      t.equal(anon.json().error.code, 'unauthenticated');
      const forged = await app.inject({ ...c.request(victim, victim), headers: { authorization: 'Bearer not-a-real-token-not-a-real-token-xx' } } as never);
      t.equal(forged.statusCode, 401, 'forged token: 401');

      const other = await app.inject({ ...c.request(attacker, victim), headers: { authorization: `Bearer ${attacker.token}` } } as never);
      t.not(other.statusCode, 401, "another player's token is a valid session");
      t.notOk(other.body.includes(SECRET), "another player's token never reads the victim's owner-only data");
      if (route.includes('/storage/{collection}/{key}')) {
        t.equal(other.statusCode, 403, "the victim's owner-only object: 403");
        t.equal(other.json().error.code, 'storage.forbidden');
      }
      t.same(await storage.saves.get(victim.id, MATRIX_SLOT), saveBefore, "the victim's save is untouched");
      t.same(await storage.objects.get(MATRIX_COLLECTION, MATRIX_KEY, { ownerId: victim.id }), objectBefore, "the victim's object is untouched");

      const own = await app.inject({ ...c.request(victim, victim), headers: { authorization: `Bearer ${victim.token}` } } as never);
      t.equal(own.statusCode, 200, 'own token: allowed');
    });
  }
});
