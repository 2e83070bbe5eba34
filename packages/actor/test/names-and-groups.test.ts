import fc from 'fast-check';
import t from 'tap';
import { GenServer, ProcessGroups, Registry, Supervisor, ok, reply, type PgEvent } from '../src/index.js';
import { makeSystem, recorder } from './helpers.js';

const Echo = {
  init: (id: string) => ok(id),
  handleCall: (_m: unknown, _f: unknown, id: string) => reply(id, id),
  handleCast: () => {
    throw new Error('crash on cast');
  },
};

t.test('Registry', async (t) => {
  t.test('unique keys: one live process per key, released at exit', async (t) => {
    const { system } = makeSystem();
    const reg = new Registry<string>(system);
    const a = system.spawn(() => {});
    const b = system.spawn(() => {});
    reg.register('k', a);
    reg.register('k', a);
    t.throws(() => reg.register('k', b), { code: 'ACT_ERR_NAME_TAKEN' });
    reg.register('k2', a);
    t.same(reg.keys(a).sort(), ['k', 'k2']);
    t.equal(reg.lookup('k'), a);
    system.exit(a, 'kill');
    await system.settle();
    t.equal(reg.lookup('k'), undefined);
    t.equal(reg.count(), 0);
    t.equal(reg.unregister('k'), false);
    reg.register('k', b);
    t.equal(reg.unregister('k'), true);
    t.throws(() => reg.register('x', a), { code: 'ACT_ERR_NOPROC' });
    await system.stop();
  });

  t.test('via names work for start, call and cast; a taken via name fails the start', async (t) => {
    const { system } = makeSystem();
    const reg = new Registry<string>(system);
    await GenServer.start(system, Echo, 'm1', { name: reg.via('match:1') });
    t.equal(await GenServer.call(reg.via('match:1'), 'who', {}, system), 'm1');
    await t.rejects(GenServer.start(system, Echo, 'm2', { name: reg.via('match:1') }), { code: 'ACT_ERR_NAME_TAKEN' });
    await system.stop();
  });

  t.test('a key is free for the restarted child before the supervisor sees the exit', async (t) => {
    const { system } = makeSystem();
    const reg = new Registry<string>(system);
    await Supervisor.start(system, { intensity: 10, children: [GenServer.childSpec('z', Echo, 'zone', { name: reg.via('zone:1') })] });
    for (let i = 0; i < 3; i++) {
      const before = reg.lookup('zone:1');
      GenServer.cast(reg.via('zone:1'), 'crash', system);
      await system.settle();
      const after = reg.lookup('zone:1');
      t.ok(after && after !== before);
    }
    await system.stop();
  });
});

t.test('ProcessGroups', async (t) => {
  t.test('a process may join a group several times and must leave as many times', async (t) => {
    const { system } = makeSystem();
    const pg = new ProcessGroups(system);
    const a = system.spawn(() => {});
    pg.join('g', a);
    pg.join('g', a);
    t.equal(pg.getMembers('g').length, 2);
    t.equal(pg.leave('g', a), true);
    t.same(pg.getMembers('g'), [a]);
    t.equal(pg.leave('g', a), true);
    t.same(pg.getMembers('g'), []);
    t.same(pg.whichGroups(), [], 'an empty group does not exist');
    t.equal(pg.leave('g', a), false);
    await system.stop();
  });

  t.test('group membership is cleaned up when the member exits', async (t) => {
    const { system } = makeSystem();
    const pg = new ProcessGroups(system);
    const a = system.spawn(() => {});
    const b = system.spawn(() => {});
    pg.join('chat', [a, b]);
    pg.join('other', a);
    system.exit(a, 'kill');
    await system.settle();
    t.same(pg.getMembers('chat'), [b]);
    t.same(pg.getLocalMembers('chat'), [b]);
    t.same(pg.whichGroups(), ['chat']);
    await system.stop();
  });

  t.test('joining a dead pid throws ACT_ERR_NOPROC and joins nothing', async (t) => {
    const { system } = makeSystem();
    const pg = new ProcessGroups(system);
    const alive = system.spawn(() => {});
    const dead = system.spawn(() => {});
    system.exit(dead, 'kill');
    await system.settle();
    t.throws(() => pg.join('g', [alive, dead]), { code: 'ACT_ERR_NOPROC' });
    t.same(pg.getMembers('g'), []);
    await system.stop();
  });

  t.test('group and scope monitors deliver join and leave events, including exits', async (t) => {
    const { system } = makeSystem();
    const pg = new ProcessGroups(system);
    const watcher = recorder(system);
    const scopeWatcher = recorder(system);
    const a = system.spawn(() => {});
    pg.join('g', a);
    const { ref, members } = pg.monitor(watcher.pid, 'g');
    t.same(members, [a]);
    const scope = pg.monitorScope(scopeWatcher.pid);
    t.same([...scope.groups.keys()], ['g']);
    const b = system.spawn(() => {});
    pg.join('g', b);
    pg.join('h', b);
    system.exit(b, 'kill');
    await system.settle();
    const events = watcher.messages as PgEvent[];
    t.same(events.map((e) => [e.event, e.group, e.pids.map(String)]), [['join', 'g', [String(b)]], ['leave', 'g', [String(b)]]]);
    t.equal(events[0]!.ref, ref);
    t.same((scopeWatcher.messages as PgEvent[]).map((e) => `${e.event} ${e.group}`).sort(), ['join g', 'join h', 'leave g', 'leave h']);
    t.equal(pg.demonitor(ref), true);
    t.equal(pg.demonitor(ref), false);
    pg.leave('g', a);
    await system.settle();
    t.equal(watcher.messages.length, 2, 'no events after demonitor');
    system.exit(scopeWatcher.pid, 'kill');
    await system.settle();
    t.equal(pg.monitorCount(), 0, 'a watcher that exits drops its monitors');
    await system.stop();
  });

  t.test('broadcast sends to every membership', async (t) => {
    const { system } = makeSystem();
    const pg = new ProcessGroups(system);
    const r1 = recorder(system);
    const r2 = recorder(system);
    pg.join('room', [r1.pid, r2.pid]);
    t.equal(pg.broadcast('room', 'hi'), 2);
    t.equal(pg.broadcast('empty', 'hi'), 0);
    await system.settle();
    t.same([r1.messages, r2.messages], [['hi'], ['hi']]);
    await system.stop();
  });
});

