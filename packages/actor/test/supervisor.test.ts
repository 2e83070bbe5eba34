import t from 'tap';
import {
  ActorError,
  GenServer,
  Supervisor,
  noreply,
  ok,
  reply,
  stop,
  type ChildSpec,
  type ExitReason,
  type GenServerBehaviour,
  type Pid,
  type RestartType,
  type ShutdownSpec,
} from '../src/index.js';
import { makeSystem } from './helpers.js';

/** A child that records its starts and stops, and exits on request. */
function worker(log: string[], options: { trap?: boolean; terminateDelayMs?: number } = {}): GenServerBehaviour<string, string, 'crash' | 'normal' | 'shutdown' | 'ping', never, string> {
  return {
    init(id, ctx) {
      if (options.trap === true) ctx.trapExit(true);
      log.push(`start ${id}`);
      return ok(id);
    },
    handleCall(msg, _from, id) {
      if (msg === 'crash') throw new Error(`${id} crashed`);
      if (msg === 'normal') return stop('normal', id, { reply: 'ok' });
      if (msg === 'shutdown') return stop('shutdown', id, { reply: 'ok' });
      return reply('pong', id);
    },
    async terminate(reason, id, ctx) {
      if (options.terminateDelayMs !== undefined) {
        await new Promise<void>((resolve) => ctx.system.clock.setTimer(resolve, options.terminateDelayMs!));
      }
      log.push(`stop ${id} ${typeof reason === 'string' ? reason : 'error'}`);
    },
  };
}

function spec(log: string[], id: string, restart: RestartType = 'permanent', extra: { trap?: boolean; shutdown?: ShutdownSpec; terminateDelayMs?: number } = {}): ChildSpec {
  return GenServer.childSpec(id, worker(log, extra), id, { restart, name: id, ...(extra.shutdown === undefined ? {} : { shutdown: extra.shutdown }) });
}

async function pids(sup: Pid): Promise<Record<string, string | undefined>> {
  const children = await Supervisor.whichChildren(sup);
  return Object.fromEntries(children.map((c) => [c.id, c.pid?.toString()]));
}

async function crash(system: ReturnType<typeof makeSystem>['system'], name: string): Promise<void> {
  await GenServer.call(name, 'crash', {}, system).catch(() => {});
  await system.settle();
}

t.test('Supervisor strategies', async (t) => {
  t.test('one_for_one restarts only the dead child', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, { strategy: 'one_for_one', intensity: 5, children: ['a', 'b', 'c'].map((id) => spec(log, id)) });
    const before = await pids(sup);
    await crash(system, 'b');
    const after = await pids(sup);
    t.equal(after['a'], before['a']);
    t.not(after['b'], before['b']);
    t.ok(after['b']);
    t.equal(after['c'], before['c']);
    t.same(log, ['start a', 'start b', 'start c', 'stop b error', 'start b']);
    await system.stop();
  });

  t.test('one_for_all restarts all', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, { strategy: 'one_for_all', intensity: 5, children: ['a', 'b', 'c'].map((id) => spec(log, id, 'permanent', { trap: true })) });
    const before = await pids(sup);
    log.length = 0;
    await crash(system, 'b');
    const after = await pids(sup);
    for (const id of ['a', 'b', 'c']) t.not(after[id], before[id], `${id} restarted`);
    t.same(log, ['stop b error', 'stop c shutdown', 'stop a shutdown', 'start a', 'start b', 'start c'], 'others stopped in reverse order, all started in order');
    await system.stop();
  });

  t.test('rest_for_one restarts X and those started after it', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, { strategy: 'rest_for_one', intensity: 5, children: ['a', 'b', 'c', 'd'].map((id) => spec(log, id, 'permanent', { trap: true })) });
    const before = await pids(sup);
    log.length = 0;
    await crash(system, 'b');
    const after = await pids(sup);
    t.equal(after['a'], before['a'], 'a (before b) untouched');
    for (const id of ['b', 'c', 'd']) t.not(after[id], before[id], `${id} restarted`);
    t.same(log, ['stop b error', 'stop d shutdown', 'stop c shutdown', 'start b', 'start c', 'start d']);
    await system.stop();
  });
});

