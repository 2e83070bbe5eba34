/**
 * The root supervision tree, and the supervised demo it can run (`HAJIME_DEMO=1`): a ticking match-like
 * process that crashes now and then on purpose. Every crash shows the supervisor's
 * report, and the restarted process resumes from its last snapshot (its tick count never goes back).
 */
import { GenServer, Supervisor, noreply, ok, reply, type ActorSystem, type GenServerBehaviour, type Pid } from '@hajime/actor';

/** Options of the demo tree, with units in the names. */
export interface DemoOptions {
  /** How often the ticker ticks. */
  readonly tickIntervalMs: number;
  /** The ticker crashes on every tick that is a multiple of this (0 = never). */
  readonly crashEveryTicks: number;
  /** Log one line every this many ticks. */
  readonly reportEveryTicks: number;
}

export const DEFAULT_DEMO_OPTIONS: DemoOptions = Object.freeze({ tickIntervalMs: 1_000, crashEveryTicks: 7, reportEveryTicks: 1 });

interface TickerState {
  readonly tick: number;
  readonly restarts: number;
  readonly startedAtMs: number;
}

/** A ticking process that snapshots every tick and crashes on purpose every `crashEveryTicks`. */
export function tickerBehaviour(options: DemoOptions): GenServerBehaviour<TickerState, undefined, 'state', never, TickerState, 'crash'> {
  return {
    snapshotVersion: 1,
    init(_args, ctx) {
      ctx.sendInterval('tick', options.tickIntervalMs);
      return ok({ tick: 0, restarts: 0, startedAtMs: ctx.system.clock.epochMs() });
    },
    restore(snapshot, _args, ctx) {
      ctx.sendInterval('tick', options.tickIntervalMs);
      const s = snapshot as TickerState;
      const next = { ...s, restarts: s.restarts + 1 };
      ctx.system.logger.info({ demo: 'ticker', event: 'resumed', tick: next.tick, restarts: next.restarts }, `ticker resumed from its snapshot at tick ${next.tick}`);
      return ok(next);
    },
    snapshot: (s) => s,
    handleCall(_msg, _from, s) {
      return reply(s, s);
    },
    handleInfo(msg, s, ctx) {
      if (msg !== 'tick') return noreply(s);
      const next = { ...s, tick: s.tick + 1 };
      if (options.reportEveryTicks > 0 && next.tick % options.reportEveryTicks === 0) {
        ctx.system.logger.info({ demo: 'ticker', event: 'tick', tick: next.tick, restarts: next.restarts }, `tick ${next.tick}`);
      }
      // The state of this tick is snapshotted (as a match does every tick); on a crash tick the failure
      // comes right after, in handleContinue, so the restarted ticker resumes from exactly this tick.
      const crash = options.crashEveryTicks > 0 && next.tick % options.crashEveryTicks === 0;
      return crash ? noreply(next, { snapshot: true, continue: 'crash' }) : noreply(next, { snapshot: true });
    },
    handleContinue(_cont, s) {
      throw Object.assign(new Error(`demo crash at tick ${s.tick}`), { code: 'DEMO_CRASH' });
    },
  };
}

/**
 * Starts the root supervision tree of the release (asobi's top-level budget: 10 restarts in 60 s) and
 * returns its pid. With `ticker`, the demo ticker runs under it, registered as `demo:ticker` with
 * snapshots under the same key.
 */
export async function startRoot(system: ActorSystem, options: { ticker: boolean; demo?: DemoOptions } = { ticker: false }): Promise<Pid> {
  return Supervisor.start(
    system,
    {
      strategy: 'one_for_one',
      intensity: 10,
      periodMs: 60_000,
      children: options.ticker ? [GenServer.childSpec('ticker', tickerBehaviour(options.demo ?? DEFAULT_DEMO_OPTIONS), undefined, { name: 'demo:ticker', restart: 'permanent' })] : [],
    },
    { name: 'hajime:root' },
  );
}

/** The root tree with the demo ticker (what `HAJIME_DEMO=1 npm start` runs). */
export function startDemo(system: ActorSystem, options: DemoOptions = DEFAULT_DEMO_OPTIONS): Promise<Pid> {
  return startRoot(system, { ticker: true, demo: options });
}
