// Route schemas: every domain plugin's JSON schemas compile under Ajv's strict mode without a warning (a
// keyword without the type it applies to, an unknown keyword...), since Ajv prints those on every start.
import t from 'tap';
import { testServer, testStorage } from './helpers.js';
import { LEADERBOARD_PLUGINS } from './matrix/leaderboards.js';
import { TOURNAMENT_PLUGINS } from './matrix/tournaments.js';
import { GAME_PLUGINS } from './matrix/game.js';

t.test('route schemas: every plugin compiles without an Ajv strict-mode warning', async (t) => {
  const warnings: string[] = [];
  const original = { warn: console.warn, log: console.log, error: console.error };
  const capture = (...args: unknown[]): void => void warnings.push(args.map(String).join(' '));
  console.warn = capture;
  console.log = capture;
  console.error = capture;
  try {
    const storage = await testStorage(t);
    const server = await testServer(t, storage, {}, { plugins: [...LEADERBOARD_PLUGINS, ...TOURNAMENT_PLUGINS, ...GAME_PLUGINS] });
    await server.app.ready();
    // the routes are compiled at ready; requests exercise the serialisers too
    const docs = await server.app.inject({ method: 'GET', url: '/docs/json' });
    t.equal(docs.statusCode, 200);
    t.ok(Object.keys((docs.json() as { paths: object }).paths).length > 50, 'the documented routes were built');
  } finally {
    Object.assign(console, original);
  }
  t.same(warnings.filter((w) => /strict mode|unknown format|unknown keyword/i.test(w)), [], 'no schema warnings');
});
