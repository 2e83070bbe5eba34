// Fuzzing the live gateway: 100,000 random and malformed frames (bad JSON, non-objects, missing or
// non-string types, unknown types, wrong payloads, strings up to the size cap and beyond, deep nesting,
// multibyte padding, binary frames, valid and invalid cids) over four authenticated connections, with a
// fixed seed. Every frame must get exactly the reply the spec gives (same order, same type, same code,
// cid echoed only when valid) or none where the spec drops it; the process stays up, every session ends
// when its socket closes, and the heap returns near its baseline after GC.
//
// The envelope rules (size, binary, JSON, object, string type, known type, rpc cid) are checked against
// an oracle written here from the spec. Payload-level codes come from how each wrong payload was built;
// only for fully random payloads (`fc.anything()`) is the protocol's own `parseFrame` the oracle, since
// payload validation is specified and tested in packages/protocol.
import t from 'tap';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { INBOUND_TYPES, parseFrame } from '@hajime/protocol';
import { clients, connected, listenWs, registerPlayer, type Frame, type TestSocket } from './gateway-client.js';
import { testServer, testStorage, uniqueName } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SEED = 20_260_101;
const TOTAL_FRAMES = 100_000;
const CONNECTIONS = 4;
const BATCH = 500;
const CAP = 64 * 1024;
const CID_RE = /^[\x20-\x7e]{1,64}$/;

/** What the server must answer to one frame; null: no reply at all. */
interface Expect {
  readonly type: string;
  readonly cid: string | undefined;
  readonly code?: string;
  readonly reason?: string;
  readonly field?: string;
  readonly status?: string;
}

/** A generated frame: what to send and, when known by construction, the payload-level answer. */
interface Gen {
  readonly data: string | Uint8Array;
  readonly binary: boolean;
  /** Set when the generator knows the payload-level code (wrong payloads it built itself). */
  readonly payloadError?: { readonly code: string; readonly field: string };
}

// ---- generators ----

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 64 });
const cidArb: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: printable, weight: 6 },
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 65, maxLength: 90 }), weight: 1 },
  { arbitrary: fc.constantFrom('', 'é', 'tab\there', 'nul\u0000'), weight: 1 },
  { arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 })), weight: 1 },
);
const text = (maxLength = 40) => fc.string({ unit: 'binary', maxLength });
const nonString = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(text(5), fc.integer(), { maxKeys: 2 }));
const nonObject = fc.oneof(fc.integer(), fc.boolean(), text(10), fc.array(fc.integer(), { maxLength: 3 }));

function envelope(type: unknown, payload: unknown, cid: unknown): string {
  const env: Record<string, unknown> = { type };
  if (payload !== undefined) env['payload'] = payload;
  if (cid !== undefined) env['cid'] = cid;
  return JSON.stringify(env);
}
const framed = (type: string, payload: fc.Arbitrary<unknown>): fc.Arbitrary<Gen> =>
  fc.tuple(payload, cidArb).map(([p, cid]) => ({ data: envelope(type, p, cid), binary: false }));
const wrong = (type: string, payload: fc.Arbitrary<unknown>, code: string, field: string): fc.Arbitrary<Gen> =>
  fc.tuple(payload, cidArb).map(([p, cid]) => ({ data: envelope(type, p, cid), binary: false, payloadError: { code, field } }));

/** Valid frames, each with a known reply (or none). */
const valid = fc.oneof(
  framed('session.heartbeat', fc.constantFrom(undefined, {}, null, { extra: 1 })),
  framed('presence.update', fc.option(fc.record({ status: text(64) }), { nil: {} })),
  framed('match.list', fc.constant({})),
  // Types no plugin of the fuzz server handles (no game or world plugin): not_available.
  framed('world.join', fc.record({ world_id: text(64) })),
  framed('world.create', fc.record({ mode: text(64) })),
  framed('matchmaker.add', fc.record({ mode: text(64) })),
  framed('vote.veto', fc.record({ vote_id: text(40) })),
  framed('world.resync', fc.record({ zone: fc.tuple(fc.integer(), fc.integer()) })),
  framed('match.input', fc.dictionary(text(8), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })),
  framed('world.input', fc.dictionary(text(8), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })),
  framed('world.leave', fc.constant({})),
);

