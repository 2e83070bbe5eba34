// The vote actor (src/vote/vote-server.ts) driven through Votes on a SimulatedClock: start → casts → tally
// frames → close → grace → result frame → persisted row → onResolved, the window types on the clock,
// revote limits, hidden vs live, quorum, delegation and defaults, vetoes, and a failing store.
import t from 'tap';
import { MAP_OPTIONS, reasonOf, voteWorld } from './helpers.js';

t.test('a fixed plurality vote, start to result', async (t) => {
  const w = await voteWorld(t);
  const v = await w.open({ template: 'map', options: MAP_OPTIONS, tie_breaker: 'first' });
  t.same(v.frames[0], { type: 'match.vote_start', payload: { vote_id: v.id, options: MAP_OPTIONS, window_ms: 15_000, method: 'plurality' } });

  await w.clock.advance(1_000);
  await w.votes.cast(v.id, 'p1', 'desert');
  t.same(v.of('match.vote_tally').at(-1), { vote_id: v.id, tallies: { forest: 0, desert: 1, snow: 0 }, time_remaining_ms: 14_000, total_votes: 1 });
  await w.votes.cast(v.id, 'p2', 'desert');
  await w.votes.cast(v.id, 'p3', 'forest');
  t.equal(v.of('match.vote_tally').length, 3, 'one tally per cast');

  await w.clock.advance(13_999);
  t.equal(v.results.length, 0, 'still open just before window_ms');
  await w.clock.advance(1);
  t.equal(v.results.length, 0, 'the grace has not run out');
  await w.clock.advance(500);
  t.same(v.of('match.vote_result'), [
    { vote_id: v.id, winner: 'desert', counts: { forest: 1, desert: 2, snow: 0 }, distribution: { forest: 1 / 3, desert: 2 / 3, snow: 0 }, total_votes: 3, turnout: 1 },
  ]);
  t.match(v.results, [{ template: 'map', result: { vote_id: v.id, winner: 'desert', status: 'decided', turnout: 1, total_votes: 3 } }]);
  t.same(w.store.calls, [`record:${v.id}`, `resolved:${v.id}`], 'persisted once, then onResolved');
  const row = w.store.rows.get(v.id)!;
  t.match(row, {
    match_id: w.matchId,
    template: 'map',
    method: 'plurality',
    votes_cast: { p1: 'desert', p2: 'desert', p3: 'forest' },
    result: { winner: 'desert', status: 'decided', counts: { forest: 1, desert: 2, snow: 0 } },
    turnout: 1,
    eligible_count: 3,
    window_ms: 15_000,
  });
  t.equal(row.closed_at!.getTime() - row.opened_at!.getTime(), 15_500, 'open and close times on the clock');
  t.equal(w.votes.whereis(v.id), undefined, 'the process stopped');
  t.equal(await reasonOf(w.votes.cast(v.id, 'p1', 'forest')), 'vote_closed');
});

t.test('the grace takes late votes; after it the vote is closed', async (t) => {
  const w = await voteWorld(t);
  const v = await w.open({ options: MAP_OPTIONS, window_ms: 1_000 });
  await w.votes.cast(v.id, 'p1', 'forest');
  await w.clock.advance(1_200);
  await w.votes.cast(v.id, 'p2', 'snow');
  await w.votes.cast(v.id, 'p3', 'snow');
  t.equal(v.of('match.vote_tally').at(-1)?.['time_remaining_ms'], 0, 'tallies in the grace show no time left');
  await w.clock.advance(300);
  t.equal(v.results[0]?.result.winner, 'snow', 'late votes counted');
  t.equal(await reasonOf(w.votes.cast(v.id, 'p1', 'snow')), 'vote_closed');
});

t.test('refusals', async (t) => {
  const w = await voteWorld(t);
  const v = await w.open({ options: MAP_OPTIONS, spectators: ['s1'] });
  t.equal(await reasonOf(w.votes.cast('00000000-0000-4000-8000-000000000000', 'p1', 'forest')), 'vote_not_found');
  t.equal(await reasonOf(w.votes.cast('nope', 'p1', 'forest')), 'vote_not_found', 'a malformed id is just not found');
  t.equal(await reasonOf(w.votes.cast(v.id, 'stranger', 'forest')), 'not_eligible');
  t.equal(await reasonOf(w.votes.cast(v.id, 'p1', 'lava')), 'invalid_option');
  t.equal(await reasonOf(w.votes.cast(v.id, 'p1', ['forest', 'snow'])), 'invalid_option', 'plurality takes one option');
  t.equal(await reasonOf(w.votes.cast(v.id, 's1', 'snow')), undefined, 'spectators may vote');
  t.equal(await reasonOf(w.votes.veto('00000000-0000-4000-8000-000000000000', 'p1')), 'vote_not_found');
  t.equal(v.of('match.vote_tally').length, 1, 'refused casts send no tally');
});

