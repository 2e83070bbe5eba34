/**
 * Bot test helpers: `Bots` over the match harness (simulated clock). Bot processes read the harness's
 * push messages (`{$push: frame}`) through `decodePush`, as they read the server's in production.
 */
import { LuaRuntime } from '@hajime/lua';
import type { OutboundFrame } from '@hajime/protocol';
import { Bots, type BotsDeps } from '../../src/bots/bots.js';
import type { Harness } from '../match/harness.js';

export const decodeHarnessPush = (msg: unknown): OutboundFrame<string, unknown> | undefined =>
  typeof msg === 'object' && msg !== null && '$push' in msg ? (msg as { $push: OutboundFrame<string, unknown> }).$push : undefined;

let shared: Promise<LuaRuntime> | undefined;
/** One Lua runtime for the whole test file. */
export function runtime(): Promise<LuaRuntime> {
  shared ??= LuaRuntime.create();
  return shared;
}

/** A seeded random (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startBots(t: { teardown(fn: () => void | Promise<void>): void }, h: Harness, deps: Partial<BotsDeps> = {}): Promise<Bots> {
  const bots = new Bots({ system: h.system, matches: h.matches, modes: h.modes, decodePush: decodeHarnessPush, log: h.log, random: seeded(7), ...deps });
  await bots.start();
  t.teardown(() => bots.stop());
  return bots;
}

/** A 2D arena game in TypeScript: players at x/y with hp; inputs `{dx, dy}` move them. */
export interface Arena {
  players: Record<string, { x: number; y: number; hp: number; inputs: number }>;
}
export const arena = {
  init: (): Arena => ({ players: {} }),
  join: (id: string, s: Arena) => {
    const n = Object.keys(s.players).length;
    s.players[id] = { x: n * 100, y: 0, hp: 10, inputs: 0 };
    return s;
  },
  leave: (id: string, s: Arena) => {
    delete s.players[id];
    return s;
  },
  handleInput: (id: string, input: Record<string, unknown>, s: Arena) => {
    const p = s.players[id];
    if (p === undefined) return s;
    p.inputs += 1;
    if (typeof input['dx'] === 'number') p.x += input['dx'] * 10;
    if (typeof input['dy'] === 'number') p.y += input['dy'] * 10;
    return s;
  },
  getSharedState: (s: Arena) => ({ players: s.players }),
};
