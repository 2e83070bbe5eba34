/**
 * The benchmark game as a TypeScript {@link MatchBehaviour}: the same rules as `game/match.lua` (an
 * arena: inputs set a heading and may fire; a tick moves everyone, wraps at the edges and scores a hit on
 * the nearest other player in range; each player's `getState` is their own record, everyone's
 * positions, the tick and the script version). Also the inputs both contenders get, and a stand-in
 * {@link MatchApi} for driving the callbacks without a match server.
 */
import { fileURLToPath } from 'node:url';
import type { MatchApi, MatchBehaviour } from '@hajime/game';

/** The game folder holding `match.lua`, in the sources (`benchmarks/lua/game/`; tsc does not copy it). */
export const GAME_DIR = fileURLToPath(new URL('../../lua/game/', import.meta.url));

const WIDTH = 1000;
const HEIGHT = 1000;
const SPEED = 3;
const RANGE = 120;
const VERSION = 1;

interface Player {
  x: number;
  y: number;
  dx: number;
  dy: number;
  hp: number;
  score: number;
  seq: number;
  fire: boolean;
}
export interface ArenaState {
  players: Record<string, Player>;
  tick: number;
}
export interface ArenaInput {
  readonly seq: number;
  readonly dx: number;
  readonly dy: number;
  readonly fire: boolean;
}

const wrap = (v: number, size: number): number => ((v % size) + size) % size;
const clamp = (v: number): number => Math.max(-1, Math.min(1, v));

export const arenaBehaviour: MatchBehaviour<ArenaState, ArenaInput> = {
  init: () => ({ players: {}, tick: 0 }),
  join: (id, s) => {
    const n = Object.keys(s.players).length;
    s.players[id] = { x: (n * 61) % WIDTH, y: (n * 37) % HEIGHT, dx: 0, dy: 0, hp: 100, score: 0, seq: 0, fire: false };
    return s;
  },
  leave: (id, s) => {
    delete s.players[id];
    return s;
  },
  handleInput: (id, input, s) => {
    const p = s.players[id];
    if (p === undefined) return s;
    if (typeof input.dx !== 'number' || typeof input.dy !== 'number') throw new Error('dx and dy must be numbers');
    p.dx = clamp(input.dx);
    p.dy = clamp(input.dy);
    p.fire = input.fire === true;
    if (typeof input.seq === 'number') p.seq = input.seq;
    return s;
  },
  tick: (s) => {
    s.tick += 1;
    const entries = Object.entries(s.players);
    for (const [, p] of entries) {
      p.x = wrap(p.x + p.dx * SPEED, WIDTH);
      p.y = wrap(p.y + p.dy * SPEED, HEIGHT);
    }
    for (const [id, p] of entries) {
      if (!p.fire) continue;
      let best: Player | undefined;
      let bestD = RANGE * RANGE;
      for (const [other, q] of entries) {
        if (other === id) continue;
        const ddx = q.x - p.x;
        const ddy = q.y - p.y;
        const d = ddx * ddx + ddy * ddy;
        if (d < bestD) {
          best = q;
          bestD = d;
        }
      }
      if (best !== undefined) {
        best.hp -= 1;
        p.score += 1;
        if (best.hp <= 0) best.hp = 100;
      }
      p.fire = false;
    }
    return s;
  },
  getState: (id, s) => {
    const others: Record<string, { x: number; y: number; hp: number }> = {};
    for (const [pid, q] of Object.entries(s.players)) others[pid] = { x: q.x, y: q.y, hp: q.hp };
    return { me: s.players[id], players: others, tick: s.tick, v: VERSION };
  },
};

/** The input player `i` sends at tick `t` (deterministic, so both contenders get the same ones). */
export function inputAt(i: number, t: number): ArenaInput {
  const k = (i * 7 + t * 3) % 9;
  return { seq: t, dx: (k % 3) - 1, dy: Math.floor(k / 3) - 1, fire: (i + t) % 3 === 0 };
}

/** A {@link MatchApi} with no match behind it: the callbacks' `match` argument when driven directly. */
export function standInApi(id: string, mode: string, players: readonly string[]): MatchApi & { tick: number } {
  return {
    id,
    mode,
    players,
    tick: 0,
    now: () => Date.now(),
    broadcast: () => undefined,
    send: () => undefined,
    sendMessage: () => undefined,
    setJoinable: () => undefined,
    startVote: () => Promise.reject(new Error('not_available')),
    phaseEvent: () => undefined,
    log: () => undefined,
  };
}