t.test('revotes replace the ballot, at most max_revotes changes', async (t) => {
  const w = await voteWorld(t);
  const v = await w.open({ options: MAP_OPTIONS, max_revotes: 2, tie_breaker: 'first' });
  await w.votes.cast(v.id, 'p1', 'forest');
  await w.votes.cast(v.id, 'p1', 'desert');
  await w.votes.cast(v.id, 'p1', 'desert'); // the same ballot is not a change
  await w.votes.cast(v.id, 'p1', 'snow');
  t.equal(await reasonOf(w.votes.cast(v.id, 'p1', 'forest')), 'rate_limited');
  t.same(v.of('match.vote_tally').at(-1)?.['tallies'], { forest: 0, desert: 0, snow: 1 }, 'one ballot per voter');
  await w.clock.advance(15_500);
  t.equal(v.results[0]?.result.winner, 'snow');
  t.same(w.store.rows.get(v.id)?.votes_cast, { p1: 'snow' });
});

t.test('hidden votes send no tally and keep ballots out of get() until resolved', async (t) => {
  const w = await voteWorld(t);
  const v = await w.open({ options: MAP_OPTIONS, visibility: 'hidden' });
  await w.votes.cast(v.id, 'p1', 'forest');
  t.equal(v.of('match.vote_tally').length, 0);
  const open = await w.votes.get(v.id);
  t.match(open, { id: v.id, status: 'open', visibility: 'hidden', result: null });
  t.notOk(open !== undefined && 'votes_cast' in open, 'votes_cast withheld');
  await w.clock.advance(15_500);
  t.equal(v.of('match.vote_result').length, 1, 'the result is sent');
  t.match(await w.votes.get(v.id), { status: 'closed', visibility: 'hidden', votes_cast: { p1: 'forest' }, result: { winner: 'forest' } });

  const live = await w.open({ options: MAP_OPTIONS });
  await w.votes.cast(live.id, 'p2', 'snow');
  t.match(await w.votes.get(live.id), { status: 'open', votes_cast: { p2: 'snow' } }, 'live votes show their ballots');
});

t.test('quorum: too few voters is no_quorum with a null winner', async (t) => {
  const w = await voteWorld(t);
  const v = await w.open({ options: MAP_OPTIONS, quorum: 0.5 });
  await w.votes.cast(v.id, 'p1', 'forest');
  await w.clock.advance(15_500);
  t.match(v.results[0]?.result, { status: 'no_quorum', winner: null, turnout: 1 / 3 });
  t.match(v.of('match.vote_result')[0], { winner: null });
  t.match(w.store.rows.get(v.id)?.result, { status: 'no_quorum', winner: null });
});

t.test('delegation and default_votes apply at resolution', async (t) => {
  const w = await voteWorld(t);
  const v = await w.open(
    { options: MAP_OPTIONS, delegation: { p2: 'p1', p3: 'p1' }, default_votes: { p3: 'snow', p4: 'snow', p5: 'snow' } },
    { eligible: ['p1', 'p2', 'p3', 'p4', 'p5'] },
  );
  await w.votes.cast(v.id, 'p1', 'desert');
  await w.votes.cast(v.id, 'p3', 'forest');
  t.same(v.of('match.vote_tally').at(-1)?.['tallies'], { forest: 1, desert: 1, snow: 0 }, 'the live tally has only cast ballots');
  await w.clock.advance(15_500);
  // p1 desert, p2 → p1 desert, p3 own forest, p4/p5 default snow.
  t.match(v.results[0]?.result, { winner: 'desert', status: 'decided' }, 'the 2-2 tie goes to the tie breaker (random source 0: the first tied)');
  t.same(v.results[0]?.result.counts, { forest: 1, desert: 2, snow: 2 });
  t.equal(v.results[0]?.result.total_votes, 5);
  t.equal(v.results[0]?.result.turnout, 2 / 5, 'turnout counts only voters who cast');
});

