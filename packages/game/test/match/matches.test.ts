import t from 'tap';
import { MemorySnapshotStore, type SnapshotStore } from '@hajime/actor';
import { finished, refuse, rejectInput, type MatchBehaviour } from '../../src/match/behaviour.js';
import { isGameError } from '../../src/errors.js';
import { validateJoinCtx } from '../../src/match/join-ctx.js';
import { harness } from './harness.js';

interface Race {
  pos: Record<string, number>;
  order: string[];
  boom: boolean;
  ticks: number;
}
type RaceInput = { dx?: number; boom?: boolean; tag?: string; bad?: boolean };

/** A small game: inputs move players; first to 10 wins; `boom` makes the next tick throw. */
const race: MatchBehaviour<Race, RaceInput> = {
  init: () => ({ pos: {}, order: [], boom: false, ticks: 0 }),
  join: (id, s, ctx) => {
    if (ctx['password'] !== undefined && ctx['password'] !== 'open sesame') return refuse('wrong password');
    if (ctx['weird'] === true) return refuse('bad\u0000reason');
    s.pos[id] = 0;
    return s;
  },
  leave: (id, s) => {
    delete s.pos[id];
    return s;
  },
  handleInput: (id, input, s) => {
    if (input.bad === true) return rejectInput('bad');
    if (input.tag !== undefined) s.order.push(input.tag);
    if (input.boom === true) s.boom = true;
    s.pos[id] = (s.pos[id] ?? 0) + (input.dx ?? 0);
    return s;
  },
  tick: (s, m) => {
    if (s.boom) {
      s.boom = false;
      throw new Error('boom on purpose');
    }
    s.ticks += 1;
    const winner = Object.entries(s.pos).find(([, p]) => p >= 10);
    if (winner !== undefined) return finished({ winners: [winner[0]] }, s);
    if (m.tick === 3) m.broadcast('hint', { text: 'go' });
    return s;
  },
  getSharedState: (s, m) => ({ pos: s.pos, tick: m.tick, ticks: s.ticks }),
};

const P1 = '00000000-0000-7000-8000-000000000001';
const P2 = '00000000-0000-7000-8000-000000000002';
const P3 = '00000000-0000-7000-8000-000000000003';

t.test('Matches: two players quick-play, play, finish and are recorded', async (t) => {
  const h = await harness({ race: { behaviour: race, matchSize: 2, maxPlayers: 4, tickMs: 100, quickPlay: true, listed: true } });
  t.teardown(() => h.stop());
  const a = h.session(P1);
  const b = h.session(P2);
  const j1 = await h.matches.findOrCreate('race', P1, a.pid, {});
  t.equal(j1.status, 'waiting', 'one player: waiting');
  t.same(j1.players, [P1]);
  const j2 = await h.matches.findOrCreate('race', P2, b.pid);
  t.equal(j2.match_id, j1.match_id, 'the second player joins the same match');
  t.equal(j2.status, 'running', 'min players reached: running');
  t.equal(h.matches.list()[0]?.player_count, 2);
  t.notOk('players' in (h.matches.list()[0] ?? {}), 'listings never carry the roster');

  await h.clock.advance(100);
  t.equal(a.of('match.state').length, 1, 'one state per tick');
  t.same(a.of('match.state')[0], { pos: { [P1]: 0, [P2]: 0 }, tick: 1, ticks: 1 });
  t.same(b.of('match.state')[0], a.of('match.state')[0], 'the same shared state to every player');

  // Inputs are applied at the next tick, in arrival order.
  h.matches.input(P2, { tag: 'b1', dx: 1 });
  h.matches.input(P1, { tag: 'a1', dx: 2 });
  h.matches.input(P2, { tag: 'b2', dx: 1 });
  await h.clock.advance(100);
  t.same((a.of('match.state').at(-1) as { pos: unknown }).pos, { [P1]: 2, [P2]: 2 });
  await h.clock.advance(100);
  t.same(a.of('match.hint'), [{ text: 'go' }], 'custom events reach players as match.<event>');

  h.matches.input(P1, { dx: 20 });
  await h.clock.advance(100);
  t.same(a.of('match.finished'), [{ match_id: j1.match_id, result: { winners: [P1] } }]);
  t.same(b.of('match.finished'), a.of('match.finished'));
  t.equal(h.records.finished.length, 1, 'one record');
  t.same(h.records.finished[0]?.players, [P1, P2]);
  t.same(h.records.finished[0]?.result, { winners: [P1] });
  t.equal(h.matches.count, 0, 'the match is gone');
  t.equal(h.matches.matchOf(P1), undefined);
  t.equal(h.matches.input(P1, { dx: 1 }), false, 'inputs after the end go nowhere');
  const states = a.of('match.state').length;
  await h.clock.advance(500);
  t.equal(a.of('match.state').length, states, 'no more ticks');
});

