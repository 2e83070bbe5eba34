/**
 * The load generator's clients, one connector per server. Each connects, authenticates if the server
 * needs it, and joins a room of 8; it can then send inputs and, once asked to `record`, decode every
 * state and report this player's last processed seq. Clients that never record drop their frames unread,
 * so only about one client per room pays for decoding (the server's traffic is the same either way).
 */
import { Client as ColyseusClient } from '@colyseus/sdk';
import { WebSocket, type RawData } from 'ws';
import type { ServerKind } from './ipc.js';

/** One joined player. */
export interface RelayClient {
  /** The room (match) it joined. */
  readonly room: string;
  sendInput(seq: number, dx: number, dy: number): void;
  /** Decode states from now on; `onSeq` gets this player's last processed input seq from each state. */
  record(onSeq: (seq: number) => void): void;
  /** Drop every frame unread from now on (the clients that do not record). */
  mute(): void;
  close(): Promise<void>;
}

export type Connector = (token: string) => Promise<RelayClient>;

const JOIN_TIMEOUT_MS = 60_000;
const clip = (text: string): string => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

interface Frame {
  readonly type?: unknown;
  readonly payload?: Record<string, unknown> | null;
}

/** The seq of `playerId` in a state payload `{players: {<id>: {seq}}}` (or `{state: {players}}`). */
function seqOf(payload: Record<string, unknown> | null | undefined, playerId: string): number | undefined {
  const players = (payload?.['players'] ?? (payload?.['state'] as Record<string, unknown> | undefined)?.['players']) as Record<string, { seq?: unknown } | undefined> | undefined;
  const seq = players?.[playerId]?.seq;
  return typeof seq === 'number' ? seq : undefined;
}

/**
 * A plain `ws` client with a JSON handshake: it sends `opening`, then `step` is called with each frame
 * until it returns the joined room and player id (or throws). After that frames are dropped unless recording.
 */
function jsonClient(url: string, opening: string, step: (frame: Frame, ws: WebSocket) => { room: string; playerId: string } | undefined, stateType: string, inputType: string): Promise<RelayClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let joined = false;
    const fail = (why: string): void => {
      clearTimeout(timer);
      ws.terminate();
      reject(new Error(`${url}: ${why}`));
    };
    const timer = setTimeout(() => fail(`not joined within ${JOIN_TIMEOUT_MS} ms`), JOIN_TIMEOUT_MS);
    ws.on('open', () => ws.send(opening));
    ws.on('error', (err) => {
      if (!joined) fail(err.message);
    });
    ws.on('close', (code) => {
      if (!joined) fail(`closed ${code} before joining`);
    });
    const handshake = (data: RawData): void => {
      const text = String(data);
      let frame: Frame;
      try {
        frame = JSON.parse(text) as Frame;
      } catch {
        fail(`not JSON: ${clip(text)}`);
        return;
      }
      if (frame.type === 'error' || frame.type === 'match.join_refused') {
        fail(`refused: ${clip(text)}`);
        return;
      }
      let seat: { room: string; playerId: string } | undefined;
      try {
        seat = step(frame, ws);
      } catch (err) {
        fail(err instanceof Error ? err.message : String(err));
        return;
      }
      if (seat === undefined) return;
      joined = true;
      clearTimeout(timer);
      ws.off('message', handshake);
      ws.on('message', () => undefined); // dropped unread until recording
      const { playerId } = seat;
      resolve({
        room: seat.room,
        sendInput(seq, dx, dy) {
          ws.send(`{"type":"${inputType}","payload":{"seq":${seq},"dx":${dx},"dy":${dy}}}`);
        },
        record(onSeq) {
          ws.removeAllListeners('message');
          ws.on('message', (data: RawData) => {
            const f = JSON.parse(String(data)) as Frame;
            if (f.type !== stateType) return;
            const seq = seqOf(f.payload, playerId);
            if (seq !== undefined) onSeq(seq);
          });
        },
        mute() {
          ws.removeAllListeners('message');
          ws.on('message', () => undefined);
        },
        close: () => closeWs(ws),
      });
    };
    ws.on('message', handshake);
  });
}

function closeWs(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve();
    const timer = setTimeout(() => {
      ws.terminate();
      resolve();
    }, 5_000);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.close(1000);
  });
}

/** The bare server: `join` → `joined {room, player_id}`; states are `state`. */
function bareConnector(url: string): Connector {
  return () =>
    jsonClient(
      url,
      '{"type":"join"}',
      (f) => {
        if (f.type !== 'joined') return undefined;
        return { room: String(f.payload?.['room']), playerId: String(f.payload?.['player_id']) };
      },
      'state',
      'input',
    );
}

/** Hajime: `session.connect {token}` → `session.connected {player_id}`, then `match.find_or_create {mode}` → `match.joined`. */
function hajimeConnector(url: string): Connector {
  return (token) => {
    let playerId: string | undefined;
    return jsonClient(
      url,
      JSON.stringify({ type: 'session.connect', cid: 'connect', payload: { token } }),
      (f, ws) => {
        if (f.type === 'session.connected') {
          playerId = String(f.payload?.['player_id']);
          ws.send('{"type":"match.find_or_create","payload":{"mode":"relay"},"cid":"1"}');
          return undefined;
        }
        if (f.type !== 'match.joined' || playerId === undefined) return undefined;
        const p = f.payload ?? {};
        const room = p['match_id'] ?? p['id'] ?? (p['match'] as Record<string, unknown> | undefined)?.['id'];
        if (typeof room !== 'string') throw new Error(`match.joined without a match id: ${clip(JSON.stringify(f))}`);
        return { room, playerId };
      },
      'match.state',
      'match.input',
    );
  };
}

interface PlayerView {
  readonly seq: number;
}
interface RelayView {
  readonly players: { get(id: string): PlayerView | undefined };
}

/** Colyseus through its own SDK (`@colyseus/sdk`): `joinOrCreate('relay')`, `room.send('input')`, `onStateChange`. */
function colyseusConnector(url: string): Connector {
  const client = new ColyseusClient(url);
  return async () => {
    const room = await client.joinOrCreate<RelayView>('relay');
    return {
      room: room.roomId,
      sendInput(seq, dx, dy) {
        room.send('input', { seq, dx, dy });
      },
      record(onSeq) {
        room.onStateChange((state) => {
          const seq = state.players.get(room.sessionId)?.seq;
          if (seq !== undefined) onSeq(seq);
        });
      },
      mute() {
        room.connection.events.onmessage = () => undefined;
      },
      async close() {
        await room.leave(true).catch(() => undefined);
      },
    };
  };
}

export function connector(kind: ServerKind, url: string): Connector {
  switch (kind) {
    case 'bare':
      return bareConnector(url);
    case 'hajime':
      return hajimeConnector(url);
    case 'colyseus':
      return colyseusConnector(url);
  }
}
