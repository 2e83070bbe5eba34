// The matchmaker service and its process on a SimulatedClock: tickets (dedupe, validation, queue_full),
// ticks that start matches without blocking the queue, retries then failure, expiry from the first
// submission, no self-matches, removal, ownership, erasure and stats.
import { ActorSystem, MemoryLogger, SimulatedClock } from '@hajime/actor';
import type { OutboundFrame } from '@hajime/protocol';
import t, { type Test } from 'tap';
import { GameError, isGameError } from '../../src/errors.js';
import type { MatchBehaviour } from '../../src/match/behaviour.js';
import { Matchmaker, type TicketInput } from '../../src/matchmaker/matchmaker.js';
import { MATCHMAKER_DEFAULTS, resolveMatchmakerOptions, type MatchmakerOptions } from '../../src/matchmaker/matchmaker-server.js';
import type { MatchmakerStrategy } from '../../src/matchmaker/strategy.js';
import { ModeRegistry, type ModeConfig } from '../../src/modes.js';

const behaviour = { init: () => ({}), join: (_p: string, s: unknown) => s, leave: (_p: string, s: unknown) => s, handleInput: (_p: string, _i: unknown, s: unknown) => s } as unknown as MatchBehaviour<unknown, unknown>;

interface Start {
  readonly mode: string;
  readonly players: string[];
  resolve(matchId: string): void;
  reject(e: Error): void;
}

/** A matchmaker on a simulated clock, with a controllable startMatch and every pushed frame recorded. */
async function setup(t: Test, opts: { options?: MatchmakerOptions; modes?: Record<string, ModeConfig>; start?: 'ok' | 'fail' | 'manual' } = {}) {
  const clock = new SimulatedClock();
  const system = new ActorSystem({ clock, logger: new MemoryLogger() });
  const modes = new ModeRegistry(
    opts.modes ?? {
      default: { behaviour },
      duel: { behaviour, matchSize: 2 },
      trio: { behaviour, matchSize: 3 },
      ranked: { behaviour, matchSize: 2, strategy: 'skill_based' },
    },
  );
  const starts: Start[] = [];
  const frames: { player: string; frame: OutboundFrame<string, unknown> }[] = [];
  let n = 0;
  const mm = new Matchmaker({
    system,
    modes,
    startMatch: (mode, players) =>
      new Promise((resolve, reject) => {
        const s: Start = { mode, players, resolve: (match_id) => resolve({ match_id }), reject };
        starts.push(s);
        if ((opts.start ?? 'ok') === 'ok') s.resolve(`m${++n}`);
        else if (opts.start === 'fail') s.reject(new Error('spawn failed'));
      }),
    notify: (player, frame) => frames.push({ player, frame }),
    ...(opts.options === undefined ? {} : { options: opts.options }),
  });
  await mm.start();
  t.teardown(async () => {
    await mm.stop();
    await system.stop();
  });
  /** Lets started promises report back and the process handle the casts. */
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      await system.settle();
    }
  };
  const advance = async (ms: number): Promise<void> => {
    await clock.advance(ms);
    await flush();
  };
  const framesOf = (player: string, type?: string) => frames.filter((f) => f.player === player && (type === undefined || f.frame.type === type)).map((f) => f.frame);
  return { clock, system, modes, mm, starts, frames, framesOf, flush, advance };
}

async function reasonOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return isGameError(e) ? e.reason : `not a GameError: ${String(e)}`;
  }
}

t.test('options', async (t) => {
  t.same(resolveMatchmakerOptions(), { tickIntervalMs: 1000, maxWaitSeconds: 60, maxQueue: 10_000, maxAttempts: 3 });
  t.same(MATCHMAKER_DEFAULTS, resolveMatchmakerOptions({}));
  t.throws(() => resolveMatchmakerOptions({ tickIntervalMs: 0 }), TypeError);
  t.throws(() => resolveMatchmakerOptions({ maxQueue: 1.5 }), TypeError);
  t.ok(Object.isFrozen(resolveMatchmakerOptions({ maxAttempts: 5 })));
});

