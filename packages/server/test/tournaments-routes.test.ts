// The tournament REST routes (§3.2) on a server with the plugin: list (status filter, limit, start_at
// order), get (404 tournament.not_found), join ({success, tournament_id}; tournament.already_joined,
// tournament.full, tournament.closed, economy.insufficient_funds) and the wire shape of a row.
import t from 'tap';
import { ActorSystem, MemoryLogger } from '@hajime/actor';
import { createTournamentsPlugin } from '../src/plugins/tournaments.js';
import { Tournaments } from '../src/tournaments/tournaments.js';
import { testServer, testStorage, uniqueName } from './helpers.js';

t.test('tournament routes', async (t) => {
  const storage = await testStorage(t);
  const system = new ActorSystem({ logger: new MemoryLogger() });
  t.teardown(() => system.stop());
  const tournaments = new Tournaments({ system, storage });
  const server = await testServer(t, storage, { system }, { plugins: [createTournamentsPlugin({ tournaments })] });
  t.teardown(() => tournaments.stop());
  const app = server.app;
  const register = async (): Promise<{ id: string; auth: { authorization: string } }> => {
    const r = (await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username: uniqueName('tr'), password: 'password123' } })).json();
    return { id: r.player_id, auth: { authorization: `Bearer ${r.access_token}` } };
  };
  const [a, b, c] = [await register(), await register(), await register()];
  const now = Date.now();
  const hour = 3_600_000;
  const later = await tournaments.create({ name: 'Later', start_at: new Date(now + 2 * hour), end_at: new Date(now + 3 * hour), metadata: { tier: 'gold' } });
  const soon = await tournaments.create({
    name: 'Soon',
    max_entries: 2,
    entry_fee: { currency: 'gold', amount: 10 },
    rewards: [{ rank: 1, currency: 'gold', amount: 50 }],
    start_at: new Date(now + hour),
    end_at: new Date(now + 2 * hour),
  });
  const done = await storage.tournaments.create({ name: 'Done', status: 'finished', start_at: new Date(now - 2 * hour), end_at: new Date(now - hour) });

  t.test('list: ordered by start_at, filtered by status, limited', async (t) => {
    const all = await app.inject({ method: 'GET', url: '/api/v1/tournaments', headers: a.auth });
    t.equal(all.statusCode, 200);
    t.same(all.json().tournaments.map((x: { id: string }) => x.id), [done.id, soon.id, later.id]);
    const pending = (await app.inject({ method: 'GET', url: '/api/v1/tournaments?status=pending&limit=1', headers: a.auth })).json();
    t.same(pending.tournaments.map((x: { id: string }) => x.id), [soon.id]);
    const bad = await app.inject({ method: 'GET', url: '/api/v1/tournaments?status=nope', headers: a.auth });
    t.equal(bad.statusCode, 422);
    t.equal(bad.json().error.code, 'validation_failed');
    t.equal((await app.inject({ method: 'GET', url: '/api/v1/tournaments?limit=201', headers: a.auth })).statusCode, 422);
  });

  t.test('get: the row, or 404', async (t) => {
    const r = await app.inject({ method: 'GET', url: `/api/v1/tournaments/${soon.id}`, headers: a.auth });
    t.equal(r.statusCode, 200);
    t.same(r.json(), {
      id: soon.id,
      name: 'Soon',
      leaderboard_id: `tournament:${soon.id}`,
      max_entries: 2,
      entry_fee: { currency: 'gold', amount: 10 },
      rewards: [{ rank: 1, currency: 'gold', amount: 50 }],
      status: 'pending',
      start_at: soon.start_at.toISOString(),
      end_at: soon.end_at.toISOString(),
      metadata: {},
      inserted_at: new Date(soon.inserted_at).toISOString(),
    });
    t.match((await app.inject({ method: 'GET', url: `/api/v1/tournaments/${later.id}`, headers: a.auth })).json(), { max_entries: null, entry_fee: null, rewards: null, metadata: { tier: 'gold' } });
    const missing = await app.inject({ method: 'GET', url: '/api/v1/tournaments/00000000-0000-7000-8000-000000000000', headers: a.auth });
    t.equal(missing.statusCode, 404);
    t.equal(missing.json().error.code, 'tournament.not_found');
    t.equal((await app.inject({ method: 'GET', url: '/api/v1/tournaments/not-a-uuid', headers: a.auth })).statusCode, 422);
  });

  t.test('join: success, fee, codes', async (t) => {
    await storage.economy.grant(a.id, 'gold', 25);
    await storage.economy.grant(b.id, 'gold', 10);
    const join = (who: { auth: { authorization: string } }, id: string) => app.inject({ method: 'POST', url: `/api/v1/tournaments/${id}/join`, headers: who.auth });
    const ok = await join(a, soon.id);
    t.equal(ok.statusCode, 200);
    t.same(ok.json(), { success: true, tournament_id: soon.id });
    t.equal(await storage.economy.balance(a.id, 'gold'), 15, 'the fee is debited');
    const dup = await join(a, soon.id);
    t.equal(dup.statusCode, 409);
    t.equal(dup.json().error.code, 'tournament.already_joined');
    const poor = await join(c, soon.id);
    t.equal(poor.statusCode, 402);
    t.equal(poor.json().error.code, 'economy.insufficient_funds');
    t.equal((await join(b, soon.id)).statusCode, 200);
    t.equal(await storage.economy.balance(b.id, 'gold'), 0);
    const full = await join(c, soon.id);
    t.equal(full.statusCode, 409);
    t.equal(full.json().error.code, 'tournament.full');
    const closed = await join(c, done.id);
    t.equal(closed.statusCode, 409);
    t.equal(closed.json().error.code, 'tournament.closed');
    const missing = await join(c, '00000000-0000-7000-8000-000000000000');
    t.equal(missing.statusCode, 404);
    t.equal(missing.json().error.code, 'tournament.not_found');
    t.same((await storage.tournaments.entries(soon.id)).map((e) => e.player_id).sort(), [a.id, b.id].sort(), 'participants persisted');
  });
});

t.test('with the default plugins, rewards read the live boards (scores not flushed yet count)', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage);
  const { tournaments, leaderboards } = server.context.services;
  t.ok(tournaments && leaderboards, 'both services are published');
  const r = (await server.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username: uniqueName('tl'), password: 'password123' } })).json();
  const now = Date.now();
  const row = await tournaments!.create({ name: uniqueName('Live'), rewards: [{ rank: 1, currency: 'gold', amount: 9 }], start_at: new Date(now - 1000), end_at: new Date(now + 3_600_000) });
  await tournaments!.join(row.id, r.player_id);
  await leaderboards!.submit(row.leaderboard_id, r.player_id, 5);
  t.same(await storage.leaderboards.top(row.leaderboard_id, 5), [], 'the score is not in the database yet');
  await tournaments!.finish(row.id);
  t.equal(await storage.economy.balance(r.player_id, 'gold'), 9, 'the winner was paid from the live board');
});