t.test('exit hooks', async (t) => {
  t.test('a process in a registry and in groups of two scopes is forgotten by each at exit, whichever it left first', async (t) => {
    const { system } = makeSystem();
    const reg = new Registry<string>(system);
    const g1 = new ProcessGroups<string>(system);
    const g2 = new ProcessGroups<string>(system);
    const a = system.spawn(() => {});
    g1.join('x', a);
    reg.register('a', a);
    g2.join('y', a);
    g2.leave('y', a);
    g2.join('z', a);
    g1.leave('x', a);
    g1.join('x', a);
    system.exit(a, 'kill');
    await system.settle();
    t.equal(reg.lookup('a'), undefined);
    t.same(g1.getMembers('x'), []);
    t.same(g2.getMembers('z'), []);
    const b = system.spawn(() => {});
    g1.join('x', b);
    g1.leave('x', b);
    reg.register('b', b);
    system.exit(b, 'kill');
    await system.settle();
    t.equal(reg.lookup('b'), undefined, 'a hook removed, then another added: the second still runs');
    t.same(g1.getMembers('x'), []);
  });
});

t.test('ProcessGroups against a plain model', async (t) => {
  t.test('any sequence of joins, leaves and exits leaves the members and groups the model says', async () => {
    type Op = { op: 'join' | 'leave'; p: number; g: number } | { op: 'exit'; p: number };
    const op = fc.oneof(
      fc.record({ op: fc.constantFrom('join' as const, 'leave' as const), p: fc.nat(3), g: fc.nat(2) }),
      fc.record({ op: fc.constant('exit' as const), p: fc.nat(3) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops: Op[]) => {
        const { system } = makeSystem();
        const pg = new ProcessGroups<string>(system);
        const pids = [0, 1, 2, 3].map(() => system.spawn(() => {}));
        const model = new Map<string, number[]>();
        const alive = [true, true, true, true];
        for (const o of ops) {
          if (o.op === 'exit') {
            if (!alive[o.p]) continue;
            alive[o.p] = false;
            system.exit(pids[o.p]!, 'kill');
            await system.settle();
            for (const [g, ms] of model) model.set(g, ms.filter((x) => x !== o.p));
            continue;
          }
          const g = `g${o.g}`;
          if (o.op === 'join') {
            if (!alive[o.p]) continue;
            pg.join(g, pids[o.p]!);
            model.set(g, [...(model.get(g) ?? []), o.p]);
          } else {
            const ms = model.get(g) ?? [];
            const i = ms.indexOf(o.p);
            if (pg.leave(g, pids[o.p]!) !== i >= 0) return false;
            if (i >= 0) ms.splice(i, 1);
          }
        }
        for (let g = 0; g < 3; g++) {
          const want = (model.get(`g${g}`) ?? []).map((i) => pids[i]!.toString()).sort();
          const got = pg.getMembers(`g${g}`).map((p) => p.toString()).sort();
          if (JSON.stringify(want) !== JSON.stringify(got)) return false;
          if (pg.broadcast(`g${g}`, 'x') !== want.length) return false;
        }
        const groups = [...model].filter(([, ms]) => ms.length > 0).map(([g]) => g).sort();
        if (JSON.stringify(pg.whichGroups().sort()) !== JSON.stringify(groups)) return false;
        await system.stop();
        return true;
      }),
      { numRuns: 150 },
    );
  });
});

