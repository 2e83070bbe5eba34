// The authorization matrix for the tournament routes (matrix/tournaments.ts): every route × {no token,
// forged token, another player's token, own token}, and a join with another player's token enters the
// caller, never the victim.
import t from 'tap';
import { testServer, testStorage } from './helpers.js';
import { MATRIX_TOURNAMENT, TOURNAMENT_PLUGINS, TOURNAMENT_ROWS } from './matrix/tournaments.js';
import type { Actor } from './matrix/types.js';
import { registerActor, documentedRoutes } from './matrix/harness.js';

t.test('tournament authorization matrix', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, {}, { plugins: TOURNAMENT_PLUGINS });
  const app = server.app;
  const now = Date.now();
  await storage.tournaments.create({ id: MATRIX_TOURNAMENT, name: 'Matrix', status: 'active', start_at: new Date(now - 1000), end_at: new Date(now + 3_600_000) });
  const register = (): Promise<Actor> => registerActor(app);

  const routes = await documentedRoutes(app, (path) => path.startsWith('/api/v1/tournaments'));
  t.same(routes.slice().sort(), Object.keys(TOURNAMENT_ROWS).sort(), 'every tournament route is in the matrix, and every row is a route');

  for (const [route, c] of Object.entries(TOURNAMENT_ROWS)) {
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

  t.test("a join with another player's token enters the caller only", async (t) => {
    const victim = await register();
    const attacker = await register();
    const r = await app.inject({ method: 'POST', url: `/api/v1/tournaments/${MATRIX_TOURNAMENT}/join`, headers: { authorization: `Bearer ${attacker.token}` }, payload: { player_id: victim.id } });
    t.equal(r.statusCode, 200);
    const ids: string[] = (await storage.tournaments.entries(MATRIX_TOURNAMENT)).map((e) => e.player_id);
    t.ok(ids.includes(attacker.id), 'the caller joined');
    t.notOk(ids.includes(victim.id), 'the victim did not');
  });
});
