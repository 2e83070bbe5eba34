// A tiny WebSocket server on loopback that speaks just enough of the protocol to drive HajimeSocket:
// session.connect (tokens in `validTokens`), session.heartbeat, and whatever a test adds with `handle`.
// Every frame it receives is recorded; tests push frames and drop connections through it.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';
import type { HajimeSocket } from '../../src/index.js';
import { WebSocketServer, type WebSocket } from 'ws';

export interface ClientFrame {
  type: string;
  payload: Record<string, unknown>;
  cid?: string;
  seq?: number;
}

export type Handler = (frame: ClientFrame, ws: WebSocket, gw: FakeGateway) => boolean | void;

export class FakeGateway {
  readonly received: ClientFrame[] = [];
  readonly sockets = new Set<WebSocket>();
  validTokens = new Set(['good']);
  /** Answer heartbeats (false: stay silent, as a dead link would). */
  answerHeartbeats = true;
  handle: Handler | undefined;
  connections = 0;
  #server: WebSocketServer;
  readonly port: number;

  private constructor(server: WebSocketServer, port: number) {
    this.#server = server;
    this.port = port;
    this.#attach(server);
  }

  static async start(t: Test, port = 0): Promise<FakeGateway> {
    const server = new WebSocketServer({ port, host: '127.0.0.1' });
    await once(server, 'listening');
    const gw = new FakeGateway(server, (server.address() as AddressInfo).port);
    t.teardown(() => gw.stop());
    return gw;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  #attach(server: WebSocketServer): void {
    server.on('connection', (ws) => {
      this.connections++;
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as ClientFrame;
        this.received.push(frame);
        if (this.handle?.(frame, ws, this) === true) return;
        if (frame.type === 'session.connect') {
          if (this.validTokens.has(String(frame.payload['token']))) FakeGateway.send(ws, { type: 'session.connected', cid: frame.cid, payload: { player_id: 'p-1', wire: 'json' } });
          else FakeGateway.send(ws, { type: 'error', cid: frame.cid, payload: { reason: 'invalid_token', error: { code: 'unauthenticated', message: 'Missing, invalid or expired credentials.', details: {} } } });
        } else if (frame.type === 'session.heartbeat') {
          if (this.answerHeartbeats) FakeGateway.send(ws, { type: 'session.heartbeat', cid: frame.cid, payload: { ts: 1_000_000 } });
        }
      });
    });
  }

  static send(ws: WebSocket, frame: { type: string; payload: unknown; cid?: string | undefined }): void {
    ws.send(JSON.stringify(frame));
  }

  /** Pushes a frame to every connected client. */
  push(frame: { type: string; payload: unknown; cid?: string }): void {
    for (const ws of this.sockets) FakeGateway.send(ws, frame);
  }

  /** Closes every connection with a close frame. */
  closeAll(code = 1001, reason = 'going away'): void {
    for (const ws of this.sockets) ws.close(code, reason);
  }

  /** Cuts every connection without a close frame. */
  terminateAll(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  /** Frames received of one type. */
  frames(type: string): ClientFrame[] {
    return this.received.filter((f) => f.type === type);
  }

  /** Stops listening and cuts every connection. */
  async stop(): Promise<void> {
    this.terminateAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Listens again on the same port (after `stop`). */
  async restart(): Promise<void> {
    const server = new WebSocketServer({ port: this.port, host: '127.0.0.1' });
    await once(server, 'listening');
    this.#server = server;
    this.#attach(server);
  }
}

/** Resolves with the arguments of the next emission of `event` on `socket` (rejects after `timeoutMs`). */
export function next(socket: HajimeSocket, event: string, timeoutMs = 5_000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = socket.on(event, (...args: unknown[]) => {
      clearTimeout(timer);
      off();
      resolve(args);
    });
  });
}

/** Waits until `cond()` holds (polling), or fails after `timeoutMs`. */
export async function until(cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
