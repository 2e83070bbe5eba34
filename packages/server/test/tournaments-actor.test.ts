// The tournament actors and the Tournaments service (src/tournaments/*) on real storage and a simulated
// clock: pending → active → finished on the timers, join rules and codes, entry fee debits (and refunds),
// insufficient funds, rewards paid exactly once even when the finish is retried, and a restart that
// resumes a pending tournament.
import t, { type Test } from 'tap';
import { ActorSystem, MemoryLogger, SimulatedClock } from '@hajime/actor';
import type { Storage, TournamentStatus } from '@hajime/storage';
import { Leaderboards } from '../src/leaderboards/leaderboards.js';
import { parseRewards, payoutsFor } from '../src/tournaments/rules.js';
import { Tournaments } from '../src/tournaments/tournaments.js';
import { testStorage, uniqueName } from './helpers.js';

interface World {
  readonly clock: SimulatedClock;
  readonly system: ActorSystem;
  readonly boards: Leaderboards;
  readonly tournaments: Tournaments;
}

async function world(t: Test, storage: Storage, clock = new SimulatedClock({ epochStartMs: Date.now() })): Promise<World> {
  const system = new ActorSystem({ clock, logger: new MemoryLogger() });
  const boards = new Leaderboards({ system, store: storage.leaderboards });
  await boards.start();
  const tournaments = new Tournaments({ system, storage, standings: boards });
  await tournaments.start();
  t.teardown(() => system.stop());
  return { clock, system, boards, tournaments };
}

async function players(storage: Storage, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await storage.players.create({ username: uniqueName('tn') })).id);
  return ids;
}