t.test('Matches: a tick that throws resumes from the snapshot with the same players attached', async (t) => {
  const h = await harness({ race: { behaviour: race, matchSize: 2, tickMs: 100, quickPlay: true } });
  t.teardown(() => h.stop());
  const a = h.session(P1);
  const b = h.session(P2);
  const { match_id } = await h.matches.findOrCreate('race', P1, a.pid);
  await h.matches.findOrCreate('race', P2, b.pid);
  h.matches.input(P1, { dx: 3 });
  await h.clock.advance(300);
  const before = h.matches.whereis(match_id);
  const last = a.of('match.state').at(-1) as { tick: number; pos: Record<string, number> };
  t.equal(last.tick, 3);

  h.matches.input(P2, { boom: true, dx: 1 });
  await h.clock.advance(100); // this tick throws: the match restarts from the snapshot of tick 3
  const after = h.matches.whereis(match_id);
  t.ok(after !== undefined && after !== before, 'a new match process');
  t.ok(h.log.entries.some((e) => e.msg === 'match_resumed_from_snapshot'), 'logged the resume');
  await h.clock.advance(100);
  const resumed = a.of('match.state').at(-1) as { tick: number; pos: Record<string, number> };
  t.equal(resumed.tick, 4, 'within one tick, counting on from the snapshot');
  t.same(resumed.pos, { [P1]: 3, [P2]: 0 }, 'the game state of the snapshot (the crashing input is not replayed)');
  t.same(b.of('match.state').at(-1), resumed, 'both players still receive match.state');
  const ticks = a.of('match.state').map((x) => (x as { tick: number }).tick);
  t.same(ticks, [...new Set(ticks)], 'exactly one state per tick after the restart');
  t.equal(h.matches.matchOf(P2), match_id, 'both still in the match');
  t.equal(a.of('match.finished').length, 0, 'nobody was told the match ended');
  h.matches.input(P1, { dx: 1 });
  await h.clock.advance(100);
  t.equal((a.of('match.state').at(-1) as { pos: Record<string, number> }).pos[P1], 4, 'inputs flow to the new process');
});

t.test('Matches: inputs go straight into the match queue (no message each), in arrival order, across a restart too', async (t) => {
  const ordered: typeof race = { ...race, getSharedState: (s) => ({ order: s.order }) };
  const h = await harness({ race: { behaviour: ordered, matchSize: 2, tickMs: 100, quickPlay: true } });
  t.teardown(() => h.stop());
  const a = h.session(P1);
  const b = h.session(P2);
  await h.matches.findOrCreate('race', P1, a.pid);
  await h.matches.findOrCreate('race', P2, b.pid);
  await h.system.settle();
  const queued = h.system.stats().queuedMessages;
  t.ok(h.matches.input(P1, { tag: 'a1', dx: 1 }));
  t.ok(h.matches.input(P2, { tag: 'b1', dx: 1 }));
  t.ok(h.matches.input(P1, { tag: 'a2', dx: 1 }));
  t.equal(h.system.stats().queuedMessages, queued, 'no message per input');
  await h.clock.advance(100);
  t.same((a.of('match.state').at(-1) as { order: string[] }).order, ['a1', 'b1', 'a2'], 'applied at the next tick, in arrival order');
  t.equal(h.matches.input('someone-else', { tag: 'x' }), false, 'a player in no match: refused');

  h.matches.input(P2, { boom: true });
  await h.clock.advance(100); // the match restarts from its snapshot
  await h.system.settle();
  const before = h.system.stats().queuedMessages;
  h.matches.input(P1, { tag: 'a3', dx: 1 });
  t.equal(h.system.stats().queuedMessages, before, 'the new process takes inputs the same way');
  await h.clock.advance(100);
  t.same((a.of('match.state').at(-1) as { order: string[] }).order, ['a1', 'b1', 'a2', 'a3']);
});

