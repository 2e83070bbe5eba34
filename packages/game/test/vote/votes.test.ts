// The Votes service (src/vote/votes.ts): opening (config refusals, ids, capacity), the per-match
// frustration accumulator read by weighted votes, forgetMatch, get/listForMatch over live and stored
// votes, real storage, and that it fits the match's VotesPort.
import t from 'tap';
import { ActorSystem, MemoryLogger, SimulatedClock } from '@hajime/actor';
import { openThrowawayStorage } from '@hajime/storage';
import type { VotesPort } from '../../src/match/env.js';
import { Votes } from '../../src/vote/votes.js';
import { MAP_OPTIONS, reasonOf, voteWorld } from './helpers.js';

t.test('open', async (t) => {
  const w = await voteWorld(t, { templates: { quick: { window_ms: 1_000 } }, maxOpenVotes: 3 });
  t.equal(await reasonOf(w.open({ options: [] })), 'invalid_vote_config');
  const id = '0190a000-0000-7000-8000-000000000001';
  const v = await w.open({ options: MAP_OPTIONS, vote_id: id, template: 'quick' });
  t.equal(v.id, id, 'a given vote_id is used');
  t.equal(v.of('match.vote_start')[0]?.['window_ms'], 1_000, 'templates apply');
  t.equal(await reasonOf(w.open({ options: MAP_OPTIONS, vote_id: id })), 'invalid_vote_config', 'an id in use');
  await w.open({ options: MAP_OPTIONS });
  await w.open({ options: MAP_OPTIONS });
  t.equal(await reasonOf(w.open({ options: MAP_OPTIONS })), 'vote_capacity_reached');
  t.equal(w.votes.openVotes(w.matchId).length, 3);
  await w.clock.advance(1_500);
  t.equal(await reasonOf(w.open({ options: MAP_OPTIONS, vote_id: id })), 'invalid_vote_config', 'a resolved id stays used');
  t.equal(w.votes.openVotes().length, 2);

  const system = new ActorSystem({ clock: new SimulatedClock(), logger: new MemoryLogger() });
  t.teardown(() => system.stop());
  const idle = new Votes({ system, store: w.store });
  t.equal(await reasonOf(idle.open({ matchId: w.matchId, namespace: 'match', request: { options: MAP_OPTIONS }, eligible: [], broadcast: () => {}, onResolved: () => {} })), 'votes_not_started');
  t.throws(() => new Votes({ system, store: w.store, vetoTokensPerPlayer: -1 }));
});

t.test('frustration: losers weigh more in the next weighted vote; a win resets; per match', async (t) => {
  const w = await voteWorld(t);
  const players = ['p1', 'p2', 'p3', 'p4', 'p5'];
  const round = async (ballots: Record<string, string>, matchId?: string) => {
    const v = await w.open({ options: MAP_OPTIONS, method: 'weighted', tie_breaker: 'first' }, { eligible: players, ...(matchId === undefined ? {} : { matchId }) });
    for (const [p, o] of Object.entries(ballots)) await w.votes.cast(v.id, p, o);
    await w.clock.advance(15_500);
    return v.results[0]!.result;
  };
  // Round 1: 3 forest vs 2 desert: forest wins; p4, p5 lose.
  t.equal((await round({ p1: 'forest', p2: 'forest', p3: 'forest', p4: 'desert', p5: 'desert' })).winner, 'forest');
  t.equal(w.votes.frustrationOf(w.matchId, 'p4'), 1);
  t.equal(w.votes.frustrationOf(w.matchId, 'p1'), 0);
  // Round 2: same split: 3 × 1 vs 2 × 1.5 = 3 → tie, `first` → forest. p4/p5 lose again.
  const r2 = await round({ p1: 'forest', p2: 'forest', p3: 'forest', p4: 'desert', p5: 'desert' });
  t.same(r2.counts, { forest: 3, desert: 3, snow: 0 });
  t.equal(w.votes.frustrationOf(w.matchId, 'p5'), 2);
  // Round 3: 2 × 2 = 4 > 3: the twice-frustrated minority wins, and their count resets.
  const r3 = await round({ p1: 'forest', p2: 'forest', p3: 'forest', p4: 'desert', p5: 'desert' });
  t.equal(r3.winner, 'desert');
  t.equal(w.votes.frustrationOf(w.matchId, 'p4'), 0);
  t.equal(w.votes.frustrationOf(w.matchId, 'p1'), 1);
  // Plurality ignores frustration.
  const plain = await w.open({ options: MAP_OPTIONS, tie_breaker: 'first' }, { eligible: players });
  for (const [p, o] of Object.entries({ p1: 'forest', p4: 'desert', p5: 'desert' })) await w.votes.cast(plain.id, p, o);
  await w.clock.advance(15_500);
  t.same(plain.results[0]!.result.counts, { forest: 1, desert: 2, snow: 0 });
  // No decision → no change.
  const before = w.votes.frustrationOf(w.matchId, 'p1');
  const nq = await w.open({ options: MAP_OPTIONS, quorum: 1 }, { eligible: players });
  await w.votes.cast(nq.id, 'p1', 'snow');
  await w.clock.advance(15_500);
  t.equal(w.votes.frustrationOf(w.matchId, 'p1'), before, 'a no_quorum vote changes nothing');
  // Another match starts clean; forgetMatch drops the state.
  await round({ p1: 'snow', p2: 'snow', p3: 'snow', p4: 'desert', p5: 'desert' }, '22222222-2222-4222-8222-222222222222');
  t.equal(w.votes.frustrationOf('22222222-2222-4222-8222-222222222222', 'p4'), 1);
  w.votes.forgetMatch(w.matchId);
  t.equal(w.votes.frustrationOf(w.matchId, 'p1'), 0);
  t.equal(w.votes.frustrationOf('22222222-2222-4222-8222-222222222222', 'p4'), 1, 'other matches keep theirs');
});