/** Polls until the row has `status` (the actor's tick runs asynchronously after `clock.advance`). */
async function statusBecomes(storage: Storage, id: string, status: TournamentStatus): Promise<TournamentStatus | undefined> {
  for (let i = 0; i < 1000; i++) {
    const row = await storage.tournaments.get(id);
    if (row?.status === status) return status;
    await new Promise((r) => setTimeout(r, 5));
  }
  return (await storage.tournaments.get(id))?.status;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

function window(clock: SimulatedClock, startInMs: number, lengthMs: number): { start_at: Date; end_at: Date } {
  const start = clock.epochMs() + startInMs;
  return { start_at: new Date(start), end_at: new Date(start + lengthMs) };
}

t.test('reward tiers', async (t) => {
  const tiers = parseRewards([{ rank: 1, currency: 'gold', amount: 100 }, { from: 2, to: 3, currency: 'gold', amount: 10 }]);
  t.same(
    payoutsFor(tiers, [
      { player_id: 'a', rank: 1 },
      { player_id: 'b', rank: 2 },
      { player_id: 'c', rank: 3 },
      { player_id: 'd', rank: 4 },
    ]).map((p) => [p.player_id, p.tier, p.amount]),
    [
      ['a', 0, 100],
      ['b', 1, 10],
      ['c', 1, 10],
    ],
  );
  t.throws(() => parseRewards([{ rank: 0, currency: 'gold', amount: 1 }]), { code: 'validation_failed' });
  t.throws(() => parseRewards([{ from: 3, to: 2, currency: 'gold', amount: 1 }]), { code: 'validation_failed' });
  t.throws(() => parseRewards({ rank: 1 }), { code: 'validation_failed' });
});

t.test('Tournaments', async (t) => {
  const storage = await testStorage(t);

  t.test('pending → active at start_at → finished at end_at, on the system clock', async (t) => {
    const { clock, tournaments } = await world(t, storage);
    const row = await tournaments.create({ name: 'Cup', ...window(clock, 60_000, 60_000) });
    t.equal(row.status, 'pending');
    t.ok(tournaments.isLive(row.id), 'an actor runs for it');
    await clock.advance(59_999);
    await settle();
    t.equal((await storage.tournaments.get(row.id))?.status, 'pending', 'not before start_at');
    await clock.advance(1);
    t.equal(await statusBecomes(storage, row.id, 'active'), 'active', 'active at start_at');
    await clock.advance(60_000);
    t.equal(await statusBecomes(storage, row.id, 'finished'), 'finished', 'finished at end_at');
    await settle();
    t.notOk(tournaments.isLive(row.id), 'the actor stopped');
    t.same(await tournaments.liveTournaments(), []);
  });

  t.test('a tournament created past its window catches up at once', async (t) => {
    const { clock, tournaments } = await world(t, storage);
    const row = await tournaments.create({ name: 'Late', ...window(clock, -2000, 1000) });
    t.equal(await statusBecomes(storage, row.id, 'finished'), 'finished');
  });

  t.test('join rules: pending and active ok, duplicates, full, finished, unknown', async (t) => {
    const { clock, tournaments } = await world(t, storage);
    const [a, b, c] = await players(storage, 3);
    const row = await tournaments.create({ name: 'Small', max_entries: 2, ...window(clock, 1000, 1000) });
    const e = await tournaments.join(row.id, a!);
    t.match(e, { tournament_id: row.id, player_id: a }, 'joined while pending');
    await t.rejects(tournaments.join(row.id, a!), { code: 'tournament.already_joined' });
    await clock.advance(1000);
    await statusBecomes(storage, row.id, 'active');
    await tournaments.join(row.id, b!);
    await t.rejects(tournaments.join(row.id, c!), { code: 'tournament.full' });
    t.same((await tournaments.participants(row.id)).sort(), [a, b].sort(), 'participants persisted');
    await clock.advance(1000);
    await statusBecomes(storage, row.id, 'finished');
    const open = await tournaments.create({ name: 'Open', ...window(clock, 0, 1000) });
    await clock.advance(1000);
    await statusBecomes(storage, open.id, 'finished');
    await t.rejects(tournaments.join(open.id, c!), { code: 'tournament.closed' });
    await t.rejects(tournaments.join('00000000-0000-7000-8000-000000000000', c!), { code: 'tournament.not_found' });
    await t.rejects(tournaments.join('nope', c!), { code: 'tournament.not_found' });
  });

  t.test('the entry fee is debited once with the join; insufficient funds joins nothing', async (t) => {
    const { clock, tournaments } = await world(t, storage);
    const [rich, poor] = await players(storage, 2);
    await storage.economy.grant(rich!, 'gold', 100);
    await storage.economy.grant(poor!, 'gold', 5);
    const row = await tournaments.create({ name: 'Paid', entry_fee: { currency: 'gold', amount: 30 }, ...window(clock, 1000, 1000) });
    await tournaments.join(row.id, rich!);
    t.equal(await storage.economy.balance(rich!, 'gold'), 70, 'debited');
    const [debit] = await storage.economy.history(rich!, 'gold', { limit: 1 });
    t.match(debit, { amount: -30, idempotency_key: `tournament:${row.id}:${rich}`, reference_type: 'tournament', reference_id: row.id });
    await t.rejects(tournaments.join(row.id, rich!), { code: 'tournament.already_joined' });
    t.equal(await storage.economy.balance(rich!, 'gold'), 70, 'a duplicate join is not charged');
    await t.rejects(tournaments.join(row.id, poor!), { code: 'economy.insufficient_funds' });
    t.equal(await storage.economy.balance(poor!, 'gold'), 5);
    t.same(await tournaments.participants(row.id), [rich], 'the poor player did not join');
  });

  t.test('a fee whose join fails in storage is refunded', async (t) => {
    const { clock, tournaments } = await world(t, storage);
    const [a, b] = await players(storage, 2);
    await storage.economy.grant(b!, 'gold', 50);
    const row = await tournaments.create({ name: 'Race', max_entries: 1, entry_fee: { currency: 'gold', amount: 20 }, ...window(clock, 1000, 1000) });
    // Another node filled the last seat behind this actor's back: the storage refuses the join.
    await storage.tournaments.join(row.id, a!);
    await t.rejects(tournaments.join(row.id, b!), { code: 'tournament.full' });
    t.equal(await storage.economy.balance(b!, 'gold'), 50, 'refunded');
    const [refund] = await storage.economy.history(b!, 'gold', { limit: 1 });
    t.match(refund, { amount: 20, idempotency_key: `tournament:${row.id}:${b}:refund` });
    // A seat frees up: the retried join pays again (a refunded key is never replayed into a free entry).
    await storage.tournaments.leave(row.id, a!);
    await tournaments.join(row.id, b!);
    t.equal(await storage.economy.balance(b!, 'gold'), 30, 'charged again after the refund');
    const [again] = await storage.economy.history(b!, 'gold', { limit: 1 });
    t.match(again, { amount: -20, idempotency_key: `tournament:${row.id}:${b}:2` });
  });

  t.test('a debit whose join never happened is not charged twice', async (t) => {
    const { clock, tournaments } = await world(t, storage);
    const [p] = await players(storage, 1);
    await storage.economy.grant(p!, 'gold', 50);
    const row = await tournaments.create({ name: 'Crash', entry_fee: { currency: 'gold', amount: 20 }, ...window(clock, 1000, 1000) });
    // A node debited the fee and died before writing the join.
    await storage.economy.debit(p!, 'gold', 20, { idempotency_key: `tournament:${row.id}:${p}` });
    await tournaments.join(row.id, p!);
    t.equal(await storage.economy.balance(p!, 'gold'), 30, 'the earlier debit counts');
    t.same(await tournaments.participants(row.id), [p]);
  });

  t.test('rewards are paid from the final standings once, even when the finish is retried', async (t) => {
    const { clock, boards, tournaments } = await world(t, storage);
    const [a, b, c, outsider] = await players(storage, 4);
    const row = await tournaments.create({
      name: 'Prized',
      rewards: [{ rank: 1, currency: 'gems', amount: 100 }, { from: 2, to: 3, currency: 'gems', amount: 10 }],
      ...window(clock, 1000, 1000),
    });
    for (const p of [a, b, c]) await tournaments.join(row.id, p!);
    await boards.submit(row.leaderboard_id, a!, 50);
    await boards.submit(row.leaderboard_id, b!, 80);
    await boards.submit(row.leaderboard_id, c!, 10);
    await boards.submit(row.leaderboard_id, outsider!, 999); // on the board, not a participant: not ranked
    await clock.advance(2000);
    t.equal(await statusBecomes(storage, row.id, 'finished'), 'finished');
    const balances = async () => Promise.all([a, b, c, outsider].map((p) => storage.economy.balance(p!, 'gems')));
    t.same(await balances(), [10, 100, 10, 0], 'b first, a second, c third; the outsider gets nothing');
    await tournaments.finish(row.id);
    await tournaments.finish(row.id);
    t.same(await balances(), [10, 100, 10, 0], 'a retried finish pays nothing more');
    const [reward] = await storage.economy.history(b!, 'gems', { limit: 1 });
    t.match(reward, { amount: 100, idempotency_key: `tournament:${row.id}:reward:0`, reason: 'tournament_reward' });
  });

  t.test('a manual finish ends an active tournament and pays', async (t) => {
    const { clock, boards, tournaments } = await world(t, storage);
    const [a] = await players(storage, 1);
    const row = await tournaments.create({ name: 'Early', rewards: [{ rank: 1, currency: 'gold', amount: 7 }], ...window(clock, 0, 60_000) });
    await tournaments.join(row.id, a!);
    await boards.submit(row.leaderboard_id, a!, 1);
    const done = await tournaments.finish(row.id);
    t.equal(done.status, 'finished');
    t.equal(await storage.economy.balance(a!, 'gold'), 7);
    await settle();
    t.notOk(tournaments.isLive(row.id));
    await clock.advance(60_000);
    await settle();
    t.equal(await storage.economy.balance(a!, 'gold'), 7, 'the old end timer pays nothing');
  });

  t.test('a restarted service resumes a pending tournament and its participants', async (t) => {
    const clock = new SimulatedClock({ epochStartMs: Date.now() });
    const first = await world(t, storage, clock);
    const [a, b] = await players(storage, 2);
    const row = await first.tournaments.create({ name: 'Resumed', max_entries: 1, ...window(clock, 5000, 5000) });
    await first.tournaments.join(row.id, a!);
    await first.tournaments.stop();
    t.notOk(first.tournaments.isLive(row.id));
    const second = new Tournaments({ system: first.system, storage, standings: first.boards });
    await second.start();
    t.ok(second.isLive(row.id), 'the restarted service runs an actor for the pending row');
    await t.rejects(second.join(row.id, b!), { code: 'tournament.full' }, 'participants hydrated from storage');
    await clock.advance(5000);
    t.equal(await statusBecomes(storage, row.id, 'active'), 'active');
    await clock.advance(5000);
    t.equal(await statusBecomes(storage, row.id, 'finished'), 'finished');
    await second.stop();
  });

  t.test('create validates the fee and rewards', async (t) => {
    const { clock, tournaments } = await world(t, storage);
    await t.rejects(tournaments.create({ name: 'x', entry_fee: { currency: 'gold', amount: 0 }, ...window(clock, 0, 10) }), { code: 'validation_failed' });
    await t.rejects(tournaments.create({ name: 'x', rewards: [{ rank: 1, currency: 'gold' }], ...window(clock, 0, 10) }), { code: 'validation_failed' });
  });
});
