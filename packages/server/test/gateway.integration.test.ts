// The WebSocket gateway end to end over real sockets: sessions, authentication, revocation, pushes, the
// frame-handler registry, crash containment, metrics and shutdown.
import t from 'tap';
import { ApiError, CLOSE_CODES, FrameRefusal, playerGroup } from '../src/index.js';
import { frame } from '@hajime/protocol';
import { clients, connected, listenWs, registerPlayer, TestSocket } from './gateway-client.js';
import { deviceSecret, testServer, testStorage, uniqueName } from './helpers.js';

t.test('Gateway', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage);
  const url = await listenWs(server);
  const open = clients(t, url);
  const post = (path: string, payload: object, token?: string) =>
    server.app.inject({ method: 'POST', url: `/api/v1${path}`, payload, ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }) });

  t.test('register → connect → heartbeat → presence; a bad token keeps the socket open', async (t) => {
    const p = await registerPlayer(server, uniqueName('ws'));
    const s = await open();
    const bad = await s.request('session.connect', { token: 'not-a-token' }, 'c0');
    t.match(bad, { type: 'error', cid: 'c0', payload: { reason: 'invalid_token', error: { code: 'unauthenticated', details: {} } } });
    t.notOk(s.isClosed, 'the socket stays open so the client can retry');

    const ok = await s.request('session.connect', { token: p.access_token }, 'c1');
    t.same(ok, { type: 'session.connected', cid: 'c1', payload: { player_id: p.player_id, wire: 'json' } });

    const before = Date.now();
    const hb = await s.request('session.heartbeat', {}, 'hb-1');
    t.equal(hb.type, 'session.heartbeat');
    t.equal(hb.cid, 'hb-1', 'cid echoed on the reply');
    t.type(hb.payload.ts, 'number');
    t.ok(hb.payload.ts >= before - 1000 && hb.payload.ts <= Date.now() + 1000, 'ts is unix ms from the server clock');
    const noCid = await s.request('session.heartbeat');
    t.notOk('cid' in noCid, 'no cid sent, none echoed');

    t.same(await s.request('presence.update', { status: 'in_lobby' }, 'p1'), { type: 'presence.updated', cid: 'p1', payload: { status: 'in_lobby' } });
    t.same(await s.request('presence.update', {}, 'p2'), { type: 'presence.updated', cid: 'p2', payload: { status: 'online' } }, 'status defaults to online');

    const again = await s.request('session.connect', { token: 'still-not-a-token' }, 'c2');
    t.equal(again.payload.reason, 'invalid_token');
    t.equal((await s.request('session.heartbeat', {}, 'hb-2')).type, 'session.heartbeat', 'a failed re-connect keeps the session authenticated');
    t.equal(server.context.gateway.connectionsOf(p.player_id), 1);
  });

  t.test('frames before session.connect answer unauthenticated; a socket is bound to one player', async (t) => {
    const a = await registerPlayer(server, uniqueName('ws'));
    const b = await registerPlayer(server, uniqueName('ws'));
    const s = await open();
    for (const [type, payload] of [['session.heartbeat', {}], ['presence.update', {}], ['match.list', {}]] as const) {
      t.match(await s.request(type, payload, `u-${type}`), { type: 'error', cid: `u-${type}`, payload: { reason: 'unauthenticated', error: { code: 'unauthenticated' } } }, type);
    }
    await s.request('session.connect', { token: a.access_token });
    const login = await post('/auth/login', { username: a.username, password: 'password123' });
    t.equal((await s.request('session.connect', { token: login.json().access_token }, 'same')).type, 'session.connected', 'the same player may refresh its token');
    t.match(await s.request('session.connect', { token: b.access_token }, 'other'), { type: 'error', cid: 'other', payload: { error: { code: 'forbidden', details: { reason: 'player_mismatch' } } } });
  });

  t.test('refresh over REST, then a reconnect with the new token works', async (t) => {
    const p = await registerPlayer(server, uniqueName('ws'));
    const s = await connected(open, p.access_token);
    const r = await post('/auth/refresh', { refresh_token: p.refresh_token });
    t.equal(r.statusCode, 200);
    await s.close();
    const s2 = await connected(open, r.json().access_token);
    t.equal((await s2.request('session.heartbeat')).type, 'session.heartbeat');
  });

  t.test('logout disconnects the live socket with 1008 session_revoked, and only that token family', async (t) => {
    const p = await registerPlayer(server, uniqueName('ws'));
    const other = await post('/auth/login', { username: p.username, password: 'password123' });
    const s = await connected(open, p.access_token);
    const elsewhere = await connected(open, other.json().access_token);
    t.equal(server.context.gateway.connectionsOf(p.player_id), 2);
    const out = await post('/auth/logout', { refresh_token: p.refresh_token }, p.access_token);
    t.same(out.json(), { success: true });
    t.same(await s.closed, { code: 1008, reason: 'session_revoked' });
    t.equal((await elsewhere.request('session.heartbeat', {}, 'still')).cid, 'still', "the player's other sign-in stays connected");
    const reconnect = await open();
    t.equal((await reconnect.request('session.connect', { token: p.access_token })).payload.reason, 'invalid_token', 'the revoked token no longer connects');
  });

  t.test('a guest upgrade revokes the guest sessions', async (t) => {
    const guest = await post('/auth/guest', { device_id: uniqueName('dev'), device_secret: deviceSecret() });
    t.equal(guest.statusCode, 200);
    const s = await connected(open, guest.json().access_token);
    const up = await post('/auth/guest/upgrade', { username: uniqueName('up'), password: 'password123' }, guest.json().access_token);
    t.equal(up.statusCode, 200);
    t.same(await s.closed, { code: 1008, reason: 'session_revoked' });
    const s2 = await connected(open, up.json().access_token);
    t.equal((await s2.request('session.heartbeat')).type, 'session.heartbeat', 'the upgraded account connects with its new pair');
  });

  t.test('a banned player is refused with forbidden', async (t) => {
    const p = await registerPlayer(server, uniqueName('ws'));
    await storage.players.setBanned(p.player_id, new Date());
    const other = await testServer(t, storage);
    const s = await clients(t, await listenWs(other))();
    t.match(await s.request('session.connect', { token: p.access_token }, 'b'), { type: 'error', cid: 'b', payload: { error: { code: 'forbidden', details: { reason: 'banned' } } } });
    t.notOk(s.isClosed);
  });

  t.test('sendToPlayer pushes to every connection of the player, without cid', async (t) => {
    const p = await registerPlayer(server, uniqueName('ws'));
    const login = await post('/auth/login', { username: p.username, password: 'password123' });
    const a = await connected(open, p.access_token);
    const b = await connected(open, login.json().access_token);
    const n = server.context.gateway.sendToPlayer(p.player_id, { ...frame('notification.new', { id: 'n1', type: 'gift', subject: 'hi', content: {} }), cid: 'dropped' });
    t.equal(n, 2);
    for (const s of [a, b]) t.same(await s.next(), { type: 'notification.new', payload: { id: 'n1', type: 'gift', subject: 'hi', content: {} } });
    t.equal(server.context.gateway.sendToPlayer(uniqueName('offline'), frame('dm.sent', { channel_id: 'x' })), 0, 'an offline player is reached by nobody');
  });

  t.test('the frame-handler registry', async (t) => {
    const gw = server.context.gateway;
    const closedFor: string[] = [];
    // Types no default plugin handles (chat and presence are default plugins; worlds are not).
    gw.registerFrameHandler('world.join', ({ payload, session }) => {
      if (!session.joinChannel(payload.world_id)) throw new FrameRefusal('too_many_channels');
      session.onClose(() => void closedFor.push(payload.world_id));
      return frame('world.joined', { world_id: payload.world_id, mode: 'm', status: 'running', player_count: 1, max_players: 8, players: [session.playerId], grid_size: 1, started_at: 1 });
    });
    gw.registerFrameHandler('world.input', ({ payload, session }) => {
      session.push(frame('chat.message', { channel_id: 'global:lobby', sender_id: session.playerId, content: String(payload['say']), sent_at: 1 }));
    });
    gw.registerFrameHandler('match.list', async () => frame('match.state', { tick: 1 }));
    gw.registerFrameHandler('match.join', () => {
      throw new FrameRefusal('match_full', { max_players: 2 }, { match_id: 'm1' });
    });
    gw.registerFrameHandler('matchmaker.remove', () => {
      throw new FrameRefusal('vote_not_found');
    });
    gw.registerFrameHandler('vote.cast', async () => {
      throw new ApiError('economy.insufficient_funds', { need: 5 });
    });
    gw.registerFrameHandler('vote.veto', () => {
      throw new Error('a bug');
    });
    gw.registerFrameHandler('world.list', () => Promise.reject(new Error('an async bug')));
    gw.registerFrameHandler('world.leave', () => 'not a frame' as never);
    gw.registerFrameHandler('match.leave', () => {
      const payload: Record<string, unknown> = {};
      payload['self'] = payload;
      return frame('match.left', payload as never);
    });
    t.throws(() => gw.registerFrameHandler('world.join', () => undefined), 'a type has one handler');
    t.throws(() => gw.registerFrameHandler('chat.join', () => undefined), "chat's frames have the default chat plugin's handlers");
    t.throws(() => gw.registerFrameHandler('session.connect' as never, () => undefined), 'session types are the session’s own');
    t.teardown(() => {
      for (const type of ['world.join', 'world.input', 'match.list', 'match.join', 'matchmaker.remove', 'vote.cast', 'vote.veto', 'world.list', 'world.leave', 'match.leave'] as const) gw.unregisterFrameHandler(type);
    });

    const p = await registerPlayer(server, uniqueName('ws'));
    const s = await connected(open, p.access_token);
    t.match(await s.request('world.join', { world_id: 'w1' }, 'j1'), { type: 'world.joined', cid: 'j1', payload: { world_id: 'w1', players: [p.player_id] } }, 'a reply carries the cid');
    s.send({ type: 'world.input', payload: { say: 'hi' }, cid: 's1' });
    t.same(await s.next(), { type: 'chat.message', payload: { channel_id: 'global:lobby', sender_id: p.player_id, content: 'hi', sent_at: 1 } }, 'a push never carries the cid');
    t.same(await s.request('match.list', {}, 'l1'), { type: 'match.state', payload: { tick: 1 } }, 'a non-reply type gets no cid');
    t.same(await s.request('match.join', { match_id: 'm1' }, 'mj'), {
      type: 'error',
      cid: 'mj',
      payload: { match_id: 'm1', reason: 'match_full', error: { code: 'match.full', message: 'The match is full.', details: { max_players: 2 } } },
    });
    t.match(await s.request('matchmaker.remove', { ticket_id: 't' }, 'mr'), { payload: { reason: 'vote_not_found', error: { code: 'ws.request_failed', details: { reason: 'vote_not_found' } } } });
    t.match(await s.request('vote.cast', { vote_id: 'v', option_id: 'a' }, 'vc'), { cid: 'vc', payload: { error: { code: 'economy.insufficient_funds', details: { need: 5 } } } });
    for (const [type, payload] of [['vote.veto', { vote_id: 'v' }], ['world.list', {}], ['world.leave', {}], ['match.leave', {}]] as const) {
      t.match(await s.request(type, payload, `x-${type}`), { type: 'error', cid: `x-${type}`, payload: { reason: 'internal_error', error: { code: 'internal', details: {} } } }, `${type}: a failing handler answers internal`);
    }
    t.equal((await s.request('session.heartbeat', {}, 'alive')).cid, 'alive', 'and the session goes on');
    t.match(await s.request('world.create', { mode: 'arena' }, 'na'), { type: 'error', cid: 'na', payload: { reason: 'not_available', error: { code: 'ws.request_failed', details: { reason: 'not_available' } } } }, 'a type without a handler');
    await s.close();
    await waitFor(() => closedFor.length === 1);
    t.same(closedFor, ['w1'], 'onClose cleanups run when the socket closes');
  });

  t.test('a killed session closes its socket with 1011', async (t) => {
    const p = await registerPlayer(server, uniqueName('ws'));
    const s = await connected(open, p.access_token);
    const [pid] = server.context.gateway.groups.getMembers(playerGroup(p.player_id));
    server.context.system.exit(pid!, 'kill');
    t.same(await s.closed, { code: CLOSE_CODES.internal, reason: 'internal_error' });
    await waitFor(() => server.context.gateway.connectionsOf(p.player_id) === 0);
  });

  t.test('metrics: the connections gauge and the frame counters', async (t) => {
    const p = await registerPlayer(server, uniqueName('ws'));
    const s = await connected(open, p.access_token);
    await s.request('nope.nope');
    const m = (await server.app.inject('/metrics')).body;
    t.match(m, /hajime_ws_connections [1-9]\d*/);
    t.match(m, /hajime_ws_frames_total\{direction="in"\} [1-9]\d*/);
    t.match(m, /hajime_ws_frames_total\{direction="out"\} [1-9]\d*/);
    t.match(m, /hajime_ws_error_frames_total\{code="unknown_type"\} [1-9]\d*/);
  });

  t.test('the binary wire is granted only when the server offers it', async (t) => {
    const p = await registerPlayer(server, uniqueName('ws'));
    const s = await open();
    t.equal((await s.request('session.connect', { token: p.access_token, wire: 'binary' })).payload.wire, 'json');
    const binary = await testServer(t, storage, { ws: { binaryWire: true } });
    const s2 = await clients(t, await listenWs(binary))();
    t.same((await s2.request('session.connect', { token: p.access_token, wire: 'binary' })).payload, { player_id: p.player_id, wire: 'binary' });
    t.equal((await s2.request('session.connect', { token: p.access_token })).payload.wire, 'json', 'json unless asked');
  });

  t.test('upgrades elsewhere than /ws are refused', async (t) => {
    const s = new TestSocket(url.replace(/\/ws$/, '/elsewhere'));
    t.equal(await s.opened, false);
  });

  t.test('closing the server ends every session with 1001 and completes', async (t) => {
    const other = await testServer(t, storage);
    const otherUrl = await listenWs(other);
    const p = await registerPlayer(server, uniqueName('ws'));
    const authed = await connected(() => TestSocket.open(otherUrl), p.access_token);
    const anonymous = await TestSocket.open(otherUrl);
    const started = Date.now();
    await other.close();
    t.same(await authed.closed, { code: 1001, reason: 'server_shutdown' });
    t.same(await anonymous.closed, { code: 1001, reason: 'server_shutdown' });
    t.ok(Date.now() - started < 2_000, 'without waiting for the grace period');
    t.equal(other.context.gateway.connectionCount, 0);
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 2_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