t.test('Matches: callbacks that return promises: inputs in order, inputs during an await go to the next tick, finish', async (t) => {
  // The callbacks wait for the gate, which the test opens.
  let open = (): void => undefined;
  let gate = Promise.resolve();
  const close = (): void => {
    gate = new Promise<void>((resolve) => (open = resolve));
  };
  const slow: typeof race = {
    ...race,
    handleInput: async (id, input, s, m) => {
      await gate;
      return race.handleInput(id, input, s, m);
    },
    tick: async (s, m) => {
      await gate;
      return race.tick!(s, m);
    },
    getSharedState: (s, m) => ({ order: s.order, tick: m.tick }),
  };
  const h = await harness({ slow: { behaviour: slow, matchSize: 2, tickMs: 100, quickPlay: true } });
  t.teardown(() => h.stop());
  const a = h.session(P1);
  const b = h.session(P2);
  const { match_id } = await h.matches.findOrCreate('slow', P1, a.pid);
  await h.matches.findOrCreate('slow', P2, b.pid);
  await h.system.settle();
  close();
  h.matches.input(P1, { tag: 'a1' });
  h.matches.input(P2, { tag: 'b1' });
  h.matches.input(P1, { tag: 'a2' });
  await h.clock.advance(100);
  t.equal(a.of('match.state').length, 0, 'the tick is waiting for its first input callback');
  h.matches.input(P2, { tag: 'b2' });
  open();
  await h.system.settle();
  const first = a.of('match.state').at(-1) as { order: string[]; tick: number };
  t.same(first, { order: ['a1', 'b1', 'a2'], tick: 1 }, 'the queued inputs, in arrival order; not the one that arrived during the await');
  await h.clock.advance(100);
  t.same(a.of('match.state').at(-1), { order: ['a1', 'b1', 'a2', 'b2'], tick: 2 }, 'that one at the next tick');
  h.matches.input(P1, { dx: 10 });
  await h.clock.advance(100);
  t.same(b.of('match.finished').at(-1), { match_id, result: { winners: [P1] } }, 'an asynchronous tick finishes the match');
});

t.test('Matches: a state the snapshot store cannot copy: the match runs on without snapshots, logged once', async (t) => {
  type Odd = Race & { fn?: () => void };
  const odd: MatchBehaviour<Odd, RaceInput> = {
    ...(race as unknown as MatchBehaviour<Odd, RaceInput>),
    handleInput: (id, input, s, m) => {
      const r = race.handleInput(id, input, s, m) as Odd;
      r.fn = () => undefined;
      return r;
    },
    getSharedState: (s, m) => ({ pos: s.pos, tick: m.tick }),
  };
  const h = await harness({ odd: { behaviour: odd, matchSize: 2, tickMs: 100, quickPlay: true } });
  t.teardown(() => h.stop());
  const a = h.session(P1);
  await h.matches.findOrCreate('odd', P1, a.pid);
  await h.matches.findOrCreate('odd', P2, h.session(P2).pid);
  h.matches.input(P1, { dx: 1 });
  await h.clock.advance(300);
  t.same(a.of('match.state').map((f) => (f as { tick: number }).tick), [1, 2, 3], 'ticks go on');
  t.same((a.of('match.state').at(-1) as { pos: Record<string, number> }).pos[P1], 1);
  t.equal(h.log.entries.filter((e) => e.msg === 'match_snapshot_failed').length, 1, 'logged once');
});

