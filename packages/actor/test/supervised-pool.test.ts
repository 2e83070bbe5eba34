import t from 'tap';
import { ActorError, GenServer, ignore, ok, reply, stop, SupervisedPool, type GenServerBehaviour, type RestartType } from '../src/index.js';
import { makeSystem } from './helpers.js';

interface Args {
  readonly id: string;
  readonly ignore?: boolean;
}

/** A keyed child that logs its starts and stops; `crash` throws, `leave` stops it normally. */
function room(log: string[]): GenServerBehaviour<Args, Args, 'crash' | 'leave' | 'id', never, string> {
  return {
    init(args) {
      if (args.ignore === true) return ignore();
      log.push(`start ${args.id}`);
      return ok(args);
    },
    handleCall(msg, _f, s) {
      if (msg === 'crash') throw new Error('room crashed');
      if (msg === 'leave') return stop('normal', s, { reply: 'bye' });
      return reply(s.id, s);
    },
    terminate(reason, s) {
      log.push(`stop ${s.id} ${String(reason)}`);
    },
  };
}

function pool(log: string[], restart: RestartType = 'transient', extra: { maxChildren?: number; notStarted?: () => Error; atCapacity?: () => Error } = {}) {
  const { system, clock } = makeSystem();
  const rooms = new SupervisedPool<string, Args>(system, {
    behaviour: room(log),
    restart,
    keyOf: (a) => a.id,
    startOptions: () => ({ trapExit: true }),
    intensity: 100,
    periodMs: 10_000,
    ...extra,
  });
  return { system, clock, rooms };
}

const args = (id: string) => (): Args => ({ id });