/** Known types with payloads built wrong on purpose, with the code each must get. */
const wrongPayloads = fc.oneof(
  wrong('session.connect', fc.constant({}), 'missing_field', 'token'),
  wrong('session.connect', fc.record({ token: nonString }), 'invalid_payload', 'token'),
  wrong('session.connect', fc.record({ token: fc.constant('t'), wire: text(8).filter((w) => w !== 'json' && w !== 'binary') }), 'invalid_payload', 'wire'),
  wrong('presence.update', fc.record({ status: nonString }), 'invalid_payload', 'status'),
  wrong('presence.update', fc.record({ status: fc.string({ minLength: 65, maxLength: 100 }) }), 'invalid_payload', 'status'),
  wrong('chat.join', fc.constant({}), 'missing_field', 'channel_id'),
  wrong('chat.join', fc.record({ channel_id: fc.string({ minLength: 257, maxLength: 300 }) }), 'invalid_payload', 'channel_id'),
  wrong('chat.leave', fc.record({ channel_id: nonString }), 'invalid_payload', 'channel_id'),
  wrong('matchmaker.remove', fc.record({ other: fc.integer() }), 'missing_field', 'ticket_id'),
  wrong('match.join', fc.record({ match_id: fc.constant('m'), ctx: nonObject }), 'invalid_payload', 'ctx'),
  wrong('match.list', fc.record({ has_capacity: nonString.filter((v) => typeof v !== 'boolean') }), 'invalid_payload', 'has_capacity'),
  wrong('world.resync', fc.record({ zone: fc.oneof(fc.tuple(fc.integer()), fc.tuple(fc.double({ min: 0.1, max: 0.9 }), fc.integer()), text(4)) }), 'invalid_payload', 'zone'),
  wrong('vote.cast', fc.record({ vote_id: fc.constant('v') }), 'missing_field', 'option_id'),
  wrong('dm.send', fc.record({ recipient_id: fc.constant('p') }), 'missing_field', 'content'),
  wrong('world.create', fc.constant({}), 'missing_field', 'mode'),
  wrong('chat.send', nonObject, 'invalid_payload', 'payload'),
);

/** Envelopes that are wrong before any payload is looked at. */
const badEnvelopes = fc.oneof(
  // Truncated JSON text: never parses.
  fc.tuple(framed('session.heartbeat', fc.constant({ a: [1, 2, 3] })), fc.nat()).map(([g, n]) => ({ data: (g.data as string).slice(0, 1 + (n % ((g.data as string).length - 1))), binary: false })),
  // Random text: usually not JSON; the oracle decides.
  text(60).map((s) => ({ data: s, binary: false })),
  fc.constantFrom('', ' ', '{', '}', '{"type":}', "{'type':'session.heartbeat'}", 'undefined', 'NaN', '{"type":"session.heartbeat",}').map((s) => ({ data: s, binary: false })),
  // Valid JSON that is not an object with a string type.
  fc.jsonValue({ maxDepth: 3 }).map((v) => ({ data: JSON.stringify(v), binary: false })),
  fc.tuple(fc.oneof(nonString, fc.constant(null)), cidArb).map(([type, cid]) => ({ data: envelope(type, {}, cid), binary: false })),
  fc.tuple(fc.dictionary(text(6), fc.integer(), { maxKeys: 3 }), cidArb).map(([p, cid]) => ({ data: JSON.stringify({ payload: p, cid }), binary: false })),
  // Unknown types (never echoed back).
  fc.tuple(text(30).filter((s) => !(INBOUND_TYPES as readonly string[]).includes(s)), fc.jsonValue({ maxDepth: 2 }), cidArb).map(([type, p, cid]) => ({ data: envelope(type, p, cid), binary: false })),
  // rpc.call with and without a valid cid.
  fc.tuple(fc.record({ protocol: fc.constantFrom(1, 2), method: text(10) }), cidArb).map(([p, cid]) => ({ data: envelope('rpc.call', p, cid), binary: false })),
);

