// HajimeSocket against a tiny WebSocket server on loopback (real sockets, the `ws` package): reply
// matching, error frames, rpc, fire-and-forget, listeners and catch-alls, heartbeat, reconnect with
// backoff, auth expiry, close. Time-driven behaviour runs on a SimulatedClock.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimulatedClock } from '@hajime/actor';
import t, { type Test } from 'tap';
import { WebSocket as WsWebSocket } from 'ws';
import { HajimeApiError, HajimeClientError, HajimeSocket, HajimeSocketError, isHajimeError, resolveWebSocket, type HajimeSocketOptions, type ServerFrame } from '../../src/index.js';
import { FakeGateway, next, until } from './fake-gateway.js';

function open(t: Test, gw: FakeGateway, options: Partial<HajimeSocketOptions> = {}): HajimeSocket {
  const socket = new HajimeSocket({ url: gw.url, token: 'good', heartbeatIntervalMs: 0, ...options });
  t.teardown(() => socket.close());
  return socket;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('connect', async (t) => {
  t.test('sends session.connect with the token and resolves with the session.connected payload', async (t) => {
    const gw = await FakeGateway.start(t);
    const socket = open(t, gw);
    t.equal(socket.state, 'idle');
    const connected = next(socket, 'connected');
    const session = await socket.connect();
    t.same(session, { player_id: 'p-1', wire: 'json' });
    t.same(gw.received[0], { type: 'session.connect', cid: '1', payload: { token: 'good' } });
    t.equal(socket.state, 'open');
    t.same(socket.session, session);
    t.same((await connected)[0], { player_id: 'p-1', wire: 'json', reconnected: false });
    t.same(await socket.connect(), session, 'connect() while open answers the session');
    t.equal(gw.frames('session.connect').length, 1, 'without connecting again');
  });

  t.test('concurrent connect() calls share one connection', async (t) => {
    const gw = await FakeGateway.start(t);
    const socket = open(t, gw);
    const [a, b] = await Promise.all([socket.connect(), socket.connect()]);
    t.same(a, b);
    t.equal(gw.connections, 1);
  });

  t.test('a refused token rejects with the wire code, emits auth_expired and never reconnects', async (t) => {
    const gw = await FakeGateway.start(t);
    const socket = open(t, gw, { token: 'bad', reconnect: { initialDelayMs: 1 } });
    const expired = next(socket, 'auth_expired');
    const e = await rejection(socket.connect());
    t.ok(e instanceof HajimeSocketError);
    t.match(e, { code: 'unauthenticated', reason: 'invalid_token', frame: 'error', requestType: 'session.connect' });
    t.same((await expired)[0], { reason: 'invalid_token', code: 'unauthenticated', closeCode: undefined });
    t.equal(socket.state, 'closed');
    await sleep(30);
    t.equal(gw.connections, 1, 'no reconnect after an auth failure');
  });

  t.test('without a token: CLI_ERR_NOT_AUTHENTICATED and auth_expired (no_token), nothing opened', async (t) => {
    const gw = await FakeGateway.start(t);
    const socket = open(t, gw, { token: () => undefined });
    const expired = next(socket, 'auth_expired');
    t.ok(isHajimeError(await rejection(socket.connect()), 'CLI_ERR_NOT_AUTHENTICATED'));
    t.match((await expired)[0], { reason: 'no_token' });
    t.equal(gw.connections, 0);
  });

  t.test('renewToken is asked once when the token is refused, and its token is tried on the same socket', async (t) => {
    const gw = await FakeGateway.start(t);
    let renewals = 0;
    const socket = open(t, gw, {
      token: 'stale',
      renewToken: async () => {
        renewals++;
        return 'good';
      },
    });
    t.same(await socket.connect(), { player_id: 'p-1', wire: 'json' });
    t.equal(renewals, 1);
    t.same(
      gw.frames('session.connect').map((f) => f.payload['token']),
      ['stale', 'good'],
    );
    t.equal(gw.connections, 1);

    const refused = open(t, gw, { token: 'stale', renewToken: async () => (renewals++, 'also-stale') });
    const expired = next(refused, 'auth_expired');
    t.match(await rejection(refused.connect()), { code: 'unauthenticated' });
    await expired;
    t.equal(renewals, 2, 'asked once, then auth_expired');
  });

  t.test('a renewal the server refuses ends in auth_expired; a renewal lost to the network does not', async (t) => {
    const gw = await FakeGateway.start(t);
    const refused = open(t, gw, {
      token: 'stale',
      renewToken: async () => {
        throw new HajimeApiError(401, { code: 'unauthenticated', details: { reason: 'refresh_token_reused' } });
      },
    });
    const expired = next(refused, 'auth_expired');
    t.match(await rejection(refused.connect()), { code: 'unauthenticated', reason: 'invalid_token' }, 'the refusal of the token');
    await expired;

    let expiries = 0;
    const offline = open(t, gw, {
      token: 'stale',
      renewToken: async () => {
        throw new HajimeClientError('CLI_ERR_NETWORK');
      },
    });
    offline.on('auth_expired', () => expiries++);
    t.ok(isHajimeError(await rejection(offline.connect()), 'CLI_ERR_NETWORK'));
    t.equal(expiries, 0, 'the credentials may still be good');
    t.equal(offline.state, 'closed');
  });

  t.test('an unreachable server rejects with CLI_ERR_NETWORK', async (t) => {
    const gw = await FakeGateway.start(t);
    await gw.stop();
    const socket = open(t, gw);
    const e = await rejection(socket.connect());
    t.ok(isHajimeError(e, 'CLI_ERR_NETWORK'));
    t.equal(socket.state, 'closed');
  });

  t.test('a session.connect never answered times out with CLI_ERR_TIMEOUT', async (t) => {
    const gw = await FakeGateway.start(t);
    gw.handle = (f) => f.type === 'session.connect';
    const socket = open(t, gw, { connectTimeoutMs: 50 });
    const e = await rejection(socket.connect());
    t.ok(isHajimeError(e, 'CLI_ERR_TIMEOUT'));
    t.match((e as HajimeClientError).details, { timeoutMs: 50, phase: 'connect' });
    t.equal(socket.state, 'closed');
    await until(() => gw.sockets.size === 0);
  });

  t.test('options are validated', async (t) => {
    const bad = (o: Partial<HajimeSocketOptions>) => () => new HajimeSocket({ url: 'ws://127.0.0.1:1/ws', ...o });
    t.throws(bad({ url: 'http://127.0.0.1/ws' }), { code: 'CLI_ERR_INVALID_OPTION', details: { option: 'url' } });
    t.throws(bad({ url: 'not a url' }), { code: 'CLI_ERR_INVALID_OPTION' });
    t.throws(bad({ heartbeatIntervalMs: -1 }), { code: 'CLI_ERR_INVALID_OPTION', details: { option: 'heartbeatIntervalMs' } });
    t.throws(bad({ reconnect: { jitter: 2 } }), { code: 'CLI_ERR_INVALID_OPTION', details: { option: 'reconnect.jitter' } });
    t.throws(bad({ reconnect: { maxAttempts: -1 } }), { code: 'CLI_ERR_INVALID_OPTION' });
  });

  t.test('the WebSocket class: the given one, else the global one, else the ws package', async (t) => {
    class Fake {}
    t.equal(await resolveWebSocket(Fake as never), Fake);
    t.equal(typeof (globalThis as { WebSocket?: unknown }).WebSocket, 'undefined', 'Node 20 has no global WebSocket');
    t.equal(await resolveWebSocket(undefined), WsWebSocket, 'so ws is loaded');
    (globalThis as { WebSocket?: unknown }).WebSocket = Fake;
    t.teardown(() => void delete (globalThis as { WebSocket?: unknown }).WebSocket);
    t.equal(await resolveWebSocket(undefined), Fake);
  });
});

t.test('send', async (t) => {
  t.test('numbers requests with incrementing string cids and matches replies that come out of order', async (t) => {
    const gw = await FakeGateway.start(t);
    const held: { cid: string; id: string; ws: WsWebSocket }[] = [];
    gw.handle = (f, ws) => {
      if (f.type !== 'chat.join') return false;
      held.push({ cid: f.cid!, id: String(f.payload['channel_id']), ws });
      if (held.length === 3) {
        FakeGateway.send(ws, { type: 'chat.message', payload: { channel_id: 'x', sender_id: 's', content: 'push', sent_at: 1 } });
        for (const h of [...held].reverse()) FakeGateway.send(h.ws, { type: 'chat.joined', cid: h.cid, payload: { channel_id: h.id } });
      }
      return true;
    };
    const socket = open(t, gw);
    await socket.connect();
    const replies = await Promise.all(['room:a', 'room:b', 'room:c'].map((channel_id) => socket.send('chat.join', { channel_id })));
    t.same(replies, [{ channel_id: 'room:a' }, { channel_id: 'room:b' }, { channel_id: 'room:c' }]);
    t.same(
      gw.frames('chat.join').map((f) => f.cid),
      ['2', '3', '4'],
      'cid 1 was session.connect',
    );
  });

  t.test('an error frame rejects with HajimeSocketError: wire code, flat reason, details; the socket stays open', async (t) => {
    const gw = await FakeGateway.start(t);
    gw.handle = (f, ws) => {
      if (f.type !== 'match.join') return false;
      FakeGateway.send(ws, { type: 'error', cid: f.cid, payload: { reason: 'match_full', error: { code: 'match.full', message: 'The match is full.', details: { max_players: 2 } } } });
      return true;
    };
    const socket = open(t, gw);
    await socket.connect();
    const e = await rejection(socket.send('match.join', { match_id: 'm-1' }));
    t.ok(e instanceof HajimeSocketError);
    t.ok(isHajimeError(e, 'match.full'));
    t.match(e, { code: 'match.full', reason: 'match_full', frame: 'error', requestType: 'match.join', details: { max_players: 2 } });
    t.equal(socket.state, 'open');
    t.same(await socket.heartbeat().then((h) => h.ts), 1_000_000, 'and answers the next request');
  });

  t.test('rpc sends rpc.call (protocol 1) and resolves with result; rpc.error rejects with its code', async (t) => {
    const gw = await FakeGateway.start(t);
    gw.handle = (f, ws) => {
      if (f.type !== 'rpc.call') return false;
      const { method, params } = f.payload as { method: string; params: { a: number; b: number } };
      if (method === 'add') FakeGateway.send(ws, { type: 'rpc.ok', cid: f.cid, payload: { result: { sum: params.a + params.b } } });
      else FakeGateway.send(ws, { type: 'rpc.error', cid: f.cid, payload: { error: { code: 'rpc.unknown_method', message: 'Unknown RPC method.', details: { method } } } });
      return true;
    };
    const socket = open(t, gw);
    await socket.connect();
    t.same(await socket.rpc<{ sum: number }>('add', { a: 2, b: 3 }), { sum: 5 });
    t.same(gw.frames('rpc.call')[0]!.payload, { protocol: 1, method: 'add', params: { a: 2, b: 3 } });
    const e = await rejection(socket.rpc('nope'));
    t.match(e, { code: 'rpc.unknown_method', frame: 'rpc.error', reason: undefined, details: { method: 'nope' } });
  });

  t.test('no reply within timeoutMs: CLI_ERR_TIMEOUT; the late reply is dropped but still reaches listeners', async (t) => {
    const gw = await FakeGateway.start(t);
    let late: (() => void) | undefined;
    gw.handle = (f, ws) => {
      if (f.type !== 'presence.update') return false;
      late = () => FakeGateway.send(ws, { type: 'presence.updated', cid: f.cid, payload: { status: 'away' } });
      return true;
    };
    const socket = open(t, gw);
    await socket.connect();
    const e = await rejection(socket.send('presence.update', { status: 'away' }, { timeoutMs: 30 }));
    t.ok(isHajimeError(e, 'CLI_ERR_TIMEOUT'));
    t.match((e as HajimeClientError).details, { type: 'presence.update', timeoutMs: 30 });
    const seen = next(socket, 'presence.updated');
    late!();
    t.same((await seen)[0], { status: 'away' });
  });

  t.test('before connect: send rejects with CLI_ERR_NOT_CONNECTED and sendFire returns false', async (t) => {
    const gw = await FakeGateway.start(t);
    const socket = open(t, gw);
    t.ok(isHajimeError(await rejection(socket.send('match.leave', {})), 'CLI_ERR_NOT_CONNECTED'));
    t.equal(socket.sendFire('match.input', { x: 1 }), false);
    t.equal(gw.connections, 0);
  });

  t.test('sendFire: no cid, seq as a top-level sibling, dedupe skips structurally equal payloads', async (t) => {
    const gw = await FakeGateway.start(t);
    const socket = open(t, gw);
    await socket.connect();
    t.equal(socket.sendFire('world.input', { move: [1, 0] }, { seq: 7 }), true);
    t.equal(socket.sendFire('match.input', { a: 1, b: { c: 2, d: 3 } }, { dedupe: true }), true);
    t.equal(socket.sendFire('match.input', { b: { d: 3, c: 2 }, a: 1 }, { dedupe: true }), false, 'same payload in another key order');
    t.equal(socket.sendFire('match.input', { a: 2 }, { dedupe: true }), true);
    t.equal(socket.sendFire('match.input', { a: 2 }), true, 'without dedupe everything goes');
    await until(() => gw.received.length === 5);
    t.same(gw.received.slice(1), [
      { type: 'world.input', payload: { move: [1, 0] }, seq: 7 },
      { type: 'match.input', payload: { a: 1, b: { c: 2, d: 3 } } },
      { type: 'match.input', payload: { a: 2 } },
      { type: 'match.input', payload: { a: 2 } },
    ]);
  });
});

t.test('listeners', async (t) => {
  t.test('exact types, then match.* / world.* for game-defined events only, then *; off; throwing listeners are isolated', async (t) => {
    const gw = await FakeGateway.start(t);
    const listenerErrors: string[] = [];
    const socket = open(t, gw, { onListenerError: (_e, event) => listenerErrors.push(event) });
    await socket.connect();
    const log: string[] = [];
    socket.on('match.state', (state) => log.push(`state:${JSON.stringify(state)}`));
    socket.on('match.state', () => {
      throw new Error('boom');
    });
    socket.on('match.*', (payload, frame) => log.push(`match.*:${frame.scope}:${frame.event}:${JSON.stringify(payload)}`));
    socket.on('world.*', (_payload, frame) => log.push(`world.*:${frame.event}`));
    socket.on('match.scored', (payload) => log.push(`exact:${JSON.stringify(payload)}`));
    const stopAll = socket.on('*', (frame: ServerFrame) => log.push(`*:${frame.type}`));
    const chat = (m: { content: string }) => log.push(`chat:${m.content}`);
    socket.on('chat.message', chat);
    socket.off('chat.message', chat);

    gw.push({ type: 'match.state', payload: { tick: 1 } });
    gw.push({ type: 'match.scored', payload: { by: 'p-1' } });
    gw.push({ type: 'world.tick', payload: { zone: [0, 0], frame_seq: 1, kf: true, tick: 1, updates: [] } });
    gw.push({ type: 'world.boom', payload: {} });
    gw.push({ type: 'chat.message', payload: { channel_id: 'c', sender_id: 's', content: 'hi', sent_at: 1 } });
    await until(() => log.filter((l) => l.startsWith('*:')).length === 5);
    stopAll();
    gw.push({ type: 'world.boom', payload: {} });
    await until(() => log.filter((l) => l === 'world.*:boom').length === 2);
    t.same(log, [
      'state:{"tick":1}',
      '*:match.state',
      'exact:{"by":"p-1"}',
      'match.*:match:scored:{"by":"p-1"}',
      '*:match.scored',
      '*:world.tick',
      'world.*:boom',
      '*:world.boom',
      '*:chat.message',
      'world.*:boom',
    ]);
    t.same(listenerErrors, ['match.state'], 'the throwing listener was reported, the others ran');
  });

  t.test('every frame type of the asobi fixture corpus reaches its own listener, never the game-event catch-alls', async (t) => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..', '..', 'shared', 'spec', 'fixtures', 'protocol');
    const fixtures = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { type: string; payload: unknown; cid?: string });
    t.ok(fixtures.length >= 41);
    const gw = await FakeGateway.start(t);
    const socket = open(t, gw);
    await socket.connect();
    const got: string[] = [];
    const custom: string[] = [];
    for (const f of fixtures) socket.on(f.type, (payload) => got.push(`${f.type}=${JSON.stringify(payload)}`));
    socket.on('match.*', (_p, frame) => custom.push(frame.type));
    socket.on('world.*', (_p, frame) => custom.push(frame.type));
    const all: ServerFrame[] = [];
    socket.on('*', (frame) => all.push(frame));
    // Replies carry cids no request is waiting for: they are delivered as frames all the same.
    for (const f of fixtures) gw.push(f);
    await until(() => all.length === fixtures.length);
    t.same(
      got,
      fixtures.map((f) => `${f.type}=${JSON.stringify(f.payload)}`),
    );
    t.same(custom, []);
    t.same(
      all.map((f) => f.type),
      fixtures.map((f) => f.type),
    );
  });
});

