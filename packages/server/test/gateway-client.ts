// A WebSocket test client for the gateway tests: queues every frame the server sends, so a test awaits
// them in order (`next()`), and records how the socket closed (`closed`).
import { WebSocket } from 'ws';
import type { Test } from 'tap';
import type { HajimeServer } from '../src/index.js';

/** An outbound frame as a client receives it (payloads are untyped on purpose). */
export interface Frame {
  readonly type: string;
  readonly cid?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly payload: any;
}

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

export class TestSocket {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  readonly closed: Promise<Closed>;
  readonly opened: Promise<boolean>;
  #waiters: ((f: Frame | undefined) => void)[] = [];
  #isClosed = false;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    this.opened = new Promise((resolve) => {
      this.ws.once('open', () => resolve(true));
      this.ws.once('error', () => resolve(false));
    });
    this.closed = new Promise((resolve) => {
      this.ws.once('close', (code, reason) => {
        this.#isClosed = true;
        for (const w of this.#waiters.splice(0)) w(undefined);
        resolve({ code, reason: reason.toString() });
      });
    });
    this.ws.on('error', () => {});
    this.ws.on('message', (data, isBinary) => {
      const f = JSON.parse(isBinary ? Buffer.from(data as Buffer).toString('utf8') : (data as Buffer).toString('utf8')) as Frame;
      const w = this.#waiters.shift();
      if (w !== undefined) w(f);
      else this.frames.push(f);
    });
  }

  /** Opens a socket and waits until the handshake completed (it may still be closed at once by the server). */
  static async open(url: string, headers: Record<string, string> = {}): Promise<TestSocket> {
    const s = new TestSocket(url, headers);
    if (!(await s.opened)) throw new Error('the WebSocket handshake failed');
    return s;
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Sends a frame object as JSON text. */
  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Sends raw text or bytes. */
  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** The next frame from the server (rejects after `timeoutMs`, or when the socket closes first). */
  next(timeoutMs = 5_000): Promise<Frame> {
    const queued = this.frames.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#isClosed) return Promise.reject(new Error('the socket is closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(new Error(`no frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (f: Frame | undefined): void => {
        clearTimeout(timer);
        if (f === undefined) reject(new Error('the socket closed while waiting for a frame'));
        else resolve(f);
      };
      this.#waiters.push(waiter);
    });
  }

  /** Sends `{type, payload, cid}` and resolves with the next frame. */
  async request(type: string, payload: unknown = {}, cid?: string): Promise<Frame> {
    this.send(cid === undefined ? { type, payload } : { type, payload, cid });
    return this.next();
  }

  /** True when no frame arrives within `ms`. */
  async silentFor(ms: number): Promise<boolean> {
    if (this.frames.length > 0) return false;
    await new Promise((r) => setTimeout(r, ms));
    return this.frames.length === 0;
  }

  close(): Promise<Closed> {
    if (!this.#isClosed) this.ws.close(1000);
    return this.closed;
  }
}

/** Starts `server` on a free port; returns the gateway URL. */
export async function listenWs(server: HajimeServer): Promise<string> {
  const base = await server.listen({ port: 0 });
  return `${base.replace(/^http/, 'ws')}/ws`;
}

/** A client factory that closes its sockets at the end of the test. */
export function clients(t: Test, url: string): (headers?: Record<string, string>) => Promise<TestSocket> {
  const opened: TestSocket[] = [];
  t.teardown(async () => {
    await Promise.all(opened.map((s) => s.close()));
  });
  return async (headers = {}) => {
    const s = await TestSocket.open(url, headers);
    opened.push(s);
    return s;
  };
}

/** Registers a player over REST; returns its id and tokens. */
export async function registerPlayer(server: HajimeServer, username: string, password = 'password123'): Promise<{ player_id: string; access_token: string; refresh_token: string; username: string }> {
  const res = await server.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Opens a socket and authenticates it with `token`. */
export async function connected(open: () => Promise<TestSocket>, token: string): Promise<TestSocket> {
  const s = await open();
  const reply = await s.request('session.connect', { token }, 'connect');
  if (reply.type !== 'session.connected') throw new Error(`session.connect failed: ${JSON.stringify(reply)}`);
  return s;
}