/** Frames around and past the 64 KiB cap, padded with ASCII or multibyte characters. */
const huge = fc.tuple(fc.integer({ min: -64, max: 64 }), fc.integer({ min: 1, max: CAP }), fc.boolean(), fc.boolean(), cidArb).map(([delta, beyond, around, multibyte, cid]) => {
  const head = envelope('presence.update', { status: 'ok', pad: '' }, cid);
  const target = around ? CAP + delta : CAP + beyond;
  const room = Math.max(0, target - Buffer.byteLength(head));
  const pad = multibyte ? 'é'.repeat(Math.floor(room / 2)) + (room % 2 === 1 ? 'x' : '') : 'x'.repeat(room);
  return { data: envelope('presence.update', { status: 'ok', pad }, cid), binary: false };
});

/** Deep nesting, in a payload and at the top level. */
const deep = fc.tuple(fc.integer({ min: 1, max: 30_000 }), fc.constantFrom('object', 'array', 'top'), cidArb).map(([depth, shape, cid]): Gen => {
  const nested = shape === 'object' ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + ']'.repeat(depth);
  if (shape === 'top') return { data: nested, binary: false };
  const cidPart = cid === undefined ? '' : `,"cid":${JSON.stringify(cid)}`;
  // world.input takes any object (dropped: no reply); presence.update's status must be a string.
  return depth % 2 === 0
    ? { data: `{"type":"world.input","payload":{"x":${nested}}${cidPart}}`, binary: false }
    : { data: `{"type":"presence.update","payload":{"status":${nested}}${cidPart}}`, binary: false, payloadError: { code: 'invalid_payload', field: 'status' } };
});

const binary = fc.oneof(
  fc.uint8Array({ maxLength: 256 }),
  fc.constant(new TextEncoder().encode('{"type":"session.heartbeat","cid":"bin"}')),
).map((bytes) => ({ data: bytes, binary: true }));

const anything = fc.tuple(fc.constantFrom(...INBOUND_TYPES), fc.anything({ maxDepth: 3, maxKeys: 4, withNullPrototype: false }), cidArb).map(([type, p, cid]): Gen => {
  let data: string;
  try {
    data = envelope(type, p, cid);
  } catch {
    data = envelope(type, {}, cid); // BigInt and friends do not serialise
  }
  return { data, binary: false };
});

/** Lone surrogates become U+FFFD on the way out (UTF-8), so the oracle sees what the server sees. */
function wellFormed(g: Gen): Gen {
  return g.binary ? g : { ...g, data: Buffer.from(g.data as string, 'utf8').toString('utf8') };
}

const frames: fc.Arbitrary<Gen> = fc.oneof(
  { arbitrary: valid, weight: 300 },
  { arbitrary: wrongPayloads, weight: 200 },
  { arbitrary: badEnvelopes, weight: 250 },
  { arbitrary: anything, weight: 150 },
  { arbitrary: binary, weight: 50 },
  // Big frames are few but heavy (each up to 128 KiB): about 500 of each kind.
  { arbitrary: deep, weight: 5 },
  { arbitrary: huge, weight: 5 },
  // Each costs a token lookup in storage.
  { arbitrary: framed('session.connect', fc.record({ token: fc.string({ minLength: 1, maxLength: 64 }) })), weight: 4 },
).map(wellFormed);

// ---- the oracle ----

const NO_REPLY = new Set(['match.input', 'world.input', 'world.leave']);

