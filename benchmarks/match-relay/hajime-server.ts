/**
 * Hajime as a game server runs it: the real `createServer` (Fastify, the `/ws` gateway, the actor
 * system) with `createGamePlugin` and one quick-play mode, `relay` (a {@link MatchBehaviour}: rooms of
 * 8, `tickMs` 50, inputs applied at the start of each tick, the shared state encoded once per tick for
 * every player). Embedded in-memory storage (PGlite); players are created in storage and their tokens
 * issued with `auth.issuePair` (no password KDF: the benchmark measures matches, not sign-in). The
 * `ws_connect`, `join` and `api` limits and `ws.framesPerSecond` are raised so nothing is refused.
 * Runs inside the server child process.
 */
import { randomBytes } from 'node:crypto';
import { createGamePlugin, createServer, rejectInput, type MatchBehaviour } from '@hajime/server';
import { Storage } from '@hajime/storage';
import { ROOM_SIZE, TICK_MS, asInput, type RelayServer } from './relay-server.js';

/** Large enough never to bind during a run; stated in the report. */
export const RAISED_LIMIT = 1_000_000_000;

interface Player {
  x: number;
  y: number;
  seq: number;
}
interface RelayGame {
  readonly players: Record<string, Player>;
}

/** The game: move by (dx, dy), remember the seq; the state every player gets is `{players}`. */
function relayBehaviour(counter: { applied: number }): MatchBehaviour<RelayGame, Record<string, unknown>> {
  return {
    init: () => ({ players: {} }),
    join: (id, s) => {
      s.players[id] = { x: 0, y: 0, seq: 0 };
      return s;
    },
    leave: (id, s) => {
      delete s.players[id];
      return s;
    },
    handleInput: (id, raw, s) => {
      const input = asInput(raw);
      const p = s.players[id];
      if (input === undefined || p === undefined) return rejectInput('bad_input');
      p.x += input.dx;
      p.y += input.dy;
      p.seq = input.seq;
      counter.applied++;
      return s;
    },
    getSharedState: (s) => s,
  };
}

export async function startHajime(): Promise<RelayServer> {
  const counter = { applied: 0 };
  const storage = await Storage.open({ dataDir: null });
  const limit = { max: RAISED_LIMIT, windowMs: 1_000 };
  const server = await createServer(
    { storage, logger: false, rateLimits: { ws_connect: limit, join: limit, api: limit }, ws: { framesPerSecond: RAISED_LIMIT } },
    { plugins: [createGamePlugin({ modes: { relay: { behaviour: relayBehaviour(counter), matchSize: ROOM_SIZE, maxPlayers: ROOM_SIZE, tickMs: TICK_MS, quickPlay: true } } })] },
  );
  const http = await server.listen({ port: 0, host: '127.0.0.1' });
  const run = randomBytes(4).toString('hex');
  let next = 0;
  return {
    url: `${http.replace(/^http/, 'ws')}/ws`,
    description: `Hajime createServer + createGamePlugin (mode relay: matchSize ${ROOM_SIZE}, tickMs ${TICK_MS}, quickPlay, getSharedState) on embedded in-memory PGlite; ws_connect, join, api limits and ws.framesPerSecond raised to ${RAISED_LIMIT.toLocaleString('en-US')}`,
    async tokens(count) {
      const out: string[] = [];
      for (let i = 0; i < count; i++) {
        const player = await storage.players.create({ username: `relay_${run}_${next++}` });
        const pair = await server.context.auth.issuePair(player.id);
        out.push(pair.access_token);
      }
      return out;
    },
    inputsApplied: () => counter.applied,
    async close() {
      await server.close();
      await storage.close();
    },
  };
}
