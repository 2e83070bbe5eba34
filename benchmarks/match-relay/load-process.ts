/**
 * The load generator child process. Connects N clients (rooms of 8), then every client sends 10 inputs/s
 * with a rising seq, staggered over the 100 ms period (ten 10 ms slots; the schedule follows the clock,
 * so a late timer catches up instead of lowering the rate). About one client per room (the first to join
 * it) decodes states and records latency: input sent → first state whose seq for that player is ≥ it.
 */
import { LatencyHistogram } from '../ws-heartbeat/latency.js';
import { serveParent } from './child.js';
import { connector, type RelayClient } from './clients.js';
import type { Joined, LoadWindow, ServerKind } from './ipc.js';

const SLOTS = 10;
const SLOT_MS = 10;
const JOIN_CONCURRENCY = 64;
const RING = 1024;

/** Latency bookkeeping of one recording client. */
class Recorder {
  readonly #sentAt = new Float64Array(RING);
  #sent = 0;
  #acked = 0;
  #lastStateAt = 0;

  constructor(readonly client: RelayClient) {}

  sent(seq: number, now: number): void {
    this.#sentAt[seq % RING] = now;
    this.#sent = seq;
  }

  state(seq: number, now: number): void {
    if (this.#lastStateAt > 0) {
      intervalSum += now - this.#lastStateAt;
      intervalCount++;
    }
    this.#lastStateAt = now;
    if (seq <= this.#acked) return;
    const upTo = Math.min(seq, this.#sent);
    for (let k = this.#acked + 1; k <= upTo; k++) latency.record(now - this.#sentAt[k % RING]!);
    this.#acked = upTo;
  }
}

let clients: RelayClient[] = [];
let recorders = new Map<RelayClient, Recorder>();
let latency = new LatencyHistogram();
let intervalSum = 0;
let intervalCount = 0;
let inputsSent = 0;
let ticker: NodeJS.Timeout | undefined;
let window: { at: number; cpu: NodeJS.CpuUsage } | undefined;

async function connectAll(kind: ServerKind, url: string, tokens: readonly string[]): Promise<Joined> {
  const connect = connector(kind, url);
  const joined: RelayClient[] = [];
  let next = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < tokens.length) {
      const i = next++;
      const c = await connect(tokens[i]!);
      joined.push(c);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(JOIN_CONCURRENCY, tokens.length) }, worker));
  } catch (err) {
    next = tokens.length;
    await Promise.all(joined.map((c) => c.close()));
    throw err;
  }
  const ms = performance.now() - t0;
  clients = joined;
  recorders = new Map();
  const rooms = new Set<string>();
  for (const c of clients) {
    if (rooms.has(c.room)) {
      c.mute();
      continue;
    }
    rooms.add(c.room);
    const r = new Recorder(c);
    recorders.set(c, r);
    c.record((seq) => r.state(seq, performance.now()));
  }
  return { clients: clients.length, rooms: rooms.size, recorders: recorders.size, joinPerS: clients.length / (ms / 1000) };
}

function startInputs(): void {
  const slots: RelayClient[][] = Array.from({ length: SLOTS }, () => []);
  clients.forEach((c, i) => slots[i % SLOTS]!.push(c));
  const seqs = new Map<RelayClient, number>(clients.map((c) => [c, 0]));
  const t0 = performance.now();
  let done = -1;
  ticker = setInterval(() => {
    const now = performance.now();
    const step = Math.floor((now - t0) / SLOT_MS);
    if (step - done > SLOTS) done = step - SLOTS; // more than a period behind: skip, do not burst
    while (done < step) {
      done++;
      for (const c of slots[done % SLOTS]!) {
        const seq = seqs.get(c)! + 1;
        seqs.set(c, seq);
        c.sendInput(seq, seq & 1 ? 1 : -1, 1);
        recorders.get(c)?.sent(seq, now);
        inputsSent++;
      }
    }
  }, SLOT_MS / 2);
}

async function disconnect(): Promise<void> {
  clearInterval(ticker);
  ticker = undefined;
  await Promise.all(clients.map((c) => c.close()));
  clients = [];
  recorders = new Map();
}

serveParent(
  async () => ({ url: '', description: 'load generator' }),
  async (req) => {
    switch (req.op) {
      case 'connect':
        return connectAll(req['kind'] as ServerKind, req['url'] as string, req['tokens'] as string[]);
      case 'start-inputs':
        startInputs();
        return null;
      case 'window-start':
        latency = new LatencyHistogram();
        intervalSum = 0;
        intervalCount = 0;
        inputsSent = 0;
        window = { at: performance.now(), cpu: process.cpuUsage() };
        return null;
      case 'window-stop': {
        if (window === undefined) throw new Error('window-stop before window-start');
        const cpu = process.cpuUsage(window.cpu);
        const result: LoadWindow = {
          ms: performance.now() - window.at,
          inputsSent,
          samples: latency.count,
          p50Ms: latency.percentile(50),
          p99Ms: latency.percentile(99),
          maxMs: latency.percentile(100),
          stateIntervalMs: intervalCount > 0 ? intervalSum / intervalCount : Number.NaN,
          cpuUs: cpu.user + cpu.system,
        };
        window = undefined;
        return result;
      }
      case 'disconnect':
        await disconnect();
        return null;
      case 'close':
        await disconnect();
        setImmediate(() => process.exit(0));
        return null;
      default:
        throw new Error(`unknown op ${req.op}`);
    }
  },
);