t.test('windows on the clock', async (t) => {
  t.test('ready_up closes once every eligible player voted (then the grace)', async (t) => {
    const w = await voteWorld(t);
    const v = await w.open({ options: MAP_OPTIONS, window_type: 'ready_up' });
    await w.clock.advance(2_000);
    for (const p of ['p1', 'p2', 'p3']) await w.votes.cast(v.id, p, 'forest');
    await w.clock.advance(499);
    t.equal(v.results.length, 0);
    await w.clock.advance(1);
    t.equal(v.results.length, 1);
    t.equal(w.store.rows.get(v.id)!.closed_at!.getTime() - w.store.rows.get(v.id)!.opened_at!.getTime(), 2_500);
  });
  t.test('ready_up without everyone runs to window_ms', async (t) => {
    const w = await voteWorld(t);
    const v = await w.open({ options: MAP_OPTIONS, window_type: 'ready_up', window_ms: 4_000 });
    await w.votes.cast(v.id, 'p1', 'forest');
    await w.clock.advance(4_499);
    t.equal(v.results.length, 0);
    await w.clock.advance(1);
    t.equal(v.results.length, 1);
  });
  t.test('hybrid waits for min_window_ms', async (t) => {
    const w = await voteWorld(t);
    const v = await w.open({ options: MAP_OPTIONS, window_type: 'hybrid', min_window_ms: 5_000 });
    for (const p of ['p1', 'p2', 'p3']) await w.votes.cast(v.id, p, 'forest');
    t.equal(v.of('match.vote_tally').at(-1)?.['time_remaining_ms'], 5_000);
    await w.clock.advance(5_499);
    t.equal(v.results.length, 0);
    await w.clock.advance(1);
    t.equal(v.results.length, 1);
  });
  t.test('adaptive shrinks to 3 s on a supermajority and keeps the shrink', async (t) => {
    const w = await voteWorld(t);
    const v = await w.open({ options: MAP_OPTIONS, window_type: 'adaptive', supermajority: 0.75 }, { eligible: ['p1', 'p2', 'p3', 'p4'] });
    await w.clock.advance(1_000);
    await w.votes.cast(v.id, 'p1', 'forest');
    t.equal(v.of('match.vote_tally').at(-1)?.['time_remaining_ms'], 3_000, 'one of one is a supermajority');
    await w.clock.advance(1_000);
    await w.votes.cast(v.id, 'p2', 'snow');
    t.equal(v.of('match.vote_tally').at(-1)?.['time_remaining_ms'], 2_000, 'losing it does not restore the time');
    await w.clock.advance(2_499);
    t.equal(v.results.length, 0);
    await w.clock.advance(1);
    t.equal(v.results.length, 1, 'closed at 4 s + grace');
  });
});

t.test('vetoes', async (t) => {
  t.test('a veto cancels the vote for everyone and uses a token', async (t) => {
    const w = await voteWorld(t, { vetoTokensPerPlayer: 1 });
    const v = await w.open({ template: 'map', options: MAP_OPTIONS, veto_enabled: true });
    await w.votes.cast(v.id, 'p1', 'forest');
    await w.votes.veto(v.id, 'p2');
    t.same(v.of('match.vote_vetoed'), [{ vote_id: v.id, vetoed_by: 'p2' }]);
    t.equal(v.of('match.vote_result').length, 0, 'no result frame');
    t.match(v.results, [{ template: 'map', result: { status: 'vetoed', winner: null } }]);
    t.match(w.store.rows.get(v.id)?.result, { status: 'vetoed', vetoed_by: 'p2' });
    t.equal(w.votes.vetoesLeft(w.matchId, 'p2'), 0);
    t.equal(await reasonOf(w.votes.cast(v.id, 'p1', 'snow')), 'vote_closed');
    await w.clock.advance(20_000);
    t.equal(v.results.length, 1, 'the window timer died with it');

    const next = await w.open({ options: MAP_OPTIONS, veto_enabled: true });
    t.equal(await reasonOf(w.votes.veto(next.id, 'p2')), 'no_veto_tokens');
    t.equal(await reasonOf(w.votes.veto(next.id, 'outsider')), 'not_eligible');
    t.equal(w.votes.vetoesLeft(w.matchId, 'outsider'), 1, 'a refused veto keeps its token');
    const other = await w.open({ options: MAP_OPTIONS, veto_enabled: true }, { matchId: '11111111-1111-4111-8111-111111111111' });
    await w.votes.veto(other.id, 'p2');
    t.equal(other.of('match.vote_vetoed').length, 1, 'tokens are per match');
  });
  t.test('veto_disabled when the vote does not allow vetoes or no tokens are configured', async (t) => {
    const w = await voteWorld(t, { vetoTokensPerPlayer: 2 });
    const v = await w.open({ options: MAP_OPTIONS });
    t.equal(await reasonOf(w.votes.veto(v.id, 'p1')), 'veto_disabled');
    t.equal(w.votes.vetoesLeft(w.matchId, 'p1'), 2);
    const off = await voteWorld(t);
    const v2 = await off.open({ options: MAP_OPTIONS, veto_enabled: true });
    t.equal(await reasonOf(off.votes.veto(v2.id, 'p1')), 'veto_disabled', 'vetoTokensPerPlayer 0 = off');
  });
});