t.test('restart types', async (t) => {
  t.test('transient is not restarted on a normal exit, but is on a crash', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, { intensity: 5, children: [spec(log, 't1', 'transient'), spec(log, 't2', 'transient'), spec(log, 't3', 'transient')] });
    await GenServer.call('t1', 'normal', {}, system);
    await GenServer.call('t2', 'shutdown', {}, system);
    await crash(system, 't3');
    const after = await pids(sup);
    t.equal(after['t1'], undefined, 'normal: not restarted, spec kept');
    t.equal(after['t2'], undefined, 'shutdown: not restarted');
    t.ok(after['t3'], 'crash: restarted');
    t.same((await Supervisor.whichChildren(sup)).map((c) => c.id), ['t1', 't2', 't3']);
    await system.stop();
  });

  t.test('temporary is never restarted, even under one_for_all, and is removed', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, {
      strategy: 'one_for_all',
      intensity: 5,
      children: [spec(log, 'perm'), spec(log, 'temp', 'temporary'), spec(log, 'temp2', 'temporary')],
    });
    await crash(system, 'temp2');
    t.same((await Supervisor.whichChildren(sup)).map((c) => c.id), ['perm', 'temp'], 'a crashed temporary child is removed, nobody restarted');
    const before = await pids(sup);
    await crash(system, 'perm');
    const after = await pids(sup);
    t.not(after['perm'], before['perm']);
    t.same(Object.keys(after), ['perm'], 'the temporary sibling was terminated and not restarted');
    await system.stop();
  });

  t.test('permanent is restarted even after a normal exit', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, { intensity: 5, children: [spec(log, 'p')] });
    const before = await pids(sup);
    await GenServer.call('p', 'normal', {}, system);
    await system.settle();
    const after = await pids(sup);
    t.ok(after['p']);
    t.not(after['p'], before['p']);
    await system.stop();
  });
});

t.test('restart intensity', async (t) => {
  t.test('MaxR+1 crashes within MaxT escalate to the parent', async (t) => {
    const { system, clock, logger } = makeSystem();
    const log: string[] = [];
    const inner: ChildSpec = Supervisor.childSpec('inner', { intensity: 2, periodMs: 10_000, children: [spec(log, 'w')] }, { name: 'inner' });
    const top = await Supervisor.start(system, { intensity: 5, periodMs: 10_000, children: [inner] });
    const innerBefore = system.whereis('inner');
    await crash(system, 'w');
    await clock.advance(1000);
    await crash(system, 'w');
    t.equal(system.whereis('inner'), innerBefore, 'two restarts: within the budget');
    await clock.advance(1000);
    await crash(system, 'w');
    await system.settle();
    t.equal(system.isAlive(innerBefore!), false, 'the third crash in 10 s stops the inner supervisor');
    t.ok(system.whereis('inner'), 'its parent restarted it');
    t.not(system.whereis('inner'), innerBefore);
    t.ok(system.whereis('w'), 'with a fresh child');
    t.equal(logger.reports('reached_max_restart_intensity').length, 1);
    t.match(logger.reports('child_terminated').at(-1), { supervisor: String(top), child: { id: 'inner' }, reason: 'shutdown' });
    await system.stop();
  });

  t.test('restarts older than the period do not count', async (t) => {
    const { system, clock } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, { intensity: 1, periodMs: 5000, children: [spec(log, 'w')] });
    for (let i = 0; i < 5; i++) {
      await crash(system, 'w');
      await clock.advance(5001);
    }
    t.equal(system.isAlive(sup), true);
    await system.stop();
  });

  t.test('the OTP default is 1 restart in 5 s', async (t) => {
    const { system, clock } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, { children: [spec(log, 'w')] });
    await crash(system, 'w');
    t.equal(system.isAlive(sup), true);
    await clock.advance(4999);
    await crash(system, 'w');
    t.equal(system.isAlive(sup), false);
    await system.stop();
  });

  t.test('intensity 0 gives up on the first restart', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, { intensity: 0, children: [spec(log, 'w')] });
    const exited = system.awaitExit(sup);
    await crash(system, 'w');
    t.equal(await exited, 'shutdown');
    await system.stop();
  });
});

