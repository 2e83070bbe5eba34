import t from 'tap';
import { ActorError, isDownMessage, isExitMessage, type DownMessage, type ExitMessage, type Pid } from '../src/index.js';
import { inProcess, makeSystem, recorder } from './helpers.js';

t.test('spawn and send', async (t) => {
  t.test('delivers messages in send order, one at a time', async (t) => {
    const { system } = makeSystem();
    const r = recorder(system);
    for (let i = 0; i < 1000; i++) system.send(r.pid, i);
    await system.settle();
    t.same(r.messages, Array.from({ length: 1000 }, (_, i) => i));
    await system.stop();
  });

  t.test('an async handler blocks the next message until it settles', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const pid = system.spawn(async (msg) => {
      log.push(`start ${String(msg)}`);
      if (msg === 1) await gate;
      log.push(`end ${String(msg)}`);
    });
    system.send(pid, 1);
    system.send(pid, 2);
    await system.settle();
    t.same(log, ['start 1'], 'message 2 waits for message 1');
    release();
    await system.settle();
    t.same(log, ['start 1', 'end 1', 'start 2', 'end 2']);
    await system.stop();
  });

  t.test('a handler that throws crashes only its process with an error reason', async (t) => {
    const { system, logger } = makeSystem();
    const pid = system.spawn(() => {
      throw new Error('boom');
    });
    const other = recorder(system);
    const exited = system.awaitExit(pid);
    system.send(pid, 'x');
    const reason = await exited;
    t.ok(typeof reason === 'object' && 'error' in reason && (reason.error as Error).message === 'boom');
    t.equal(system.isAlive(other.pid), true);
    t.equal(logger.reports('crash_report').length, 1);
    await system.stop();
  });

  t.test('onExit calls back with the exit reason once per registration (noproc for a process already gone)', async (t) => {
    const { system } = makeSystem();
    const pid = system.spawn(() => {});
    const seen: unknown[] = [];
    system.onExit(pid, (r) => seen.push(['a', r]));
    system.onExit(pid, (r) => seen.push(['b', r]));
    t.same(seen, [], 'nothing before the exit');
    system.exit(pid, 'kill');
    await system.settle();
    t.same(seen, [['a', 'killed'], ['b', 'killed']]);
    system.onExit(pid, (r) => seen.push(['late', r]));
    t.equal(seen.length, 2, 'a late registration is called back asynchronously');
    await Promise.resolve();
    t.same(seen.at(-1), ['late', 'noproc']);
    await system.stop();
  });

  t.test('a rejected async handler crashes the process, never the event loop', async (t) => {
    const { system } = makeSystem();
    const pid = system.spawn(async () => {
      await Promise.resolve();
      throw new Error('late boom');
    });
    system.send(pid, 'x');
    const reason = await system.awaitExit(pid);
    t.match(reason, { error: { message: 'late boom' } });
    await system.stop();
  });

  t.test('send to an unregistered name throws ACT_ERR_NOT_REGISTERED; to a dead pid it is dropped', async (t) => {
    const { system } = makeSystem();
    t.throws(() => system.send('nobody', 1), { code: 'ACT_ERR_NOT_REGISTERED' });
    const pid = system.spawn(() => {});
    system.exit(pid, 'kill');
    await system.settle();
    t.doesNotThrow(() => system.send(pid, 1));
    await system.stop();
  });

  t.test('pids are unique and print with their node', async (t) => {
    const { system } = makeSystem();
    const a = system.spawn(() => {});
    const b = system.spawn(() => {});
    t.not(a.id, b.id);
    t.match(a.toString(), /^<local\.\d+>$/);
    await system.stop();
  });

  t.test('two systems in one process never interfere', async (t) => {
    const one = makeSystem();
    const two = makeSystem();
    one.system.register('same', recorder(one.system).pid);
    two.system.register('same', recorder(two.system).pid);
    t.not(one.system.whereis('same'), two.system.whereis('same'));
    t.equal(one.system.stats().processes, 1);
    await one.system.stop();
    t.equal(two.system.stats().processes, 1);
    await two.system.stop();
  });
});

