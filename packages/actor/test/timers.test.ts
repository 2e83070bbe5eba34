import t from 'tap';
import { RealClock, SimulatedClock, type TimerRef } from '../src/index.js';
import { makeSystem, recorder } from './helpers.js';

t.test('timers', async (t) => {
  t.test('sendAfter delivers once after the delay on the system clock', async (t) => {
    const { system, clock } = makeSystem();
    const r = recorder(system);
    system.sendAfter(r.pid, 'ding', 1000);
    await clock.advance(999);
    t.same(r.messages, []);
    await clock.advance(1);
    t.same(r.messages, ['ding']);
    await clock.advance(10_000);
    t.same(r.messages, ['ding']);
    t.equal(system.stats().timers, 0);
    await system.stop();
  });

  t.test('sendInterval repeats until cancelled; cancelTimer reports whether it was pending', async (t) => {
    const { system, clock } = makeSystem();
    const ticks: number[] = [];
    let ref: TimerRef | undefined;
    const pid = system.spawn((msg, ctx) => {
      if (msg === 'start') ref = ctx.sendInterval('tick', 100);
      else if (msg === 'tick') {
        ticks.push(clock.now());
        if (ticks.length === 3) t.equal(ctx.cancelTimer(ref!), true);
      }
    });
    system.send(pid, 'start');
    await clock.advance(1000);
    t.same(ticks, [100, 200, 300]);
    t.equal(ref!.active, false);
    t.equal(system.cancelTimer(ref!), false, 'already cancelled');
    await system.stop();
  });

  t.test("a process's timers are cancelled when it exits", async (t) => {
    const { system, clock } = makeSystem();
    const other = recorder(system);
    const pid = system.spawn((msg, ctx) => {
      if (msg === 'arm') {
        ctx.sendAfter('to-self', 500);
        ctx.sendAfter('to-other', 500, other.pid);
        ctx.sendInterval('every', 50, other.pid);
      }
    });
    system.send(pid, 'arm');
    await system.settle();
    t.equal(system.stats().timers, 3);
    t.equal(clock.pendingTimers(), 3);
    system.exit(pid, 'kill');
    await system.settle();
    t.equal(system.stats().timers, 0);
    t.equal(clock.pendingTimers(), 0);
    await clock.advance(1000);
    t.same(other.messages, [], 'nothing fired after the owner exited');
    await system.stop();
  });

  t.test('timers fire in due order, ties in creation order', async (t) => {
    const { system, clock } = makeSystem();
    const r = recorder(system);
    system.sendAfter(r.pid, 'c', 300);
    system.sendAfter(r.pid, 'a', 100);
    system.sendAfter(r.pid, 'b1', 200);
    system.sendAfter(r.pid, 'b2', 200);
    await clock.advance(300);
    t.same(r.messages, ['a', 'b1', 'b2', 'c']);
    await system.stop();
  });

  t.test('a timer to a dead destination does nothing', async (t) => {
    const { system, clock } = makeSystem();
    const r = recorder(system);
    const ref = system.sendAfter(r.pid, 'x', 10);
    system.exit(r.pid, 'kill');
    await clock.advance(20);
    t.equal(ref.active, false);
    await system.stop();
  });
});

t.test('clocks', async (t) => {
  t.test('SimulatedClock moves only when advanced and keeps wall time in step', async (t) => {
    const clock = new SimulatedClock({ epochStartMs: 1_000_000 });
    let fired = 0;
    const h = clock.setTimer(() => fired++, 10);
    clock.setTimer(() => fired++, -5);
    t.equal(clock.now(), 0);
    await clock.advance(5);
    t.equal(fired, 1, 'a negative delay fires at once');
    clock.clearTimer(h);
    clock.clearTimer(h);
    t.equal(clock.pendingTimers(), 0);
    await clock.advance(10);
    t.equal(fired, 1);
    t.equal(clock.epochMs(), 1_000_015);
  });

  t.test('RealClock uses real time', async (t) => {
    const clock = new RealClock();
    const t0 = clock.now();
    await new Promise<void>((resolve) => clock.setTimer(resolve, 5));
    t.ok(clock.now() - t0 >= 4);
    t.ok(Math.abs(clock.epochMs() - Date.now()) < 1000);
    let fired = false;
    const h = clock.setTimer(() => (fired = true), 1);
    clock.clearTimer(h);
    await new Promise((r) => setTimeout(r, 10));
    t.equal(fired, false);
  });
});
