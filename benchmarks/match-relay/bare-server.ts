/**
 * The baseline: a bare `ws` 8 server on `node:http` with plain objects and JSON. A client sends
 * `{"type":"join"}` and is put in the room being filled (a new one every 8 players), answered
 * `{"type":"joined","payload":{"room","player_id"}}`; `{"type":"input","payload":{seq,dx,dy}}` is queued;
 * each room's 20 Hz interval applies its queue and sends `{"type":"state","payload":{"players":
 * {<id>:{x,y,seq}}}}`, one `JSON.stringify` per room tick, the same string to every member. No auth,
 * limits or actors. Runs inside the server child process.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ROOM_SIZE, TICK_MS, asInput, type Input, type RelayServer } from './relay-server.js';

interface Player {
  readonly id: string;
  readonly ws: WebSocket;
  x: number;
  y: number;
  seq: number;
}

interface Room {
  readonly id: string;
  readonly players: Player[];
  queue: { readonly player: Player; readonly input: Input }[];
  timer: NodeJS.Timeout | undefined;
}

export async function startBare(): Promise<RelayServer> {
  let applied = 0;
  let nextRoom = 0;
  let nextPlayer = 0;
  let filling: Room | undefined;

  const tick = (room: Room): void => {
    const queue = room.queue;
    room.queue = [];
    for (const { player, input } of queue) {
      player.x += input.dx;
      player.y += input.dy;
      player.seq = input.seq;
    }
    applied += queue.length;
    const players: Record<string, { x: number; y: number; seq: number }> = {};
    for (const p of room.players) players[p.id] = { x: p.x, y: p.y, seq: p.seq };
    const frame = JSON.stringify({ type: 'state', payload: { players } });
    for (const p of room.players) p.ws.send(frame);
  };

  const join = (ws: WebSocket): { room: Room; player: Player } => {
    if (filling === undefined || filling.players.length >= ROOM_SIZE) {
      const room: Room = { id: `r${++nextRoom}`, players: [], queue: [], timer: undefined };
      room.timer = setInterval(() => tick(room), TICK_MS);
      filling = room;
    }
    const player: Player = { id: `p${++nextPlayer}`, ws, x: 0, y: 0, seq: 0 };
    filling.players.push(player);
    return { room: filling, player };
  };

  const leave = (room: Room, player: Player): void => {
    const i = room.players.indexOf(player);
    if (i >= 0) room.players.splice(i, 1);
    if (room.players.length === 0) {
      clearInterval(room.timer);
      if (filling === room) filling = undefined;
    }
  };

  const http = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const wss = new WebSocketServer({ server: http, path: '/ws', maxPayload: 64 * 1024 });
  wss.on('connection', (ws) => {
    let seat: { room: Room; player: Player } | undefined;
    ws.on('message', (data: RawData) => {
      let frame: { type?: unknown; payload?: unknown };
      try {
        frame = JSON.parse(String(data)) as { type?: unknown; payload?: unknown };
      } catch {
        ws.send('{"type":"error","payload":{"reason":"invalid_json"}}');
        return;
      }
      if (frame.type === 'input' && seat !== undefined) {
        const input = asInput(frame.payload);
        if (input !== undefined) seat.room.queue.push({ player: seat.player, input });
      } else if (frame.type === 'join' && seat === undefined) {
        seat = join(ws);
        ws.send(JSON.stringify({ type: 'joined', payload: { room: seat.room.id, player_id: seat.player.id } }));
      } else {
        ws.send('{"type":"error","payload":{"reason":"unknown_type"}}');
      }
    });
    ws.on('close', () => {
      if (seat !== undefined) leave(seat.room, seat.player);
      seat = undefined;
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    description: 'bare ws 8 on node:http: plain objects, one JSON.stringify per room tick sent to all 8',
    tokens: async (count) => Array.from({ length: count }, () => ''),
    inputsApplied: () => applied,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