t.test('links and exit signals', async (t) => {
  t.test('a process exiting abnormally kills linked processes with the same reason', async (t) => {
    const { system } = makeSystem();
    const a = system.spawn(() => {
      throw new Error('a failed');
    });
    const b = system.spawnLink(a, () => {});
    const bExit = system.awaitExit(b);
    system.send(a, 'go');
    t.match(await bExit, { error: { message: 'a failed' } });
    await system.stop();
  });

  t.test('a normal exit signal is dropped by a process not trapping exits', async (t) => {
    const { system } = makeSystem();
    const a = system.spawn(() => {});
    const b = system.spawnLink(a, () => {});
    system.exit(a, 'normal');
    await system.settle();
    t.equal(system.isAlive(a), true, 'normal exit signal from outside is ignored');
    await inProcess(system, (ctx) => ctx.exit(b, 'normal'));
    t.equal(system.isAlive(b), true);
    await system.stop();
  });

  t.test('trapping exits turns exit signals into EXIT messages', async (t) => {
    const { system } = makeSystem();
    const watcher = recorder(system, { trapExit: true });
    const child = system.spawnLink(watcher.pid, () => {
      throw new Error('child failed');
    });
    system.send(child, 'go');
    await system.settle();
    t.equal(system.isAlive(watcher.pid), true);
    const exits = watcher.messages.filter(isExitMessage);
    t.equal(exits.length, 1);
    t.equal(exits[0]!.from, child);
    t.match(exits[0]!.reason, { error: { message: 'child failed' } });
    await system.stop();
  });

  t.test('exit(pid, kill) kills even a trapping process, with reason killed', async (t) => {
    const { system } = makeSystem();
    const trapper = recorder(system, { trapExit: true });
    const linked = recorder(system, { trapExit: true });
    system.link(linked.pid, trapper.pid);
    system.exit(trapper.pid, 'kill');
    t.equal(await system.awaitExit(trapper.pid), 'killed');
    await system.settle();
    const exits = linked.messages.filter(isExitMessage);
    t.equal(exits[0]?.reason, 'killed', 'linked processes see killed');
    await system.stop();
  });

  t.test('a linked exit with reason kill is trappable (not turned into killed)', async (t) => {
    const { system } = makeSystem();
    const trapper = recorder(system, { trapExit: true });
    const pid = await inProcess(system, () => {});
    system.link(trapper.pid, pid);
    await inProcess(system, (ctx) => ctx.exit(pid, 'kill'));
    await system.settle();
    t.equal(system.isAlive(trapper.pid), true);
    t.same(
      trapper.messages.filter(isExitMessage).map((m) => m.reason),
      ['killed'],
      'the killed process exits with killed, which trapping linked processes receive as a message',
    );
    await system.stop();
  });

  t.test('link is idempotent and bidirectional; unlink removes it', async (t) => {
    const { system } = makeSystem();
    const a = recorder(system, { trapExit: true });
    const b = recorder(system, { trapExit: true });
    await inProcess(system, () => {});
    system.link(a.pid, b.pid);
    system.link(a.pid, b.pid);
    system.link(b.pid, a.pid);
    t.equal(system.stats().links, 1);
    system.exit(b.pid, 'kill');
    await system.settle();
    t.equal(a.messages.filter(isExitMessage).length, 1, 'one link, one EXIT');
    await system.stop();
  });

  t.test('links added and removed in any order: the exit reaches exactly the processes still linked', async (t) => {
    const { system } = makeSystem();
    const a = recorder(system, { trapExit: true });
    const b = recorder(system, { trapExit: true });
    const c = recorder(system, { trapExit: true });
    const x = recorder(system);
    system.send(x.pid, 'wake');
    await system.settle();
    const ctx = x.ctx();
    ctx.link(a.pid);
    ctx.link(b.pid);
    ctx.unlink(a.pid);
    ctx.link(c.pid);
    ctx.unlink(b.pid);
    t.equal(system.stats().links, 1);
    system.exit(x.pid, 'boom');
    await system.settle();
    t.same([a, b, c].map((r) => r.messages.filter(isExitMessage).length), [0, 0, 1]);
    await system.stop();
  });

  t.test('linking to a dead process delivers noproc', async (t) => {
    const { system } = makeSystem();
    const dead = system.spawn(() => {});
    system.exit(dead, 'kill');
    await system.settle();
    const trapper = recorder(system, { trapExit: true });
    system.link(trapper.pid, dead);
    await system.settle();
    t.match(trapper.messages.filter(isExitMessage), [{ reason: 'noproc' }]);
    const plain = system.spawn(() => {});
    system.link(plain, dead);
    t.equal(await system.awaitExit(plain), 'noproc', 'a process not trapping exits dies with noproc');
    await system.stop();
  });

  t.test('a kill is not stuck behind a pending async handler', async (t) => {
    const { system } = makeSystem();
    const pid = system.spawn(async () => {
      await new Promise(() => {});
    });
    system.send(pid, 'hang');
    await system.settle();
    system.exit(pid, 'kill');
    t.equal(await system.awaitExit(pid), 'killed');
    await system.stop();
  });

  t.test('signals from one sender arrive in send order', async (t) => {
    const { system } = makeSystem();
    const trapper = recorder(system, { trapExit: true });
    const from = await inProcess(system, (ctx) => {
      ctx.send(trapper.pid, 'first');
      ctx.exit(trapper.pid, 'reason-1');
      ctx.exit(trapper.pid, 'reason-2');
    });
    await system.settle();
    t.same(
      trapper.messages.map((m) => (isExitMessage(m) ? m.reason : m)),
      ['first', 'reason-1', 'reason-2'],
    );
    t.equal((trapper.messages[1] as ExitMessage).from, from);
    await system.stop();
  });
});