t.test('forgetMatch also resets veto tokens', async (t) => {
  const w = await voteWorld(t, { vetoTokensPerPlayer: 1 });
  const v = await w.open({ options: MAP_OPTIONS, veto_enabled: true });
  await w.votes.veto(v.id, 'p1');
  t.equal(w.votes.vetoesLeft(w.matchId, 'p1'), 0);
  w.votes.forgetMatch(w.matchId);
  t.equal(w.votes.vetoesLeft(w.matchId, 'p1'), 1);
});

t.test('a vote still open when its match is forgotten resolves but leaves no state', async (t) => {
  const w = await voteWorld(t, { vetoTokensPerPlayer: 1 });
  const v = await w.open({ options: MAP_OPTIONS, method: 'weighted', tie_breaker: 'first' });
  await w.votes.cast(v.id, 'p1', 'forest');
  await w.votes.cast(v.id, 'p2', 'desert');
  w.votes.forgetMatch(w.matchId);
  await w.clock.advance(15_500);
  t.equal(v.results[0]?.result.winner, 'forest', 'the result still arrives');
  t.equal(w.votes.frustrationOf(w.matchId, 'p2'), 0, 'no frustration recorded for a forgotten match');
  const again = await w.open({ options: MAP_OPTIONS });
  t.equal(w.votes.openVotes(w.matchId).length, 1, 'a new vote in the same match id starts clean');
  await w.votes.cast(again.id, 'p2', 'desert');
  await w.clock.advance(15_500);
  t.equal(w.votes.frustrationOf(w.matchId, 'p2'), 0, 'p2 backed the winner');
});

t.test('get and listForMatch: live first, then stored, newest first', async (t) => {
  const w = await voteWorld(t);
  const first = await w.open({ options: MAP_OPTIONS, window_ms: 100 });
  await w.clock.advance(1_000);
  const second = await w.open({ options: MAP_OPTIONS, window_ms: 100 });
  await w.clock.advance(1_000);
  const live = await w.open({ options: MAP_OPTIONS });
  await w.clock.advance(1_000);
  const live2 = await w.open({ options: MAP_OPTIONS, visibility: 'hidden' });
  const list = await w.votes.listForMatch(w.matchId);
  t.same(list.map((v) => [v.id, v.status]), [[live2.id, 'open'], [live.id, 'open'], [second.id, 'closed'], [first.id, 'closed']]);
  t.same((await w.votes.listForMatch(w.matchId, 3)).length, 3);
  t.same(await w.votes.listForMatch('not-a-match'), []);
  t.same(await w.votes.listForMatch('33333333-3333-4333-8333-333333333333'), []);
  t.equal(await reasonOf(w.votes.listForMatch(w.matchId, 0)), 'invalid_vote_config');
  t.match(await w.votes.get(first.id), { id: first.id, status: 'closed', match_id: w.matchId, window_ms: 100, result: { status: 'decided' } });
  t.equal(await w.votes.get('00000000-0000-4000-8000-000000000000'), undefined);
  t.equal(await w.votes.get('garbage'), undefined);
});

t.test('on real storage (embedded Postgres): one row per resolved vote, read back by get', async (t) => {
  const { storage, dispose } = await openThrowawayStorage({ databaseUrl: process.env['DATABASE_URL'], schemaPrefix: 'hajime_vote' });
  t.teardown(dispose);
  const w = await voteWorld(t, { store: storage.votes });
  const v = await w.open({ template: 'map', options: MAP_OPTIONS, method: 'ranked' });
  await w.votes.cast(v.id, 'p1', ['snow', 'forest']);
  await w.clock.advance(15_500);
  t.equal(w.log.reports('vote_persist_failed').length, 0);
  const row = await storage.votes.get(v.id);
  t.match(row, { id: v.id, template: 'map', method: 'ranked', votes_cast: { p1: ['snow', 'forest'] }, result: { winner: 'snow' }, eligible_count: 3 });
  t.match(await w.votes.get(v.id), { status: 'closed', result: { winner: 'snow' }, turnout: 1 / 3 });
  t.same((await w.votes.listForMatch(w.matchId)).map((x) => x.id), [v.id]);
});

t.test('Votes is the VotesPort a match uses', async (t) => {
  const w = await voteWorld(t);
  const port: VotesPort = w.votes;
  t.ok(port);
});