t.test('Matchmaker.add', async (t) => {
  t.test('answers a pending ticket with the mode matchSize; a re-add answers the same ticket, already_queued', async (t) => {
    const { mm, advance } = await setup(t);
    const first = await mm.add('p1', { mode: 'trio', properties: { skill: 1 } });
    t.match(first, { status: 'pending', players_needed: 3, already_queued: false });
    t.type(first.ticket_id, 'string');
    const before = await mm.get(first.ticket_id, 'p1');
    await advance(5_000);
    const again = await mm.add('p1', { mode: 'trio', properties: { skill: 999 } });
    t.same(again, { ticket_id: first.ticket_id, status: 'pending', players_needed: 3, already_queued: true });
    const after = await mm.get(first.ticket_id, 'p1');
    t.equal(after.submitted_at, before.submitted_at, 'the first submitted_at is kept');
    t.same(after.properties, { skill: 1 }, 'the first properties are kept');
    const other = await mm.add('p1', { mode: 'duel' });
    t.not(other.ticket_id, first.ticket_id, 'a player may queue in several modes');
    t.equal(other.already_queued, false);
  });
  t.test('mode defaults to "default"', async (t) => {
    const { mm } = await setup(t);
    const r = await mm.add('p1');
    t.equal((await mm.get(r.ticket_id, 'p1')).mode, 'default');
    t.equal(r.players_needed, 2);
  });
  t.test('unknown_mode, invalid_properties, invalid_query', async (t) => {
    const { mm } = await setup(t);
    t.equal(await reasonOf(mm.add('p1', { mode: 'nope' })), 'unknown_mode');
    t.equal(await reasonOf(mm.add('p1', { mode: 'bad mode!' })), 'unknown_mode');
    const bad: TicketInput[] = [
      { properties: [] },
      { properties: { nested: { a: 1 } } },
      { properties: { n: null } },
      { properties: { s: 'x'.repeat(257) } },
      { properties: { ['k'.repeat(65)]: 1 } },
      { properties: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i])) },
      { properties: { inf: Number.POSITIVE_INFINITY } },
    ];
    for (const input of bad) t.equal(await reasonOf(mm.add('p1', input)), 'invalid_properties', JSON.stringify(input).slice(0, 60));
    t.equal(await reasonOf(mm.add('p1', { properties: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'x'.repeat(256)])) })), undefined, 'at the limits is fine');
    t.equal(await reasonOf(mm.add('p2', { query: '+rank:>=' })), 'invalid_query');
    t.equal(await reasonOf(mm.add('p2', { query: 7 })), 'invalid_query');
  });
  t.test('queue_full at maxQueue (a re-add still answers)', async (t) => {
    const { mm } = await setup(t, { options: { maxQueue: 2 } });
    await mm.add('p1', { mode: 'trio' });
    await mm.add('p2', { mode: 'trio' });
    t.equal(await reasonOf(mm.add('p3', { mode: 'trio' })), 'queue_full');
    t.equal((await mm.add('p1', { mode: 'trio' })).already_queued, true);
  });
  t.test('not_started before start and after stop', async (t) => {
    const { mm } = await setup(t);
    await mm.stop();
    t.equal(await reasonOf(mm.add('p1')), 'not_started');
  });
});

