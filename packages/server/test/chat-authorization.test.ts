// The authorization matrix over the chat routes (CHAT_ROWS), run the same way as authorization.test.ts
// runs the default plugins' rows: no token and forged tokens are 401, another player's token is a valid
// session that never touches the victim, the owner's own token is allowed.
import t from 'tap';
import { testServer, testStorage } from './helpers.js';
import { CHAT_ROWS } from './matrix/chat.js';
import type { Actor } from './matrix/types.js';
import { registerActor, documentedRoutes } from './matrix/harness.js';

t.test('chat authorization matrix', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage);
  const app = server.app;
  const register = (): Promise<Actor> => registerActor(app);

  const routes = await documentedRoutes(app, (path) => path.startsWith('/api/v1/chat') || path.startsWith('/api/v1/dm'));
  t.same(routes.slice().sort(), Object.keys(CHAT_ROWS).sort(), 'every chat route is in the matrix, and every row is a route');

  for (const [route, c] of Object.entries(CHAT_ROWS)) {
    t.test(`${route} (${c.access})`, async (t) => {
      const victim = await register();
      const attacker = await register();
      const before = (await storage.players.get(victim.id))!;
      const anon = await app.inject({ ...c.request(victim, victim) } as never);
      t.equal(anon.statusCode, 401, 'no token: 401');
      t.equal(anon.json().error.code, 'unauthenticated');
      const forged = await app.inject({ ...c.request(victim, victim), headers: { authorization: 'Bearer not-a-real-token-not-a-real-token-xx' } } as never);
      t.equal(forged.statusCode, 401, 'forged token: 401');
      const other = await app.inject({ ...c.request(attacker, victim), headers: { authorization: `Bearer ${attacker.token}` } } as never);
      t.not(other.statusCode, 401, "another player's token is a valid session");
      if (c.untouched === 'profile') t.same(await storage.players.get(victim.id), before, "the victim's row is untouched");
      const own = await app.inject({ ...c.request(victim, victim), headers: { authorization: `Bearer ${victim.token}` } } as never);
      t.not(own.statusCode, 401, 'own token: authenticated');
      t.not(own.statusCode, 403, 'own token: allowed');
    });
  }
});
