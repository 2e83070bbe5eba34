import t from 'tap';
import { frame } from '@hajime/protocol';
import { Matchmaker } from '../../src/matchmaker/matchmaker.js';
import { finished, type MatchBehaviour } from '../../src/match/behaviour.js';
import { isGameError } from '../../src/errors.js';
import { isBotId } from '../../src/bots/bot-id.js';
import { BOT_ONLY_MATCH, Bots } from '../../src/bots/bots.js';
import { harness } from '../match/harness.js';
import { arena, startBots, type Arena } from './helpers.js';

const P1 = '00000000-0000-7000-8000-000000000001';
const P2 = '00000000-0000-7000-8000-000000000002';

const arenaMode = (extra: Record<string, unknown> = {}) => ({ behaviour: arena as unknown as MatchBehaviour<Arena, Record<string, unknown>>, matchSize: 2, minPlayers: 1, maxPlayers: 8, tickMs: 100, ...extra });

function lastState(frames: { type: string; payload: unknown }[]): Arena | undefined {
  const s = frames.filter((f) => f.type === 'match.state');
  return s[s.length - 1]?.payload as Arena | undefined;
}

t.test('Bots.add: a bot joins a match as a player and plays it with the default AI', async (t) => {
  const h = await harness({ arena: arenaMode() });
  t.teardown(() => h.stop());
  const bots = await startBots(t, h);
  const a = h.session(P1);
  const id = await h.matches.create('arena');
  await h.matches.join(id, P1, a.pid);
  const botId = await bots.add(id, 'Spark');
  t.match(botId, /^bot_Spark_[0-9a-f]{6}$/);
  await h.clock.advance(50);
  t.same(h.matches.get(id)?.players, [P1, botId], 'the bot is in the roster');
  t.equal(h.matches.matchOf(botId), id);
  await h.clock.advance(1_000);
  const s = lastState(a.frames)!;
  t.ok(s.players[botId]!.inputs >= 8, 'the bot sent an input about every 100 ms');
  t.ok(s.players[botId]!.x < 100, 'it moved towards the nearest enemy (P1 at x=0)');
  t.equal(s.players[P1]!.inputs, 0);
  t.equal(bots.count, 1);
  t.same(bots.botsIn(id).map((b) => b.name), ['Spark']);
});

t.test('Bots.add refusals', async (t) => {
  const h = await harness({ arena: arenaMode() });
  t.teardown(() => h.stop());
  const bots = await startBots(t, h, { options: { maxBotsPerMatch: 2 } });
  const id = await h.matches.create('arena');
  const reason = async (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (isGameError(e) ? e.reason : String(e)));
  t.equal(await reason(bots.add(id, '')), 'invalid_bot_name');
  t.equal(await reason(bots.add(id, 'x'.repeat(33))), 'invalid_bot_name');
  t.equal(await reason(bots.add('no-such-match', 'Spark')), 'match_not_found');
  await bots.add(id, 'A');
  await bots.add(id, 'B');
  t.equal(await reason(bots.add(id, 'C')), 'too_many_bots', 'the per-match ceiling');
  t.equal(await reason(bots.remove(id, 'nobody')), 'bot_not_found');
});

t.test('Bots.remove: the bot leaves its match; a bot added to a waiting match can start it', async (t) => {
  const h = await harness({ arena: arenaMode({ minPlayers: 2 }) });
  t.teardown(() => h.stop());
  const bots = await startBots(t, h);
  const a = h.session(P1);
  const id = await h.matches.create('arena');
  await h.matches.join(id, P1, a.pid);
  t.equal(h.matches.get(id)?.status, 'waiting');
  const b1 = await bots.add(id, 'Volt');
  await h.clock.advance(10);
  t.equal(h.matches.get(id)?.status, 'running', 'the bot counted towards min_players');
  t.equal(await bots.remove(id, 'Volt'), b1, 'by name');
  await h.clock.advance(10);
  t.same(h.matches.get(id)?.players, [P1]);
  t.equal(bots.count, 0);
  const b2 = await bots.add(id, 'Neon');
  await h.clock.advance(10);
  t.equal(await bots.remove(id, b2), b2, 'by id');
  await h.clock.advance(2_500);
  t.same(h.matches.get(id)?.players, [P1], 'the sweep does not bring a removed bot back');
});

