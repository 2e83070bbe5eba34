import t from 'tap';
import {
  ActorError,
  GenServer,
  TIMEOUT,
  ignore,
  isExitMessage,
  isProcessGone,
  noreply,
  ok,
  reply,
  stop,
  type ExitReason,
  type From,
  type GenServerBehaviour,
} from '../src/index.js';
import { makeSystem, recorder } from './helpers.js';

type CounterCall = 'get' | 'crash' | 'slow' | 'later' | 'stop-reply' | 'stop-noreply' | 'bad' | { after: string };
const events: string[] = [];
const Counter: GenServerBehaviour<number, number, CounterCall, 'inc' | 'crash', unknown> = {
  init: (n) => ok(n),
  handleCall(msg, from, n) {
    switch (msg) {
      case 'get':
        return reply(n, n);
      case 'crash':
        throw new Error('call crashed');
      case 'later':
        setImmediate(() => GenServer.reply(from, n * 10));
        return noreply(n);
      case 'stop-reply':
        return stop('normal', n, { reply: 'bye' });
      case 'stop-noreply':
        return stop('done', n);
      case 'bad':
        return 42 as never;
      default:
        return noreply(n);
    }
  },
  handleCast(msg, n) {
    if (msg === 'crash') throw new Error('cast crashed');
    return noreply(n + 1);
  },
  terminate(reason) {
    events.push(`terminate ${typeof reason === 'string' ? reason : 'error'}`);
  },
};

t.test('GenServer.start and init', async (t) => {
  t.test('resolves with the pid once init returned ok; the name is registered', async (t) => {
    const { system } = makeSystem();
    const pid = await GenServer.start(system, Counter, 7, { name: 'counter' });
    t.equal(system.whereis('counter'), pid);
    t.equal(await GenServer.call('counter', 'get', {}, system), 7);
    await system.stop();
  });

  t.test('a taken name fails with ACT_ERR_NAME_TAKEN and starts nothing', async (t) => {
    const { system } = makeSystem();
    await GenServer.start(system, Counter, 1, { name: 'c' });
    await t.rejects(GenServer.start(system, Counter, 2, { name: 'c' }), { code: 'ACT_ERR_NAME_TAKEN' });
    t.equal(system.stats().processes, 1);
    await system.stop();
  });

  t.test('init returning ignore, stop or throwing fails the start with a code', async (t) => {
    const { system } = makeSystem();
    await t.rejects(GenServer.start(system, { init: () => ignore() }, undefined), { code: 'ACT_ERR_INIT_IGNORED' });
    await t.rejects(GenServer.start(system, { init: () => stop('no_config') }, undefined), { code: 'ACT_ERR_INIT_FAILED', reason: 'no_config' });
    await t.rejects(
      GenServer.start(system, {
        init: () => {
          throw new Error('init threw');
        },
      }, undefined),
      { code: 'ACT_ERR_INIT_FAILED', reason: { error: { message: 'init threw' } } },
    );
    await t.rejects(GenServer.start(system, { init: () => 'nonsense' as never }, undefined), { code: 'ACT_ERR_INIT_FAILED' });
    t.equal(system.stats().processes, 0);
    await system.stop();
  });

  t.test('a failed init does not send an exit signal to the linked parent', async (t) => {
    const { system } = makeSystem();
    const parent = system.spawn(() => {});
    await t.rejects(GenServer.start(system, { init: () => stop('bad') }, undefined, { link: parent }), { code: 'ACT_ERR_INIT_FAILED' });
    await system.settle();
    t.equal(system.isAlive(parent), true);
    await system.stop();
  });

  t.test('an async init is awaited; messages sent meanwhile wait in the mailbox', async (t) => {
    const { system } = makeSystem();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: string[] = [];
    const starting = GenServer.start(
      system,
      {
        init: async () => {
          await gate;
          return ok(null);
        },
        handleInfo: (m: unknown, s: null) => {
          seen.push(String(m));
          return noreply(s);
        },
      },
      undefined,
      { name: 'slow-init' },
    );
    await system.settle();
    system.send('slow-init', 'early');
    await system.settle();
    t.same(seen, [], 'not handled before init finished');
    release();
    await starting;
    await system.settle();
    t.same(seen, ['early']);
    await system.stop();
  });

  t.test('initTimeoutMs kills a slow init and fails with ACT_ERR_INIT_TIMEOUT', async (t) => {
    const { system, clock } = makeSystem();
    const starting = GenServer.start(system, { init: () => new Promise<never>(() => {}) }, undefined, { initTimeoutMs: 1000 });
    const assertion = t.rejects(starting, { code: 'ACT_ERR_INIT_TIMEOUT' });
    await clock.advance(1000);
    await assertion;
    t.equal(system.stats().processes, 0);
    await system.stop();
  });

  t.test('init with continue runs handleContinue before the first message', async (t) => {
    const { system } = makeSystem();
    const order: string[] = [];
    const pid = await GenServer.start(
      system,
      {
        init: () => ok([] as string[], { continue: 'load' }),
        handleContinue: (c: string, s: string[]) => {
          order.push(`continue ${c}`);
          return noreply(s);
        },
        handleInfo: (m: unknown, s: string[]) => {
          order.push(`info ${String(m)}`);
          return noreply(s);
        },
      },
      undefined,
    );
    system.send(pid, 'hello');
    await system.settle();
    t.same(order, ['continue load', 'info hello']);
    await system.stop();
  });
});

