/**
 * Colyseus 0.18 as its users write it: a `Room` with `@colyseus/schema` state (a map of players),
 * `onMessage('input')` queueing the input, `setSimulationInterval` at 50 ms applying the queue, and
 * `this.patchRate = 50` set after it (otherwise the patch timer, started first, fires just before every
 * tick and each tick's changes go out 50 ms late). `maxClients = 8`; clients join with
 * `client.joinOrCreate('relay')` (HTTP seat reservation, then the WebSocket). `@colyseus/ws-transport`
 * (ws 8), the default local presence and driver. Runs inside the server child process.
 */
import { createServer as createNetServer } from 'node:net';
import { Room, Server, type Client } from '@colyseus/core';
import { schema, t, type SchemaType } from '@colyseus/schema';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { ROOM_SIZE, TICK_MS, asInput, type Input, type RelayServer } from './relay-server.js';

const Player = schema({ x: t.number(), y: t.number(), seq: t.number() }, 'Player');
type Player = SchemaType<typeof Player>;
const RelayState = schema({ players: t.map(Player) }, 'RelayState');
type RelayState = SchemaType<typeof RelayState>;

/** Inputs applied by every room of this process. */
let applied = 0;

class RelayRoom extends Room<{ state: RelayState }> {
  override maxClients = ROOM_SIZE;
  override state = new RelayState();
  #queue: { readonly sessionId: string; readonly input: Input }[] = [];

  override onCreate(): void {
    this.onMessage('input', (client: Client, message: unknown) => {
      const input = asInput(message);
      if (input !== undefined) this.#queue.push({ sessionId: client.sessionId, input });
    });
    this.setSimulationInterval(() => this.#tick(), TICK_MS);
    this.patchRate = TICK_MS;
  }

  override onJoin(client: Client): void {
    this.state.players.set(client.sessionId, new Player({ x: 0, y: 0, seq: 0 }));
  }

  override onLeave(client: Client): void {
    this.state.players.delete(client.sessionId);
  }

  #tick(): void {
    const queue = this.#queue;
    this.#queue = [];
    for (const { sessionId, input } of queue) {
      const p = this.state.players.get(sessionId);
      if (p === undefined) continue;
      p.x += input.dx;
      p.y += input.dy;
      p.seq = input.seq;
    }
    applied += queue.length;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const quiet = { debug() {}, info() {}, log() {}, warn: console.warn, error: console.error, trace() {} };

export async function startColyseus(): Promise<RelayServer> {
  const port = await freePort();
  const server = new Server({ transport: new WebSocketTransport(), greet: false, gracefullyShutdown: false, logger: quiet });
  server.define('relay', RelayRoom);
  await server.listen(port, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    description: 'Colyseus 0.18 (@colyseus/core + ws-transport, schema 5): Room with a MapSchema of players, onMessage input queue, setSimulationInterval 50 ms, patchRate 50',
    tokens: async (count) => Array.from({ length: count }, () => ''),
    inputsApplied: () => applied,
    async close() {
      await server.gracefullyShutdown(false);
    },
  };
}
