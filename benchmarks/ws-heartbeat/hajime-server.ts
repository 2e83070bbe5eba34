/**
 * Hajime as a game server runs it: the real `createServer` (Fastify, the `/ws` gateway, the actor
 * system) on embedded in-memory storage (PGlite). Players are created directly in storage and their
 * tokens issued with `auth.issuePair` (no password KDF: the benchmark measures the socket, not sign-in).
 * The `ws_connect` limit and `ws.framesPerSecond` are raised so the figures show throughput, not limits.
 * Runs inside the server child process.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from '@hajime/server';
import { Storage } from '@hajime/storage';
import type { BenchServer } from './bench-server.js';

/** Large enough never to bind during a run; stated in the report. */
export const RAISED_LIMIT = 1_000_000_000;

export async function startHajime(): Promise<BenchServer> {
  const storage = await Storage.open({ dataDir: null });
  const server = await createServer({
    storage,
    logger: false,
    rateLimits: { ws_connect: { max: RAISED_LIMIT, windowMs: 1_000 } },
    ws: { framesPerSecond: RAISED_LIMIT },
  });
  const http = await server.listen({ port: 0, host: '127.0.0.1' });
  const run = randomBytes(4).toString('hex');
  let next = 0;
  return {
    url: `${http.replace(/^http/, 'ws')}/ws`,
    description: 'Hajime createServer (Fastify + /ws gateway + actor system) on embedded in-memory PGlite storage',
    async tokens(count) {
      const out: string[] = [];
      for (let i = 0; i < count; i++) {
        const player = await storage.players.create({ username: `bench_${run}_${next++}` });
        const pair = await server.context.auth.issuePair(player.id);
        out.push(pair.access_token);
      }
      return out;
    },
    async close() {
      await server.close();
      await storage.close();
    },
  };
}