t.test('shutdown', async (t) => {
  t.test('a shutdown timeout escalates to a forced kill', async (t) => {
    const { system, clock, logger } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, { children: [spec(log, 'slow', 'permanent', { trap: true, shutdown: 1000, terminateDelayMs: 60_000 })] });
    const slow = system.whereis('slow')!;
    const stopping = Supervisor.terminateChild(sup, 'slow');
    await clock.advance(999);
    t.equal(system.isAlive(slow), true, 'given its shutdown time');
    await clock.advance(1);
    await stopping;
    t.equal(system.isAlive(slow), false, 'killed after 1000 ms');
    t.match(logger.reports('shutdown_error'), [{ child: { id: 'slow' }, reason: 'killed' }]);
    t.same((await Supervisor.whichChildren(sup)).map((c) => c.pid), [undefined], 'spec kept, not running');
    await system.stop();
  });

  t.test('brutal_kill kills at once; terminate does not run', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, { children: [spec(log, 'b', 'permanent', { trap: true, shutdown: 'brutal_kill' })] });
    await Supervisor.terminateChild(sup, 'b');
    t.same(log, ['start b']);
    await system.stop();
  });

  t.test('a child that ignores shutdown cannot hang its parent', async (t) => {
    const { system, clock } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, { children: [spec(log, 'stuck', 'permanent', { trap: true, shutdown: 50, terminateDelayMs: 1e9 })] });
    const done = Supervisor.stop(sup);
    await clock.advance(50);
    await done;
    t.equal(system.isAlive(sup), false);
    t.equal(system.stats().processes, 0);
    await system.stop();
  });

  t.test('stop order is the reverse of start order', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, { children: ['a', 'b', 'c'].map((id) => spec(log, id, 'permanent', { trap: true })) });
    await Supervisor.stop(sup);
    t.same(log, ['start a', 'start b', 'start c', 'stop c shutdown', 'stop b shutdown', 'stop a shutdown']);
    await system.stop();
  });

  t.test("a supervisor killed brutally takes its children with it (links)", async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, { children: [spec(log, 'x'), spec(log, 'y', 'permanent', { trap: true })] });
    system.exit(sup, 'kill');
    await system.settle();
    t.equal(system.stats().processes, 0, 'no orphans');
    t.same(log.slice(-1), ['stop y killed'], 'a trapping child runs terminate on its parent exit');
    await system.stop();
  });
});

t.test('start', async (t) => {
  t.test('children start in list order and start returns after all have started', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    await Supervisor.start(system, { children: ['a', 'b', 'c'].map((id) => spec(log, id)) });
    t.same(log, ['start a', 'start b', 'start c']);
    await system.stop();
  });

  t.test('a failing static child aborts supervisor start', async (t) => {
    const { system, logger } = makeSystem();
    const log: string[] = [];
    const failing: ChildSpec = GenServer.childSpec('bad', { init: () => stop('no_config') }, undefined);
    await t.rejects(
      Supervisor.start(system, { children: [spec(log, 'a', 'permanent', { trap: true }), failing, spec(log, 'c')] }),
      { code: 'ACT_ERR_START_FAILED', reason: 'no_config', details: { id: 'bad' } },
    );
    t.same(log, ['start a', 'stop a shutdown'], 'started children are stopped; later ones never start');
    t.equal(system.stats().processes, 0);
    t.match(logger.reports('start_error'), [{ child: { id: 'bad' }, reason: 'no_config' }]);
    await system.stop();
  });

  t.test('a child whose init returns ignore is kept as a spec without a pid', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, { children: [GenServer.childSpec('ign', { init: () => ({ $: 'ignore' }) as const }, undefined), spec(log, 'a')] });
    t.same((await Supervisor.whichChildren(sup)).map((c) => [c.id, c.pid === undefined]), [['ign', true], ['a', false]]);
    await system.stop();
  });

  t.test('invalid specs are rejected with ACT_ERR_INVALID_SPEC naming the field', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    await t.rejects(Supervisor.start(system, { children: [spec(log, 'a'), spec(log, 'a')] }), { code: 'ACT_ERR_INVALID_SPEC', details: { field: 'id' } });
    await t.rejects(Supervisor.start(system, { children: [{ ...spec(log, 'a'), restart: 'sometimes' as RestartType }] }), { code: 'ACT_ERR_INVALID_SPEC', details: { field: 'restart' } });
    await t.rejects(Supervisor.start(system, { children: [{ ...spec(log, 'a'), shutdown: -1 }] }), { code: 'ACT_ERR_INVALID_SPEC', details: { field: 'shutdown' } });
    await t.rejects(Supervisor.start(system, { intensity: -1, children: [] }), { code: 'ACT_ERR_INVALID_SPEC', details: { field: 'intensity' } });
    await t.rejects(Supervisor.start(system, { children: [{ ...spec(log, 'a', 'transient'), significant: true }] }), { code: 'ACT_ERR_INVALID_SPEC', details: { field: 'significant' } });
    await t.rejects(Supervisor.start(system, { autoShutdown: 'any_significant', children: [{ ...spec(log, 'a'), significant: true }] }), { code: 'ACT_ERR_INVALID_SPEC', details: { field: 'significant' } });
    t.same(log, [], 'nothing started');
    await system.stop();
  });
});

