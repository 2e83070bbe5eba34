// The game core end to end, through HajimeClient on real sockets against a real server and storage:
// quick play into a small TypeScript game that finishes (record + stats written), and a match whose tick
// throws on purpose, which resumes from its snapshot with both players still connected.
import t from 'tap';
import { createGamePlugin, finished, type GameRuntime, type MatchBehaviour, type VoteMethod } from '@hajime/server';

import { HajimeClient, isHajimeError, type HajimeSocket } from '../src/index.js';
import { listeningServer, testStorage, uniqueName } from './helpers.js';

interface Race {
  pos: Record<string, number>;
  seq: Record<string, number>;
  boom: boolean;
}
type RaceInput = { dx?: number; seq?: number; boom?: boolean };

/** First to 5 wins. An input with `boom` makes the next tick throw (once per process). */
const race: MatchBehaviour<Race, RaceInput> = {
  init: () => ({ pos: {}, seq: {}, boom: false }),
  join: (id, s) => ({ ...s, pos: { ...s.pos, [id]: 0 } }),
  leave: (id, s) => {
    delete s.pos[id];
    return s;
  },
  handleInput: (id, input, s) => {
    if (input.boom === true) s.boom = true;
    s.pos[id] = (s.pos[id] ?? 0) + (typeof input.dx === 'number' ? input.dx : 0);
    if (typeof input.seq === 'number') s.seq[id] = input.seq;
    return s;
  },
  tick: (s) => {
    if (s.boom) throw new Error('tick fails on purpose');
    const w = Object.entries(s.pos).find(([, p]) => p >= 5);
    return w === undefined ? s : finished({ winners: [w[0]] }, s);
  },
  getSharedState: (s, m) => ({ tick: m.tick, pos: s.pos, seq: s.seq }),
};

interface Ballot {
  results: Record<string, string | null>;
  pending: VoteMethod[];
}
const BALLOT_OPTIONS = [{ id: 'forest', label: 'Forest' }, { id: 'desert', label: 'Desert' }, { id: 'snow', label: 'Snow' }];

/** Runs one vote per method in turn (each opens when the previous resolved); results land in the state. */
const ballots: MatchBehaviour<Ballot> = {
  init: () => ({ results: {}, pending: ['plurality', 'approval', 'weighted', 'ranked'] }),
  join: (_id, s) => s,
  leave: (_id, s) => s,
  handleInput: (_id, _input, s) => s,
  voteRequested: (s) => {
    const method = s.pending.shift();
    if (method === undefined || Object.keys(s.results).length < 4 - s.pending.length - 1) {
      if (method !== undefined) s.pending.unshift(method);
      return undefined;
    }
    return { template: method, method, options: BALLOT_OPTIONS, window_ms: 5_000, window_type: 'ready_up', tie_breaker: 'first', ...(method === 'weighted' ? { weights: {} } : {}) };
  },
  voteResolved: (template, result, s) => ({ ...s, results: { ...s.results, [template]: result.winner } }),
  getSharedState: (s) => ({ results: s.results }),
};