function expected(g: Gen): Expect | null {
  const err = (code: string, cid: string | undefined, extra: Partial<Expect> = {}): Expect => ({ type: 'error', cid, code, ...extra });
  if (g.binary) return err('ws.request_failed', undefined, { reason: 'binary_uplink_unsupported' });
  const s = g.data as string;
  if (Buffer.byteLength(s) > CAP) return err('payload_too_large', undefined);
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    return err('invalid_json', undefined);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return err('invalid_message', undefined);
  const env = v as { type?: unknown; cid?: unknown; payload?: unknown };
  if (typeof env.type !== 'string') return err('invalid_message', undefined);
  const cid = typeof env.cid === 'string' && CID_RE.test(env.cid) ? env.cid : undefined;
  if (!(INBOUND_TYPES as readonly string[]).includes(env.type)) return err('unknown_type', cid);
  if (env.type === 'rpc.call' && cid === undefined) return err('rpc.invalid_cid', undefined);
  if (g.payloadError !== undefined) return err(g.payloadError.code, cid, { field: g.payloadError.field });
  const parsed = parseFrame(s);
  if (!parsed.ok) return err(parsed.error.code, cid);
  const f = parsed.frame;
  if (f.type === 'session.connect') return err('unauthenticated', cid, { reason: 'invalid_token' });
  if (f.type === 'session.heartbeat') return { type: 'session.heartbeat', cid };
  if (f.type === 'presence.update') return { type: 'presence.updated', cid, status: f.payload.status ?? 'online' };
  if (NO_REPLY.has(f.type)) return null;
  // The RPC domain answers rpc.call itself; the fuzz server registers no method.
  if (f.type === 'rpc.call') return { type: 'rpc.error', cid, code: 'rpc.unknown_method' };
  return err('ws.request_failed', cid, { reason: 'not_available' });
}

function mismatch(e: Expect, f: Frame): string | undefined {
  if (f.type !== e.type) return `type ${f.type} ≠ ${e.type}`;
  if (f.cid !== e.cid) return `cid ${JSON.stringify(f.cid)} ≠ ${JSON.stringify(e.cid)}`;
  if (e.type === 'error') {
    const p = f.payload as { reason: string; error: { code: string; details: Record<string, unknown> } };
    if (p.error.code !== e.code) return `code ${p.error.code} ≠ ${e.code}`;
    if (e.reason !== undefined && p.reason !== e.reason) return `reason ${p.reason} ≠ ${e.reason}`;
    if (e.field !== undefined && p.error.details['field'] !== e.field) return `field ${String(p.error.details['field'])} ≠ ${e.field}`;
    if (typeof p.reason !== 'string' || typeof p.error !== 'object') return 'not a dual-dialect error frame';
  }
  if (e.type === 'rpc.error') {
    const code = (f.payload as { error?: { code?: string } }).error?.code;
    if (code !== e.code) return `rpc error code ${String(code)} ≠ ${e.code}`;
  }
  if (e.type === 'session.heartbeat' && typeof f.payload.ts !== 'number') return 'heartbeat without ts';
  if (e.status !== undefined && f.payload.status !== e.status) return `status ${f.payload.status} ≠ ${e.status}`;
  return undefined;
}

/** Sends one batch, then a heartbeat barrier; returns the frames answered before the barrier's reply. */
async function exchange(s: TestSocket, batch: readonly Gen[], barrier: string): Promise<Frame[]> {
  for (const g of batch) s.sendRaw(typeof g.data === 'string' ? g.data : Buffer.from(g.data), g.binary);
  s.send({ type: 'session.heartbeat', cid: barrier });
  const got: Frame[] = [];
  for (;;) {
    const f = await s.next(10_000);
    if (f.cid === barrier && f.type === 'session.heartbeat') return got;
    got.push(f);
  }
}

function heapMiB(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed / (1024 * 1024);
}