t.test('GenServer.call', async (t) => {
  t.test('times out at 5 s by default and the late reply is dropped', async (t) => {
    const { system, clock } = makeSystem();
    let kept: From<unknown> | undefined;
    const pid = await GenServer.start(
      system,
      {
        init: () => ok(0),
        handleCall: (_m: unknown, from: From<unknown>, s: number) => {
          kept = from;
          return noreply(s);
        },
      },
      undefined,
    );
    let settled = false;
    const pending = GenServer.call(pid, 'hello').finally(() => (settled = true));
    const assertion = t.rejects(pending, { code: 'ACT_ERR_CALL_TIMEOUT' });
    await clock.advance(4999);
    t.equal(settled, false, 'still waiting at 4999 ms');
    await clock.advance(1);
    await assertion;
    t.equal(GenServer.reply(kept!, 'too late'), false, 'the late reply is dropped');
    t.equal(system.isAlive(pid), true, 'the server is unaffected');
    await system.stop();
  });

  t.test('a custom timeout applies', async (t) => {
    const { system, clock } = makeSystem();
    const pid = await GenServer.start(system, Counter, 0);
    const assertion = t.rejects(GenServer.call(pid, 'slow', { timeoutMs: 100 }), { code: 'ACT_ERR_CALL_TIMEOUT' });
    await clock.advance(100);
    await assertion;
    await system.stop();
  });

  t.test('the reply can come later from GenServer.reply', async (t) => {
    const { system } = makeSystem();
    const pid = await GenServer.start(system, Counter, 4);
    t.equal(await GenServer.call(pid, 'later'), 40);
    await system.stop();
  });

  t.test('calls to a missing process fail with ACT_ERR_NOPROC', async (t) => {
    const { system } = makeSystem();
    const pid = await GenServer.start(system, Counter, 0);
    await GenServer.stop(pid);
    await t.rejects(GenServer.call(pid, 'get'), { code: 'ACT_ERR_NOPROC' });
    await t.rejects(GenServer.call('nobody', 'get', {}, system), { code: 'ACT_ERR_NOPROC' });
    const gone = await GenServer.call(pid, 'get').catch((e: unknown) => e);
    t.ok(isProcessGone(gone), 'isProcessGone: a call to a stopped process');
    t.notOk(isProcessGone(new ActorError('ACT_ERR_CALL_TIMEOUT')), 'but not a timeout');
    t.notOk(isProcessGone(new Error('x')));
    await system.stop();
  });

  t.test('a server that crashes while handling the call fails it with ACT_ERR_EXIT and the reason', async (t) => {
    const { system } = makeSystem();
    const pid = await GenServer.start(system, Counter, 0);
    await t.rejects(GenServer.call(pid, 'crash'), { code: 'ACT_ERR_EXIT', reason: { error: { message: 'call crashed' } } });
    t.equal(system.isAlive(pid), false);
    await system.stop();
  });

  t.test('calls queued behind a crash fail at once, not at their timeout', async (t) => {
    const { system } = makeSystem();
    const pid = await GenServer.start(system, Counter, 0);
    const first = GenServer.call(pid, 'crash');
    const second = GenServer.call(pid, 'get');
    await t.rejects(first, { code: 'ACT_ERR_EXIT' });
    await t.rejects(second, { code: 'ACT_ERR_EXIT' });
    await system.stop();
  });

  t.test('a call kept with noreply fails when the server dies', async (t) => {
    const { system } = makeSystem();
    const pid = await GenServer.start(system, Counter, 0);
    const pending = GenServer.call(pid, 'slow');
    await system.settle();
    system.exit(pid, 'kill');
    await t.rejects(pending, { code: 'ACT_ERR_EXIT', reason: 'killed' });
    await system.stop();
  });

  t.test('stop with a reply answers the caller after terminate', async (t) => {
    const { system } = makeSystem();
    events.length = 0;
    const pid = await GenServer.start(system, Counter, 0);
    t.equal(await GenServer.call(pid, 'stop-reply'), 'bye');
    t.same(events, ['terminate normal']);
    t.equal(system.isAlive(pid), false);
    await system.stop();
  });

  t.test('stop without a reply fails the caller with the exit reason', async (t) => {
    const { system } = makeSystem();
    const pid = await GenServer.start(system, Counter, 0);
    await t.rejects(GenServer.call(pid, 'stop-noreply'), { code: 'ACT_ERR_EXIT', reason: 'done' });
    await system.stop();
  });

  t.test('a bad return value crashes the server with ACT_ERR_BAD_RETURN', async (t) => {
    const { system } = makeSystem();
    const pid = await GenServer.start(system, Counter, 0);
    await t.rejects(GenServer.call(pid, 'bad'), { code: 'ACT_ERR_EXIT', reason: { error: { code: 'ACT_ERR_BAD_RETURN' } } });
    await system.stop();
  });

  t.test('calling yourself is an error, not a deadlock', async (t) => {
    const { system } = makeSystem();
    let caught: unknown;
    const pid = await GenServer.start(
      system,
      {
        init: () => ok(null),
        handleCast: (_m: unknown, s: null, ctx) => {
          GenServer.call(ctx.self, 'x').catch((e: unknown) => (caught = e));
          return noreply(s);
        },
      },
      undefined,
    );
    GenServer.cast(pid, 'go');
    await system.settle();
    t.ok(caught instanceof ActorError && caught.code === 'ACT_ERR_CALL_SELF');
    await system.stop();
  });

  t.test('a call to a server without handleCall crashes it with ACT_ERR_NO_HANDLER', async (t) => {
    const { system } = makeSystem();
    const pid = await GenServer.start(system, { init: () => ok(null) }, undefined);
    await t.rejects(GenServer.call(pid, 'x'), { code: 'ACT_ERR_EXIT', reason: { error: { code: 'ACT_ERR_NO_HANDLER' } } });
    await system.stop();
  });
});