t.test('monitors', async (t) => {
  t.test('DOWN arrives with the exit reason when the target exits', async (t) => {
    const { system } = makeSystem();
    const watcher = recorder(system);
    const target = system.spawn(() => {
      throw new Error('x');
    });
    let ref!: number;
    await inProcess(system, () => {});
    ref = system.monitor(watcher.pid, target);
    system.send(target, 'go');
    await system.settle();
    const downs = watcher.messages.filter(isDownMessage);
    t.equal(downs.length, 1);
    t.equal(downs[0]!.ref, ref);
    t.equal(downs[0]!.pid, target);
    t.match(downs[0]!.reason, { error: { message: 'x' } });
    t.equal(system.isAlive(watcher.pid), true, 'monitors are one-way: the watcher is not killed');
    await system.stop();
  });

  t.test('a monitor on a dead actor fires DOWN with noproc', async (t) => {
    const { system } = makeSystem();
    const watcher = recorder(system);
    const dead = system.spawn(() => {});
    system.exit(dead, 'kill');
    await system.settle();
    system.monitor(watcher.pid, dead);
    system.monitor(watcher.pid, 'never-registered');
    await system.settle();
    t.same(
      watcher.messages.filter(isDownMessage).map((d) => d.reason),
      ['noproc', 'noproc'],
    );
    await system.stop();
  });

  t.test('every monitor call creates an independent monitor', async (t) => {
    const { system } = makeSystem();
    const watcher = recorder(system);
    const target = system.spawn(() => {});
    const r1 = system.monitor(watcher.pid, target);
    const r2 = system.monitor(watcher.pid, target);
    t.not(r1, r2);
    system.exit(target, 'kill');
    await system.settle();
    t.same(
      watcher.messages.filter(isDownMessage).map((d) => d.ref).sort(),
      [r1, r2].sort(),
    );
    await system.stop();
  });

  t.test('monitors added and removed in any order: only the live ones fire, once each', async (t) => {
    const { system } = makeSystem();
    const w1 = recorder(system);
    const w2 = recorder(system);
    const target = system.spawn(() => {});
    system.send(w1.pid, 'wake');
    system.send(w2.pid, 'wake');
    await system.settle();
    const a = w1.ctx().monitor(target);
    const b = w2.ctx().monitor(target);
    w1.ctx().demonitor(a);
    const c = w1.ctx().monitor(target);
    w2.ctx().demonitor(b);
    const d = w2.ctx().monitor(target);
    w2.ctx().demonitor(d);
    t.equal(system.stats().monitors, 1);
    system.exit(target, 'kill');
    await system.settle();
    t.same(w1.messages.filter(isDownMessage).map((m) => m.ref), [c]);
    t.same(w2.messages.filter(isDownMessage), []);
    await system.stop();
  });

  t.test('monitoring a registered name watches the process behind it', async (t) => {
    const { system } = makeSystem();
    const watcher = recorder(system);
    const target = system.spawn(() => {}, { name: 'svc' });
    system.monitor(watcher.pid, 'svc');
    system.exit(target, 'bye');
    await system.settle();
    t.match(watcher.messages.filter(isDownMessage), [{ pid: target, reason: 'bye' }]);
    await system.stop();
  });

  t.test('demonitor stops the DOWN; with flush it also drops one already queued', async (t) => {
    const { system } = makeSystem();
    const seen: DownMessage[] = [];
    let ref1 = 0 as never as ReturnType<typeof system.monitor>;
    let ref2 = 0 as never as ReturnType<typeof system.monitor>;
    let target!: Pid;
    const watcher = system.spawn((msg, ctx) => {
      if (msg === 'setup') {
        target = ctx.system.spawn(() => {});
        ref1 = ctx.monitor(target);
        ref2 = ctx.monitor(target);
        t.equal(ctx.demonitor(ref1), true);
        t.equal(ctx.demonitor(ref1), false, 'second demonitor: not active');
      } else if (msg === 'flush') {
        t.equal(ctx.demonitor(ref2, { flush: true }), false, 'already fired');
      } else if (isDownMessage(msg)) seen.push(msg);
    });
    system.send(watcher, 'setup');
    await system.settle();
    // Queue the DOWN and the flush request behind a message the watcher is still handling.
    system.exit(target, 'kill');
    await system.settle();
    t.equal(seen.length, 1, 'only the remaining monitor fired');
    t.equal(seen[0]!.ref, ref2);
    await system.stop();
  });

  t.test('monitors held by an exiting process are removed from their targets', async (t) => {
    const { system } = makeSystem();
    const target = system.spawn(() => {});
    const watcher = system.spawn(() => {});
    system.monitor(watcher, target);
    t.equal(system.stats().monitors, 1);
    system.exit(watcher, 'kill');
    await system.settle();
    t.equal(system.stats().monitors, 0);
    await system.stop();
  });
});

