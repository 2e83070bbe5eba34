/**
 * How many concurrent 8-player Lua matches one node runs at 10 Hz with ticks on time: N matches of the
 * benchmark game through {@link Matches} on the real clock (an actor system like the server's, sessions
 * as plain processes that receive every `match.state`, the frame JSON-encoded once per push as the
 * gateway does), every player sending one input per tick. Each tick's start is recorded (a wrapper
 * around the Lua behaviour's `tick`); lateness is the gap between consecutive ticks of a match minus the
 * 100 ms tick. A load is sustained when matches tick at ≥ 95 % of 10 Hz and the p99 lateness is
 * ≤ {@link LATE_P99_MS}.
 */
import { ActorSystem, ProcessGroups, silentLogger, type Pid } from '@hajime/actor';
import { Matches, ModeRegistry, createLuaModes, type Delivery, type MatchBehaviour } from '@hajime/game';
import { encodeFrame } from '@hajime/protocol';
import { collectGarbage } from '../lib/gc.js';
import { GAME_DIR, inputAt } from './game.js';

export const PLAYERS_PER_MATCH = 8;
export const TICK_MS = 100;
/** A load is "on time" when the p99 of (gap between ticks − tick) is at most this, and ticks run at ≥ 95 % of the rate. */
export const LATE_P99_MS = 20;
export const MIN_RATE_SHARE = 0.95;
/** Matches set up at once (set-up time is not measured). */
const SETUP_PARALLEL = 20;

export interface LoadResult {
  readonly matches: number;
  /** Ticks per second per match over the window (10 when on time). */
  readonly hz: number;
  readonly lateP50Ms: number;
  readonly lateP99Ms: number;
  readonly lateMaxMs: number;
  /** Share of one core the process used over the window. */
  readonly cpuShare: number;
  /** Time to create the N matches and join their players, ms. */
  readonly setupMs: number;
  readonly sustained: boolean;
  /** Setting up the load failed (a join timed out while the matches already started kept the node saturated). */
  readonly setupFailed?: string;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `count` matches for `settleMs`, then measures for `windowMs`. `lateP99LimitMs` is the on-time bound
 * (default {@link LATE_P99_MS}; smoke runs pass Infinity: only the tick rate decides there).
 */
export async function runLoad(count: number, settleMs: number, windowMs: number, lateP99LimitMs = LATE_P99_MS, workers = 0): Promise<LoadResult> {
  const lua = await createLuaModes(GAME_DIR, { reload: false, ...(workers > 0 ? { workers } : {}) });
  const system = new ActorSystem({ logger: silentLogger });
  const groups = new ProcessGroups<string>(system);
  const sessions = new Map<string, Pid>();
  let pushes = 0;
  const delivery: Delivery = {
    groups,
    push: (f) => encodeFrame(f),
    sessionsOf: (p) => {
      const pid = sessions.get(p);
      return pid === undefined ? [] : [pid];
    },
    sendToPlayer: (p, f) => {
      const pid = sessions.get(p);
      if (pid === undefined) return 0;
      system.send(pid, encodeFrame(f));
      return 1;
    },
  };
  const base = lua.modes['default'];
  if (base === undefined) throw new Error(`no "default" mode in ${GAME_DIR}`);
  const luaB = base.behaviour as MatchBehaviour<unknown, unknown>;
  let recording = false;
  const ticks = new Map<string, number[]>();
  const timed: MatchBehaviour<unknown, unknown> = {
    ...luaB,
    tick(state, match) {
      if (recording) {
        let list = ticks.get(match.id);
        if (list === undefined) ticks.set(match.id, (list = []));
        list.push(performance.now());
      }
      return luaB.tick!(state, match);
    },
  };
  const modes = new ModeRegistry({ default: { ...base, behaviour: timed, tickMs: TICK_MS, matchSize: PLAYERS_PER_MATCH, maxPlayers: PLAYERS_PER_MATCH, minPlayers: 1 } });
  const matches = new Matches({ system, modes, delivery, log: silentLogger, options: { maxMatches: count + 1 } });
  await matches.start();
  const players: string[] = [];
  let inputTimer: NodeJS.Timeout | undefined;
  try {
    const t0 = performance.now();
    try {
      // SETUP_PARALLEL matches set up at a time (each match's joins in order): a join waits for its
      // engine, behind the ticks of the matches already running, so one at a time takes minutes
      const setUp = async (m: number): Promise<void> => {
        const id = await matches.create('default');
        for (let i = 0; i < PLAYERS_PER_MATCH; i++) {
          const p = `m${m}p${i}`;
          const pid = system.spawn(() => void pushes++);
          sessions.set(p, pid);
          await matches.join(id, p, pid, {});
          players[m * PLAYERS_PER_MATCH + i] = p;
        }
      };
      for (let m = 0; m < count; m += SETUP_PARALLEL) {
        await Promise.all(Array.from({ length: Math.min(SETUP_PARALLEL, count - m) }, (_, k) => setUp(m + k)));
      }
    } catch (e) {
      // the matches already running saturate the node: a join waits past the call timeout
      const setupMs = performance.now() - t0;
      return { matches: count, hz: 0, lateP50Ms: Number.NaN, lateP99Ms: Number.NaN, lateMaxMs: Number.NaN, cpuShare: Number.NaN, setupMs, sustained: false, setupFailed: e instanceof Error ? e.message : String(e) };
    }
    const setupMs = performance.now() - t0;
    let t = 0;
    inputTimer = setInterval(() => {
      t++;
      for (let i = 0; i < players.length; i++) matches.input(players[i]!, inputAt(i % PLAYERS_PER_MATCH, t));
    }, TICK_MS);
    await sleep(settleMs);
    collectGarbage();
    recording = true;
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    await sleep(windowMs);
    recording = false;
    const wall = performance.now() - w0;
    const cpu = process.cpuUsage(cpu0);
    const late: number[] = [];
    let n = 0;
    for (const list of ticks.values()) {
      n += list.length;
      for (let k = 1; k < list.length; k++) late.push(list[k]! - list[k - 1]! - TICK_MS);
    }
    late.sort((a, b) => a - b);
    const hz = n / count / (wall / 1000);
    const lateP99Ms = percentile(late, 99);
    if (pushes === 0) throw new Error('no match.state reached a session');
    return {
      matches: count,
      hz,
      lateP50Ms: percentile(late, 50),
      lateP99Ms,
      lateMaxMs: late.at(-1) ?? Number.NaN,
      cpuShare: (cpu.user + cpu.system) / 1000 / wall,
      setupMs,
      sustained: hz >= (1000 / TICK_MS) * MIN_RATE_SHARE && lateP99Ms <= lateP99LimitMs,
    };
  } finally {
    if (inputTimer !== undefined) clearInterval(inputTimer);
    // a saturated node may not stop every match within the call timeout: the system stops them anyway
    await matches.stop().catch(() => undefined);
    await system.stop();
    lua.close();
  }
}
