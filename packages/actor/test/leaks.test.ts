import t from 'tap';
import { ActorSystem, GenServer, ProcessGroups, Registry, SimulatedClock, silentLogger, ok, type Pid } from '../src/index.js';

t.test('no leaks', async (t) => {
  t.test('100k processes spawned and stopped leave no timer, monitor, link, name, group or registry entry behind', async (t) => {
    const clock = new SimulatedClock();
    const system = new ActorSystem({ clock, logger: silentLogger });
    const reg = new Registry<number>(system);
    const pg = new ProcessGroups<string>(system);
    const watcher = system.spawn(() => {});
    const N = 100_000;
    const batch = 10_000;
    for (let start = 0; start < N; start += batch) {
      const pids: Pid[] = [];
      for (let i = start; i < start + batch; i++) {
        const pid = system.spawn((msg, ctx) => {
          if (msg === 'arm') {
            ctx.sendAfter('later', 60_000);
            ctx.sendInterval('tick', 1_000);
          }
        });
        if (i % 2 === 0) system.register(`p${i}`, pid);
        reg.register(i, pid);
        pg.join(`g${i % 100}`, pid);
        system.monitor(watcher, pid);
        system.send(pid, 'arm');
        pids.push(pid);
      }
      await system.settle();
      for (const pid of pids) system.exit(pid, i_kill(pid));
      await system.settle();
    }
    const stats = system.stats();
    t.equal(stats.processes, 1, 'only the watcher remains');
    t.equal(stats.names, 0);
    t.equal(stats.timers, 0);
    t.equal(stats.monitors, 0);
    t.equal(stats.links, 0);
    t.equal(clock.pendingTimers(), 0);
    t.equal(reg.count(), 0);
    t.same(pg.whichGroups(), []);
    await system.stop();
  });

  t.test('GenServers with idle timeouts leave no timer behind when stopped', async (t) => {
    const clock = new SimulatedClock();
    const system = new ActorSystem({ clock, logger: silentLogger });
    const beh = { init: () => ok(null, { timeoutMs: 10_000 }) };
    const pids: Pid[] = [];
    for (let i = 0; i < 1000; i++) pids.push(await GenServer.start(system, beh, undefined));
    for (const pid of pids) await GenServer.stop(pid);
    t.equal(clock.pendingTimers(), 0);
    t.equal(system.stats().processes, 0);
    await system.stop();
  });
});

/** Alternate exit reasons so both the signal and the kill paths are exercised. */
function i_kill(pid: Pid): 'kill' | 'shutdown' {
  return pid.id % 2 === 0 ? 'kill' : 'shutdown';
}