t.test('registered names', async (t) => {
  t.test('one name per process, one process per name, released at exit', async (t) => {
    const { system } = makeSystem();
    const a = system.spawn(() => {});
    const b = system.spawn(() => {});
    system.register('a', a);
    t.throws(() => system.register('a', b), { code: 'ACT_ERR_NAME_TAKEN' });
    t.throws(() => system.register('another', a), { code: 'ACT_ERR_ALREADY_REGISTERED' });
    t.equal(system.whereis('a'), a);
    system.exit(a, 'kill');
    await system.settle();
    t.equal(system.whereis('a'), undefined);
    system.register('a', b);
    t.equal(system.whereis('a'), b);
    t.equal(system.unregister('a'), true);
    t.equal(system.unregister('a'), false);
    const dead = system.spawn(() => {});
    system.exit(dead, 'kill');
    await system.settle();
    t.throws(() => system.register('x', dead), new ActorError('ACT_ERR_NOPROC'));
    await system.stop();
  });

  t.test('the name is free before DOWN and EXIT are delivered', async (t) => {
    const { system } = makeSystem();
    const target = system.spawn(() => {}, { name: 'svc' });
    const observed: (string | undefined)[] = [];
    const watcher = system.spawn((msg, ctx) => {
      if (isDownMessage(msg) || isExitMessage(msg)) observed.push(ctx.system.whereis('svc')?.toString());
    }, { trapExit: true });
    system.monitor(watcher, target);
    system.link(watcher, target);
    system.exit(target, 'kill');
    await system.settle();
    t.same(observed, [undefined, undefined]);
    await system.stop();
  });
});

t.test('ActorSystem.stop', async (t) => {
  t.test('stops every process and starts nothing new afterwards', async (t) => {
    const { system } = makeSystem();
    for (let i = 0; i < 10; i++) system.spawn(() => {});
    await system.stop();
    t.equal(system.stats().processes, 0);
    t.throws(() => system.spawn(() => {}), { code: 'ACT_ERR_SYSTEM_STOPPED' });
  });
});