t.test('Matches: a player who moves to another match sends its inputs there', async (t) => {
  const ordered: typeof race = { ...race, getSharedState: (s) => ({ order: s.order }) };
  const h = await harness({ race: { behaviour: ordered, matchSize: 1, maxPlayers: 2, tickMs: 100 } });
  t.teardown(() => h.stop());
  const a = h.session(P1);
  const first = await h.matches.create('race');
  const second = await h.matches.create('race');
  await h.matches.join(first, P1, a.pid);
  t.ok(h.matches.input(P1, { tag: 'in-first' }));
  await h.clock.advance(100);
  await h.matches.join(second, P1, a.pid); // leaves the first
  t.equal(h.matches.matchOf(P1), second);
  t.ok(h.matches.input(P1, { tag: 'in-second' }));
  await h.clock.advance(100);
  const orders = a.of('match.state').map((f) => (f as { order: string[] }).order);
  t.same(orders.at(-1), ['in-second'], 'the second match got it');
  t.ok(orders.some((o) => o.length === 1 && o[0] === 'in-first'), 'the first match got the first');
  t.notOk(orders.some((o) => o.includes('in-first') && o.includes('in-second')), 'never both in one match');
});

t.test('Matches: more crashes than the intensity end that match cleanly, not the node', async (t) => {
  const always: typeof race = { ...race, tick: () => { throw new Error('always'); } };
  const h = await harness({ bad: { behaviour: always, matchSize: 1, quickPlay: true }, race: { behaviour: race, matchSize: 1, quickPlay: true } }, { matches: { restartIntensity: 2, restartPeriodMs: 10_000 } });
  t.teardown(() => h.stop());
  const a = h.session(P1);
  const b = h.session(P2);
  const bad = await h.matches.findOrCreate('bad', P1, a.pid);
  const good = await h.matches.findOrCreate('race', P2, b.pid);
  await h.clock.advance(1_000);
  t.same(a.of('match.finished'), [{ match_id: bad.match_id, result: { status: 'error', reason: 'crashed' } }]);
  t.equal(h.matches.get(bad.match_id), undefined, 'the broken match is gone');
  t.equal(h.matches.matchOf(P1), undefined);
  t.ok(h.matches.get(good.match_id), 'the other match lives');
  const n = b.of('match.state').length;
  t.ok(n >= 9, 'and keeps ticking');
  t.ok(h.system.isAlive(h.matches.supervisor!), 'the match supervisor is up');
  // The node still creates matches.
  const again = await h.matches.findOrCreate('race', P1, a.pid);
  t.not(again.match_id, bad.match_id);
});

t.test('Matches: joins: full, locked, refused, context, not found', async (t) => {
  const lockable: typeof race = { ...race, handleInput: (id, input, s, m) => { if (input.tag === 'lock') m.setJoinable(false); return race.handleInput(id, input, s, m); } };
  const h = await harness({ race: { behaviour: lockable, matchSize: 1, maxPlayers: 2, quickPlay: true, listed: true } });
  t.teardown(() => h.stop());
  const a = h.session(P1);
  const { match_id } = await h.matches.findOrCreate('race', P1, a.pid);
  const reason = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'ok';
    } catch (e) {
      return isGameError(e) ? `${e.reason}${e.details['refused_reason'] === undefined ? '' : `:${String(e.details['refused_reason'])}`}` : String(e);
    }
  };
  t.equal(await reason(h.matches.join(match_id, P2, h.session(P2).pid, { password: 'nope' })), 'join_refused:wrong password');
  t.equal(await reason(h.matches.join(match_id, P2, h.session(P2).pid, { weird: true })), 'join_refused', 'non-printable refusal text is dropped');
  t.equal(await reason(h.matches.join(match_id, P2, h.session(P2).pid, { password: 'open sesame' })), 'ok');
  t.equal(await reason(h.matches.join(match_id, P3, h.session(P3).pid)), 'match_full');
  t.equal(await reason(h.matches.join('00000000-0000-7000-8000-0000000000ff', P3, h.session(P3).pid)), 'match_not_found');
  t.equal(await reason(h.matches.join(match_id, P3, h.session(P3).pid, { a: { nested: 1 } })), 'invalid_join_ctx_value');
  await h.matches.leave(P2);
  h.matches.input(P1, { tag: 'lock' });
  await h.clock.advance(100);
  t.equal(h.matches.list({ joinable: false }).length, 1, 'listed as not joinable');
  t.equal(await reason(h.matches.join(match_id, P3, h.session(P3).pid)), 'match_locked');
  t.equal(await reason(h.matches.findOrCreate('nope', P3, h.session(P3).pid)), 'not_found');
  // Re-joining a match you are in attaches the connection again (a second tab): not a second player.
  const second = h.session(P1);
  const again = await h.matches.join(match_id, P1, second.pid);
  t.same(again.players, [P1]);
  await h.clock.advance(100);
  t.ok(second.of('match.state').length > 0, 'the second connection receives state');
});