t.test('GenServer.cast', async (t) => {
  t.test('is asynchronous and never throws, even without a target', async (t) => {
    const { system } = makeSystem();
    const pid = await GenServer.start(system, Counter, 0);
    GenServer.cast(pid, 'inc');
    GenServer.cast(pid, 'inc');
    t.equal(await GenServer.call(pid, 'get'), 2);
    await GenServer.stop(pid);
    t.doesNotThrow(() => GenServer.cast(pid, 'inc'));
    t.doesNotThrow(() => GenServer.cast('nobody', 'inc', system));
    t.doesNotThrow(() => GenServer.cast('nobody', 'inc'));
    await system.stop();
  });

  t.test('casts and calls from one sender are handled in order', async (t) => {
    const { system } = makeSystem();
    const pid = await GenServer.start(system, Counter, 0);
    for (let i = 0; i < 100; i++) GenServer.cast(pid, 'inc');
    t.equal(await GenServer.call(pid, 'get'), 100);
    await system.stop();
  });
});

t.test('handleInfo and the timeout result option', async (t) => {
  t.test('plain messages go to handleInfo; without handleInfo they are dropped', async (t) => {
    const { system } = makeSystem();
    const seen: unknown[] = [];
    const pid = await GenServer.start(system, { init: () => ok(null), handleInfo: (m: unknown, s: null) => (seen.push(m), noreply(s)) }, undefined);
    system.send(pid, { hello: 1 });
    const quiet = await GenServer.start(system, { init: () => ok(null) }, undefined);
    system.send(quiet, 'ignored');
    await system.settle();
    t.same(seen, [{ hello: 1 }]);
    t.equal(system.isAlive(quiet), true);
    await system.stop();
  });

  t.test('timeoutMs delivers TIMEOUT when no message arrives in time, and is cancelled by one', async (t) => {
    const { system, clock } = makeSystem();
    const seen: unknown[] = [];
    const pid = await GenServer.start(
      system,
      {
        init: () => ok(null, { timeoutMs: 1000 }),
        handleInfo: (m: unknown, s: null) => {
          seen.push(m);
          return noreply(s, m === 'again' ? { timeoutMs: 500 } : undefined);
        },
      },
      undefined,
    );
    await clock.advance(999);
    system.send(pid, 'again');
    await clock.advance(999);
    t.same(seen, ['again', TIMEOUT], 'first timeout cancelled by the message; the second fired at 500 ms');
    await system.stop();
  });
});

