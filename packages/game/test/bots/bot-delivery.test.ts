import t from 'tap';
import { ActorSystem, MemoryLogger, ProcessGroups, SimulatedClock, type Pid } from '@hajime/actor';
import type { OutboundFrame } from '@hajime/protocol';
import type { Delivery } from '../../src/delivery.js';
import { ModeRegistry } from '../../src/modes.js';
import { Matches } from '../../src/match/matches.js';
import type { MatchBehaviour } from '../../src/match/behaviour.js';
import { Bots } from '../../src/bots/bots.js';
import { botDelivery } from '../../src/bots/bot-delivery.js';
import { arena, decodeHarnessPush, seeded, type Arena } from './helpers.js';

const P1 = '00000000-0000-7000-8000-000000000001';

/** The arena, with an input that crashes the match's next tick. */
const crashy: MatchBehaviour<Arena & { boom?: boolean }, Record<string, unknown>> = {
  ...(arena as unknown as MatchBehaviour<Arena & { boom?: boolean }, Record<string, unknown>>),
  handleInput: (id, input, s) => {
    if (input['boom'] === true) s.boom = true;
    return arena.handleInput(id, input, s);
  },
  tick: (s) => {
    if (s.boom === true) {
      s.boom = false;
      throw new Error('boom on purpose');
    }
    return s;
  },
};

async function setup(t: { teardown(fn: () => unknown): void }, wrap: boolean) {
  const clock = new SimulatedClock();
  const log = new MemoryLogger();
  const system = new ActorSystem({ clock, logger: log });
  const groups = new ProcessGroups<string>(system);
  const sessions = new Map<string, Pid>();
  const frames: OutboundFrame<string, unknown>[] = [];
  const base: Delivery = {
    groups,
    push: (f) => ({ $push: f }),
    sessionsOf: (p) => {
      const pid = sessions.get(p);
      return pid !== undefined && pid.alive ? [pid] : [];
    },
    sendToPlayer: () => 0,
  };
  let bots: Bots | undefined;
  const delivery = wrap ? botDelivery(base, (id) => bots?.sessionOf(id)) : base;
  const modes = new ModeRegistry({ arena: { behaviour: crashy, matchSize: 1, maxPlayers: 4, tickMs: 100 } });
  const matches = new Matches({ system, modes, delivery, log });
  await matches.start();
  bots = new Bots({ system, matches, modes, decodePush: decodeHarnessPush, log, random: seeded(3) });
  await bots.start();
  const me = system.spawn((m) => {
    const f = decodeHarnessPush(m);
    if (f !== undefined) frames.push(f);
  });
  sessions.set(P1, me);
  t.teardown(async () => {
    await bots!.stop();
    await matches.stop();
    await system.stop();
  });
  const id = await matches.create('arena');
  await matches.join(id, P1, me);
  const last = () => frames.filter((f) => f.type === 'match.state').at(-1)?.payload as Arena;
  return { clock, matches, bots, id, last, delivery, system };
}

t.test('botDelivery', async (t) => {
  t.test('a match restarted after a crash keeps its bots, and they keep playing', async (t) => {
    const { clock, matches, bots, id, last } = await setup(t, true);
    const botId = await bots.add(id, 'Spark');
    await clock.advance(500);
    const before = last().players[botId]!.inputs;
    t.ok(before > 0);
    matches.input(P1, { boom: true });
    await clock.advance(1_500);
    t.ok(matches.isPlayerIn(id, botId), 'still in the roster after the restart');
    t.equal(bots.count, 1, 'the bot process lives on');
    t.ok(last().players[botId]!.inputs > before, 'and keeps sending inputs');
  });

  t.test('without it, a crash drops the bots (the restarted match finds no connection for them)', async (t) => {
    const { clock, matches, bots, id } = await setup(t, false);
    const botId = await bots.add(id, 'Spark');
    await clock.advance(500);
    matches.input(P1, { boom: true });
    await clock.advance(1_500);
    t.notOk(matches.isPlayerIn(id, botId));
    t.equal(bots.count, 0, 'the bot stopped');
  });

  t.test('sessionsOf and sendToPlayer reach a bot process', async (t) => {
    const { clock, bots, id, delivery, system } = await setup(t, true);
    const botId = await bots.add(id, 'Volt');
    await clock.advance(10);
    const pid = bots.sessionOf(botId)!;
    t.same(delivery.sessionsOf(botId), [pid]);
    t.equal(delivery.sendToPlayer(botId, { type: 'match.state', payload: {} }), 1);
    t.same(delivery.sessionsOf('bot_nobody_000000'), []);
    t.equal(delivery.sendToPlayer('bot_nobody_000000', { type: 'match.state', payload: {} }), 0);
    t.ok(system.isAlive(pid));
  });
});
