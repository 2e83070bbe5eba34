// Every gateway limit and envelope refusal trips with its exact code (asobi-reference.md §2.1, §4):
// idle auth timeout, frame rate, frame size, binary uplink, connect flood, Origin, unknown type, bad JSON,
// missing type, missing field.
import t from 'tap';
import { maxMessageBytes } from '../src/index.js';
import { clients, connected, listenWs, registerPlayer, TestSocket } from './gateway-client.js';
import { testServer, testStorage, uniqueName } from './helpers.js';

t.test('Gateway limits', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, { ws: { idleAuthTimeoutMs: 600 } });
  const url = await listenWs(server);
  const open = clients(t, url);
  const player = await registerPlayer(server, uniqueName('lim'));

  t.test('idle auth timeout: no session.connect in time → close 1008 idle_auth_timeout', async (t) => {
    const s = await open();
    const started = Date.now();
    t.match(await s.request('session.heartbeat', {}, 'h'), { payload: { error: { code: 'unauthenticated' } } }, 'other frames do not count as connecting');
    s.send({ type: 'session.connect', payload: { token: 'wrong' } });
    t.equal((await s.next()).payload.reason, 'invalid_token', 'nor does a failed connect');
    t.same(await s.closed, { code: 1008, reason: 'idle_auth_timeout' });
    t.ok(Date.now() - started >= 500, 'after the configured timeout');
    const authed = await connected(open, player.access_token);
    await new Promise((r) => setTimeout(r, 800));
    t.equal((await authed.request('session.heartbeat', {}, 'late')).cid, 'late', 'an authenticated session is not timed out');
  });

  t.test('61 frames in one second → rate_limited; the socket stays open', async (t) => {
    const s = await open();
    s.send({ type: 'session.connect', payload: { token: player.access_token }, cid: 'f1' });
    for (let i = 2; i <= 61; i++) s.send({ type: 'session.heartbeat', payload: {}, cid: `f${i}` });
    t.equal((await s.next()).type, 'session.connected');
    for (let i = 2; i <= 60; i++) t.equal((await s.next()).cid, `f${i}`);
    t.same(await s.next(), {
      type: 'error',
      cid: 'f61',
      payload: { reason: 'rate_limited', error: { code: 'rate_limited', message: 'Too many requests; retry after `retry_after` seconds.', details: { limit: 60, window_ms: 1000 } } },
    });
    t.notOk(s.isClosed);
    await new Promise((r) => setTimeout(r, 1_050));
    t.equal((await s.request('session.heartbeat', {}, 'next-window')).type, 'session.heartbeat', 'the next window admits frames again');
  });

  t.test('a 64 KiB + 1 frame → payload_too_large, measured before parsing; the socket stays open', async (t) => {
    const s = await connected(open, player.access_token);
    const exact = JSON.stringify({ type: 'session.heartbeat', cid: 'fits' });
    s.sendRaw(exact + ' '.repeat(64 * 1024 - exact.length));
    t.equal((await s.next()).cid, 'fits', 'exactly 64 KiB is accepted');
    s.sendRaw(exact + ' '.repeat(64 * 1024 - exact.length + 1));
    t.same(await s.next(), { type: 'error', payload: { reason: 'payload_too_large', error: { code: 'payload_too_large', message: 'The request or frame is too large.', details: { limit_bytes: 65536 } } } });
    s.sendRaw('{'.repeat(64 * 1024 + 1));
    t.equal((await s.next()).payload.reason, 'payload_too_large', 'not invalid_json: the frame was never parsed');
    t.equal((await s.request('session.heartbeat', {}, 'after')).cid, 'after');
  });

  t.test('a frame past the transport cap closes the socket with 1009', async (t) => {
    const s = await connected(open, player.access_token);
    s.sendRaw('x'.repeat(maxMessageBytes(64 * 1024) + 1));
    t.equal((await s.closed).code, 1009);
  });

  t.test('a binary frame is refused with binary_uplink_unsupported', async (t) => {
    const s = await connected(open, player.access_token);
    s.sendRaw(Buffer.from(JSON.stringify({ type: 'session.heartbeat', cid: 'b' })), true);
    t.same(await s.next(), {
      type: 'error',
      payload: { reason: 'binary_uplink_unsupported', error: { code: 'ws.request_failed', message: 'The request failed; see `details.reason`.', details: { reason: 'binary_uplink_unsupported' } } },
    });
    t.equal((await s.request('session.heartbeat', {}, 'ok')).cid, 'ok');
  });

  t.test('envelope refusals: unknown type, bad JSON, missing type, missing field', async (t) => {
    const s = await connected(open, player.access_token);
    t.same(await s.request('game.cheat', { x: 1 }, 'u1'), { type: 'error', cid: 'u1', payload: { reason: 'unknown_type', error: { code: 'unknown_type', message: 'Unknown message type.', details: {} } } }, "the client's type is never echoed");
    s.sendRaw('{"type":"session.heartbeat",');
    t.same(await s.next(), { type: 'error', payload: { reason: 'invalid_json', error: { code: 'invalid_json', message: 'The body or frame is not valid JSON.', details: {} } } });
    s.sendRaw('{"payload":{},"cid":"m1"}');
    t.match(await s.next(), { type: 'error', payload: { reason: 'invalid_message', error: { code: 'invalid_message' } } });
    s.sendRaw('[1,2,3]');
    t.match((await s.next()).payload.error.code, 'invalid_message');
    t.same(await s.request('chat.join', {}, 'mf'), { type: 'error', cid: 'mf', payload: { reason: 'missing_field', error: { code: 'missing_field', message: 'A required field is missing.', details: { field: 'channel_id' } } } });
    t.match(await s.request('presence.update', { status: 7 }, 'ip'), { cid: 'ip', payload: { reason: 'invalid_payload', error: { code: 'invalid_payload', details: { field: 'status' } } } });
    const badCid = await s.request('game.cheat', {}, 'x'.repeat(65));
    t.notOk('cid' in badCid, 'an invalid cid is never echoed');
    t.equal(badCid.payload.error.code, 'unknown_type');
    t.match(await s.request('rpc.call', { method: 'm' }), { payload: { error: { code: 'rpc.invalid_cid' } } }, 'rpc.call requires a cid');
    t.notOk(s.isClosed);
  });

  t.test('Origin allowlist: exact match, absent Origin passes, others close 1008 origin_rejected', async (t) => {
    const guarded = await testServer(t, storage, { ws: { allowedOrigins: ['https://game.example'] } });
    const gurl = await listenWs(guarded);
    const open2 = clients(t, gurl);
    const good = await open2({ origin: 'https://game.example' });
    t.equal((await good.request('session.heartbeat')).payload.error.code, 'unauthenticated', 'an allowed origin gets a session');
    const native = await open2();
    t.equal((await native.request('session.heartbeat')).payload.error.code, 'unauthenticated', 'no Origin (a native client) passes');
    for (const origin of ['https://evil.example', 'https://game.example.evil', 'http://game.example', 'https://GAME.example']) {
      const bad = await open2({ origin });
      t.same(await bad.closed, { code: 1008, reason: 'origin_rejected' }, origin);
    }
  });

  t.test('connect flood: the per-IP ws_connect limit closes 1008 rate_limited, spent before the Origin check', async (t) => {
    const tight = await testServer(t, storage, { rateLimits: { ws_connect: { max: 3, windowMs: 60_000 } }, ws: { allowedOrigins: ['https://game.example'] } });
    const turl = await listenWs(tight);
    const open3 = clients(t, turl);
    const first = await open3({ origin: 'https://game.example' });
    t.equal((await first.request('session.heartbeat')).type, 'error');
    for (let i = 0; i < 2; i++) t.same(await (await open3({ origin: 'https://evil.example' })).closed, { code: 1008, reason: 'origin_rejected' });
    const flooded = await open3({ origin: 'https://game.example' });
    t.same(await flooded.closed, { code: 1008, reason: 'rate_limited' }, 'the refused origins spent the budget');
    t.notOk(first.isClosed, 'connections already open are untouched');
    const m = (await tight.app.inject('/metrics')).body;
    t.match(m, /hajime_ws_upgrades_refused_total\{reason="rate_limited"\} 1/);
    t.match(m, /hajime_ws_upgrades_refused_total\{reason="origin_rejected"\} 2/);
  });

  t.test('a slow consumer is closed with 1013 slow_consumer', async (t) => {
    const small = await testServer(t, storage, { ws: { maxBufferedBytes: 1, framesPerSecond: 100_000 } });
    const surl = await listenWs(small);
    const s = await connected(() => TestSocket.open(surl), player.access_token);
    // Stop reading; pushes pile up in the server's socket buffer until it exceeds the cap.
    s.ws.pause();
    const big = { type: 'notification.new', payload: { id: 'n', type: 't', subject: 's', content: 'x'.repeat(256 * 1024) } } as const;
    for (let i = 0; i < 200 && small.context.gateway.connectionsOf(player.player_id) > 0; i++) {
      small.context.gateway.sendToPlayer(player.player_id, big);
      await new Promise((r) => setImmediate(r));
    }
    s.ws.resume();
    t.same(await s.closed, { code: 1013, reason: 'slow_consumer' });
  });
});