t.test('terminate', async (t) => {
  t.test('runs on stop and on a callback crash, not on kill', async (t) => {
    const { system } = makeSystem();
    events.length = 0;
    const a = await GenServer.start(system, Counter, 0);
    await GenServer.stop(a, 'normal');
    const b = await GenServer.start(system, Counter, 0);
    GenServer.cast(b, 'crash');
    await system.awaitExit(b);
    const c = await GenServer.start(system, Counter, 0);
    system.exit(c, 'kill');
    await system.awaitExit(c);
    t.same(events, ['terminate normal', 'terminate error']);
    await system.stop();
  });

  t.test("runs on the parent's exit signal only when trapping exits", async (t) => {
    const { system } = makeSystem();
    const reasons: ExitReason[] = [];
    const Beh: GenServerBehaviour<null, boolean> = {
      init: (trap, ctx) => {
        ctx.trapExit(trap);
        return ok(null);
      },
      terminate: (reason) => {
        reasons.push(reason);
      },
    };
    const parent1 = system.spawn(() => {});
    const trapping = await GenServer.start(system, Beh, true, { link: parent1 });
    system.exit(parent1, 'shutdown');
    t.equal(await system.awaitExit(trapping), 'shutdown');
    const parent2 = system.spawn(() => {});
    const plain = await GenServer.start(system, Beh, false, { link: parent2 });
    system.exit(parent2, 'shutdown');
    t.equal(await system.awaitExit(plain), 'shutdown');
    t.same(reasons, ['shutdown'], 'only the trapping server ran terminate');
    await system.stop();
  });

  t.test('EXIT from a non-parent reaches handleInfo of a trapping server', async (t) => {
    const { system } = makeSystem();
    const seen: unknown[] = [];
    const pid = await GenServer.start(
      system,
      { init: () => ok(null), handleInfo: (m: unknown, s: null) => (seen.push(m), noreply(s)) },
      undefined,
      { trapExit: true },
    );
    const friend = system.spawn(() => {});
    system.link(pid, friend);
    system.exit(friend, 'kill');
    await system.settle();
    t.equal(system.isAlive(pid), true);
    t.ok(isExitMessage(seen[0]));
    await system.stop();
  });

  t.test('an async terminate is awaited before the exit is visible', async (t) => {
    const { system } = makeSystem();
    const order: string[] = [];
    const pid = await GenServer.start(
      system,
      {
        init: () => ok(null),
        terminate: async () => {
          await new Promise((r) => setImmediate(r));
          order.push('terminated');
        },
      },
      undefined,
    );
    const watcher = recorder(system);
    system.monitor(watcher.pid, pid);
    await GenServer.stop(pid);
    order.push('stopped');
    await system.settle();
    t.same(order, ['terminated', 'stopped']);
    t.equal(watcher.messages.length, 1);
    await system.stop();
  });
});