t.test('bot ids never reach the match record', async (t) => {
  const racing: MatchBehaviour<Arena & { t: number }, Record<string, unknown>> = {
    ...(arena as unknown as MatchBehaviour<Arena & { t: number }, Record<string, unknown>>),
    init: () => ({ players: {}, t: 0 }),
    tick: (s) => (++s.t >= 10 ? finished({ winners: Object.keys(s.players) }, s) : s),
  };
  const h = await harness({ race: { behaviour: racing, matchSize: 2, minPlayers: 2, maxPlayers: 4, tickMs: 100 } });
  t.teardown(() => h.stop());
  const bots = await startBots(t, h);
  const a = h.session(P1);
  const id = await h.matches.create('race');
  await h.matches.join(id, P1, a.pid);
  const botId = await bots.add(id, 'Pulse');
  await h.clock.advance(2_000);
  t.equal(h.records.finished.length, 1);
  t.same(h.records.finished[0]!.players, [P1], 'only the real player is recorded');
  t.ok(
    a.of('match.finished').some((p) => ((p as { result: { winners: string[] } }).result.winners ?? []).includes(botId)),
    'the result the players see may still name the bot',
  );
  await h.clock.advance(200);
  t.equal(bots.count, 0, 'the bot stopped with its match');
});

t.test('a match no real player is left in loses its bots (never a bot-only match)', async (t) => {
  const h = await harness({ arena: arenaMode() });
  t.teardown(() => h.stop());
  const bots = await startBots(t, h);
  const a = h.session(P1);
  const id = await h.matches.create('arena');
  await h.matches.join(id, P1, a.pid);
  await bots.add(id, 'Spark');
  await bots.add(id, 'Blitz');
  await h.clock.advance(500);
  await h.matches.leave(P1);
  await h.clock.advance(2_100);
  t.equal(h.matches.get(id), undefined, 'the match ended');
  t.equal(bots.count, 0);
  t.equal(h.records.finished.length, 0, 'abandoned: no record');
});

t.test('bots vote for a random option 1-4 s after vote_start, and send no input while voting', async (t) => {
  let phase = 'fight';
  const voting: MatchBehaviour<Arena, Record<string, unknown>> = {
    ...(arena as unknown as MatchBehaviour<Arena, Record<string, unknown>>),
    getSharedState: (s) => ({ players: s.players, phase }),
  };
  const h = await harness({ arena: arenaMode({ behaviour: voting }) });
  t.teardown(() => h.stop());
  const cast: { at: number; vote: string; player: string; option: string }[] = [];
  const bots = await startBots(t, h, { castVote: async (vote, player, option) => void cast.push({ at: h.clock.now(), vote, player, option }) });
  const a = h.session(P1);
  const id = await h.matches.create('arena');
  await h.matches.join(id, P1, a.pid);
  const botId = await bots.add(id, 'Spark');
  await h.clock.advance(300);
  const pid = bots.botsIn(id)[0]!.pid!;
  const t0 = h.clock.now();
  h.system.send(pid, { $push: frame('match.vote_start', { vote_id: 'v1', options: [{ id: 'forest' }, { id: 'desert' }], window_ms: 15_000, method: 'plurality' }) });
  await h.clock.advance(999);
  t.equal(cast.length, 0, 'not before 1 s');
  await h.clock.advance(3_002);
  t.equal(cast.length, 1, 'one vote within 4 s');
  t.equal(cast[0]!.player, botId);
  t.equal(cast[0]!.vote, 'v1');
  t.ok(['forest', 'desert'].includes(cast[0]!.option));
  t.ok(cast[0]!.at - t0 >= 1_000 && cast[0]!.at - t0 <= 4_000);

  phase = 'voting';
  await h.clock.advance(200);
  const before = lastState(a.frames)!.players[botId]!.inputs;
  await h.clock.advance(1_000);
  t.equal(lastState(a.frames)!.players[botId]!.inputs, before, 'no input in the voting phase');
});

