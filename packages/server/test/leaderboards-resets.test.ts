// Scheduled resets (src/leaderboards/resets.ts and the board actor's reset timer): the pure boundary and
// archive-id table (month ends, leap years, week boundaries), option validation, and boards on real
// storage with a simulated clock started at a chosen epoch: scores before the boundary end up in the
// archive board, the live board is empty after it, new scores go to the new period, failures retry.
import t, { type Test } from 'tap';
import { ActorSystem, MemoryLogger, SimulatedClock } from '@hajime/actor';
import type { Storage } from '@hajime/storage';
import { archiveIdFor, Leaderboards, nextBoundary, nextReset, periodStart, resetOf, resolveLeaderboardsOptions, type LeaderboardStore, type LeaderboardsOptions, type ResetEvery } from '../src/index.js';
import { testStorage, uniqueName } from './helpers.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

t.test('nextReset: boundaries at 00:00 UTC and the start date of the ending period', async (t) => {
  const rows: [ResetEvery, string, string, string][] = [
    // every, now (UTC), next boundary, archive date
    ['daily', '2026-03-04T12:00:00.000Z', '2026-03-05T00:00:00.000Z', '2026-03-04'],
    ['daily', '2026-03-04T00:00:00.000Z', '2026-03-05T00:00:00.000Z', '2026-03-04'],
    ['daily', '2026-03-04T23:59:59.999Z', '2026-03-05T00:00:00.000Z', '2026-03-04'],
    ['daily', '2026-12-31T18:00:00.000Z', '2027-01-01T00:00:00.000Z', '2026-12-31'],
    ['daily', '2028-02-28T10:00:00.000Z', '2028-02-29T00:00:00.000Z', '2028-02-28'],
    ['daily', '2028-02-29T10:00:00.000Z', '2028-03-01T00:00:00.000Z', '2028-02-29'],
    ['weekly', '2026-03-04T12:00:00.000Z', '2026-03-09T00:00:00.000Z', '2026-03-02'], // Wednesday
    ['weekly', '2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z', '2026-03-02'], // Monday 00:00
    ['weekly', '2026-03-08T23:59:59.999Z', '2026-03-09T00:00:00.000Z', '2026-03-02'], // Sunday night
    ['weekly', '2026-12-30T08:00:00.000Z', '2027-01-04T00:00:00.000Z', '2026-12-28'], // across the year
    ['weekly', '2028-03-01T08:00:00.000Z', '2028-03-06T00:00:00.000Z', '2028-02-28'], // across a leap day
    ['monthly', '2026-01-31T23:00:00.000Z', '2026-02-01T00:00:00.000Z', '2026-01-01'],
    ['monthly', '2026-02-15T00:00:00.000Z', '2026-03-01T00:00:00.000Z', '2026-02-01'],
    ['monthly', '2028-02-29T23:59:59.999Z', '2028-03-01T00:00:00.000Z', '2028-02-01'],
    ['monthly', '2026-04-30T12:00:00.000Z', '2026-05-01T00:00:00.000Z', '2026-04-01'],
    ['monthly', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', '2026-12-01'],
  ];
  for (const [every, now, next, date] of rows) {
    const plan = nextReset('b', every, Date.parse(now));
    t.same([new Date(plan.atMs).toISOString(), plan.archiveId], [next, `b@${date}`], `${every} at ${now}`);
    t.equal(nextBoundary(every, Date.parse(now)), plan.atMs);
    t.equal(periodStart(every, plan.atMs), plan.atMs, 'a boundary starts its period');
  }
});

t.test('the resets option is validated; the first matching pattern wins', async (t) => {
  const o = resolveLeaderboardsOptions({ resets: [{ pattern: 'weekly:*', every: 'weekly' }, { pattern: 'daily', every: 'daily' }, { pattern: '*', every: 'monthly' }] });
  t.equal(resetOf(o, 'weekly:pvp'), 'weekly');
  t.equal(resetOf(o, 'daily'), 'daily');
  t.equal(resetOf(o, 'other'), 'monthly');
  t.equal(resetOf(resolveLeaderboardsOptions(), 'weekly:pvp'), undefined, 'no resets by default');
  t.equal(resetOf(o, 'weekly:pvp@2026-03-02'), undefined, 'archive ids never reset');
  t.equal(resolveLeaderboardsOptions().resetRetryMs, 30_000);
  t.throws(() => resolveLeaderboardsOptions({ resets: [{ pattern: 'x', every: 'hourly' as ResetEvery }] }), /resets\[0\]\.every/);
  t.throws(() => resolveLeaderboardsOptions({ resets: [{ pattern: '', every: 'daily' }] }), /resets\[0\]\.pattern/);
  t.throws(() => resolveLeaderboardsOptions({ resets: 'daily' as unknown as [] }), /resets must be a list/);
  t.throws(() => resolveLeaderboardsOptions({ resetRetryMs: 0 }), /resetRetryMs/);
});

interface World {
  readonly clock: SimulatedClock;
  readonly logger: MemoryLogger;
  readonly boards: Leaderboards;
}

async function world(t: Test, store: LeaderboardStore, epochStartMs: number, options: LeaderboardsOptions): Promise<World> {
  const clock = new SimulatedClock({ epochStartMs });
  const logger = new MemoryLogger();
  const system = new ActorSystem({ clock, logger });
  const boards = new Leaderboards({ system, store, options });
  await boards.start();
  t.teardown(() => system.stop());
  return { clock, logger, boards };
}

t.test('boards with a scheduled reset', async (t) => {
  const storage: Storage = await testStorage(t);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await storage.players.create({ username: uniqueName('lbr') })).id);
  const [a, b, c] = ids as [string, string, string];

  t.test('daily: at 00:00 UTC the period is archived to <board>@<date>, the live board starts empty', async (t) => {
    const board = uniqueName('day');
    const { clock, boards } = await world(t, storage.leaderboards, Date.parse('2026-03-04T23:00:00.000Z'), { resets: [{ pattern: board, every: 'daily' }], idleStopMs: 30 * DAY });
    await boards.submit(board, a, 10);
    await boards.submit(board, b, 20); // still dirty at the boundary: the reset flushes it first
    t.match(await boards.stats(board), { next_reset_at_ms: Date.parse('2026-03-05T00:00:00.000Z'), next_archive_id: `${board}@2026-03-04` });
    await clock.advance(HOUR - 1);
    t.equal((await boards.top(board)).length, 2, 'not before the boundary');
    await clock.advance(1);
    t.same(await boards.top(board), [], 'live board empty after the boundary');
    const archived = await boards.top(`${board}@2026-03-04`);
    t.same(archived.map((e) => [e.player_id, e.score, e.rank]), [[b, 20, 1], [a, 10, 2]], 'the archive is readable with top');
    t.same(await storage.leaderboards.top(board), [], 'nothing left in storage under the live id');
    await boards.submit(board, c, 5);
    t.same((await boards.top(board)).map((e) => [e.player_id, e.score]), [[c, 5]], 'new scores go to the new period');
    t.match(await boards.stats(board), { next_reset_at_ms: Date.parse('2026-03-06T00:00:00.000Z'), next_archive_id: `${board}@2026-03-05` }, 're-armed');
    await clock.advance(DAY);
    t.same((await boards.top(`${board}@2026-03-05`)).map((e) => [e.player_id, e.score]), [[c, 5]], 'the next period archived too');
    t.same(await boards.top(board), []);
  });

  t.test('weekly with a pattern: a wait longer than a day is reached in hops; boundary on Monday', async (t) => {
    const board = `weekly:${uniqueName('w')}`;
    const { clock, boards } = await world(t, storage.leaderboards, Date.parse('2026-03-04T12:00:00.000Z'), { resets: [{ pattern: 'weekly:*', every: 'weekly' }], idleStopMs: 30 * DAY, operators: { 'weekly:*': 'incr' } });
    await boards.submit(board, a, 3);
    await boards.submit(board, a, 4);
    await clock.advance(4 * DAY + 11 * HOUR); // Sunday 23:00
    t.same((await boards.top(board)).map((e) => e.score), [7], 'Sunday: still the same week');
    await clock.advance(HOUR);
    t.same(await boards.top(board), []);
    t.same((await boards.top(`${board}@2026-03-02`)).map((e) => [e.player_id, e.score]), [[a, 7]]);
    await boards.submit(board, a, 1);
    t.same((await boards.top(board)).map((e) => e.score), [1], 'incr starts again from nothing');
  });

  t.test('monthly across a leap-year February', async (t) => {
    const board = uniqueName('month');
    const { clock, boards } = await world(t, storage.leaderboards, Date.parse('2028-02-27T00:00:00.000Z'), { resets: [{ pattern: board, every: 'monthly' }], idleStopMs: 30 * DAY });
    await boards.submit(board, a, 1);
    await clock.advance(2 * DAY); // Feb 29
    t.equal((await boards.top(board)).length, 1);
    await clock.advance(DAY); // Mar 1
    t.same(await boards.top(board), []);
    t.same((await boards.top(`${board}@2028-02-01`)).map((e) => e.player_id), [a]);
  });

  t.test('a board started after a boundary it missed (stopped meanwhile) archives its old entries at once', async (t) => {
    const prefix = `${uniqueName('missed')}:`;
    const board = `${prefix}x`;
    await storage.leaderboards.upsertMany(board, [{ player_id: a, score: 9 }]);
    const stored = await storage.leaderboards.entry(board, a);
    const writtenMs = new Date(stored!.updated_at as unknown as string).getTime();
    const { clock, boards } = await world(t, storage.leaderboards, writtenMs + 2 * DAY, { resets: [{ pattern: `${prefix}*`, every: 'daily' }] });
    t.same(await boards.top(board), [], 'the old period is not served as the live board');
    const archive = archiveIdFor(board, 'daily', writtenMs);
    t.same((await boards.top(archive)).map((e) => [e.player_id, e.score]), [[a, 9]], 'archived under the period it was written in');
    t.equal(boards.resetOf(archive), undefined, 'the pattern matches the archive, but archives never reset');
    await clock.advance(DAY);
    t.same((await boards.top(archive)).map((e) => e.score), [9], 'the archive stays put');
    await boards.submit(board, b, 1);
    t.same((await boards.top(board)).map((e) => e.player_id), [b]);
  });

  t.test('a failed archive keeps every entry and is retried', async (t) => {
    const board = uniqueName('retry');
    let failures = 1;
    const store: LeaderboardStore = {
      load: (id) => storage.leaderboards.load(id),
      upsertMany: (id, entries) => storage.leaderboards.upsertMany(id, entries),
      archive: async (id, archiveId) => {
        if (failures-- > 0) throw new Error('db down');
        return storage.leaderboards.archive(id, archiveId);
      },
    };
    const { clock, logger, boards } = await world(t, store, Date.parse('2026-03-04T23:59:00.000Z'), { resets: [{ pattern: board, every: 'daily' }], resetRetryMs: 10_000 });
    await boards.submit(board, a, 42);
    await clock.advance(60_000);
    await boards.stats(board);
    t.same((await boards.top(board)).map((e) => e.score), [42], 'entries kept after the failure');
    t.match(logger.reports('leaderboard_reset_failed'), [{ leaderboard_id: board, archive_id: `${board}@2026-03-04`, error: 'Error: db down', retry_ms: 10_000 }], 'the failure is logged');
    await clock.advance(10_000);
    t.same(await boards.top(board), [], 'the retry archived them');
    t.same((await boards.top(`${board}@2026-03-04`)).map((e) => e.score), [42]);
  });
});
