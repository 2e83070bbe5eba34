// The matchmaker frames and routes (src/plugins/matchmaker.ts) end to end: a real server with an extra
// plugin that builds a Matchmaker (fake startMatch) and calls registerMatchmakerRoutes, real sockets for
// matchmaker.add/remove and the match.matched / matchmaker_expired / matchmaker_failed pushes, inject()
// for the REST routes and their codes.
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { Matchmaker, ModeRegistry, type MatchBehaviour } from '@hajime/game';
import type { ServerContext } from '../src/context.js';
import { registerMatchmakerRoutes } from '../src/plugins/matchmaker.js';
import { clients, connected, listenWs, registerPlayer, type TestSocket } from './gateway-client.js';
import { testServer, testStorage, uniqueName } from './helpers.js';


const behaviour = { init: () => ({}), join: (_p: string, s: unknown) => s, leave: (_p: string, s: unknown) => s, handleInput: (_p: string, _i: unknown, s: unknown) => s } as unknown as MatchBehaviour<unknown, unknown>;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

t.test('matchmaker frames and routes', async (t) => {
  const storage = await testStorage(t);
  const modes = new ModeRegistry({
    default: { behaviour, matchSize: 4 },
    duel: { behaviour, matchSize: 2 },
    slow: { behaviour, matchSize: 50 },
    broken: { behaviour, matchSize: 2 },
  });
  const starts: { mode: string; players: string[] }[] = [];
  let n = 0;
  const matchmakerPlugin = async (app: FastifyInstance, ctx: ServerContext): Promise<void> => {
    const mm = new Matchmaker({
      system: ctx.system,
      modes,
      startMatch: async (mode, players) => {
        starts.push({ mode, players });
        if (mode === 'broken') throw new Error('no room');
        return { match_id: `match-${++n}` };
      },
      notify: (playerId, f) => void ctx.gateway.sendToPlayer(playerId, f),
      options: { tickIntervalMs: 40, maxWaitSeconds: 1 },
    });
    await mm.start();
    app.addHook('onClose', () => mm.stop());
    registerMatchmakerRoutes(app, ctx, mm);
  };
  const server = await testServer(t, storage, {}, { plugins: [matchmakerPlugin] });
  const url = await listenWs(server);
  const open = clients(t, url);
  const api = (method: 'GET' | 'POST' | 'DELETE', path: string, token: string | undefined, payload?: object) =>
    server.app.inject({ method, url: `/api/v1${path}`, headers: token === undefined ? {} : { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload }) });
  const player = async () => {
    const p = await registerPlayer(server, uniqueName('mm'));
    return { ...p, socket: await connected(open, p.access_token) };
  };
  const nextOf = async (s: TestSocket, type: string) => {
    for (;;) {
      const f = await s.next(5_000);
      if (f.type === type) return f;
    }
  };

  t.test('matchmaker.add answers matchmaker.queued; two players of a duel get match.matched', async (t) => {
    const a = await player();
    const b = await player();
    const qa = await a.socket.request('matchmaker.add', { mode: 'duel', properties: { skill: 1200 } }, 'q1');
    t.match(qa, { type: 'matchmaker.queued', cid: 'q1', payload: { status: 'pending', players_needed: 2, already_queued: false } });
    t.type(qa.payload.ticket_id, 'string');
    t.match(await b.socket.request('matchmaker.add', { mode: 'duel' }), { type: 'matchmaker.queued' });
    const ma = await nextOf(a.socket, 'match.matched');
    const mb = await nextOf(b.socket, 'match.matched');
    t.same(ma.payload, mb.payload);
    t.same(ma.payload.players, [a.player_id, b.player_id]);
    t.match(ma.payload.match_id, /^match-\d+$/);
    t.notOk('cid' in ma, 'pushes carry no cid');
    t.ok(starts.some((s) => s.mode === 'duel' && s.players.join() === [a.player_id, b.player_id].join()));
  });

  t.test('re-add, remove, and the refusals of matchmaker.remove', async (t) => {
    const a = await player();
    const b = await player();
    const q1 = await a.socket.request('matchmaker.add', {});
    t.match(q1.payload, { players_needed: 4, already_queued: false }, 'mode defaults to "default"');
    const q2 = await a.socket.request('matchmaker.add', { mode: 'default' });
    t.same(q2.payload, { ticket_id: q1.payload.ticket_id, status: 'pending', players_needed: 4, already_queued: true });
    t.match(await b.socket.request('matchmaker.remove', { ticket_id: q1.payload.ticket_id }, 'x'), { type: 'error', cid: 'x', payload: { reason: 'not_owner', error: { code: 'forbidden' } } });
    t.same(await a.socket.request('matchmaker.remove', { ticket_id: q1.payload.ticket_id }, 'r'), { type: 'matchmaker.removed', cid: 'r', payload: { success: true } });
    t.match(await a.socket.request('matchmaker.remove', { ticket_id: q1.payload.ticket_id }), { type: 'error', payload: { reason: 'not_found', error: { code: 'not_found' } } });
  });

  t.test('matchmaker.add refusals: unknown mode, bad properties', async (t) => {
    const a = await player();
    t.match(await a.socket.request('matchmaker.add', { mode: 'nope' }), { type: 'error', payload: { reason: 'unknown_mode', error: { code: 'matchmaker.unknown_mode' } } });
    t.match(await a.socket.request('matchmaker.add', { mode: 'duel', properties: { deep: { x: 1 } } }), {
      type: 'error',
      payload: { reason: 'invalid_properties', error: { code: 'ws.request_failed', details: { reason: 'invalid_properties', key: 'deep' } } },
    });
  });

  t.test('a ticket expires maxWaitSeconds after submission: match.matchmaker_expired', async (t) => {
    const a = await player();
    const q = await a.socket.request('matchmaker.add', { mode: 'slow' });
    const f = await nextOf(a.socket, 'match.matchmaker_expired');
    t.same(f.payload, { ticket_id: q.payload.ticket_id });
  });

  t.test('a match that never starts: match.matchmaker_failed after the retries', async (t) => {
    const a = await player();
    const b = await player();
    await a.socket.request('matchmaker.add', { mode: 'broken' });
    await b.socket.request('matchmaker.add', { mode: 'broken' });
    t.same((await nextOf(a.socket, 'match.matchmaker_failed')).payload, { reason: 'match_start_failed' });
    t.same((await nextOf(b.socket, 'match.matchmaker_failed')).payload, { reason: 'match_start_failed' });
    t.equal(starts.filter((s) => s.mode === 'broken' && s.players.includes(a.player_id)).length, 3, 'three attempts');
  });

  t.test('REST: POST, GET (owner only), DELETE, with their codes', async (t) => {
    const a = await player();
    const b = await player();
    const posted = await api('POST', '/matchmaker', a.access_token, { mode: 'default', properties: { region: 'eu', skill: 3, ranked: false }, query: '+region:eu' });
    t.equal(posted.statusCode, 200);
    const q = posted.json() as { ticket_id: string };
    t.match(q, { status: 'pending', players_needed: 4, already_queued: false });
    const again = await api('POST', '/matchmaker', a.access_token, {});
    t.same(again.json(), { ...q, already_queued: true }, 'the body is optional; mode defaults to "default"');

    const got = await api('GET', `/matchmaker/${q.ticket_id}`, a.access_token);
    t.equal(got.statusCode, 200);
    t.match(got.json(), { id: q.ticket_id, mode: 'default', status: 'pending', properties: { region: 'eu', skill: 3, ranked: false }, submitted_at: ISO, query: '+region:eu' });
    const other = await api('GET', `/matchmaker/${q.ticket_id}`, b.access_token);
    t.equal(other.statusCode, 403);
    t.equal(other.json().error.code, 'forbidden');
    const missing = await api('GET', '/matchmaker/no-such-ticket', a.access_token);
    t.equal(missing.statusCode, 404);
    t.equal(missing.json().error.code, 'matchmaker.ticket_not_found');
    t.equal((await api('DELETE', `/matchmaker/${q.ticket_id}`, b.access_token)).statusCode, 403, "someone else's ticket");
    const del = await api('DELETE', `/matchmaker/${q.ticket_id}`, a.access_token);
    t.equal(del.statusCode, 200);
    t.same(del.json(), { success: true });
    const del2 = await api('DELETE', `/matchmaker/${q.ticket_id}`, a.access_token);
    t.equal(del2.statusCode, 404);
    t.equal(del2.json().error.code, 'matchmaker.ticket_not_found');
    t.equal((await api('GET', `/matchmaker/${q.ticket_id}`, undefined)).statusCode, 401);
    t.equal((await api('POST', '/matchmaker', undefined, {})).statusCode, 401);
  });

  t.test('REST: validation and mode codes', async (t) => {
    const a = await player();
    const cases: [object, number, string][] = [
      [{ mode: 'nope' }, 400, 'matchmaker.unknown_mode'],
      [{ properties: { deep: { x: 1 } } }, 422, 'validation_failed'],
      [{ properties: { s: 'x'.repeat(257) } }, 422, 'validation_failed'],
      [{ properties: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i])) }, 422, 'validation_failed'],
      [{ properties: [] }, 422, 'validation_failed'],
      [{ properties: { n: null } }, 422, 'validation_failed'],
      [{ query: 'q'.repeat(513) }, 422, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const r = await api('POST', '/matchmaker', a.access_token, body);
      t.equal(r.statusCode, status, JSON.stringify(body).slice(0, 50));
      t.equal(r.json().error.code, code);
    }
    const bad = await api('POST', '/matchmaker', a.access_token, { mode: 'duel', query: '+rank:>=x' });
    t.equal(bad.statusCode, 422);
    t.match(bad.json().error, { code: 'validation_failed', details: { fields: { query: 'number_expected' }, position: 8 } });
  });

  t.test('a player queued over REST is matched and told over the socket', async (t) => {
    const a = await player();
    const b = await player();
    t.equal((await api('POST', '/matchmaker', a.access_token, { mode: 'duel' })).statusCode, 200);
    t.equal((await api('POST', '/matchmaker', b.access_token, { mode: 'duel' })).statusCode, 200);
    const f = await nextOf(a.socket, 'match.matched');
    t.same(f.payload.players, [a.player_id, b.player_id]);
  });
});
