/**
 * Per-tick cost of one match, driven without a match server: the callbacks the match server runs every
 * tick, in its order (every player's `handleInput`, `tick`, every player's `getState` encoded as the
 * `match.state` frame text the socket gets), called directly
 * on a Lua mode's behaviour and on the same game as a TypeScript behaviour. Each contender gets the same
 * players and inputs; runs alternate with a full GC before each (`lib/sampling.ts`), median reported.
 */
import { createLuaModes, type MatchBehaviour, type MatchConfig } from '@hajime/game';
import { encodeFrame, frame } from '@hajime/protocol';
import { sample } from '../lib/sampling.js';
import { GAME_DIR, arenaBehaviour, inputAt, standInApi } from './game.js';

export interface TickCost {
  /** µs per tick, median run. */
  readonly luaUs: number;
  readonly tsUs: number;
  /** µs per tick of the Lua match's best run, and of each part of a Lua tick (one separate pass). */
  readonly luaBestUs: number;
  readonly luaParts: { readonly inputsUs: number; readonly tickUs: number; readonly getStateUs: number };
}

type AnyBehaviour = MatchBehaviour<unknown, unknown>;

/** A match of `players` on `behaviour`, joined; `run(n)` runs n ticks and returns the elapsed ms. */
async function matchOf(behaviour: AnyBehaviour, id: string, players: number): Promise<{ run(n: number): Promise<number>; parts(n: number): Promise<[number, number, number]>; dispose(): void }> {
  const ids = Array.from({ length: players }, (_, i) => `p${String(i).padStart(2, '0')}-${id}`);
  const api = standInApi(id, 'default', ids);
  const config: MatchConfig = { match_id: id, mode: 'default' };
  let state = await behaviour.init(config, api);
  for (const p of ids) {
    const r = await behaviour.join(p, state, {}, api);
    if (typeof r !== 'object' || r === null || !('players' in r)) throw new Error(`join of ${p} refused`);
    state = r;
  }
  let t = 0;
  const inputs = async (): Promise<void> => {
    for (let i = 0; i < ids.length; i++) {
      const r = await behaviour.handleInput(ids[i]!, inputAt(i, t), state, api);
      if (typeof r === 'object' && r !== null && 'players' in r) state = r;
      else throw new Error('input rejected');
    }
  };
  const tick = async (): Promise<void> => {
    const r = await behaviour.tick!(state, api);
    state = r as unknown;
    api.tick = ++t;
  };
  let sink = 0;
  // each view as the match server sends it: the frame's JSON text (a TS view is stringified here; a Lua
  // view comes back from the engine as JSON text already)
  const views = (): void => {
    const want = `"tick":${t}`;
    for (const p of ids) {
      const text = encodeFrame(frame('match.state', behaviour.getState!(p, state, api) as Record<string, unknown>));
      if (!text.includes(want)) throw new Error(`get_state of ${p} does not show tick ${t}: ${text.slice(0, 200)}`);
      sink += 1;
    }
  };
  return {
    async run(n) {
      const t0 = performance.now();
      for (let k = 0; k < n; k++) {
        await inputs();
        await tick();
        views();
      }
      return performance.now() - t0;
    },
    async parts(n) {
      const out: [number, number, number] = [0, 0, 0];
      for (let k = 0; k < n; k++) {
        const a = performance.now();
        await inputs();
        const b = performance.now();
        await tick();
        const c = performance.now();
        views();
        const d = performance.now();
        out[0] += b - a;
        out[1] += c - b;
        out[2] += d - c;
      }
      if (sink === 0) throw new Error('no views');
      return out;
    },
    dispose: () => behaviour.dispose?.(id),
  };
}

export async function measureTickCost(options: { players: number; ticks: number; runs: number }): Promise<TickCost> {
  const lua = await createLuaModes(GAME_DIR, { reload: false });
  try {
    const luaBehaviour = lua.modes['default']?.behaviour as AnyBehaviour | undefined;
    if (luaBehaviour === undefined) throw new Error(`no "default" mode in ${GAME_DIR}`);
    const luaMatch = await matchOf(luaBehaviour, 'lua-tick', options.players);
    const tsMatch = await matchOf(arenaBehaviour as unknown as AnyBehaviour, 'ts-tick', options.players);
    const [l, s] = await sample(
      [
        { label: 'lua', trial: (n) => luaMatch.run(n) },
        { label: 'ts', trial: (n) => tsMatch.run(n) },
      ],
      { n: options.ticks, runs: options.runs },
    );
    const [inputsMs, tickMs, viewMs] = await luaMatch.parts(options.ticks);
    luaMatch.dispose();
    tsMatch.dispose();
    const us = (ticksPerS: number): number => 1e6 / ticksPerS;
    return {
      luaUs: us(l!.median),
      tsUs: us(s!.median),
      luaBestUs: us(l!.best),
      luaParts: { inputsUs: (inputsMs * 1000) / options.ticks, tickUs: (tickMs * 1000) / options.ticks, getStateUs: (viewMs * 1000) / options.ticks },
    };
  } finally {
    lua.close();
  }
}