t.test('heartbeat', async (t) => {
  t.test('sends session.heartbeat every heartbeatIntervalMs of the injected clock; the reply gives server time', async (t) => {
    const clock = new SimulatedClock();
    const gw = await FakeGateway.start(t);
    const socket = open(t, gw, { clock, heartbeatIntervalMs: 30_000 });
    await socket.connect();
    await clock.advance(29_999);
    await sleep(20);
    t.equal(gw.frames('session.heartbeat').length, 0);
    const beat = next(socket, 'session.heartbeat');
    await clock.advance(1);
    t.same((await beat)[0], { ts: 1_000_000 });
    t.same(gw.frames('session.heartbeat')[0], { type: 'session.heartbeat', cid: '2', payload: {} });
    await until(() => socket.serverTimeOffsetMs !== undefined);
    t.equal(socket.serverTimeOffsetMs, 1_000_000 - clock.epochMs(), 'offset = server time - local time (no round trip on a simulated clock)');
    const second = next(socket, 'session.heartbeat');
    await clock.advance(30_000);
    await second;
    t.equal(gw.frames('session.heartbeat').length, 2, 'and again');
    const h = await socket.heartbeat();
    t.same(h, { ts: 1_000_000, rttMs: 0, offsetMs: 1_000_000 - clock.epochMs() });
  });

  t.test('an unanswered heartbeat counts the link as lost: disconnected (1006 heartbeat_timeout), then a reconnect', async (t) => {
    const clock = new SimulatedClock();
    const gw = await FakeGateway.start(t);
    gw.answerHeartbeats = false;
    const socket = open(t, gw, { clock, heartbeatIntervalMs: 30_000, requestTimeoutMs: 5_000, random: () => 0 });
    await socket.connect();
    await clock.advance(30_000);
    await until(() => gw.frames('session.heartbeat').length === 1);
    const disconnected = next(socket, 'disconnected');
    const reconnecting = next(socket, 'reconnecting');
    await clock.advance(5_000);
    t.same((await disconnected)[0], { code: 1006, reason: 'heartbeat_timeout', willReconnect: true });
    t.same((await reconnecting)[0], { attempt: 1, delayMs: 1_000 });
    t.equal(socket.state, 'reconnecting');
    const connected = next(socket, 'connected');
    await clock.advance(1_000);
    t.same((await connected)[0], { player_id: 'p-1', wire: 'json', reconnected: true });
    t.equal(gw.connections, 2);
    t.equal(socket.state, 'open');
  });
});