t.test('dynamic children of a static supervisor', async (t) => {
  t.test('startChild, terminateChild, restartChild, deleteChild, whichChildren, countChildren', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, { children: [spec(log, 'a')] });
    const b = await Supervisor.startChild(sup, spec(log, 'b'));
    t.ok(b);
    await t.rejects(Supervisor.startChild(sup, spec(log, 'b')), { code: 'ACT_ERR_CHILD_EXISTS' });
    await t.rejects(Supervisor.startChild(sup, GenServer.childSpec('x', { init: () => stop('nope') }, undefined)), { code: 'ACT_ERR_START_FAILED', reason: 'nope' });
    t.same(await Supervisor.countChildren(sup), { specs: 2, active: 2, supervisors: 0, workers: 2 });
    await t.rejects(Supervisor.deleteChild(sup, 'b'), { code: 'ACT_ERR_CHILD_RUNNING' });
    await t.rejects(Supervisor.restartChild(sup, 'b'), { code: 'ACT_ERR_CHILD_RUNNING' });
    await Supervisor.terminateChild(sup, 'b');
    t.equal(system.isAlive(b!), false);
    t.same(await Supervisor.countChildren(sup), { specs: 2, active: 1, supervisors: 0, workers: 2 });
    const b2 = await Supervisor.restartChild(sup, 'b');
    t.ok(b2 && b2 !== b);
    await Supervisor.terminateChild(sup, b2!);
    await Supervisor.deleteChild(sup, 'b');
    t.same((await Supervisor.whichChildren(sup)).map((c) => c.id), ['a']);
    await t.rejects(Supervisor.terminateChild(sup, 'zzz'), { code: 'ACT_ERR_CHILD_NOT_FOUND' });
    await t.rejects(Supervisor.restartChild(sup, 'zzz'), { code: 'ACT_ERR_CHILD_NOT_FOUND' });
    await t.rejects(Supervisor.deleteChild(sup, 'zzz'), { code: 'ACT_ERR_CHILD_NOT_FOUND' });
    await t.rejects(Supervisor.startChild(sup, { id: '', start: async () => 'ignore' }), { code: 'ACT_ERR_INVALID_SPEC' });
    await system.stop();
  });

  t.test('dynamically added children are lost when the supervisor itself restarts', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    await Supervisor.start(system, { intensity: 5, children: [Supervisor.childSpec('inner', { intensity: 0, children: [spec(log, 'static')] }, { name: 'inner' })] });
    await Supervisor.startChild('inner', spec(log, 'dyn'), system);
    await crash(system, 'static');
    await system.settle();
    t.same((await Supervisor.whichChildren('inner', system)).map((c) => c.id), ['static']);
    await system.stop();
  });

  t.test('a terminated temporary child is removed', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, { children: [spec(log, 'tmp', 'temporary')] });
    await Supervisor.terminateChild(sup, 'tmp');
    t.same(await Supervisor.whichChildren(sup), []);
    await system.stop();
  });

  t.test('a failed restart is retried and counts toward intensity', async (t) => {
    const { system, logger } = makeSystem();
    let starts = 0;
    const flaky: ChildSpec = {
      id: 'flaky',
      start: async ({ system: s, parent }) => {
        starts++;
        if (starts === 2) throw new Error('second start fails');
        return GenServer.start(s, worker([]), 'flaky', { link: parent, name: 'flaky' });
      },
    };
    const sup = await Supervisor.start(system, { intensity: 3, periodMs: 60_000, children: [flaky] });
    await crash(system, 'flaky');
    t.equal(starts, 3, 'the failed restart was tried again');
    t.ok(system.whereis('flaky'));
    t.equal(logger.reports('start_error').length, 1);
    await crash(system, 'flaky');
    t.equal(system.isAlive(sup), true, 'restart, retry, restart: 3 restarts, within intensity 3');
    await crash(system, 'flaky');
    t.equal(system.isAlive(sup), false, 'the 4th restart exceeds intensity 3');
    await system.stop();
  });
});