t.test('validateJoinCtx: asobi limits and reasons', async (t) => {
  const r = (v: unknown) => {
    try {
      validateJoinCtx(v);
      return 'ok';
    } catch (e) {
      return isGameError(e) ? e.reason : 'other';
    }
  };
  t.equal(r(undefined), 'ok');
  t.equal(r({ code: 'ABCD', n: 3, b: true }), 'ok');
  t.equal(r([]), 'invalid_join_ctx');
  t.equal(r('x'), 'invalid_join_ctx');
  t.equal(r(Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, i]))), 'join_ctx_too_many_keys');
  t.equal(r({ ['k'.repeat(65)]: 1 }), 'join_ctx_key_too_long');
  t.equal(r({ k: 'v'.repeat(257) }), 'join_ctx_value_too_long');
  t.equal(r({ k: 1.5 }), 'invalid_join_ctx_value');
  t.equal(r({ k: null }), 'invalid_join_ctx_value');
  t.equal(r({ '': 1 }), 'invalid_join_ctx_key');
});

t.test('Matches: racing quick-play joins never create more matches than needed', async (t) => {
  const h = await harness({ race: { behaviour: race, matchSize: 2, maxPlayers: 4, quickPlay: true } });
  t.teardown(() => h.stop());
  const ids = Array.from({ length: 10 }, (_, i) => `00000000-0000-7000-8000-0000000001${String(i).padStart(2, '0')}`);
  const joined = await Promise.all(ids.map((p) => h.matches.findOrCreate('race', p, h.session(p).pid)));
  const byMatch = new Map<string, number>();
  for (const j of joined) byMatch.set(j.match_id, (byMatch.get(j.match_id) ?? 0) + 1);
  t.equal(byMatch.size, 3, '10 players in matches of 4: three matches');
  t.same([...byMatch.values()].sort(), [2, 4, 4]);
});

t.test('Matches: waiting timeout, abandonment, disconnects and the node cap', async (t) => {
  const h = await harness({ race: { behaviour: race, matchSize: 2, quickPlay: true, waitingTimeoutMs: 5_000 } }, { matches: { maxMatches: 2 } });
  t.teardown(() => h.stop());
  const a = h.session(P1);
  const { match_id } = await h.matches.findOrCreate('race', P1, a.pid);
  await h.clock.advance(5_000);
  t.same(a.of('match.finished'), [{ match_id, result: { status: 'cancelled', reason: 'waiting_timeout' } }]);
  t.equal(h.records.finished.length, 0, 'a cancelled match is not recorded');

  const m1 = await h.matches.create('race');
  await h.matches.create('race');
  try {
    await h.matches.create('race');
    t.fail('over the cap');
  } catch (e) {
    t.ok(isGameError(e, 'match_capacity_reached'));
  }
  const b = h.session(P2);
  const c = h.session(P3);
  await h.matches.join(m1, P2, b.pid);
  await h.matches.join(m1, P3, c.pid);
  await h.clock.advance(100);
  h.system.exit(c.pid, 'kill'); // P3's connection drops: without a reconnect policy, a leave
  await h.clock.advance(100);
  t.same(h.matches.get(m1)?.players, [P2]);
  t.equal(h.matches.matchOf(P3), undefined);
  await h.matches.leave(P2);
  t.same(b.of('match.finished').at(-1), undefined, 'leaving is not told as finished');
  t.equal(h.matches.get(m1), undefined, 'a running match nobody is in stops');
});

