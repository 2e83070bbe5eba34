// Votes end to end (src/plugins/votes.ts): a real server with an extra plugin that creates a Votes on the
// server's actor system and storage and calls registerVoteRoutes; players on real sockets get the vote
// frames, cast and veto over `vote.cast`/`vote.veto` (coded refusals), and read `GET /votes/:id` and the
// participant-only `GET /matches/:id/votes`.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { Votes } from '@hajime/game';
import { registerVoteRoutes } from '../src/plugins/votes.js';
import type { ServerContext } from '../src/context.js';
import type { FastifyInstance } from 'fastify';
import { clients, connected, listenWs, registerPlayer, type TestSocket } from './gateway-client.js';
import { testServer, testStorage, uniqueName } from './helpers.js';

type VotesT = Votes;

const OPTIONS = [
  { id: 'forest', label: 'Forest' },
  { id: 'desert', label: 'Desert' },
];

t.test('votes over WebSocket and REST', async (t) => {
  const storage = await testStorage(t);
  const participants = new Set<string>();
  let votes: VotesT | undefined;
  let ctxRef: ServerContext | undefined;
  const votesPlugin = async function votesTest(app: FastifyInstance, ctx: ServerContext): Promise<void> {
    const v = new Votes({ system: ctx.system, store: ctx.storage.votes, vetoTokensPerPlayer: 1 });
    await v.start();
    app.addHook('onClose', async () => v.stop());
    votes = v;
    ctxRef = ctx;
    registerVoteRoutes(app, ctx, { votes: v, isParticipant: async (m, p) => participants.has(`${m}:${p}`) });
  };
  const server = await testServer(t, storage, {}, { plugins: [votesPlugin] });
  const url = await listenWs(server);
  const open = clients(t, url);
  const api = (path: string, token: string) => server.app.inject({ method: 'GET', url: `/api/v1${path}`, headers: { authorization: `Bearer ${token}` } });
  const player = async () => {
    const p = await registerPlayer(server, uniqueName('vote'));
    return { ...p, socket: await connected(open, p.access_token) };
  };
  let cids = 0;
  /** Sends a request with a fresh cid and resolves with its reply; pushes that arrive first stay queued. */
  const ask = async (s: TestSocket, type: string, payload: unknown) => {
    const cid = `q${++cids}`;
    s.send({ type, payload, cid });
    const skipped = [];
    for (;;) {
      const f = await s.next();
      if (f.cid === cid) {
        s.frames.unshift(...skipped);
        return f;
      }
      skipped.push(f);
    }
  };
  const nextOf = async (s: TestSocket, type: string) => {
    for (;;) {
      const f = await s.next();
      if (f.type === type) return f;
    }
  };

  const a = await player();
  const b = await player();
  const outsider = await player();
  const matchId = randomUUID();
  participants.add(`${matchId}:${a.player_id}`).add(`${matchId}:${b.player_id}`);
  /** Opens a vote in `matchId` whose frames go to a and b (as a match would broadcast them). */
  const openVote = (request: Parameters<VotesT['open']>[0]['request']) =>
    votes!.open({
      matchId,
      namespace: 'match',
      request,
      eligible: [a.player_id, b.player_id],
      broadcast: (f) => {
        for (const p of [a.player_id, b.player_id]) ctxRef!.gateway.sendToPlayer(p, f);
      },
      onResolved: () => {},
    });

  t.test('cast over the socket: cast_ok, live tallies, the result frame, then the stored vote', async (t) => {
    const id = await openVote({ options: OPTIONS, window_ms: 400 });
    t.same((await nextOf(a.socket, 'match.vote_start')).payload, { vote_id: id, options: OPTIONS, window_ms: 400, method: 'plurality' });
    await nextOf(b.socket, 'match.vote_start');
    t.match(await ask(a.socket, 'vote.cast', { vote_id: id, option_id: 'desert' }), { type: 'vote.cast_ok', payload: { success: true } }, 'the reply carries the cid');
    t.match((await nextOf(b.socket, 'match.vote_tally')).payload, { vote_id: id, tallies: { forest: 0, desert: 1 }, total_votes: 1 });

    const live = await api(`/votes/${id}`, outsider.access_token);
    t.equal(live.statusCode, 200, 'any signed-in player reads one vote');
    t.match(live.json(), { id, status: 'open', votes_cast: { [a.player_id]: 'desert' }, result: null });

    const result = await nextOf(a.socket, 'match.vote_result');
    t.same(result.payload, { vote_id: id, winner: 'desert', counts: { forest: 0, desert: 1 }, distribution: { forest: 0, desert: 1 }, total_votes: 1, turnout: 0.5 });
    for (let i = 0; i < 50 && (await storage.votes.get(id)) === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    const stored = await api(`/votes/${id}`, a.access_token);
    t.match(stored.json(), { id, match_id: matchId, status: 'closed', method: 'plurality', result: { winner: 'desert', status: 'decided' }, turnout: 0.5, eligible_count: 2, window_ms: 400 });
    t.match(await ask(a.socket, 'vote.cast', { vote_id: id, option_id: 'forest' }), {
      type: 'error',
      payload: { reason: 'vote_closed', error: { code: 'ws.request_failed', details: { reason: 'vote_closed' } } },
    });
  });

  t.test('refusals are coded error frames', async (t) => {
    const id = await openVote({ options: OPTIONS, max_revotes: 0 });
    const refused = (reason: string, code = 'ws.request_failed') => ({ type: 'error', payload: { reason, error: { code } } });
    t.match(await ask(a.socket, 'vote.cast', { vote_id: randomUUID(), option_id: 'forest' }), refused('vote_not_found'));
    t.match(await ask(outsider.socket, 'vote.cast', { vote_id: id, option_id: 'forest' }), refused('not_eligible'));
    t.match(await ask(a.socket, 'vote.cast', { vote_id: id, option_id: 'lava' }), refused('invalid_option'));
    t.match(await ask(a.socket, 'vote.cast', { vote_id: id, option_id: ['forest'] }), { type: 'vote.cast_ok' });
    t.match(await ask(a.socket, 'vote.cast', { vote_id: id, option_id: 'desert' }), refused('rate_limited', 'rate_limited'));
    t.match(await ask(a.socket, 'vote.veto', { vote_id: id }), refused('veto_disabled'));
    t.match(await ask(a.socket, 'vote.cast', { vote_id: id }), { type: 'error' }, 'a malformed payload is refused by the protocol');
  });

  t.test('veto over the socket: veto_ok, vote_vetoed to everyone, then no tokens left', async (t) => {
    const id = await openVote({ options: OPTIONS, veto_enabled: true });
    t.match(await ask(b.socket, 'vote.veto', { vote_id: id }), { type: 'vote.veto_ok', payload: { success: true } });
    t.same((await nextOf(a.socket, 'match.vote_vetoed')).payload, { vote_id: id, vetoed_by: b.player_id });
    const next = await openVote({ options: OPTIONS, veto_enabled: true });
    t.match(await ask(b.socket, 'vote.veto', { vote_id: next }), { type: 'error', payload: { reason: 'no_veto_tokens' } });
  });

  t.test('GET /votes/:id: 404 vote.not_found; 401 without a token', async (t) => {
    const missing = await api(`/votes/${randomUUID()}`, a.access_token);
    t.equal(missing.statusCode, 404);
    t.equal(missing.json().error.code, 'vote.not_found');
    t.equal((await api('/votes/not-a-uuid', a.access_token)).json().error.code, 'vote.not_found');
    const anon = await server.app.inject({ method: 'GET', url: `/api/v1/votes/${randomUUID()}` });
    t.equal(anon.statusCode, 401);
  });

  t.test('GET /matches/:id/votes: participants only, newest first, hidden ballots withheld', async (t) => {
    const hidden = await openVote({ options: OPTIONS, visibility: 'hidden' });
    await ask(a.socket, 'vote.cast', { vote_id: hidden, option_id: 'forest' });
    const res = await api(`/matches/${matchId}/votes`, a.access_token);
    t.equal(res.statusCode, 200);
    const list = res.json().votes as { id: string; status: string; votes_cast?: unknown }[];
    t.equal(list[0]?.id, hidden, 'the newest first');
    t.notOk('votes_cast' in list[0]!, 'a hidden open vote hides its ballots');
    t.ok(list.some((v) => v.status === 'closed'), 'resolved votes are listed');
    t.ok(list.length <= 50);
    const forbidden = await api(`/matches/${matchId}/votes`, outsider.access_token);
    t.equal(forbidden.statusCode, 403);
    t.equal(forbidden.json().error.code, 'forbidden');
  });
});