t.test('the tick', async (t) => {
  t.test('groups a mode, starts one match per group, pushes match.matched to each player and drops the tickets', async (t) => {
    const { mm, starts, framesOf, advance } = await setup(t);
    const a = await mm.add('a', { mode: 'duel' });
    await mm.add('b', { mode: 'duel' });
    await mm.add('c', { mode: 'duel' });
    await advance(999);
    t.equal(starts.length, 0, 'nothing before the first tick');
    await advance(1);
    t.same(starts.map((s) => [s.mode, s.players]), [['duel', ['a', 'b']]]);
    t.same(framesOf('a'), [{ type: 'match.matched', payload: { match_id: 'm1', players: ['a', 'b'] } }]);
    t.same(framesOf('b'), [{ type: 'match.matched', payload: { match_id: 'm1', players: ['a', 'b'] } }]);
    t.same(framesOf('c'), [], 'the odd one waits');
    t.equal(await reasonOf(mm.get(a.ticket_id, 'a')), 'not_found', 'a matched ticket is gone');
    t.same(Object.keys(await mm.stats()), ['duel']);
    await mm.add('d', { mode: 'duel' });
    await advance(1000);
    t.same(starts[1]?.players, ['c', 'd']);
  });
  t.test('skill_based modes use the skill strategy', async (t) => {
    const { mm, starts, advance } = await setup(t);
    await mm.add('low', { mode: 'ranked', properties: { skill: 100 } });
    await mm.add('mid', { mode: 'ranked', properties: { skill: 1500 } });
    await mm.add('high', { mode: 'ranked', properties: { skill: 1600 } });
    await advance(1000);
    t.same(starts.map((s) => s.players), [['mid', 'high']]);
  });
  t.test('queries keep players apart', async (t) => {
    const { mm, starts, advance } = await setup(t);
    await mm.add('eu1', { mode: 'duel', properties: { region: 'eu' }, query: '+region:eu' });
    await mm.add('na1', { mode: 'duel', properties: { region: 'na' }, query: '+region:na' });
    await mm.add('eu2', { mode: 'duel', properties: { region: 'eu' } });
    await advance(1000);
    t.same(starts.map((s) => s.players), [['eu1', 'eu2']]);
  });
  t.test('startMatch runs outside the handler: add, remove and get answer while a start is pending', async (t) => {
    const { mm, starts, framesOf, advance, flush } = await setup(t, { start: 'manual' });
    const a = await mm.add('a', { mode: 'duel' });
    await mm.add('b', { mode: 'duel' });
    await advance(1000);
    t.equal(starts.length, 1);
    t.equal((await mm.get(a.ticket_id, 'a')).status, 'matching');
    const c = await mm.add('c', { mode: 'duel' });
    await mm.remove(c.ticket_id, 'c');
    t.equal((await mm.add('a', { mode: 'duel' })).ticket_id, a.ticket_id, 'a re-add during the start answers the same ticket');
    await advance(5000);
    t.equal(starts.length, 1, 'a starting group is not offered again');
    starts[0]!.resolve('late');
    await flush();
    t.same(framesOf('a', 'match.matched'), [{ type: 'match.matched', payload: { match_id: 'late', players: ['a', 'b'] } }]);
  });
  t.test('a player is never in two starting groups at once, across modes', async (t) => {
    const { mm, starts, advance, flush } = await setup(t, { start: 'manual' });
    await mm.add('p', { mode: 'duel' });
    await mm.add('q', { mode: 'duel' });
    await mm.add('p', { mode: 'default' });
    await mm.add('r', { mode: 'default' });
    await advance(1000);
    t.equal(starts.length, 1, 'only one of the two groups holding p starts');
    t.same(starts[0]!.players, ['p', 'r'], 'modes are visited in name order');
    await advance(1000);
    t.equal(starts.length, 1, 'p stays busy while the start is pending');
    starts[0]!.reject(new Error('nope'));
    await flush();
    await advance(1000);
    t.same(starts.map((s) => s.mode), ['default', 'default'], 'once it reported, p is offered again (and busy again)');
    starts[1]!.resolve('m-default');
    await flush();
    await advance(1000);
    t.same(starts.map((s) => s.mode), ['default', 'default', 'duel'], "p's other ticket starts only after the first group reported");
    t.same(starts[2]!.players, ['p', 'q']);
  });
  t.test('a custom strategy cannot self-match a player', async (t) => {
    const twice: MatchmakerStrategy = (ts) => ({ groups: ts.length > 0 ? [[ts[0]!, ts[0]!]] : [], unmatched: ts.slice(1) });
    const { mm, starts, advance } = await setup(t, { modes: { solo: { behaviour, matchSize: 2, strategy: twice } } });
    const a = await mm.add('a', { mode: 'solo' });
    await advance(3000);
    t.equal(starts.length, 0);
    t.equal((await mm.get(a.ticket_id, 'a')).status, 'pending', 'the ticket went back to the queue');
  });
  t.test('a failed start re-queues the group; after maxAttempts the players get matchmaker_failed', async (t) => {
    const { mm, starts, framesOf, advance } = await setup(t, { start: 'fail' });
    const a = await mm.add('a', { mode: 'duel' });
    await mm.add('b', { mode: 'duel' });
    await advance(1000);
    t.equal(starts.length, 1);
    t.equal((await mm.get(a.ticket_id, 'a')).status, 'pending', 're-queued after one failure');
    await advance(1000);
    t.same(framesOf('a'), [], 'no push before the last attempt');
    await advance(1000);
    t.equal(starts.length, 3);
    t.same(framesOf('a'), [{ type: 'match.matchmaker_failed', payload: { reason: 'match_start_failed' } }]);
    t.same(framesOf('b'), [{ type: 'match.matchmaker_failed', payload: { reason: 'match_start_failed' } }]);
    t.equal(await reasonOf(mm.get(a.ticket_id, 'a')), 'not_found', 'dropped');
    await advance(5000);
    t.equal(starts.length, 3, 'not retried again');
  });
  t.test('maxAttempts is an option; a start that succeeds on retry matches', async (t) => {
    const { mm, starts, framesOf, advance, flush } = await setup(t, { start: 'manual', options: { maxAttempts: 2 } });
    await mm.add('a', { mode: 'duel' });
    await mm.add('b', { mode: 'duel' });
    await advance(1000);
    starts[0]!.reject(new Error('x'));
    await flush();
    await advance(1000);
    starts[1]!.resolve('m-retry');
    await flush();
    t.same(framesOf('a'), [{ type: 'match.matched', payload: { match_id: 'm-retry', players: ['a', 'b'] } }]);
  });
  t.test('tickIntervalMs is an option', async (t) => {
    const { mm, starts, advance } = await setup(t, { options: { tickIntervalMs: 250 } });
    await mm.add('a');
    await mm.add('b');
    await advance(250);
    t.equal(starts.length, 1);
  });
  t.test('a mode removed while its tickets wait: match.matchmaker_failed {reason: no_game_module}', async (t) => {
    const { mm, modes, framesOf, advance } = await setup(t);
    await mm.add('a', { mode: 'trio' });
    modes.delete('trio');
    await advance(1000);
    t.same(framesOf('a'), [{ type: 'match.matchmaker_failed', payload: { reason: 'no_game_module' } }]);
  });
});