t.test('Matches: per-player views, rejected inputs in dev mode, reserved events, records failing', async (t) => {
  const { getSharedState: _shared, ...rest } = race;
  const views: typeof race = {
    ...rest,
    getState: (p, s) => ({ me: s.pos[p] }),
    tick: (s, m) => {
      if (m.tick === 1) {
        try {
          m.broadcast('state', {});
        } catch (e) {
          s.order.push(isGameError(e, 'invalid_event') ? 'refused' : 'other');
        }
      }
      return race.tick!(s, m);
    },
  };
  const h = await harness({ v: { behaviour: views, matchSize: 2, quickPlay: true } }, { matches: { dev: true }, failRecords: true });
  t.teardown(() => h.stop());
  const a = h.session(P1);
  const b = h.session(P2);
  await h.matches.findOrCreate('v', P1, a.pid);
  await h.matches.findOrCreate('v', P2, b.pid);
  h.matches.input(P1, { dx: 1 });
  h.matches.input(P2, { bad: true });
  await h.clock.advance(100);
  t.same(a.of('match.state'), [{ me: 1 }]);
  t.same(b.of('match.state'), [{ me: 0 }]);
  t.equal(b.of('module.error').length, 1, 'the player whose input was rejected hears it in dev mode');
  t.equal(a.of('module.error').length, 0);
  t.equal(a.of('match.state').length + a.of('match.hint').length, 1, 'a reserved leaf is never broadcast');
  h.matches.input(P1, { dx: 10 });
  await h.clock.advance(100);
  t.equal(a.of('match.finished').length, 1, 'the match finishes even when the record cannot be written');
  t.ok(h.log.entries.some((e) => e.msg === 'match_record_failed'));
});

t.test('Matches: a tick waits for a snapshot store that saves asynchronously, and not for one that saves before returning', async (t) => {
  const shared: typeof race = { ...race, getSharedState: (s, m) => ({ pos: s.pos, tick: m.tick }) };
  for (const savesBeforeReturning of [false, true]) {
    const mem = new MemorySnapshotStore();
    let hold: Promise<void> | undefined;
    let release = (): void => undefined;
    const store: SnapshotStore = {
      ...(savesBeforeReturning ? { savesBeforeReturning } : {}),
      save: async (key, snap) => {
        const copy = structuredClone(snap);
        if (hold !== undefined) await hold;
        await mem.save(key, copy);
      },
      load: (key) => mem.load(key),
      delete: (key) => mem.delete(key),
    };
    const h = await harness({ race: { behaviour: shared, matchSize: 2, tickMs: 100, quickPlay: true } }, { snapshots: store });
    const a = h.session(P1);
    await h.matches.findOrCreate('race', P1, a.pid);
    await h.matches.findOrCreate('race', P2, h.session(P2).pid);
    hold = new Promise<void>((r) => (release = r));
    await h.clock.advance(100);
    await h.clock.advance(100);
    const ticks = () => a.of('match.state').map((f) => (f as { tick: number }).tick);
    if (savesBeforeReturning) t.same(ticks(), [1, 2], 'not waited for: the ticks go on while the save is held');
    else {
      t.same(ticks(), [1], 'the second tick waits behind the first tick\'s save');
      release();
      await h.clock.advance(0);
      t.same(ticks(), [1, 2], 'and runs once it is stored');
    }
    release();
    await h.stop();
  }
});
