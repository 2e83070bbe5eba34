import { ActorSystem, GenServer, MemoryLogger, SimulatedClock, Supervisor, noreply, ok, reply, type GenServerBehaviour } from '@hajime/actor';
import type { Suite } from './harness.js';
import { unique } from './harness.js';

export const snapshotsSuite: Suite = async (t, { storage }) => {
  t.test('save, load, overwrite, delete; keys by prefix', async (t) => {
    const key = unique('match');
    t.equal(await storage.snapshots.load(key), undefined);
    await storage.snapshots.save(key, { version: 1, data: { tick: 1, players: ['a'] }, savedAtMs: Date.UTC(2026, 0, 1) });
    await storage.snapshots.save(key, { version: 2, data: { tick: 2 }, savedAtMs: Date.UTC(2026, 0, 2) });
    t.same(await storage.snapshots.load(key), { version: 2, data: { tick: 2 }, savedAtMs: Date.UTC(2026, 0, 2) });
    t.same(await storage.snapshots.keys(key), [key]);
    await storage.snapshots.delete(key);
    t.equal(await storage.snapshots.load(key), undefined);
  });

  t.test('a supervised process restarted after a crash resumes from the snapshot in the database', async (t) => {
    const Counter: GenServerBehaviour<{ n: number }, undefined, 'get' | 'crash', 'inc', number> = {
      init: () => ok({ n: 0 }),
      restore: (snap) => ok(snap as { n: number }),
      snapshot: (s) => s,
      handleCall: (m, _f, s) => {
        if (m === 'crash') throw new Error('boom');
        return reply(s.n, s);
      },
      handleCast: (_m, s) => noreply({ n: s.n + 1 }, { snapshot: true }),
    };
    const system = new ActorSystem({ clock: new SimulatedClock(), logger: new MemoryLogger(), snapshotStore: storage.snapshots });
    const name = unique('counter');
    await Supervisor.start(system, { intensity: 5, children: [GenServer.childSpec('c', Counter, undefined, { name })] });
    for (let i = 0; i < 3; i++) GenServer.cast(name, 'inc', system);
    t.equal(await GenServer.call(name, 'get', {}, system), 3);
    await GenServer.call(name, 'crash', {}, system).catch(() => {});
    await system.settle();
    t.equal(await GenServer.call(name, 'get', {}, system), 3, 'restored from the database row');
    await system.stop();
    t.same((await storage.snapshots.load(name))?.data, { n: 3 }, 'a shutdown keeps it');
  });
};