t.test('expiry', async (t) => {
  t.test('a ticket expires maxWaitSeconds after its first submission (a re-add does not renew it)', async (t) => {
    const { mm, framesOf, advance } = await setup(t, { options: { maxWaitSeconds: 10 } });
    const a = await mm.add('a', { mode: 'trio' });
    await advance(5000);
    await mm.add('a', { mode: 'trio' });
    await mm.add('b', { mode: 'trio' });
    await advance(4000);
    t.same(framesOf('a'), [], 'still waiting at 9 s');
    await advance(1000);
    t.same(framesOf('a'), [{ type: 'match.matchmaker_expired', payload: { ticket_id: a.ticket_id } }]);
    t.equal(await reasonOf(mm.get(a.ticket_id, 'a')), 'not_found');
    t.same(framesOf('b'), [], 'b submitted later and waits on');
    await advance(5000);
    t.equal(framesOf('b', 'match.matchmaker_expired').length, 1);
  });
  t.test('the default is 60 s', async (t) => {
    const { mm, framesOf, advance } = await setup(t);
    await mm.add('a', { mode: 'trio' });
    await advance(59_000);
    t.same(framesOf('a'), []);
    await advance(1000);
    t.equal(framesOf('a', 'match.matchmaker_expired').length, 1);
  });
});

t.test('remove, get, removePlayer, stats', async (t) => {
  t.test('remove: owner only; not_found afterwards; a removed ticket is never matched', async (t) => {
    const { mm, starts, advance } = await setup(t);
    const a = await mm.add('a');
    t.equal(await reasonOf(mm.remove(a.ticket_id, 'b')), 'not_owner');
    t.equal(await reasonOf(mm.remove('no-such-ticket', 'a')), 'not_found');
    await mm.remove(a.ticket_id, 'a');
    t.equal(await reasonOf(mm.remove(a.ticket_id, 'a')), 'not_found');
    await mm.add('b');
    await advance(1000);
    t.equal(starts.length, 0);
    const again = await mm.add('a');
    t.equal(again.already_queued, false, 'a new ticket after removal');
  });
  t.test('get: the owner sees {id, mode, status, properties, submitted_at (ISO)}; others get not_owner', async (t) => {
    const { mm, clock } = await setup(t);
    const a = await mm.add('a', { mode: 'trio', properties: { region: 'eu' }, query: '+region:eu' });
    const v = await mm.get(a.ticket_id, 'a');
    t.same(v, { id: a.ticket_id, mode: 'trio', status: 'pending', properties: { region: 'eu' }, submitted_at: new Date(clock.epochMs()).toISOString(), query: '+region:eu' });
    t.equal(await reasonOf(mm.get(a.ticket_id, 'b')), 'not_owner');
  });
  t.test("removePlayer drops every one of a player's tickets", async (t) => {
    const { mm } = await setup(t);
    const a1 = await mm.add('a', { mode: 'duel' });
    const a2 = await mm.add('a', { mode: 'trio' });
    const b = await mm.add('b', { mode: 'trio' });
    t.equal(await mm.removePlayer('a'), 2);
    t.equal(await reasonOf(mm.get(a1.ticket_id, 'a')), 'not_found');
    t.equal(await reasonOf(mm.get(a2.ticket_id, 'a')), 'not_found');
    t.equal((await mm.get(b.ticket_id, 'b')).mode, 'trio');
    t.equal(await mm.removePlayer('a'), 0);
  });
  t.test('stats per mode: waiting, oldest_wait_ms, average_wait_ms', async (t) => {
    const { mm, advance } = await setup(t);
    t.same(await mm.stats(), {});
    await mm.add('a', { mode: 'trio' });
    await advance(4000);
    await mm.add('b', { mode: 'trio' });
    await mm.add('c', { mode: 'duel' });
    await advance(1000);
    t.same(await mm.stats(), { duel: { waiting: 1, oldest_wait_ms: 1000, average_wait_ms: 1000 }, trio: { waiting: 2, oldest_wait_ms: 5000, average_wait_ms: 3000 } });
  });
  t.test('refusals are GameErrors', async (t) => {
    const { mm } = await setup(t);
    await t.rejects(mm.remove('x', 'a'), GameError);
  });
});