t.test('queue fill', async (t) => {
  const setup = async (t: { teardown(fn: () => unknown): void }, mmTickMs = 1_000, cfg: { minPlayers?: number; enabled?: boolean } | null = {}) => {
    const h = await harness({ arena: arenaMode({ matchSize: 3, minPlayers: 3 }) });
    t.teardown(() => h.stop());
    let bots: Bots | undefined;
    const starts: string[][] = [];
    const mm = new Matchmaker({
      system: h.system,
      modes: h.modes,
      startMatch: (mode, ids) => bots!.guardStartMatch(async (m, p) => (starts.push(p), h.matches.startWithPlayers(m, p)))(mode, ids),
      notify: () => undefined,
      options: { tickIntervalMs: mmTickMs, maxWaitSeconds: 600 },
    });
    await mm.start();
    t.teardown(() => mm.stop());
    bots = await startBots(t, h, { matchmaker: mm, botConfig: (mode) => (mode === 'arena' && cfg !== null ? cfg : undefined) });
    return { h, mm, bots, starts };
  };

  t.test('tops up a mode someone waits in, and the matched bots play', async (t) => {
    const { h, mm, bots, starts } = await setup(t);
    const a = h.session(P1);
    await mm.add(P1, { mode: 'arena' });
    await h.clock.advance(7_900);
    t.equal(h.matches.count, 0, 'nothing before the first fill round');
    await h.clock.advance(100);
    await h.clock.advance(1_100);
    t.equal(starts.length, 1, 'one match started');
    t.equal(starts[0]!.length, 3);
    t.equal(starts[0]!.filter(isBotId).length, 2, 'two bots filled it up to match_size');
    const id = h.matches.matchOf(P1)!;
    t.ok(id);
    t.equal(bots.botsIn(id).length, 2, 'each matched bot has its process');
    t.same(bots.botsIn(id).map((b) => b.name).sort(), ['Blitz', 'Spark']);
    await h.clock.advance(1_000);
    const s = lastState(a.frames)!;
    for (const b of starts[0]!.filter(isBotId)) t.ok(s.players[b]!.inputs > 0, 'the bot plays');
    t.equal(bots.queued, 0);
    t.same(await mm.stats(), {}, 'nobody left in the queue');
  });

  t.test('withdraws its bots when the real player leaves the queue: no bot-only match', async (t) => {
    const { h, mm, bots, starts } = await setup(t, 20_000);
    const ticket = await mm.add(P1, { mode: 'arena' });
    await h.clock.advance(8_000);
    t.equal(bots.queued, 2, 'two bots queued');
    t.equal((await mm.stats())['arena']?.waiting, 3);
    await mm.remove(ticket.ticket_id, P1);
    await h.clock.advance(8_000);
    t.equal(bots.queued, 0, 'withdrawn');
    t.same(await mm.stats(), {});
    await h.clock.advance(20_000);
    t.equal(starts.length, 0);
    t.equal(h.matches.count, 0);
  });

  t.test('min_players sets the target, clamped to max_players; enabled = false turns it off', async (t) => {
    const { h, mm, bots } = await setup(t, 60_000, { minPlayers: 50 });
    await mm.add(P1, { mode: 'arena' });
    await mm.add(P2, { mode: 'arena' });
    await h.clock.advance(8_000);
    t.equal(bots.queued, 6, 'up to max_players (8)');
    t.equal((await mm.stats())['arena']?.waiting, 8);
  });
  t.test('enabled = false: no bots', async (t) => {
    const { h, mm, bots } = await setup(t, 60_000, { enabled: false });
    await mm.add(P1, { mode: 'arena' });
    await h.clock.advance(16_000);
    t.equal(bots.queued, 0);
  });
  t.test('a mode without a bots table gets no bots', async (t) => {
    const { h, mm, bots } = await setup(t, 60_000, null);
    await mm.add(P1, { mode: 'arena' });
    await h.clock.advance(16_000);
    t.equal(bots.queued, 0);
  });

  t.test('guardStartMatch refuses a group of bots only', async (t) => {
    const { bots } = await setup(t);
    let called = 0;
    const guarded = bots.guardStartMatch(async () => (called++, { match_id: 'x' }));
    const err = await guarded('arena', ['bot_Spark_000001', 'bot_Blitz_000002']).then(() => undefined, (e: unknown) => e);
    t.ok(isGameError(err, BOT_ONLY_MATCH), 'bot_only_match');
    t.equal(called, 0);
  });
});