t.test('matches through the SDK', async (t) => {
  const storage = await testStorage(t);
  let game: GameRuntime | undefined;
  const { baseUrl } = await listeningServer(t, storage, {}, {
    plugins: [
      createGamePlugin({
        modes: {
          race: { behaviour: race, matchSize: 2, tickMs: 30, quickPlay: true, listed: true },
          duel: { behaviour: race, matchSize: 2, tickMs: 30, strategy: 'fill' },
          ballot: { behaviour: ballots, matchSize: 3, tickMs: 30, quickPlay: true },
        },
        matchmaker: { tickIntervalMs: 100 },
        onStart: (g) => (game = g),
      }),
    ],
  });
  const player = async () => {
    const client = new HajimeClient({ baseUrl });
    const r = await client.auth.register({ username: uniqueName('g'), password: 'correct horse' });
    const socket = client.socket();
    t.teardown(() => socket.close());
    await socket.connect();
    return { client, id: r.player_id, socket };
  };
  const stateWhere = (s: HajimeSocket, pred: (p: { tick: number; pos: Record<string, number>; seq: Record<string, number> }) => boolean) =>
    new Promise<{ tick: number; pos: Record<string, number> }>((resolve) => {
      const off = s.on('match.state', (p) => {
        const st = p as { tick: number; pos: Record<string, number>; seq: Record<string, number> };
        if (pred(st)) {
          off();
          resolve(st);
        }
      });
    });

  t.test('quick play, inputs, finish: a record and stats exist', async (t) => {
    const a = await player();
    const b = await player();
    const j1 = await a.socket.send('match.find_or_create', { mode: 'race' });
    t.match(j1, { mode: 'race', status: 'waiting', player_count: 1, max_players: 10, players: [a.id], listed: true, joinable: true });
    const j2 = await b.socket.send('match.find_or_create', { mode: 'race' });
    t.equal(j2.match_id, j1.match_id, 'the second player joins the waiting match');
    t.equal(j2.status, 'running');
    const listed = await a.socket.send('match.list', { mode: 'race' });
    t.ok(listed.matches.some((m) => m.match_id === j1.match_id && m.player_count === 2));

    const seen = stateWhere(b.socket, (s) => s.seq[a.id] === 1);
    a.socket.sendFire('match.input', { dx: 2, seq: 1 });
    t.equal((await seen).pos[a.id], 2, 'the other player sees the input in match.state');

    const done = new Promise<Record<string, unknown>>((resolve) => b.socket.on('match.finished', (p) => resolve(p as Record<string, unknown>)));
    a.socket.sendFire('match.input', { dx: 3, seq: 2 });
    t.same(await done, { match_id: j1.match_id, result: { winners: [a.id] } });
    // The record and stats are written in one transaction by the match.
    for (let i = 0; i < 50 && (await storage.matches.get(j1.match_id)) === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    const rec = await storage.matches.get(j1.match_id);
    t.equal(rec?.status, 'finished');
    t.same(rec?.players.sort(), [a.id, b.id].sort());
    t.match(await storage.stats.get(a.id), { games_played: 1, wins: 1, losses: 0 });
    t.match(await storage.stats.get(b.id), { games_played: 1, wins: 0, losses: 1 });
    t.match(await a.client.matches.get(j1.match_id), { id: j1.match_id, status: 'finished', result: { winners: [a.id] } });
    t.ok((await b.client.matches.list({ mode: 'race' })).some((m) => m['id'] === j1.match_id), 'GET /matches lists the record');
    t.same(await a.client.matches.live({ mode: 'race' }), [], 'and it is no longer live');

    const stray = new Promise<unknown>((resolve) => a.socket.on('error', (p) => resolve(p)));
    a.socket.sendFire('match.input', { dx: 1 });
    t.match(await stray, { reason: 'not_in_match', error: { code: 'match.not_in_match' } }, 'input outside a match is answered once');
  });

  t.test('a tick that throws resumes from the snapshot; both players stay connected', async (t) => {
    const a = await player();
    const b = await player();
    let reconnects = 0;
    for (const s of [a.socket, b.socket]) s.on('reconnecting', () => void reconnects++);
    const { match_id } = await a.socket.send('match.find_or_create', { mode: 'race' });
    await b.socket.send('match.find_or_create', { mode: 'race' });
    a.socket.sendFire('match.input', { dx: 1, seq: 1 });
    const before = await stateWhere(b.socket, (s) => s.seq[a.id] === 1);
    const pid = game!.matches.whereis(match_id);

    b.socket.sendFire('match.input', { boom: true, seq: 1 });
    // The crashing tick's inputs are lost with it; the restarted match goes on from the last snapshot.
    const resumedA = stateWhere(a.socket, (s) => s.tick > before.tick + 1);
    const resumedB = stateWhere(b.socket, (s) => s.tick > before.tick + 1);
    const [ra, rb] = await Promise.all([resumedA, resumedB]);
    t.not(game!.matches.whereis(match_id), pid, 'the match process was restarted');
    t.equal(ra.pos[a.id], 1, 'state from the snapshot');
    t.ok(rb.tick > before.tick, 'both players still receive match.state');
    t.equal(reconnects, 0, 'no socket was reopened');
    const seen = stateWhere(b.socket, (s) => s.seq[a.id] === 2);
    a.socket.sendFire('match.input', { dx: 1, seq: 2 });
    t.equal((await seen).pos[a.id], 2, 'inputs reach the restarted match');
    t.same(await a.socket.send('match.leave', {}), { success: true });
  });

  t.test('two players queue in a fill mode, are matched, play, and the finish is recorded', async (t) => {
    const a = await player();
    const b = await player();
    const matchedA = new Promise<{ match_id: string; players: string[] }>((resolve) => a.socket.on('match.matched', (p) => resolve(p as never)));
    const matchedB = new Promise<{ match_id: string; players: string[] }>((resolve) => b.socket.on('match.matched', (p) => resolve(p as never)));
    const qa = await a.socket.send('matchmaker.add', { mode: 'duel', properties: {} });
    t.match(qa, { ticket_id: String, status: 'pending', players_needed: 2, already_queued: false });
    t.match(await a.socket.send('matchmaker.add', { mode: 'duel', properties: {} }), { ticket_id: qa.ticket_id, already_queued: true }, 'one ticket per player and mode');
    const qb = await b.client.matchmaker.add('duel');
    t.equal(qb.status, 'pending');
    const [ma, mb] = await Promise.all([matchedA, matchedB]);
    t.equal(ma.match_id, mb.match_id, 'both in the same match');
    t.same(ma.players.slice().sort(), [a.id, b.id].sort());
    t.equal(game!.matches.matchOf(a.id), ma.match_id, 'joined by the matchmaker: no match.join needed');

    const done = new Promise<Record<string, unknown>>((resolve) => a.socket.on('match.finished', (p) => resolve(p as Record<string, unknown>)));
    b.socket.sendFire('match.input', { dx: 5, seq: 1 });
    t.same(await done, { match_id: ma.match_id, result: { winners: [b.id] } });
    for (let i = 0; i < 50 && (await storage.matches.get(ma.match_id)) === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    t.match(await storage.matches.get(ma.match_id), { mode: 'duel', status: 'finished' });
    t.match(await storage.stats.get(b.id), { games_played: 1, wins: 1 });
    t.match(await storage.stats.get(a.id), { games_played: 1, losses: 1 });
    const gone = await a.client.matchmaker.get(qa.ticket_id).catch((e: unknown) => e);
    t.ok(isHajimeError(gone, 'matchmaker.ticket_not_found'), 'a matched ticket is gone');
  });

  t.test('a vote of each method runs to its result', async (t) => {
    const players = [await player(), await player(), await player()];
    // Frames are collected from the start: a vote may open (or close) before a listener added later.
    type Start = { vote_id: string; method: VoteMethod; options: unknown[] };
    const inbox = <T>(s: HajimeSocket, type: string) => {
      const got: T[] = [];
      const waiting: ((v: T) => void)[] = [];
      s.on(type, (v) => {
        const w = waiting.shift();
        if (w !== undefined) w(v as T);
        else got.push(v as T);
      });
      return (): Promise<T> => (got.length > 0 ? Promise.resolve(got.shift()!) : new Promise<T>((resolve) => waiting.push(resolve)));
    };
    const nextStart = players.map((p) => inbox<Start>(p.socket, 'match.vote_start'));
    const nextResult = inbox<Record<string, unknown>>(players[1]!.socket, 'match.vote_result');
    let matchId = '';
    for (const p of players) matchId = (await p.socket.send('match.find_or_create', { mode: 'ballot' })).match_id;
    // Ballots per method: plurality forest 2–1; approval desert approved by all; weighted (equal weights)
    // snow 2–1; ranked: first choices forest, desert, snow; snow is eliminated and its voter's second
    // choice (desert) makes desert the majority (a three-way first-round tie: tie_breaker first drops the
    // last option, snow).
    const plan: Record<VoteMethod, (string | string[])[]> = {
      plurality: ['forest', 'forest', 'desert'],
      approval: [['desert', 'forest'], ['desert'], ['desert', 'snow']],
      weighted: ['snow', 'snow', 'forest'],
      ranked: [['forest', 'snow'], ['desert', 'forest'], ['snow', 'desert']],
    };
    const expected: Record<VoteMethod, string> = { plurality: 'forest', approval: 'desert', weighted: 'snow', ranked: 'desert' };
    for (let round = 0; round < 4; round++) {
      const starts = await Promise.all(nextStart.map((next) => next()));
      const { vote_id, method } = starts[0]!;
      t.same(starts.map((x) => x.vote_id), [vote_id, vote_id, vote_id], 'every player is told of the vote');
      t.same(starts[0]!.options.map((o) => (o as { id: string }).id), ['forest', 'desert', 'snow']);
      await Promise.all(players.map(async (p, i) => t.same(await p.socket.send('vote.cast', { vote_id, option_id: plan[method][i]! }), { success: true })));
      const r = await nextResult();
      t.equal(r['vote_id'], vote_id);
      t.equal(r['winner'], expected[method], `${method}: ${expected[method]} wins`);
      t.equal(r['total_votes'], 3);
      t.equal(r['turnout'], 1);
    }
    const final = await stateWhere(players[0]!.socket, (s) => Object.keys((s as unknown as Ballot).results ?? {}).length === 4);
    t.same((final as unknown as Ballot).results, expected, 'voteResolved saw every result');
    const history = await players[0]!.client.matches.votes(matchId);
    t.equal(history.length, 4, 'persisted on resolution');
    const outsider = await player();
    const forbidden = await outsider.client.matches.votes(matchId).catch((e: unknown) => e);
    t.ok(isHajimeError(forbidden, 'forbidden'), 'vote history is for participants');
    const one = await outsider.client.votes.get(String(history[0]!['id']));
    t.equal(one['id'], history[0]!['id'], 'GET /votes/:id is open to anyone signed in');
  });

  t.test('an erased player leaves the queue and their match at once', async (t) => {
    const a = await player();
    const b = await player();
    const { match_id } = await a.socket.send('match.find_or_create', { mode: 'race' });
    await b.socket.send('match.find_or_create', { mode: 'race' });
    await a.client.matchmaker.add('duel');
    t.equal((await game!.matchmaker.stats())['duel']?.waiting, 1);
    await a.client.players.eraseSelf({ password: 'correct horse' });
    for (let i = 0; i < 50 && game!.matches.isPlayerIn(match_id, a.id); i++) await new Promise((r) => setTimeout(r, 10));
    t.notOk(game!.matches.isPlayerIn(match_id, a.id), 'out of the match');
    t.equal((await game!.matchmaker.stats())['duel']?.waiting ?? 0, 0, 'out of the queue');
    t.same(await b.socket.send('match.leave', {}), { success: true });
  });

  t.test('join errors are coded', async (t) => {
    const a = await player();
    const missing = await a.socket.send('match.join', { match_id: '00000000-0000-7000-8000-00000000ffff' }).catch((e: unknown) => e);
    t.ok(isHajimeError(missing, 'match.not_found'));
    const badCtx = await a.socket.send('match.find_or_create', { mode: 'race', ctx: { deep: { no: 1 } } as never }).catch((e: unknown) => e);
    t.ok(isHajimeError(badCtx, 'ws.request_failed'));
    t.match(badCtx, { details: { reason: 'invalid_join_ctx_value' } });
    const noMode = await a.socket.send('match.find_or_create', { mode: 'nope' }).catch((e: unknown) => e);
    t.ok(isHajimeError(noMode, 'not_found'));
  });
});