t.test('Gateway fuzz: 100,000 random and malformed frames', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, { ws: { framesPerSecond: 10_000_000 } });
  for (const type of NO_REPLY) server.context.gateway.registerFrameHandler(type as 'match.input', () => undefined);
  const url = await listenWs(server);
  const open = clients(t, url);
  const player = await registerPlayer(server, uniqueName('fuzz'));
  const processesBefore = server.context.system.stats().processes;

  // Warm up (JIT, lazily built structures), then take the baseline.
  {
    const s = await connected(open, player.access_token);
    await exchange(s, fc.sample(frames, { numRuns: 2_000, seed: SEED - 1 }), 'warm');
    await s.close();
  }
  const baseline = heapMiB();
  const started = Date.now();

  const sockets = await Promise.all(Array.from({ length: CONNECTIONS }, () => connected(open, player.access_token)));
  const failures: string[] = [];
  let sent = 0;
  let replies = 0;
  let dropped = 0;
  const seen = new Map<string, number>();
  const perConnection = TOTAL_FRAMES / CONNECTIONS;
  await Promise.all(
    sockets.map(async (s, c) => {
      for (let b = 0; b * BATCH < perConnection; b++) {
        const batch = fc.sample(frames, { numRuns: BATCH, seed: SEED + c * 10_000 + b });
        const want = batch.map(expected);
        for (const e of want) {
          const key = e === null ? 'dropped' : e.type === 'error' ? `error:${e.code}${e.reason === undefined ? '' : `/${e.reason}`}` : e.type;
          seen.set(key, (seen.get(key) ?? 0) + 1);
        }
        const got = await exchange(s, batch, `barrier-${c}-${b}`);
        sent += batch.length;
        const answered = want.filter((e): e is Expect => e !== null);
        dropped += want.length - answered.length;
        replies += got.length;
        if (got.length !== answered.length) failures.push(`connection ${c} batch ${b}: ${got.length} replies, expected ${answered.length}`);
        for (let i = 0; i < Math.min(got.length, answered.length); i++) {
          const why = mismatch(answered[i]!, got[i]!);
          if (why !== undefined && failures.length < 20) failures.push(`connection ${c} batch ${b} reply ${i}: ${why}; got ${JSON.stringify(got[i]).slice(0, 200)}`);
        }
        if (failures.length >= 20) return;
      }
    }),
  );
  const elapsedMs = Date.now() - started;
  t.same(failures, [], 'every frame got the reply the spec gives, in order, or none where the spec drops it');
  t.equal(sent, TOTAL_FRAMES);
  t.ok(dropped > 0 && replies > 0, `${replies} replies, ${dropped} frames dropped by spec`);
  t.notOk(sockets.some((s) => s.isClosed), 'no fuzzed connection was closed');
  t.comment(`expected answers: ${[...seen].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  for (const key of [
    'session.heartbeat',
    'presence.updated',
    'dropped',
    'error:payload_too_large',
    'error:invalid_json',
    'error:invalid_message',
    'error:unknown_type',
    'error:missing_field',
    'error:invalid_payload',
    'error:rpc.invalid_cid',
    'error:unauthenticated/invalid_token',
    'error:ws.request_failed/binary_uplink_unsupported',
    'error:ws.request_failed/not_available',
    'rpc.error',
  ]) {
    t.ok((seen.get(key) ?? 0) > 0, `the fuzz exercised ${key}`);
  }

  // The server is still fine: new connections work, old sessions all end.
  const after = await connected(open, player.access_token);
  t.equal((await after.request('session.heartbeat', {}, 'still-up')).cid, 'still-up');
  t.equal((await server.app.inject('/live')).statusCode, 200);
  await Promise.all([...sockets, after].map((s) => s.close()));
  // A session ends after its socket's close event, and its last steps may wait on storage (presence
  // going offline): poll until they are all done, bounded, then assert.
  const done = (): boolean => server.context.gateway.connectionCount === 0 && server.context.gateway.connectionsOf(player.player_id) === 0 && server.context.system.stats().processes === processesBefore;
  for (let i = 0; i < 500 && !done(); i++) {
    await server.context.system.settle();
    await new Promise((r) => setTimeout(r, 10));
  }
  t.equal(server.context.gateway.connectionCount, 0, 'every socket is gone');
  t.equal(server.context.gateway.connectionsOf(player.player_id), 0, 'every session left its delivery group');
  t.equal(server.context.system.stats().processes, processesBefore, 'every session process ended');

  const end = heapMiB();
  const growth = end - baseline;
  t.comment(`fuzz: ${TOTAL_FRAMES} frames over ${CONNECTIONS} connections in ${elapsedMs} ms; heap ${baseline.toFixed(1)} MiB → ${end.toFixed(1)} MiB after GC (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MiB)`);
  t.ok(growth < 16, `the heap returns near its baseline (+${growth.toFixed(1)} MiB)`);
});
