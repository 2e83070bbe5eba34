import t from 'tap';
import { DynamicSupervisor, GenServer, Registry, ok, reply, stop, type GenServerBehaviour, type Pid } from '../src/index.js';
import { makeSystem } from './helpers.js';

interface Args {
  readonly id: string;
  readonly failStart?: boolean;
}
function room(log: string[], terminateDelayMs = 0): GenServerBehaviour<Args, Args, 'crash' | 'leave' | 'id', never, string> {
  return {
    init(args, ctx) {
      ctx.trapExit(true);
      if (args.failStart === true) return stop('refused');
      log.push(`start ${args.id}`);
      return ok(args);
    },
    handleCall(msg, _f, s) {
      if (msg === 'crash') throw new Error('room crashed');
      if (msg === 'leave') return stop('normal', s, { reply: 'bye' });
      return reply(s.id, s);
    },
    async terminate(reason, s, ctx) {
      // Everyone takes the same simulated time to stop: in parallel, the whole shutdown takes that once.
      if (terminateDelayMs > 0) await new Promise<void>((r) => ctx.system.clock.setTimer(r, terminateDelayMs));
      log.push(`stop ${s.id} ${String(reason)}`);
    },
  };
}

t.test('DynamicSupervisor', async (t) => {
  t.test('starts children from one template with their own arguments', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    const sup = await DynamicSupervisor.start(system, { template: GenServer.template(room(log)) });
    const a = await DynamicSupervisor.startChild(sup, { id: 'a' });
    const b = await DynamicSupervisor.startChild(sup, { id: 'b' });
    t.equal(await GenServer.call(a!, 'id'), 'a');
    t.equal(await GenServer.call(b!, 'id'), 'b');
    t.same((await DynamicSupervisor.whichChildren(sup)).map((c) => c.pid), [a, b]);
    t.same(await DynamicSupervisor.countChildren(sup), { active: 2, specs: 2, supervisors: 0, workers: 2 });
    await t.rejects(DynamicSupervisor.startChild(sup, { id: 'x', failStart: true }), { code: 'ACT_ERR_START_FAILED', reason: 'refused' });
    await system.stop();
  });

  t.test('maxChildren caps running children with ACT_ERR_MAX_CHILDREN', async (t) => {
    const { system } = makeSystem();
    const sup = await DynamicSupervisor.start(system, { template: GenServer.template(room([])), maxChildren: 2 });
    await DynamicSupervisor.startChild(sup, { id: '1' });
    const two = await DynamicSupervisor.startChild(sup, { id: '2' });
    await t.rejects(DynamicSupervisor.startChild(sup, { id: '3' }), { code: 'ACT_ERR_MAX_CHILDREN' });
    await DynamicSupervisor.terminateChild(sup, two!);
    t.ok(await DynamicSupervisor.startChild(sup, { id: '3' }), 'room again after one stopped');
    await t.rejects(DynamicSupervisor.terminateChild(sup, two!), { code: 'ACT_ERR_CHILD_NOT_FOUND' });
    await system.stop();
  });

  t.test('restarts a crashed child with the same arguments (one_for_one); transient children that finish are gone', async (t) => {
    const { system, clock } = makeSystem();
    const log: string[] = [];
    const rooms = new Registry<string>(system);
    const sup = await DynamicSupervisor.start(system, {
      template: GenServer.template(room(log), { restart: 'transient', options: (a: Args) => ({ name: rooms.via(a.id) }) }),
      intensity: 5,
    });
    const a = await DynamicSupervisor.startChild(sup, { id: 'a' });
    await DynamicSupervisor.startChild(sup, { id: 'b' });
    await GenServer.call(a!, 'crash').catch(() => {});
    await clock.advance(0);
    const a2 = rooms.lookup('a');
    t.ok(a2 && a2 !== a, 'restarted and re-registered under its key');
    t.equal(await GenServer.call(a2!, 'id'), 'a', 'with its original arguments');
    t.equal(await GenServer.call(rooms.via('b'), 'leave', {}, system), 'bye');
    await clock.advance(0);
    t.equal((await DynamicSupervisor.countChildren(sup)).active, 1, 'b finished normally and was not restarted');
    await system.stop();
  });

  t.test('simple_one_for_one children stop in parallel', async (t) => {
    const { system, clock } = makeSystem();
    const log: string[] = [];
    const sup = await DynamicSupervisor.start(system, { template: GenServer.template(room(log, 1000), { shutdown: 5000 }) });
    const pids: Pid[] = [];
    for (let i = 0; i < 5; i++) pids.push((await DynamicSupervisor.startChild(sup, { id: String(i) }))!);
    const stopping = DynamicSupervisor.stop(sup);
    await clock.advance(1000);
    await stopping;
    t.equal(log.filter((l) => l.startsWith('stop')).length, 5, 'all five stopped within one terminate time (1 s), so in parallel');
    t.equal(clock.now(), 1000);
    for (const p of pids) t.equal(system.isAlive(p), false);
    await system.stop();
  });

  t.test('gives up past its intensity and exits shutdown', async (t) => {
    const { system } = makeSystem();
    const sup = await DynamicSupervisor.start(system, { template: GenServer.template(room([]), { restart: 'permanent', shutdown: 'brutal_kill' }), intensity: 1 });
    const exited = system.awaitExit(sup);
    let pid = (await DynamicSupervisor.startChild(sup, { id: 'p' }))!;
    for (let i = 0; i < 2; i++) {
      await GenServer.call(pid, 'crash').catch(() => {});
      await system.settle();
      const children = system.isAlive(sup) ? await DynamicSupervisor.whichChildren(sup) : [];
      if (children[0] !== undefined) pid = children[0].pid;
    }
    t.equal(await exited, 'shutdown');
    await system.stop();
  });

  t.test('rejects invalid options', async (t) => {
    const { system } = makeSystem();
    await t.rejects(DynamicSupervisor.start(system, { template: GenServer.template(room([])), maxChildren: -1 }), { code: 'ACT_ERR_INVALID_SPEC' });
    await t.rejects(DynamicSupervisor.start(system, { template: { start: async () => 'ignore', shutdown: 'never' as never } }), { code: 'ACT_ERR_INVALID_SPEC' });
    await system.stop();
  });
});