t.test('a failed write is logged and the result still reaches everyone', async (t) => {
  const w = await voteWorld(t);
  w.store.failWrites = true;
  const v = await w.open({ options: MAP_OPTIONS });
  await w.votes.cast(v.id, 'p1', 'snow');
  await w.clock.advance(15_500);
  t.equal(v.of('match.vote_result').length, 1);
  t.equal(v.results[0]?.result.winner, 'snow');
  t.match(w.log.reports('vote_persist_failed'), [{ vote_id: v.id, error: 'STO_ERR_UNAVAILABLE' }]);
  t.equal(await reasonOf(w.votes.cast(v.id, 'p1', 'snow')), 'vote_closed', 'remembered as closed without a row');
});

t.test('an onResolved that throws is logged', async (t) => {
  const w = await voteWorld(t);
  await w.votes.open({
    matchId: w.matchId,
    namespace: 'match',
    request: { options: MAP_OPTIONS, window_ms: 100 },
    eligible: ['p1'],
    broadcast: () => {},
    onResolved: () => {
      throw new Error('game bug');
    },
  });
  await w.clock.advance(600);
  t.equal(w.log.reports('vote_on_resolved_failed').length, 1);
});

t.test('world votes use the world namespace', async (t) => {
  const w = await voteWorld(t, { vetoTokensPerPlayer: 1 });
  const v = await w.open({ options: MAP_OPTIONS, veto_enabled: true }, { namespace: 'world' });
  await w.votes.cast(v.id, 'p1', 'snow');
  await w.votes.veto(v.id, 'p1');
  t.same(
    v.frames.map((f) => f.type),
    ['world.vote_start', 'world.vote_tally', 'world.vote_vetoed'],
  );
  const r = await w.open({ options: MAP_OPTIONS, window_ms: 10 }, { namespace: 'world' });
  await w.clock.advance(510);
  t.same(r.frames.map((f) => f.type), ['world.vote_start', 'world.vote_result']);
});

t.test('ranked and approval votes over the wire shapes', async (t) => {
  const w = await voteWorld(t);
  const ranked = await w.open({ options: MAP_OPTIONS, method: 'ranked', tie_breaker: 'first' }, { eligible: ['p1', 'p2', 'p3', 'p4', 'p5'] });
  await w.votes.cast(ranked.id, 'p1', ['forest', 'desert']);
  await w.votes.cast(ranked.id, 'p2', ['forest', 'snow']);
  await w.votes.cast(ranked.id, 'p3', ['desert', 'snow']);
  await w.votes.cast(ranked.id, 'p4', ['desert', 'forest']);
  await w.votes.cast(ranked.id, 'p5', ['snow', 'desert']);
  t.same(ranked.of('match.vote_tally').at(-1)?.['tallies'], { forest: 2, desert: 2, snow: 1 }, 'live tally = first choices');
  const approval = await w.open({ options: MAP_OPTIONS, method: 'approval' });
  await w.votes.cast(approval.id, 'p1', ['forest', 'snow']);
  await w.votes.cast(approval.id, 'p2', ['snow']);
  await w.clock.advance(15_500);
  t.equal(ranked.results[0]?.result.winner, 'desert', 'snow eliminated, its ballot goes to desert');
  t.equal(approval.results[0]?.result.winner, 'snow');
  t.same(approval.results[0]?.result.counts, { forest: 1, desert: 0, snow: 2 });
});