t.test('SupervisedPool', async (t) => {
  t.test('racing ensures of one key start one child, and every caller gets it', async (t) => {
    const log: string[] = [];
    const { system, rooms } = pool(log);
    await rooms.start();
    const built: string[] = [];
    const counted = (id: string) => (): Args => (built.push(id), { id });
    const pids = await Promise.all([rooms.ensure('a', counted('a')), rooms.ensure('a', counted('a')), rooms.ensure('b', counted('b')), rooms.ensure('a', counted('a'))]);
    t.same(log, ['start a', 'start b'], 'init ran once per key');
    t.same(built, ['a', 'b'], 'one start asked of the supervisor per key: the others waited for it');
    t.equal(pids[0], pids[1]);
    t.equal(pids[0], pids[3]);
    t.not(pids[0], pids[2]);
    t.equal(rooms.whereis('a'), pids[0]);
    t.equal(await rooms.ensure('a', args('a')), pids[0], 'a running child is looked up, not started');
    t.same(log, ['start a', 'start b']);
    t.same(await rooms.keys(), ['a', 'b'], 'keys in start order');
    await system.stop();
  });

  t.test('a start that loses the race to another start of the key answers with the running child', async (t) => {
    const log: string[] = [];
    const { system, rooms } = pool(log);
    await rooms.start();
    const [direct, ensured] = await Promise.all([rooms.startChild({ id: 'a' }), rooms.ensure('a', args('a'))]);
    t.ok(direct);
    t.equal(ensured, direct, 'the second start failed on the name and found the first child');
    t.same(log, ['start a'], 'the losing start never ran init');
    await t.rejects(rooms.startChild({ id: 'a' }), { code: 'ACT_ERR_START_FAILED' }, 'startChild of a running key is refused');
    await system.stop();
  });

  t.test('stop ends every child before it resolves, then the supervisor; idempotent, and start works again', async (t) => {
    const log: string[] = [];
    const { system, rooms } = pool(log);
    await rooms.start();
    const a = (await rooms.ensure('a', args('a')))!;
    const b = (await rooms.ensure('b', args('b')))!;
    const sup = rooms.supervisor!;
    await rooms.stop();
    t.same(log.filter((l) => l.startsWith('stop')).sort(), ['stop a shutdown', 'stop b shutdown'], 'each child terminated with shutdown');
    t.equal(system.isAlive(a), false);
    t.equal(system.isAlive(b), false);
    t.equal(system.isAlive(sup), false, 'the supervisor is gone too');
    t.equal(rooms.running, false);
    t.equal(rooms.whereis('a'), undefined, 'keys are released');
    t.same(await rooms.keys(), []);
    await rooms.stop();
    await rooms.start();
    t.ok(await rooms.ensure('a', args('a')), 'a restarted pool starts children again');
    await system.stop();
  });

  t.test('stop tolerates a supervisor that is already gone', async (t) => {
    const { system, rooms } = pool([]);
    await rooms.start();
    system.exit(rooms.supervisor!, 'kill');
    await system.settle();
    await rooms.stop();
    t.equal(rooms.running, false);
    await system.stop();
  });

  t.test('a crashed transient child is restarted and found again under its key', async (t) => {
    const log: string[] = [];
    const { system, clock, rooms } = pool(log, 'transient');
    await rooms.start();
    const a = (await rooms.ensure('a', args('a')))!;
    await GenServer.call(a, 'crash', {}, system).catch(() => {});
    await clock.advance(0);
    const a2 = rooms.whereis('a');
    t.ok(a2 !== undefined && a2 !== a, 'the restarted child holds the key');
    t.equal(await rooms.ensure('a', args('a')), a2, 'ensure finds the restarted child instead of starting one');
    t.same(log.filter((l) => l === 'start a'), ['start a', 'start a'], 'one restart, no extra start');
    t.equal(await GenServer.call(a2!, 'leave', {}, system), 'bye');
    await clock.advance(0);
    t.equal(rooms.whereis('a'), undefined, 'a transient child that stops normally is not restarted');
    await system.stop();
  });

  t.test('a crashed temporary child is not restarted; the next ensure starts a new one', async (t) => {
    const log: string[] = [];
    const { system, clock, rooms } = pool(log, 'temporary');
    await rooms.start();
    const a = (await rooms.ensure('a', args('a')))!;
    await GenServer.call(a, 'crash', {}, system).catch(() => {});
    await clock.advance(0);
    t.equal(rooms.whereis('a'), undefined);
    const again = await rooms.ensure('a', args('a'));
    t.ok(again !== undefined && again !== a);
    await system.stop();
  });

  t.test('withChild tries once more when the child is gone by the time the call reaches it', async (t) => {
    const log: string[] = [];
    const { system, rooms } = pool(log, 'temporary');
    await rooms.start();
    const first = (await rooms.ensure('a', args('a')))!;
    let attempts = 0;
    const id = await rooms.withChild('a', args('a'), async (pid) => {
      attempts++;
      if (attempts === 1) {
        t.equal(pid, first);
        system.exit(pid, 'kill');
        await system.settle();
      }
      return GenServer.call<string>(pid, 'id', {}, system);
    });
    t.equal(id, 'a');
    t.equal(attempts, 2);
    t.not(rooms.whereis('a'), first, 'the second try ran against a new child');
    let tries = 0;
    await t.rejects(
      rooms.withChild('a', args('a'), async () => {
        tries++;
        throw new ActorError('ACT_ERR_NOPROC');
      }),
      { code: 'ACT_ERR_NOPROC' },
    );
    t.equal(tries, 2, 'only once more');
    tries = 0;
    await t.rejects(
      rooms.withChild('a', args('a'), async () => {
        tries++;
        throw new ActorError('ACT_ERR_CALL_TIMEOUT');
      }),
      { code: 'ACT_ERR_CALL_TIMEOUT' },
    );
    t.equal(tries, 1, 'other errors are not retried');
    await system.stop();
  });

  t.test('a child whose init ignores: ensure answers undefined, withChild rejects ACT_ERR_INIT_IGNORED', async (t) => {
    const { system, rooms } = pool([]);
    await rooms.start();
    t.equal(await rooms.ensure('x', () => ({ id: 'x', ignore: true })), undefined);
    await t.rejects(rooms.withChild('x', () => ({ id: 'x', ignore: true }), async () => 1), { code: 'ACT_ERR_INIT_IGNORED' });
    await system.stop();
  });

  t.test('terminate stops one child for good and says whether one ran', async (t) => {
    const log: string[] = [];
    const { system, clock, rooms } = pool(log, 'permanent');
    await rooms.start();
    const a = (await rooms.ensure('a', args('a')))!;
    t.equal(await rooms.terminate('a'), true);
    await clock.advance(0);
    t.equal(system.isAlive(a), false);
    t.equal(rooms.whereis('a'), undefined, 'not restarted, even permanent');
    t.equal(await rooms.terminate('a'), false);
    await system.stop();
  });

  t.test('before start and at capacity: the given errors, else the runtime codes', async (t) => {
    const plain = pool([], 'transient', { maxChildren: 1 });
    await t.rejects(plain.rooms.ensure('a', args('a')), { code: 'ACT_ERR_NOPROC', details: { reason: 'pool_not_started' } });
    await t.rejects(plain.rooms.startChild({ id: 'a' }), { code: 'ACT_ERR_NOPROC' });
    await plain.rooms.start();
    await plain.rooms.ensure('a', args('a'));
    await t.rejects(plain.rooms.ensure('b', args('b')), { code: 'ACT_ERR_MAX_CHILDREN' });
    await plain.system.stop();

    class Refused extends Error {
      constructor(readonly code: string) {
        super(code);
      }
    }
    const mapped = pool([], 'transient', { maxChildren: 1, notStarted: () => new Refused('not_started'), atCapacity: () => new Refused('full') });
    await t.rejects(mapped.rooms.ensure('a', args('a')), { code: 'not_started' });
    await mapped.rooms.start();
    await mapped.rooms.ensure('a', args('a'));
    await t.rejects(mapped.rooms.ensure('b', args('b')), { code: 'full' });
    await t.rejects(mapped.rooms.startChild({ id: 'b' }), { code: 'full' }, 'startChild maps it too');
    t.ok(await mapped.rooms.ensure('a', args('a')), 'a running key is still found at capacity');
    await mapped.rooms.stop();
    await t.rejects(mapped.rooms.ensure('a', args('a')), { code: 'not_started' }, 'after stop');
    await mapped.system.stop();
  });
});