t.test('registered names across restarts', async (t) => {
  t.test('a registered name is free for the restarted child', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    await Supervisor.start(system, { intensity: 10, children: [spec(log, 'named')] });
    for (let i = 0; i < 5; i++) {
      const before = system.whereis('named');
      await crash(system, 'named');
      const after = system.whereis('named');
      t.ok(after && after !== before, `restart ${i + 1} re-registered the name`);
    }
    t.same(log.filter((l) => l.startsWith('start')).length, 6);
    await system.stop();
  });
});

t.test('auto_shutdown with significant children', async (t) => {
  t.test('any_significant: the supervisor stops when a significant child exits by itself', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, {
      autoShutdown: 'any_significant',
      children: [spec(log, 'keep'), { ...spec(log, 'sig', 'transient'), significant: true }],
    });
    await GenServer.call('sig', 'normal', {}, system);
    t.equal(await system.awaitExit(sup), 'shutdown');
    await system.stop();
  });

  t.test('all_significant waits for the last one; terminateChild does not count', async (t) => {
    const { system } = makeSystem();
    const log: string[] = [];
    const sup = await Supervisor.start(system, {
      autoShutdown: 'all_significant',
      children: [{ ...spec(log, 's1', 'transient'), significant: true }, { ...spec(log, 's2', 'temporary'), significant: true }, { ...spec(log, 's3', 'transient'), significant: true }],
    });
    await Supervisor.terminateChild(sup, 's3');
    await GenServer.call('s1', 'normal', {}, system);
    await system.settle();
    t.equal(system.isAlive(sup), true, 's2 still runs');
    await GenServer.call('s2', 'normal', {}, system);
    t.equal(await system.awaitExit(sup), 'shutdown');
    await system.stop();
  });
});

t.test('reports', async (t) => {
  t.test('child_terminated carries the supervisor, the child and the reason', async (t) => {
    const { system, logger } = makeSystem();
    const log: string[] = [];
    await Supervisor.start(system, { intensity: 5, children: [spec(log, 'w')] }, { name: 'root' });
    await crash(system, 'w');
    const [r] = logger.reports('child_terminated');
    t.match(r, { report: 'child_terminated', supervisor: 'root', child: { id: 'w', restart: 'permanent', shutdown: 5000, type: 'worker' } });
    t.match(String(r!['reason']), /w crashed/);
    t.match((r!['child'] as Record<string, unknown>)['pid'], /^<local\.\d+>$/, 'the pid of the child that exited');
    const entry = logger.entries.find((e) => e.obj['report'] === 'child_terminated');
    t.equal(entry?.level, 'error');
    await system.stop();
  });

  t.test('errors from supervisor calls are ActorErrors with codes', async (t) => {
    const { system } = makeSystem();
    const sup = await Supervisor.start(system, {});
    const err = await Supervisor.terminateChild(sup, 'none').catch((e: unknown) => e);
    t.ok(err instanceof ActorError);
    t.equal((err as ActorError).status, 404);
    await system.stop();
  });
});

t.test('a supervisor with type supervisor children stops them with infinity by default', async (t) => {
  const { system } = makeSystem();
  const log: string[] = [];
  const innerSpec = Supervisor.childSpec('inner', { children: [spec(log, 'deep', 'permanent', { trap: true })] });
  t.equal(innerSpec.type, 'supervisor');
  const sup = await Supervisor.start(system, { children: [innerSpec] });
  const reasons: ExitReason[] = [];
  const inner = (await Supervisor.whichChildren(sup))[0]!.pid!;
  system.awaitExit(inner).then((r) => reasons.push(r));
  await Supervisor.stop(sup);
  await system.settle();
  t.same(reasons, ['shutdown']);
  t.same(log, ['start deep', 'stop deep shutdown']);
  await system.stop();
});

// Keep the helper type used so unused-symbol checks stay quiet in strict mode.
void noreply;
