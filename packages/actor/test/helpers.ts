// Shared test helpers: a system on simulated time with a capturing logger, and a mailbox recorder.
import { ActorSystem, MemoryLogger, SimulatedClock, type Pid, type ProcessContext } from '../src/index.js';

export function makeSystem(): { system: ActorSystem; clock: SimulatedClock; logger: MemoryLogger } {
  const clock = new SimulatedClock();
  const logger = new MemoryLogger();
  const system = new ActorSystem({ clock, logger });
  return { system, clock, logger };
}

/** A plain process that records every message it receives. */
export function recorder(system: ActorSystem, options: { trapExit?: boolean; name?: string } = {}): { pid: Pid; messages: unknown[]; ctx: () => ProcessContext } {
  const messages: unknown[] = [];
  let context: ProcessContext | undefined;
  const pid = system.spawn((msg, ctx) => {
    context = ctx;
    messages.push(msg);
  }, options);
  return {
    pid,
    messages,
    ctx: () => {
      if (context === undefined) throw new Error('recorder has not run yet');
      return context;
    },
  };
}

/** Runs `fn` inside a fresh process (to use the ProcessContext API from a test) and waits for it. */
export async function inProcess(system: ActorSystem, fn: (ctx: ProcessContext) => void, options: { trapExit?: boolean } = {}): Promise<Pid> {
  const pid = system.spawn((msg, ctx) => {
    if (msg === '$run') fn(ctx);
  }, options);
  system.send(pid, '$run');
  await system.settle();
  return pid;
}
