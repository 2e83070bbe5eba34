/**
 * The load generator (in the benchmark's own process): `ws` clients that authenticate with
 * `session.connect`, then run a closed loop of `session.heartbeat` round trips: each client sends its
 * next heartbeat (with a fresh cid) when the reply to the previous one arrives, and checks that the reply
 * is a `session.heartbeat` carrying that cid and a numeric `ts`.
 */
import { WebSocket, type RawData } from 'ws';
import type { LatencyHistogram } from './latency.js';

/** One authenticated connection. */
export interface HeartbeatClient {
  readonly ws: WebSocket;
  readonly playerId: string;
  /** Frames after authentication go here while a closed loop runs. */
  onFrame: ((text: string) => void) | undefined;
  /** Told when the connection errors or closes after authentication. */
  onLost: ((why: string) => void) | undefined;
}

interface Envelope {
  readonly type?: unknown;
  readonly cid?: unknown;
  readonly payload?: { readonly player_id?: unknown; readonly ts?: unknown } | null;
}

const clip = (text: string): string => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

function connectOne(url: string, token: string, timeoutMs: number): Promise<HeartbeatClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let client: HeartbeatClient | undefined;
    const fail = (why: string): void => {
      clearTimeout(timer);
      ws.terminate();
      reject(new Error(`session.connect to ${url}: ${why}`));
    };
    const timer = setTimeout(() => fail(`no session.connected within ${timeoutMs} ms`), timeoutMs);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'session.connect', cid: 'connect', payload: { token } })));
    ws.on('message', (data: RawData) => {
      const text = String(data);
      if (client !== undefined) {
        client.onFrame?.(text);
        return;
      }
      let m: Envelope;
      try {
        m = JSON.parse(text) as Envelope;
      } catch {
        fail(`the reply is not JSON: ${clip(text)}`);
        return;
      }
      if (m.type !== 'session.connected' || typeof m.payload?.player_id !== 'string') {
        fail(`expected session.connected, got ${clip(text)}`);
        return;
      }
      clearTimeout(timer);
      client = { ws, playerId: m.payload.player_id, onFrame: undefined, onLost: undefined };
      resolve(client);
    });
    ws.on('error', (err) => (client === undefined ? fail(err.message) : client.onLost?.(err.message)));
    ws.on('close', (code, reason) => {
      const why = `closed ${code}${reason.length > 0 ? ` ${String(reason)}` : ''}`;
      if (client === undefined) fail(why);
      else client.onLost?.(why);
    });
  });
}

/** Opens and authenticates one connection per token, at most `concurrency` handshakes at a time. */
export async function connectAll(url: string, tokens: readonly string[], concurrency = 200, timeoutMs = 30_000): Promise<HeartbeatClient[]> {
  const clients: HeartbeatClient[] = new Array<HeartbeatClient>(tokens.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tokens.length) {
      const i = next++;
      clients[i] = await connectOne(url, tokens[i]!, timeoutMs);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, tokens.length) }, worker));
  } catch (err) {
    next = tokens.length;
    await closeAll(clients.filter((c) => c !== undefined));
    throw err;
  }
  return clients;
}

/** Closes the connections (a normal close; a connection still open after 5 s is terminated). */
export async function closeAll(clients: readonly HeartbeatClient[]): Promise<void> {
  await Promise.all(
    clients.map(
      (c) =>
        new Promise<void>((resolve) => {
          c.onLost = undefined;
          c.onFrame = undefined;
          if (c.ws.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            c.ws.terminate();
            resolve();
          }, 5_000);
          c.ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          c.ws.close(1000);
        }),
    ),
  );
}

/**
 * Runs `total` heartbeat round trips spread evenly over `clients`, closed loop (one in flight per
 * client), recording each round trip in `rtt`. Resolves with the elapsed milliseconds from the first
 * send to the last reply; rejects on a wrong reply, a lost connection, or no progress for `stallMs`.
 */
export function closedLoop(clients: readonly HeartbeatClient[], total: number, rtt: LatencyHistogram, stallMs = 15_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const n = clients.length;
    const base = Math.floor(total / n);
    const extra = total % n;
    let finished = 0;
    let received = 0;
    let settled = false;
    const end = (err?: Error): void => {
      if (settled) return;
      settled = true;
      const ms = performance.now() - t0;
      clearInterval(watchdog);
      for (const c of clients) {
        c.onFrame = undefined;
        c.onLost = undefined;
      }
      if (err === undefined) resolve(ms);
      else reject(err);
    };
    let lastReceived = -1;
    const watchdog = setInterval(() => {
      if (received === lastReceived) end(new Error(`no heartbeat reply for ${stallMs / 1000} s (${received.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} round trips done)`));
      lastReceived = received;
    }, stallMs);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const c = clients[i]!;
      let left = base + (i < extra ? 1 : 0);
      if (left === 0) {
        finished++;
        continue;
      }
      let seq = 0;
      let cid = '';
      let sentAt = 0;
      const send = (): void => {
        cid = String(++seq);
        sentAt = performance.now();
        c.ws.send(`{"type":"session.heartbeat","cid":"${cid}","payload":{}}`);
      };
      c.onLost = (why) => end(new Error(`a connection was lost during the run: ${why}`));
      c.onFrame = (text) => {
        const now = performance.now();
        let m: Envelope;
        try {
          m = JSON.parse(text) as Envelope;
        } catch {
          end(new Error(`a heartbeat reply is not JSON: ${clip(text)}`));
          return;
        }
        if (m.type !== 'session.heartbeat' || m.cid !== cid || typeof m.payload?.ts !== 'number') {
          if (m.cid === undefined && m.type !== 'error') return; // a push, not our reply
          end(new Error(`expected session.heartbeat with cid "${cid}" and a numeric ts, got ${clip(text)}`));
          return;
        }
        rtt.record(now - sentAt);
        received++;
        if (--left > 0) send();
        else {
          c.onFrame = undefined;
          if (++finished === n) end();
        }
      };
      send();
    }
    if (finished === n) end();
  });
}
