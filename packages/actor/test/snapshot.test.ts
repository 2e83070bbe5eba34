import t from 'tap';
import {
  ActorSystem,
  GenServer,
  MemoryLogger,
  MemorySnapshotStore,
  SimulatedClock,
  Supervisor,
  noreply,
  ok,
  reply,
  type GenServerBehaviour,
  type SnapshotStore,
  type StoredSnapshot,
} from '../src/index.js';

interface Game {
  tick: number;
  players: string[];
}

function tickingGame(version = 1): GenServerBehaviour<Game, { id: string }, 'state' | 'crash', string, Game> {
  return {
    snapshotVersion: version,
    init(_args, ctx) {
      ctx.sendInterval('tick', 100);
      return ok({ tick: 0, players: [] });
    },
    restore(snapshot, _args, ctx) {
      ctx.sendInterval('tick', 100);
      return ok(snapshot as Game);
    },
    snapshot: (s) => s,
    handleCall(msg, _f, s) {
      if (msg === 'crash') throw new Error('bug in tick');
      return reply(s, s);
    },
    handleCast(player, s) {
      return noreply({ ...s, players: [...s.players, player] }, { snapshot: true });
    },
    handleInfo(_msg, s) {
      return noreply({ ...s, tick: s.tick + 1 }, { snapshot: true });
    },
  };
}

function setup(store: SnapshotStore = new MemorySnapshotStore()) {
  const clock = new SimulatedClock();
  const logger = new MemoryLogger();
  const system = new ActorSystem({ clock, logger, snapshotStore: store });
  return { clock, logger, system, store };
}

t.test('snapshot-on-crash', async (t) => {
  t.test('a process restarted by its supervisor after a crash starts from the last snapshot', async (t) => {
    const { system, clock, logger } = setup();
    await Supervisor.start(system, { intensity: 5, children: [GenServer.childSpec('game', tickingGame(), { id: 'g1' }, { name: 'game:g1' })] });
    GenServer.cast('game:g1', 'alice', system);
    await clock.advance(500);
    const before = await GenServer.call<Game>('game:g1', 'state', {}, system);
    t.same(before, { tick: 5, players: ['alice'] });
    await GenServer.call('game:g1', 'crash', {}, system).catch(() => {});
    await system.settle();
    const after = await GenServer.call<Game>('game:g1', 'state', {}, system);
    t.same(after, before, 'resumed with the state of the last tick, not empty');
    await clock.advance(100);
    t.equal((await GenServer.call<Game>('game:g1', 'state', {}, system)).tick, 6, 'and keeps ticking');
    t.equal(logger.reports('restored_from_snapshot').length, 1);
    await system.stop();
  });

  t.test('a normal stop deletes the snapshot', async (t) => {
    const { system, clock, store } = setup();
    const pid = await GenServer.start(system, tickingGame(), { id: 'g' }, { snapshotKey: 'match:g' });
    await clock.advance(300);
    t.ok(await store.load('match:g'));
    await GenServer.stop(pid, 'normal');
    await system.settle();
    t.equal(await store.load('match:g'), undefined);
    await system.stop();
  });

  t.test('a shutdown keeps the snapshot (a sibling restart must resume), a later start restores it', async (t) => {
    const { system, clock, store } = setup();
    const pid = await GenServer.start(system, tickingGame(), { id: 'g' }, { snapshotKey: 'match:g' });
    await clock.advance(300);
    await GenServer.stop(pid, 'shutdown');
    await system.settle();
    t.match(await store.load('match:g'), { version: 1, data: { tick: 3 } });
    const again = await GenServer.start(system, tickingGame(), { id: 'g' }, { snapshotKey: 'match:g' });
    t.equal((await GenServer.call<Game>(again, 'state')).tick, 3);
    await system.stop();
  });

  t.test('a snapshot of an unknown version starts fresh and is logged', async (t) => {
    const { system, clock, store, logger } = setup();
    const pid = await GenServer.start(system, tickingGame(1), { id: 'g' }, { snapshotKey: 'k' });
    await clock.advance(200);
    system.exit(pid, 'kill');
    await system.settle();
    const fresh = await GenServer.start(system, tickingGame(2), { id: 'g' }, { snapshotKey: 'k' });
    t.equal((await GenServer.call<Game>(fresh, 'state')).tick, 0);
    t.match(logger.reports('snapshot_version_mismatch'), [{ key: 'k', stored: 1, expected: 2 }]);
    void store;
    await system.stop();
  });

  t.test('a restore that throws starts fresh, drops the snapshot and is logged', async (t) => {
    const { system, store, logger } = setup();
    await store.save('k', { version: 1, data: null, savedAtMs: 0 });
    const beh = { ...tickingGame(), restore: () => { throw new Error('corrupt'); } };
    const pid = await GenServer.start(system, beh, { id: 'g' }, { snapshotKey: 'k' });
    t.equal((await GenServer.call<Game>(pid, 'state')).tick, 0);
    t.equal(logger.reports('snapshot_restore_failed').length, 1);
    await system.stop();
  });

  t.test('writes are serialised per key and a restart reads the newest one', async (t) => {
    // A slow store: each save takes a macrotask; the restart must still see the last write.
    const inner = new MemorySnapshotStore();
    let saves = 0;
    const slow: SnapshotStore = {
      save: async (k: string, s: StoredSnapshot) => {
        saves++;
        await new Promise((r) => setImmediate(r));
        await inner.save(k, s);
      },
      load: (k) => inner.load(k),
      delete: (k) => inner.delete(k),
    };
    const { system } = setup(slow);
    await Supervisor.start(system, { intensity: 5, children: [GenServer.childSpec('g', tickingGame(), { id: 'x' }, { name: 'g' })] });
    for (let i = 0; i < 50; i++) GenServer.cast('g', `p${i}`, system);
    await GenServer.call('g', 'crash', {}, system).catch(() => {});
    await system.settle();
    const state = await GenServer.call<Game>('g', 'state', {}, system);
    t.equal(state.players.length, 50, 'no write lost');
    t.ok(saves < 50, `writes coalesced (${saves} store writes for 50 snapshots)`);
    await system.stop();
  });

  t.test('the memory store copies, so later state changes never leak into a snapshot', async (t) => {
    const store = new MemorySnapshotStore();
    const data = { a: [1] };
    await store.save('k', { version: 1, data, savedAtMs: 0 });
    data.a.push(2);
    t.same((await store.load('k'))?.data, { a: [1] });
    t.equal(store.size, 1);
    await store.delete('k');
    t.equal(store.size, 0);
  });
});
