// The leaderboard routes (src/plugins/leaderboards.ts) over inject(), on real storage and a simulated
// clock: exact asobi shapes, limits and ranges with their codes, client submits off by default
// (403 leaderboard.client_submit_disabled), a submit visible at once and written by the next flush,
// capacity, the plugin's own service flushing on close, and 1,000 concurrent submits through REST.
import t from 'tap';
import { ActorSystem, MemoryLogger, SimulatedClock } from '@hajime/actor';
import type { Storage } from '@hajime/storage';
import { createLeaderboardsPlugin, leaderboardsPlugin, Leaderboards, type HajimeServer } from '../src/index.js';
import { testServer, testStorage, uniqueName } from './helpers.js';

const FLUSH_MS = 5_000;
const HOUR = 3_600_000;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Caller {
  readonly id: string;
  readonly token: string;
}

async function player(server: HajimeServer, storage: Storage): Promise<Caller> {
  const p = await storage.players.create({ username: uniqueName('lb') });
  const pair = await server.context.auth.issuePair(p.id);
  return { id: p.id, token: pair.access_token };
}

t.test('leaderboard routes', async (t) => {
  const storage = await testStorage(t);
  const clock = new SimulatedClock({ epochStartMs: Date.now() });
  const system = new ActorSystem({ clock, logger: new MemoryLogger(), snapshotStore: storage.snapshots });
  t.teardown(() => system.stop());
  const boards = new Leaderboards({ system, store: storage.leaderboards, options: { clientSubmit: ['open', 'open:*', 'crowd'], operators: { 'open:best': 'best' }, maxBoards: 20 } });
  await boards.start();
  const server = await testServer(t, storage, { system, auth: { accessTtlMs: 30 * 24 * HOUR } }, { plugins: [createLeaderboardsPlugin({ leaderboards: boards })] });
  const app = server.app;
  const call = (who: Caller, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${who.token}` }, ...(payload === undefined ? {} : { payload }) });
  const [a, b, c] = [await player(server, storage), await player(server, storage), await player(server, storage)];

  t.test('GET /leaderboards/:id answers {entries} best first with the asobi fields and ranks', async (t) => {
    await boards.submit('shape', a.id, 10);
    await boards.submit('shape', b.id, 30, { subScore: 4, metadata: { secret: true } });
    await boards.submit('shape', c.id, 20);
    const r = await call(a, 'GET', '/api/v1/leaderboards/shape');
    t.equal(r.statusCode, 200);
    const { entries } = r.json() as { entries: Record<string, unknown>[] };
    t.same(entries.map((e) => [e['player_id'], e['score'], e['rank']]), [[b.id, 30, 1], [c.id, 20, 2], [a.id, 10, 3]]);
    t.same(Object.keys(entries[0]!).sort(), ['leaderboard_id', 'player_id', 'rank', 'score', 'sub_score', 'updated_at'], 'no metadata on the wire');
    t.match(entries[0], { leaderboard_id: 'shape', sub_score: 4, updated_at: ISO });
    t.same((await call(a, 'GET', '/api/v1/leaderboards/shape?limit=2')).json().entries.length, 2);
    t.same((await call(a, 'GET', '/api/v1/leaderboards/nobody-here')).json(), { entries: [] }, 'an unknown board is empty');
  });

  t.test('GET /leaderboards/:id answers 100 entries by default; limit is 1..100 (422 validation_failed)', async (t) => {
    const many: string[] = [];
    for (let i = 0; i < 101; i++) many.push((await storage.players.create({ username: uniqueName('lbm') })).id);
    await Promise.all(many.map((id, i) => boards.submit('hundred', id, i)));
    t.equal((await call(a, 'GET', '/api/v1/leaderboards/hundred')).json().entries.length, 100);
    t.equal((await call(a, 'GET', '/api/v1/leaderboards/hundred?limit=100')).json().entries.length, 100);
    for (const bad of ['0', '101', 'abc', '1.5']) {
      const r = await call(a, 'GET', `/api/v1/leaderboards/hundred?limit=${bad}`);
      t.equal(r.statusCode, 422, `limit=${bad}`);
      t.equal(r.json().error.code, 'validation_failed');
    }
  });

  t.test('a board id with a space or over 128 bytes is 422 validation_failed', async (t) => {
    for (const id of ['has%20space', 'x'.repeat(129)]) {
      const r = await call(a, 'GET', `/api/v1/leaderboards/${id}`);
      t.equal(r.statusCode, 422);
      t.equal(r.json().error.code, 'validation_failed');
    }
    t.equal((await call(a, 'GET', '/api/v1/leaderboards/weekly%3A2026-w10')).statusCode, 200, 'an encoded colon is fine');
  });

  t.test('GET /leaderboards/:id/around/:player_id answers 5 either side by default; range is 1..50', async (t) => {
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) ids.push((await storage.players.create({ username: uniqueName('lba') })).id);
    for (const [i, id] of ids.entries()) await boards.submit('near', id, 1000 - i);
    const r = await call(a, 'GET', `/api/v1/leaderboards/near/around/${ids[7]}`);
    t.equal(r.statusCode, 200);
    t.same(r.json().entries.map((e: { rank: number }) => e.rank), [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    t.same((await call(a, 'GET', `/api/v1/leaderboards/near/around/${ids[0]}?range=1`)).json().entries.map((e: { player_id: string }) => e.player_id), [ids[0], ids[1]]);
    t.same((await call(a, 'GET', `/api/v1/leaderboards/near/around/${a.id}`)).json(), { entries: [] }, 'no entry: empty');
    for (const bad of ['0', '51']) {
      const q = await call(a, 'GET', `/api/v1/leaderboards/near/around/${ids[0]}?range=${bad}`);
      t.equal(q.statusCode, 422, `range=${bad}`);
      t.equal(q.json().error.code, 'validation_failed');
    }
    const notUuid = await call(a, 'GET', '/api/v1/leaderboards/near/around/not-a-uuid');
    t.equal(notUuid.statusCode, 422);
    t.equal(notUuid.json().error.code, 'validation_failed');
  });

  t.test('POST /leaderboards/:id is off by default: 403 leaderboard.client_submit_disabled, nothing stored', async (t) => {
    const r = await call(a, 'POST', '/api/v1/leaderboards/closed', { score: 5 });
    t.equal(r.statusCode, 403);
    t.equal(r.json().error.code, 'leaderboard.client_submit_disabled');
    t.same(r.json().error.details, { leaderboard_id: 'closed' });
    t.same((await call(a, 'GET', '/api/v1/leaderboards/closed')).json(), { entries: [] });
  });

  t.test('POST on an allowed board answers the entry with its rank, visible at once, stored after the flush', async (t) => {
    const r = await call(a, 'POST', '/api/v1/leaderboards/open', { score: 42, sub_score: 7 });
    t.equal(r.statusCode, 200);
    t.match(r.json(), { leaderboard_id: 'open', player_id: a.id, score: 42, sub_score: 7, rank: 1, updated_at: ISO });
    t.equal(new Date(r.json().updated_at).getTime(), clock.epochMs(), 'stamped on the server clock');
    const r2 = await call(b, 'POST', '/api/v1/leaderboards/open', { score: 50 });
    t.equal(r2.json().rank, 1);
    t.same((await call(c, 'GET', '/api/v1/leaderboards/open')).json().entries.map((e: { player_id: string }) => e.player_id), [b.id, a.id]);
    t.same(await storage.leaderboards.top('open'), [], 'not stored before the flush');
    await clock.advance(FLUSH_MS);
    await boards.stats('open'); // queued behind the flush: it has finished
    t.match(await storage.leaderboards.top('open'), [{ player_id: b.id, score: 50, rank: 1 }, { player_id: a.id, score: 42, sub_score: 7, rank: 2 }]);
  });

  t.test('POST follows the board\'s operator (best keeps the higher score)', async (t) => {
    await call(a, 'POST', '/api/v1/leaderboards/open:best', { score: 90 });
    const r = await call(a, 'POST', '/api/v1/leaderboards/open:best', { score: 10 });
    t.match(r.json(), { score: 90, rank: 1 });
  });

  t.test('POST refuses a missing, fractional or out-of-range score with 422 validation_failed', async (t) => {
    for (const body of [{}, { score: 1.5 }, { score: Number.MAX_SAFE_INTEGER + 2 }, { score: 'x' }, { score: 1, sub_score: 0.5 }]) {
      const r = await call(a, 'POST', '/api/v1/leaderboards/open', body);
      t.equal(r.statusCode, 422, JSON.stringify(body));
      t.equal(r.json().error.code, 'validation_failed');
    }
  });

  t.test('a new board beyond maxBoards is 503 leaderboard.capacity_reached', async (t) => {
    const live = (await boards.liveBoards()).length;
    for (let i = live; i < 20; i++) t.equal((await call(a, 'GET', `/api/v1/leaderboards/fill-${i}`)).statusCode, 200);
    const r = await call(a, 'GET', '/api/v1/leaderboards/one-too-many');
    t.equal(r.statusCode, 503);
    t.equal(r.json().error.code, 'leaderboard.capacity_reached');
    for (let i = live; i < 20; i++) await boards.stopBoard(`fill-${i}`);
  });

  t.test('1,000 concurrent POSTs: replies and reads give ranks consistent with the sorted order and with storage', async (t) => {
    const callers: Caller[] = [];
    for (let i = 0; i < 1000; i++) callers.push(await player(server, storage));
    const scores = callers.map((_, i) => (i * 7919) % 300);
    const replies = await Promise.all(callers.map((p, i) => call(p, 'POST', '/api/v1/leaderboards/crowd', { score: scores[i] })));
    t.ok(replies.every((r) => r.statusCode === 200), 'every submit answered 200');
    t.ok(replies.every((r) => Number.isInteger(r.json().rank) && r.json().rank >= 1 && r.json().rank <= 1000), 'every reply has a rank');
    const expected = callers.map((p, i) => ({ id: p.id, score: scores[i]! })).sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1));
    const want = new Map(expected.map((e, i) => [e.id, i + 1]));
    const top = (await call(a, 'GET', '/api/v1/leaderboards/crowd?limit=100')).json().entries as { player_id: string; rank: number }[];
    t.same(top.map((e) => e.player_id), expected.slice(0, 100).map((e) => e.id), 'top 100 in sorted order');
    t.ok(top.every((e, i) => e.rank === i + 1));
    for (const p of [callers[0]!, callers[499]!, callers[999]!]) {
      const around = (await call(a, 'GET', `/api/v1/leaderboards/crowd/around/${p.id}?range=3`)).json().entries as { player_id: string; rank: number }[];
      const mine = around.find((e) => e.player_id === p.id)!;
      t.equal(mine.rank, want.get(p.id), 'around ranks agree with the sorted order');
      t.ok(around.every((e) => want.get(e.player_id) === e.rank));
    }
    await clock.advance(FLUSH_MS);
    await boards.stats('crowd'); // queued behind the flush: it has finished
    const stored = await storage.leaderboards.top('crowd', 1000);
    t.same(stored.map((e) => e.player_id), expected.map((e) => e.id), 'storage order agrees after the flush');
    t.ok(stored.every((e) => want.get(e.player_id) === Number(e.rank)), 'storage ranks agree');
  });
});

t.test('a plugin without a given service creates its own and flushes every board when the server closes', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, {}, { plugins: [createLeaderboardsPlugin({ clientSubmit: 'all' })] });
  const p = await player(server, storage);
  const r = await server.app.inject({ method: 'POST', url: '/api/v1/leaderboards/closing', headers: { authorization: `Bearer ${p.token}` }, payload: { score: 3 } });
  t.equal(r.statusCode, 200);
  t.same(await storage.leaderboards.top('closing'), [], 'not yet flushed (5 s interval)');
  await server.close();
  t.match(await storage.leaderboards.top('closing'), [{ player_id: p.id, score: 3 }]);
});

t.test('leaderboardsPlugin keeps client submits off on every board', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, {}, { plugins: [leaderboardsPlugin] });
  const p = await player(server, storage);
  const r = await server.app.inject({ method: 'POST', url: '/api/v1/leaderboards/any', headers: { authorization: `Bearer ${p.token}` }, payload: { score: 3 } });
  t.equal(r.statusCode, 403);
  t.equal(r.json().error.code, 'leaderboard.client_submit_disabled');
});
