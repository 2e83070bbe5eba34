/**
 * The limit: a bare `ws` server on a plain `node:http` server that parses every JSON frame and
 * re-serialises a reply of the same shape Hajime sends (`session.connect` → `session.connected
 * {player_id, wire}`, `session.heartbeat` → `session.heartbeat {ts}`, the cid echoed). It checks the
 * token against a set and keeps one string per connection; no actors, no limits, no routing, no errors
 * beyond the three a client can provoke. Runs inside the server child process.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { BenchServer } from './bench-server.js';

interface Frame {
  readonly type?: unknown;
  readonly cid?: unknown;
  readonly payload?: { readonly token?: unknown } | null;
}

function reply(ws: WebSocket, type: string, cid: unknown, payload: object): void {
  ws.send(JSON.stringify(typeof cid === 'string' ? { type, cid, payload } : { type, payload }));
}

export async function startBare(): Promise<BenchServer> {
  const tokens = new Set<string>();
  const http = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const wss = new WebSocketServer({ server: http, path: '/ws', maxPayload: 64 * 1024 });
  wss.on('connection', (ws) => {
    let playerId: string | undefined;
    ws.on('message', (data: RawData) => {
      let frame: Frame;
      try {
        frame = JSON.parse(String(data)) as Frame;
      } catch {
        reply(ws, 'error', undefined, { reason: 'invalid_json' });
        return;
      }
      if (frame.type === 'session.heartbeat' && playerId !== undefined) {
        reply(ws, 'session.heartbeat', frame.cid, { ts: Date.now() });
      } else if (frame.type === 'session.connect' && typeof frame.payload?.token === 'string' && tokens.has(frame.payload.token)) {
        playerId = randomUUID();
        reply(ws, 'session.connected', frame.cid, { player_id: playerId, wire: 'json' });
      } else {
        reply(ws, 'error', frame.cid, { reason: playerId === undefined ? 'invalid_token' : 'unknown_type' });
      }
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    description: 'bare ws 8 server on node:http: JSON.parse each frame, JSON.stringify the reply',
    async tokens(count) {
      const out: string[] = [];
      for (let i = 0; i < count; i++) {
        const token = randomBytes(32).toString('base64url');
        tokens.add(token);
        out.push(token);
      }
      return out;
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