t.test('reconnect', async (t) => {
  t.test('after a drop: pending requests reject, attempts back off exponentially with jitter until the server is back', async (t) => {
    const clock = new SimulatedClock();
    const gw = await FakeGateway.start(t);
    gw.handle = (f) => f.type === 'match.leave'; // never answered
    const socket = open(t, gw, { clock, random: () => 0.5, reconnect: { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0.5 } });
    await socket.connect();
    const pending = socket.send('match.leave', {});
    await until(() => gw.frames('match.leave').length === 1);
    const attempts: unknown[] = [];
    socket.on('reconnecting', (e) => attempts.push(e));
    const disconnected = next(socket, 'disconnected');
    await gw.stop();
    t.match((await disconnected)[0], { code: 1006, willReconnect: true });
    const e = await rejection(pending);
    t.ok(isHajimeError(e, 'CLI_ERR_DISCONNECTED'), 'the request may or may not have taken effect: the caller decides');
    t.equal(socket.state, 'reconnecting');
    t.ok(isHajimeError(await rejection(socket.send('match.leave', {})), 'CLI_ERR_NOT_CONNECTED'));

    // 100 · 2^(n-1), capped at 1000, minus jitter·random = 25 %
    for (const [n, delayMs] of [
      [1, 75],
      [2, 150],
      [3, 300],
      [4, 600],
      [5, 750],
    ] as const) {
      await until(() => attempts.length === n);
      t.same(attempts[n - 1], { attempt: n, delayMs });
      if (n < 5) await clock.advance(delayMs); // the attempt fails: the server is down
    }
    await gw.restart();
    const connected = next(socket, 'connected');
    await clock.advance(750);
    t.match((await connected)[0], { reconnected: true });
    t.equal(socket.state, 'open');
    t.same(await socket.heartbeat().then((h) => h.ts), 1_000_000);

    // The attempt counter starts over after a success.
    const again = next(socket, 'reconnecting');
    gw.closeAll(1001, 'going away');
    t.same((await again)[0], { attempt: 1, delayMs: 75 });
  });

  t.test('gives up after maxAttempts with reconnect_failed', async (t) => {
    const clock = new SimulatedClock();
    const gw = await FakeGateway.start(t);
    const socket = open(t, gw, { clock, random: () => 0, reconnect: { initialDelayMs: 10, maxAttempts: 2 } });
    await socket.connect();
    const failed = next(socket, 'reconnect_failed');
    const attempts: unknown[] = [];
    socket.on('reconnecting', (e) => attempts.push(e));
    await gw.stop();
    await until(() => attempts.length === 1);
    await clock.advance(10);
    await until(() => attempts.length === 2);
    await clock.advance(20);
    t.same((await failed)[0], { attempts: 2 });
    t.same(attempts, [
      { attempt: 1, delayMs: 10 },
      { attempt: 2, delayMs: 20 },
    ]);
    t.equal(socket.state, 'closed');
  });

  t.test('reconnect: false stays closed after a drop', async (t) => {
    const gw = await FakeGateway.start(t);
    const socket = open(t, gw, { reconnect: false });
    await socket.connect();
    const disconnected = next(socket, 'disconnected');
    gw.closeAll(1001, 'going away');
    t.same((await disconnected)[0], { code: 1001, reason: 'going away', willReconnect: false });
    t.equal(socket.state, 'closed');
  });

  t.test('connect() during a backoff reconnects at once', async (t) => {
    const clock = new SimulatedClock();
    const gw = await FakeGateway.start(t);
    const socket = open(t, gw, { clock });
    await socket.connect();
    const reconnecting = next(socket, 'reconnecting');
    gw.closeAll(1001, 'going away');
    await reconnecting;
    t.same(await socket.connect(), { player_id: 'p-1', wire: 'json' }, 'without advancing the clock');
    t.equal(socket.state, 'open');
    t.equal(clock.pendingTimers(), 0, 'the backoff timer was cancelled');
  });

  t.test('a reconnect uses the current token', async (t) => {
    const clock = new SimulatedClock();
    const gw = await FakeGateway.start(t);
    let token = 'good';
    const socket = open(t, gw, { clock, token: () => token, random: () => 0 });
    await socket.connect();
    gw.validTokens = new Set(['fresher']);
    token = 'fresher';
    const reconnecting = next(socket, 'reconnecting');
    gw.closeAll(1001, 'going away');
    await reconnecting;
    const connected = next(socket, 'connected');
    await clock.advance(1_000);
    await connected;
    t.same(
      gw.frames('session.connect').map((f) => f.payload['token']),
      ['good', 'fresher'],
    );
  });
});

