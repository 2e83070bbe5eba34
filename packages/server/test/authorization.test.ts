// The authorization matrix: every /api/v1 route × {no token, another player's token, own token}.
// A route missing from MATRIX fails this test, so every new route must declare who may call it.
import t from 'tap';
import { testServer, testStorage } from './helpers.js';
import { CORE_ROWS } from './matrix/core.js';
import { ECONOMY_ROWS } from './matrix/economy.js';
import { CHAT_ROWS } from './matrix/chat.js';
import { LEADERBOARD_PLUGINS, LEADERBOARD_ROWS } from './matrix/leaderboards.js';
import { SOCIAL_ROWS } from './matrix/social.js';
import { STORAGE_ROWS } from './matrix/storage.js';
import { TOURNAMENT_PLUGINS, TOURNAMENT_ROWS } from './matrix/tournaments.js';
import { GAME_PLUGINS, GAME_ROWS } from './matrix/game.js';
import type { Actor, Case } from './matrix/types.js';
import { registerActor, documentedRoutes } from './matrix/harness.js';

const MATRIX: Record<string, Case> = { ...CORE_ROWS, ...ECONOMY_ROWS, ...LEADERBOARD_ROWS, ...TOURNAMENT_ROWS, ...SOCIAL_ROWS, ...CHAT_ROWS, ...STORAGE_ROWS, ...GAME_ROWS };

t.test('authorization matrix', async (t) => {
  const storage = await testStorage(t);
  // The leaderboard rows submit to a board that accepts client submits; chat is a default plugin.
  const server = await testServer(t, storage, {}, { plugins: [...LEADERBOARD_PLUGINS, ...TOURNAMENT_PLUGINS, ...GAME_PLUGINS] });
  const app = server.app;
  const register = (): Promise<Actor> => registerActor(app);

  const routes = await documentedRoutes(app, (path) => path.startsWith('/api/v1/'));
  t.same(routes.slice().sort(), Object.keys(MATRIX).sort(), 'every route is in the matrix, and every matrix row is a route');

  for (const [route, c] of Object.entries(MATRIX)) {
    t.test(`${route} (${c.access})`, async (t) => {
      const victim = await register();
      const attacker = await register();
      await c.setup?.(victim, storage);
      const before = (await storage.players.get(victim.id))!;

      const anon = await app.inject({ ...c.request(victim, victim) } as never);
      if (c.access === 'public') t.notOk(['missing_token', 'invalid_token'].includes(anon.json()?.error?.details?.reason), 'no bearer token needed');
      else {
        t.equal(anon.statusCode, 401, 'no token: 401');
        t.equal(anon.json().error.code, 'unauthenticated');
      }
      const forged = await app.inject({ ...c.request(victim, victim), headers: { authorization: 'Bearer not-a-real-token-not-a-real-token-xx' } } as never);
      if (c.access !== 'public') t.equal(forged.statusCode, 401, 'forged token: 401');

      if (c.access !== 'public') {
        const other = await app.inject({ ...c.request(attacker, victim), headers: { authorization: `Bearer ${attacker.token}` } } as never);
        if (c.access === 'owner') {
          t.equal(other.statusCode, 403, "another player's token: 403");
          t.equal(other.json().error.code, 'forbidden');
        } else if (c.refusesOthers === true) {
          t.equal(other.statusCode, 403, "another player's token: 403 (the resource is the target's)");
          t.equal(other.json().error.code, 'forbidden');
        } else t.not(other.statusCode, 401, "another player's token is a valid session");
        const after = await storage.players.get(victim.id);
        if (c.untouched === 'exists') t.ok(after, "the victim's account still exists");
        if (c.untouched === 'profile') t.same(after, before, "the victim's row is untouched");

        const own = await app.inject({ ...c.request(victim, victim), headers: { authorization: `Bearer ${victim.token}` } } as never);
        t.not(own.statusCode, 401, 'own token: authenticated');
        t.not(own.statusCode, 403, 'own token: allowed');
      }
    });
  }
});