t.test('GenServer.changeCode', async (t) => {
  t.test('swaps the behaviour of a live process and keeps (or converts) its state', async (t) => {
    const { system } = makeSystem();
    const V1: GenServerBehaviour<{ n: number }, undefined, 'get', 'inc', string> = {
      version: 1,
      init: () => ok({ n: 1 }),
      handleCall: (_m, _f, s) => reply(`v1:${s.n}`, s),
      handleCast: (_m, s) => noreply({ n: s.n + 1 }),
    };
    const V2: GenServerBehaviour<{ n: number; doubled: boolean }, undefined, 'get', 'inc', string> = {
      version: 2,
      init: () => ok({ n: 0, doubled: false }),
      handleCall: (_m, _f, s) => reply(`v2:${s.n}:${s.doubled}`, s),
      handleCast: (_m, s) => noreply({ ...s, n: s.n + 2 }),
      codeChange: (old, s) => {
        t.equal(old, 1, 'codeChange sees the old version');
        return { ...(s as unknown as { n: number }), doubled: true };
      },
    };
    const pid = await GenServer.start(system, V1, undefined);
    GenServer.cast(pid, 'inc');
    t.equal(await GenServer.call(pid, 'get'), 'v1:2');
    await GenServer.changeCode(pid, V2);
    t.equal(await GenServer.call(pid, 'get'), 'v2:2:true', 'state kept, converted, new code running');
    GenServer.cast(pid, 'inc');
    t.equal(await GenServer.call(pid, 'get'), 'v2:4:true');
    await system.stop();
  });

  t.test('a throwing codeChange keeps the old code and state', async (t) => {
    const { system } = makeSystem();
    const pid = await GenServer.start(system, Counter, 3);
    const Broken: typeof Counter = {
      ...Counter,
      codeChange: () => {
        throw new Error('cannot convert');
      },
    };
    await t.rejects(GenServer.changeCode(pid, Broken), { code: 'ACT_ERR_CODE_CHANGE_FAILED' });
    t.equal(await GenServer.call(pid, 'get'), 3);
    t.equal(await GenServer.getState(pid), 3);
    await t.rejects(GenServer.changeCode('nobody', Broken, undefined, system), { code: 'ACT_ERR_NOPROC' });
    await system.stop();
  });
});

t.test('system requests to a process that exits first', async (t) => {
  t.test('getState and changeCode queued behind a crash fail with ACT_ERR_NOPROC instead of hanging', async (t) => {
    const { system } = makeSystem();
    const pid = await GenServer.start(system, Counter, 0);
    GenServer.cast(pid, 'crash');
    const state = GenServer.getState(pid);
    const change = GenServer.changeCode(pid, Counter);
    await t.rejects(state, { code: 'ACT_ERR_NOPROC' });
    await t.rejects(change, { code: 'ACT_ERR_NOPROC' });
    await system.stop();
  });
});

t.test('call-self detection is exact', async (t) => {
  t.test('a call made right after an unawaited start is not mistaken for a self-call', async (t) => {
    const { system } = makeSystem();
    const starting = GenServer.start(system, Counter, 5, { name: 'fresh' });
    const answer = GenServer.call('fresh', 'get', {}, system).catch((e: unknown) => e);
    await starting;
    t.equal(await answer, 5);
    await system.stop();
  });
});