t.test('auth expiry', async (t) => {
  t.test('close 1008 while open: auth_expired, no reconnect', async (t) => {
    const gw = await FakeGateway.start(t);
    const socket = open(t, gw, { reconnect: { initialDelayMs: 1 } });
    await socket.connect();
    const disconnected = next(socket, 'disconnected');
    const expired = next(socket, 'auth_expired');
    gw.closeAll(1008, '');
    t.same((await disconnected)[0], { code: 1008, reason: '', willReconnect: false });
    t.same((await expired)[0], { reason: 'policy_violation', code: undefined, closeCode: 1008 });
    await sleep(20);
    t.equal(gw.connections, 1);
    t.equal(socket.state, 'closed');
  });

  t.test('close 1008 rate_limited is not about credentials: reconnect with backoff', async (t) => {
    const clock = new SimulatedClock();
    const gw = await FakeGateway.start(t);
    const socket = open(t, gw, { clock, random: () => 0 });
    await socket.connect();
    let expired = 0;
    socket.on('auth_expired', () => expired++);
    const disconnected = next(socket, 'disconnected');
    const reconnecting = next(socket, 'reconnecting');
    gw.closeAll(1008, 'rate_limited');
    t.same((await disconnected)[0], { code: 1008, reason: 'rate_limited', willReconnect: true });
    t.same((await reconnecting)[0], { attempt: 1, delayMs: 1_000 });
    const connected = next(socket, 'connected');
    await clock.advance(1_000);
    await connected;
    t.equal(expired, 0);
  });

  t.test('a pushed session_revoked error ends the session with auth_expired', async (t) => {
    const gw = await FakeGateway.start(t);
    const socket = open(t, gw, { reconnect: { initialDelayMs: 1 } });
    await socket.connect();
    const expired = next(socket, 'auth_expired');
    const errors = next(socket, 'error');
    gw.push({ type: 'error', payload: { reason: 'session_revoked', error: { code: 'unauthenticated', message: '', details: {} } } });
    t.match((await errors)[0], { reason: 'session_revoked' }, 'the frame reaches error listeners too');
    t.same((await expired)[0], { reason: 'session_revoked', code: 'unauthenticated', closeCode: undefined });
    t.equal(socket.state, 'closed');
    await until(() => gw.sockets.size === 0);
    await sleep(20);
    t.equal(gw.connections, 1, 'no reconnect');
  });

  t.test('other pushed errors are only delivered', async (t) => {
    const gw = await FakeGateway.start(t);
    const socket = open(t, gw);
    await socket.connect();
    const errors = next(socket, 'error');
    gw.push({ type: 'error', payload: { reason: 'rate_limited', error: { code: 'rate_limited', message: '', details: {} } } });
    t.match((await errors)[0], { error: { code: 'rate_limited' } });
    t.equal(socket.state, 'open');
  });

  t.test('a reconnect refused with invalid_token stops with auth_expired', async (t) => {
    const clock = new SimulatedClock();
    const gw = await FakeGateway.start(t);
    const socket = open(t, gw, { clock, random: () => 0 });
    await socket.connect();
    gw.validTokens = new Set();
    const reconnecting = next(socket, 'reconnecting');
    gw.closeAll(1001, 'going away');
    await reconnecting;
    const expired = next(socket, 'auth_expired');
    await clock.advance(1_000);
    t.match((await expired)[0], { reason: 'invalid_token', code: 'unauthenticated' });
    t.equal(socket.state, 'closed');
    t.equal(clock.pendingTimers(), 0, 'nothing more is scheduled');
  });

  t.test('setToken re-authenticates an open socket, and is used by later connects', async (t) => {
    const gw = await FakeGateway.start(t);
    gw.validTokens.add('next');
    const socket = open(t, gw, { token: 'good' });
    t.equal(await socket.setToken('next'), undefined, 'not connected: only stored');
    await socket.connect();
    t.equal(gw.frames('session.connect')[0]!.payload['token'], 'next');
    gw.validTokens.add('third');
    t.same(await socket.setToken('third'), { player_id: 'p-1', wire: 'json' });
    t.same(gw.frames('session.connect')[1], { type: 'session.connect', cid: '2', payload: { token: 'third' } });
    t.match(await rejection(socket.setToken('refused')), { code: 'unauthenticated' });
  });
});

