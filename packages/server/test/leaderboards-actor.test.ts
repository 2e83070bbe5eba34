// The board actors and the Leaderboards service (src/leaderboards/*) on real storage and a simulated
// clock: reads from memory, dirty flushes on the interval and on stop, hydrate on start, the operators,
// capacity, validation, crash recovery, and 1,000 concurrent submits with consistent ranks.
import t, { type Test } from 'tap';
import { ActorSystem, MemoryLogger, SimulatedClock } from '@hajime/actor';
import type { Storage } from '@hajime/storage';
import { LEADERBOARD_METADATA_MAX_BYTES, Leaderboards, type LeaderboardsOptions } from '../src/index.js';
import { testStorage, uniqueName } from './helpers.js';

const FLUSH_MS = 5_000;

interface World {
  readonly clock: SimulatedClock;
  readonly system: ActorSystem;
  readonly logger: MemoryLogger;
  readonly boards: Leaderboards;
}

async function world(t: Test, storage: Storage, options: LeaderboardsOptions = {}): Promise<World> {
  const clock = new SimulatedClock({ epochStartMs: Date.now() });
  const logger = new MemoryLogger();
  const system = new ActorSystem({ clock, logger });
  const boards = new Leaderboards({ system, store: storage.leaderboards, options });
  await boards.start();
  t.teardown(() => system.stop());
  return { clock, system, logger, boards };
}

async function players(storage: Storage, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await storage.players.create({ username: uniqueName('lb') })).id);
  return ids;
}

