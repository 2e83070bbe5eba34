// The SDK end to end against the real WebSocket gateway (GET /ws of createServer): REST sign-in, then the
// socket authenticates with the client's tokens, heartbeats, re-authenticates after a refresh, is revoked by
// logout; expired tokens are refreshed on connect; a restarted server is reconnected to.
import { SimulatedClock } from '@hajime/actor';
import t from 'tap';
import { HajimeClient, HajimeSocketError, memoryStore } from '../src/index.js';
import { countingFetch, listeningServer, testStorage, uniqueName } from './helpers.js';
import { next } from './socket/fake-gateway.js';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

t.test('HajimeClient with the WebSocket gateway', async (t) => {
  const storage = await testStorage(t);
  const { baseUrl } = await listeningServer(t, storage);

  t.test('register → login → connect → heartbeat → presence → REST refresh → setToken → logout revokes the socket', async (t) => {
    const client = new HajimeClient({ baseUrl });
    const username = uniqueName('ws');
    await client.auth.register({ username, password: 'password1' });
    const me = await client.auth.login({ username, password: 'password1' });
    const socket = client.socket({ heartbeatIntervalMs: 0 });
    t.teardown(() => socket.close());

    const session = await socket.connect();
    t.same(session, { player_id: me.player_id, wire: 'json' });
    t.equal(socket.state, 'open');

    const before = Date.now();
    const beat = await socket.heartbeat();
    t.ok(beat.ts >= before - 1_000 && beat.ts <= Date.now() + 1_000, 'the reply carries server time (unix ms)');
    t.ok(Math.abs(beat.offsetMs) < 1_000, 'same machine: the clocks agree');

    t.same(await socket.send('presence.update', { status: 'away' }), { status: 'away' });

    const rotated = await client.auth.refresh();
    t.same(await socket.setToken(rotated.accessToken), { player_id: me.player_id, wire: 'json' }, 're-authenticated with the rotated token');

    const expired = next(socket, 'auth_expired');
    const disconnected = next(socket, 'disconnected');
    await client.auth.logout();
    t.same((await disconnected)[0], { code: 1008, reason: 'session_revoked', willReconnect: false });
    t.same((await expired)[0], { reason: 'session_revoked', code: undefined, closeCode: 1008 });
    t.equal(socket.state, 'closed');
  });

  t.test('wire errors of requests surface as HajimeSocketError codes; the socket stays open', async (t) => {
    const client = new HajimeClient({ baseUrl });
    await client.auth.register({ username: uniqueName('ws'), password: 'password1' });
    const other = new HajimeClient({ baseUrl });
    await other.auth.register({ username: uniqueName('ws'), password: 'password1' });
    const socket = client.socket({ heartbeatIntervalMs: 0 });
    t.teardown(() => socket.close());
    await socket.connect();
    const mismatch = await rejection(socket.setToken(other.accessToken!));
    t.ok(mismatch instanceof HajimeSocketError);
    t.match(mismatch, { frame: 'error', requestType: 'session.connect', code: 'forbidden', details: { reason: 'player_mismatch' } });
    const join = await rejection(socket.send('match.join', { match_id: '00000000-0000-7000-8000-000000000000' }));
    t.ok(join instanceof HajimeSocketError, 'a request the server cannot serve is refused, not left hanging');
    t.match(join, { frame: 'error', requestType: 'match.join', code: String });
    t.equal(socket.state, 'open');
    t.equal(typeof (await socket.heartbeat()).ts, 'number');
  });

  t.test('a refused token: unauthenticated, auth_expired, no reconnect', async (t) => {
    const client = new HajimeClient({ baseUrl, accessToken: 'not-a-token' });
    const socket = client.socket({ heartbeatIntervalMs: 0 });
    t.teardown(() => socket.close());
    const expired = next(socket, 'auth_expired');
    const e = await rejection(socket.connect());
    t.match(e, { code: 'unauthenticated', reason: 'invalid_token' });
    t.match((await expired)[0], { reason: 'invalid_token', code: 'unauthenticated' });
    t.equal(socket.state, 'closed');
  });

  t.test('an expired access token is refreshed once by the client-bound socket, and the session established', async (t) => {
    const clock = new SimulatedClock({ epochStartMs: Date.now() });
    const { baseUrl: timedUrl } = await listeningServer(t, storage, { clock });
    const counter = countingFetch();
    const client = new HajimeClient({ baseUrl: timedUrl, fetch: counter.fetch });
    const me = await client.auth.register({ username: uniqueName('ws'), password: 'password1' });
    await clock.advance(61 * 60_000);
    const socket = client.socket({ heartbeatIntervalMs: 0 });
    t.teardown(() => socket.close());
    t.same(await socket.connect(), { player_id: me.player_id, wire: 'json' });
    t.equal(counter.count('/auth/refresh'), 1);
  });

  t.test('guests connect like everyone else', async (t) => {
    const client = new HajimeClient({ baseUrl, guestStore: memoryStore() });
    const guest = await client.auth.guestDevice();
    const socket = client.socket({ heartbeatIntervalMs: 0 });
    t.teardown(() => socket.close());
    t.equal((await socket.connect()).player_id, guest.player_id);
  });

  t.test('the server restarts: the socket reconnects on its own with the same tokens', async (t) => {
    const first = await listeningServer(t, storage);
    const client = new HajimeClient({ baseUrl: first.baseUrl });
    const me = await client.auth.register({ username: uniqueName('ws'), password: 'password1' });
    const socket = client.socket({ heartbeatIntervalMs: 0, reconnect: { initialDelayMs: 50, maxDelayMs: 200 } });
    t.teardown(() => socket.close());
    await socket.connect();
    const disconnected = next(socket, 'disconnected');
    await first.close();
    t.match((await disconnected)[0], { code: 1001, reason: 'server_shutdown', willReconnect: true });
    const connected = next(socket, 'connected', 10_000);
    await listeningServer(t, storage, { port: first.port });
    t.match((await connected)[0], { player_id: me.player_id, reconnected: true });
    t.equal(typeof (await socket.heartbeat()).ts, 'number', 'and answers requests again');
  });
});
