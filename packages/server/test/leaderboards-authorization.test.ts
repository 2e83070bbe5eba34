// The authorization matrix for the leaderboard routes (matrix/leaderboards.ts): every route ×
// {no token, forged token, another player's token, own token}, and a submit with another player's token
// writes the caller's entry, never the victim's.
import t from 'tap';
import { testServer, testStorage } from './helpers.js';
import { LEADERBOARD_PLUGINS, LEADERBOARD_ROWS, MATRIX_BOARD } from './matrix/leaderboards.js';
import type { Actor } from './matrix/types.js';
import { registerActor, documentedRoutes } from './matrix/harness.js';

t.test('leaderboard authorization matrix', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, {}, { plugins: LEADERBOARD_PLUGINS });
  const app = server.app;
  const register = (): Promise<Actor> => registerActor(app);

  const routes = await documentedRoutes(app, (path) => path.startsWith('/api/v1/leaderboards'));
  t.same(routes.slice().sort(), Object.keys(LEADERBOARD_ROWS).sort(), 'every leaderboard route is in the matrix, and every row is a route');

  for (const [route, c] of Object.entries(LEADERBOARD_ROWS)) {
    t.test(`${route} (${c.access})`, async (t) => {
      const victim = await register();
      const attacker = await register();
      const before = await storage.players.get(victim.id);
      const anon = await app.inject({ ...c.request(victim, victim) } as never);
      t.equal(anon.statusCode, 401, 'no token: 401');
      t.equal(anon.json().error.code, 'unauthenticated');
      const forged = await app.inject({ ...c.request(victim, victim), headers: { authorization: 'Bearer not-a-real-token-not-a-real-token-xx' } } as never);
      t.equal(forged.statusCode, 401, 'forged token: 401');
      const other = await app.inject({ ...c.request(attacker, victim), headers: { authorization: `Bearer ${attacker.token}` } } as never);
      t.equal(other.statusCode, 200, "another player's token: allowed");
      t.same(await storage.players.get(victim.id), before, "the victim's row is untouched");
      const own = await app.inject({ ...c.request(victim, victim), headers: { authorization: `Bearer ${victim.token}` } } as never);
      t.equal(own.statusCode, 200, 'own token: allowed');
    });
  }

  t.test("a submit with another player's token writes the caller's entry only", async (t) => {
    const victim = await register();
    const attacker = await register();
    const r = await app.inject({ method: 'POST', url: `/api/v1/leaderboards/${MATRIX_BOARD}`, headers: { authorization: `Bearer ${attacker.token}` }, payload: { score: 77, player_id: victim.id } });
    t.equal(r.json().player_id, attacker.id);
    const around = await app.inject({ method: 'GET', url: `/api/v1/leaderboards/${MATRIX_BOARD}/around/${victim.id}`, headers: { authorization: `Bearer ${attacker.token}` } });
    t.same(around.json(), { entries: [] }, 'the victim has no entry');
  });
});