t.test('Leaderboards', async (t) => {
  const storage = await testStorage(t);
  const [a, b, c] = await players(storage, 3);

  t.test('a submit is visible in reads at once, reaches storage only after the flush interval', async (t) => {
    const { clock, boards } = await world(t, storage);
    const r = await boards.submit('visible', a!, 50);
    t.match(r, { rank: 1, changed: true, entry: { leaderboard_id: 'visible', player_id: a, score: 50, sub_score: 0, rank: 1 } });
    t.same((await boards.top('visible')).map((e) => [e.player_id, e.score, e.rank]), [[a, 50, 1]]);
    t.equal(await boards.rank('visible', a!), 1);
    t.same(await storage.leaderboards.top('visible'), [], 'nothing written yet');
    await clock.advance(FLUSH_MS - 1);
    await boards.stats('visible'); // queued behind the flush: it has finished
    t.same(await storage.leaderboards.top('visible'), [], 'not before the interval');
    await clock.advance(1);
    await boards.stats('visible'); // queued behind the flush: it has finished
    t.match(await storage.leaderboards.top('visible'), [{ player_id: a, score: 50, rank: 1 }], 'written by the flush');
    t.equal((await boards.stats('visible'))?.dirty, 0);
  });

  t.test('only changed entries are written, once per change', async (t) => {
    const { clock, boards } = await world(t, storage);
    await boards.submit('dirty', a!, 1);
    await clock.advance(FLUSH_MS);
    await boards.stats('dirty'); // queued behind the flush: it has finished
    await storage.leaderboards.upsertMany('dirty', [{ player_id: a!, score: 999 }]);
    await clock.advance(FLUSH_MS);
    await boards.stats('dirty'); // queued behind the flush: it has finished
    t.equal((await storage.leaderboards.entry('dirty', a!))?.score, 999, 'an unchanged entry is not rewritten');
    await boards.submit('dirty', b!, 2);
    t.equal((await boards.stats('dirty'))?.dirty, 1);
    await clock.advance(FLUSH_MS);
    await boards.stats('dirty'); // queued behind the flush: it has finished
    t.equal((await storage.leaderboards.entry('dirty', b!))?.score, 2);
  });

  t.test('stopping flushes every dirty entry without waiting for the interval', async (t) => {
    const { boards } = await world(t, storage);
    await boards.submit('on-stop', a!, 7, { subScore: 3, metadata: { note: 'x' } });
    await boards.stop();
    t.match(await storage.leaderboards.entry('on-stop', a!), { score: 7, sub_score: 3, metadata: { note: 'x' } });
  });

  t.test('stopBoard flushes one board; the next use hydrates it again', async (t) => {
    const { boards } = await world(t, storage);
    await boards.submit('one', a!, 11);
    t.same(await boards.liveBoards(), ['one']);
    t.ok(await boards.stopBoard('one'));
    t.notOk(await boards.stopBoard('one'), 'not live any more');
    t.same(await boards.liveBoards(), []);
    t.match(await storage.leaderboards.entry('one', a!), { score: 11 });
    t.match(await boards.entry('one', a!), { score: 11, rank: 1 });
  });

  t.test('system.stop() runs terminate, so a shutdown flushes too', async (t) => {
    const { boards, system } = await world(t, storage);
    await boards.submit('sys-stop', b!, 4);
    await system.stop();
    t.match(await storage.leaderboards.entry('sys-stop', b!), { score: 4 });
  });

  t.test('a board hydrates from storage on start, then serves reads from memory', async (t) => {
    await storage.leaderboards.upsertMany('hydrate', [
      { player_id: a!, score: 10 },
      { player_id: b!, score: 30, sub_score: 2 },
      { player_id: c!, score: 20 },
    ]);
    const { boards } = await world(t, storage);
    t.same((await boards.top('hydrate')).map((e) => [e.player_id, e.rank]), [[b, 1], [c, 2], [a, 3]]);
    t.equal((await boards.entry('hydrate', b!))?.sub_score, 2);
    await storage.leaderboards.remove('hydrate', b!);
    t.equal(await boards.rank('hydrate', b!), 1, 'a later database change is not read');
  });

  t.test('a restart after a stop keeps what was submitted', async (t) => {
    const first = await world(t, storage);
    await first.boards.submit('restart', a!, 5);
    await first.boards.submit('restart', b!, 9);
    await first.system.stop();
    const second = await world(t, storage);
    t.same((await second.boards.top('restart')).map((e) => [e.player_id, e.score, e.rank]), [[b, 9, 1], [a, 5, 2]]);
  });

  t.test('a killed board is restarted by its supervisor and hydrates what was flushed', async (t) => {
    const { boards, clock, system } = await world(t, storage);
    await boards.submit('crash', a!, 3);
    await clock.advance(FLUSH_MS);
    await boards.stats('crash'); // queued behind the flush: it has finished
    await boards.submit('crash', b!, 8);
    const before = boards.whereis('crash')!;
    system.exit(before, 'kill');
    await clock.settle();
    const after = boards.whereis('crash');
    t.ok(after !== undefined && after !== before, 'a new board process');
    t.same((await boards.top('crash')).map((e) => [e.player_id, e.score]), [[a, 3]], 'the flushed entry is back; the unflushed one died with the kill');
  });

  t.test('operator set (the default) replaces the score, even with a lower one', async (t) => {
    const { boards } = await world(t, storage);
    await boards.submit('op-set', a!, 100);
    const r = await boards.submit('op-set', a!, 40);
    t.match(r, { changed: true, entry: { score: 40 } });
  });

  t.test('operator best keeps the higher score; a lower one changes nothing and is not dirty', async (t) => {
    const { boards, clock } = await world(t, storage, { operators: { 'op-best': 'best' } });
    await boards.submit('op-best', a!, 100);
    await clock.advance(FLUSH_MS);
    await boards.stats('op-best'); // queued behind the flush: it has finished
    const lower = await boards.submit('op-best', a!, 40);
    t.match(lower, { changed: false, rank: 1, entry: { score: 100 } });
    t.equal((await boards.stats('op-best'))?.dirty, 0);
    t.match(await boards.submit('op-best', a!, 140), { changed: true, entry: { score: 140 } });
    t.equal((await boards.stats('op-best'))?.operator, 'best');
  });

  t.test('operator incr adds to the score, and refuses a result beyond the safe range', async (t) => {
    const { boards } = await world(t, storage, { defaultOperator: 'incr' });
    await boards.submit('op-incr', a!, 5);
    await boards.submit('op-incr', a!, 5);
    t.match(await boards.submit('op-incr', a!, -3), { entry: { score: 7 } });
    await boards.submit('op-incr', b!, Number.MAX_SAFE_INTEGER);
    await t.rejects(boards.submit('op-incr', b!, 1), { code: 'validation_failed' });
    t.equal((await boards.entry('op-incr', b!))?.score, Number.MAX_SAFE_INTEGER, 'unchanged');
  });

  t.test('around answers the player and range entries either side with ranks', async (t) => {
    const { boards } = await world(t, storage);
    const ids = await players(storage, 7);
    for (const [i, id] of ids.entries()) await boards.submit('around', id, 100 - i);
    t.same((await boards.around('around', ids[3]!, 2)).map((e) => e.rank), [2, 3, 4, 5, 6]);
    t.same((await boards.around('around', ids[0]!)).map((e) => e.rank), [1, 2, 3, 4, 5, 6]);
    t.same(await boards.around('around', a!), []);
  });

  t.test('inputs are validated: board ids, player ids, scores, limits and ranges', async (t) => {
    const { boards } = await world(t, storage);
    await t.rejects(boards.submit('has space', a!, 1), { code: 'validation_failed' });
    await t.rejects(boards.submit('x'.repeat(129), a!, 1), { code: 'validation_failed' });
    await t.rejects(boards.submit('ok', 'not-a-uuid', 1), { code: 'validation_failed' });
    await t.rejects(boards.submit('ok', a!, 1.5), { code: 'validation_failed' });
    await t.rejects(boards.submit('ok', a!, Number.MAX_SAFE_INTEGER + 2), { code: 'validation_failed' });
    await t.rejects(boards.submit('ok', a!, 1, { subScore: 0.5 }), { code: 'validation_failed' });
    await t.rejects(boards.top('ok', 0), { code: 'validation_failed' });
    await t.rejects(boards.top('ok', 101), { code: 'validation_failed' });
    await t.rejects(boards.around('ok', a!, 51), { code: 'validation_failed' });
    await t.rejects(boards.submit('ok', a!, 1, { metadata: [] as never }), { code: 'validation_failed' });
    await t.rejects(boards.submit('ok', a!, 1, { metadata: { big: 'x'.repeat(LEADERBOARD_METADATA_MAX_BYTES) } }), { code: 'validation_failed' });
    t.equal((await boards.submit('ok', a!.toUpperCase(), 1)).entry.player_id, a, 'player ids are lower-cased');
    t.equal(await boards.rank('ok', a!), 1);
  });

  t.test('maxBoards caps live boards: a new one beyond it is leaderboard.capacity_reached', async (t) => {
    const { boards } = await world(t, storage, { maxBoards: 2 });
    await boards.top('cap-1');
    await boards.top('cap-2');
    await t.rejects(boards.top('cap-3'), { code: 'leaderboard.capacity_reached' });
    t.same(await boards.top('cap-1'), [], 'live boards still answer');
    await boards.stopBoard('cap-2');
    t.same(await boards.top('cap-3'), [], 'room again after a stop');
  });

  t.test('an entry of a player erased before the flush is dropped; the others are written', async (t) => {
    const { boards, clock, logger } = await world(t, storage);
    const [gone] = await players(storage, 1);
    await boards.submit('erased', a!, 1);
    await boards.submit('erased', gone!, 2);
    await storage.driver.query('DELETE FROM players WHERE id = $1', [gone]);
    await clock.advance(FLUSH_MS);
    await boards.stats('erased'); // queued behind the flush: it has finished
    t.match(await storage.leaderboards.top('erased'), [{ player_id: a }]);
    t.same((await boards.top('erased')).map((e) => e.player_id), [a], 'dropped from memory too');
    t.equal(logger.reports('leaderboard_unknown_players').length, 1);
  });

  t.test('an idle board flushes and stops itself after idleStopMs; its next use hydrates it again', async (t) => {
    const { boards, clock } = await world(t, storage, { idleStopMs: 20_000 });
    await boards.submit('idle', a!, 6);
    await boards.submit('busy', b!, 1);
    for (let i = 0; i < 3; i++) {
      await clock.advance(FLUSH_MS);
      await boards.top('busy');
    }
    t.same(await boards.liveBoards(), ['busy', 'idle'], 'idle for 15 s: still live');
    await clock.advance(FLUSH_MS);
    await boards.top('busy');
    await clock.settle();
    t.same(await boards.liveBoards(), ['busy'], 'idle for 20 s: stopped; the busy board stays');
    t.match(await storage.leaderboards.entry('idle', a!), { score: 6 }, 'written before it stopped');
    t.match(await boards.entry('idle', a!), { score: 6, rank: 1 }, 'hydrated on the next use');
  });

  t.test('a failed flush keeps its entries dirty and the next flush writes them', async (t) => {
    const clock = new SimulatedClock({ epochStartMs: Date.now() });
    const logger = new MemoryLogger();
    const system = new ActorSystem({ clock, logger });
    t.teardown(() => system.stop());
    let failures = 1;
    const store = {
      load: (board: string) => storage.leaderboards.load(board),
      upsertMany: async (board: string, entries: Parameters<Storage['leaderboards']['upsertMany']>[1]) => {
        if (failures-- > 0) throw new Error('database unavailable');
        return storage.leaderboards.upsertMany(board, entries);
      },
    };
    const boards = new Leaderboards({ system, store });
    await boards.start();
    await boards.submit('flaky', a!, 12);
    await clock.advance(FLUSH_MS);
    await boards.stats('flaky');
    t.same(await storage.leaderboards.top('flaky'), [], 'the first flush failed');
    t.equal((await boards.stats('flaky'))?.dirty, 1, 'still dirty');
    t.equal(logger.reports('leaderboard_flush_failed').length, 1);
    t.equal(await boards.flush('flaky'), 1, 'a forced flush writes it');
    t.match(await storage.leaderboards.top('flaky'), [{ player_id: a, score: 12 }]);
    t.equal(await boards.flush('flaky'), 0, 'nothing left to write');
    t.equal(await boards.flush('not-live'), 0);
  });

  t.test('1,000 concurrent submits: ranks follow the sorted order, and storage agrees after the flush', async (t) => {
    const { boards, clock } = await world(t, storage);
    const ids = await players(storage, 1000);
    const scores = ids.map((_, i) => (i * 7919) % 500);
    const results = await Promise.all(ids.map((id, i) => boards.submit('crowd', id, scores[i]!)));
    t.equal(results.length, 1000);
    const expected = ids.map((id, i) => ({ id, score: scores[i]! })).sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1));
    const top = await boards.top('crowd', 100);
    t.same(top.map((e) => e.player_id), expected.slice(0, 100).map((e) => e.id), 'top follows score desc, player id asc');
    const ranks = await Promise.all(ids.map((id) => boards.rank('crowd', id)));
    const want = new Map(expected.map((e, i) => [e.id, i + 1]));
    t.ok(ids.every((id, i) => ranks[i] === want.get(id)), 'every rank is its position in the sorted order');
    t.same(new Set(ranks).size, 1000, 'ranks are distinct');
    await clock.advance(FLUSH_MS);
    await boards.stats('crowd'); // queued behind the flush: it has finished
    for (const id of [ids[0]!, ids[500]!, ids[999]!]) t.equal(await storage.leaderboards.rank('crowd', id), want.get(id), 'storage ranks agree');
    t.same((await storage.leaderboards.top('crowd', 1000)).map((e) => e.player_id), expected.map((e) => e.id), 'storage order agrees');
  });
});