t.test('close', async (t) => {
  t.test('rejects pending requests with CLI_ERR_CLOSED, emits disconnected without reconnect, closes the socket', async (t) => {
    const gw = await FakeGateway.start(t);
    gw.handle = (f) => f.type === 'world.leave';
    const socket = open(t, gw, { reconnect: { initialDelayMs: 1 } });
    await socket.connect();
    const pending = socket.send('world.leave', {});
    const disconnected = next(socket, 'disconnected');
    socket.close();
    t.ok(isHajimeError(await rejection(pending), 'CLI_ERR_CLOSED'));
    t.same((await disconnected)[0], { code: 1000, reason: 'client_close', willReconnect: false });
    t.equal(socket.state, 'closed');
    await until(() => gw.sockets.size === 0);
    await sleep(20);
    t.equal(gw.connections, 1);
    const connected = next(socket, 'connected');
    t.same(await socket.connect(), { player_id: 'p-1', wire: 'json' }, 'connect() opens it again');
    t.match((await connected)[0], { reconnected: false }, 'a connect() you make is not a reconnect');
  });

  t.test('close() during connect rejects the connect with CLI_ERR_CLOSED', async (t) => {
    const gw = await FakeGateway.start(t);
    gw.handle = (f) => f.type === 'session.connect';
    const socket = open(t, gw);
    const connecting = socket.connect();
    await until(() => gw.frames('session.connect').length === 1);
    socket.close();
    t.ok(isHajimeError(await rejection(connecting), 'CLI_ERR_CLOSED'));
    t.equal(socket.state, 'closed');
  });
});
