// The session actor on simulated time, without sockets: the fixed frame window's exact edges, the idle
// auth timer, revocation by token family (and a revocation racing a token resolution), ordering of
// async handler replies, slow consumers, cleanups. The socket-level behaviour is in gateway*.integration.
import t, { type Test } from 'tap';
import { ActorSystem, GenServer, MemoryLogger, ProcessGroups, SimulatedClock, type Pid } from '@hajime/actor';
import { frame, parseFrame } from '@hajime/protocol';
import { Registry } from 'prom-client';
import type { Principal } from '../src/index.js';
import { closeFrameFor } from '../src/gateway/close.js';
import { FrameHandlers, FrameRefusal, presenceUpdate } from '../src/gateway/frame-handlers.js';
import { GatewayMetrics } from '../src/gateway/metrics.js';
import { RevocationLog } from '../src/gateway/revocations.js';
import { Session, SessionServer, playerGroup, pushMessage, revokeMessage, type SessionEnv } from '../src/gateway/session.js';
import { resolveOptions } from '../src/options.js';

const WS = resolveOptions({ storage: {} as never }).ws;

interface FakeSocket {
  open: boolean;
  bufferedAmount: number;
  readonly sent: { type: string; cid?: string; payload: Record<string, unknown> }[];
  send(text: string): void;
}

function setup(t: Test, options: { ws?: Partial<typeof WS>; resolve?: (token: string) => Promise<{ principal: Principal; banned: boolean } | undefined> } = {}) {
  const clock = new SimulatedClock();
  const logger = new MemoryLogger();
  const system = new ActorSystem({ clock, logger });
  t.teardown(() => system.stop());
  const groups = new ProcessGroups<string>(system);
  const handlers = new FrameHandlers();
  handlers.register('presence.update', presenceUpdate);
  const revocations = new RevocationLog();
  const logged: string[] = [];
  const tokens: Record<string, Principal> = {
    'tok-a1': { playerId: 'a', familyId: 'f1', tokenHash: 'h1' },
    'tok-a2': { playerId: 'a', familyId: 'f2', tokenHash: 'h2' },
    'tok-b': { playerId: 'b', familyId: 'f3', tokenHash: 'h3' },
  };
  const env: SessionEnv = {
    ws: { ...WS, ...options.ws },
    auth: { resolve: options.resolve ?? (async (token) => (tokens[token] === undefined ? undefined : { principal: tokens[token], banned: false })) },
    groups,
    handlers,
    metrics: new GatewayMetrics(new Registry()),
    log: { error: (_o, msg) => void logged.push(msg ?? ''), warn: (_o, msg) => void logged.push(msg ?? '') },
    revocations,
  };
  async function session(): Promise<{ pid: Pid; socket: FakeSocket; send: (text: string) => void; exit: Promise<{ code: number; reason: string }> }> {
    const socket: FakeSocket = {
      open: true,
      bufferedAmount: 0,
      sent: [],
      send(text) {
        this.sent.push(JSON.parse(text));
      },
    };
    const pid = await GenServer.start(system, SessionServer, { env, socket, ip: '127.0.0.1' }, { trapExit: true });
    return { pid, socket, send: (text) => Session.frame(pid, parseFrame(text)), exit: system.awaitExit(pid).then(closeFrameFor) };
  }
  return { clock, system, groups, handlers, revocations, logged, session };
}

const heartbeat = (cid: string) => JSON.stringify({ type: 'session.heartbeat', cid });
const connect = (token: string, cid = 'c') => JSON.stringify({ type: 'session.connect', cid, payload: { token } });

t.test('SessionServer', async (t) => {
  t.test('counts frames in a fixed 1000 ms window opened by the first frame', async (t) => {
    const { clock, session } = setup(t);
    const s = await session();
    s.send(connect('tok-a1'));
    for (let i = 2; i <= 60; i++) s.send(heartbeat(`h${i}`));
    await clock.advance(999);
    s.send(heartbeat('h61'));
    Session.binary(s.pid);
    await clock.settle();
    t.equal(s.socket.sent.length, 62);
    t.same(s.socket.sent.slice(0, 60).map((f) => f.type), ['session.connected', ...Array<string>(59).fill('session.heartbeat')]);
    t.match(s.socket.sent[60], { type: 'error', cid: 'h61', payload: { reason: 'rate_limited', error: { code: 'rate_limited', details: { limit: 60, window_ms: 1000 } } } });
    t.match(s.socket.sent[61], { type: 'error', payload: { reason: 'rate_limited' } }, 'binary frames count too');
    await clock.advance(1);
    s.send(heartbeat('h62'));
    await clock.settle();
    t.match(s.socket.sent[62], { type: 'session.heartbeat', cid: 'h62' }, 'at 1000 ms a new window opens');
  });

  t.test('the idle auth timer closes 1008 idle_auth_timeout at exactly idleAuthTimeoutMs, unless connected', async (t) => {
    const { clock, system, session } = setup(t, { ws: { idleAuthTimeoutMs: 10_000 } });
    const idle = await session();
    const authed = await session();
    authed.send(connect('tok-a1'));
    await clock.advance(9_999);
    t.ok(system.isAlive(idle.pid));
    await clock.advance(1);
    t.same(await idle.exit, { code: 1008, reason: 'idle_auth_timeout' });
    await clock.advance(60_000);
    t.ok(system.isAlive(authed.pid), 'a connected session has no idle timer');
  });

  t.test('revocation stops the sessions of one token family, or all of the player', async (t) => {
    const { clock, system, groups, session } = setup(t);
    const [a1, a2, b] = [await session(), await session(), await session()];
    a1.send(connect('tok-a1'));
    a2.send(connect('tok-a2'));
    b.send(connect('tok-b'));
    await clock.settle();
    t.equal(groups.getMembers(playerGroup('a')).length, 2);
    groups.broadcast(playerGroup('a'), revokeMessage('f1'));
    t.same(await a1.exit, { code: 1008, reason: 'session_revoked' });
    await clock.settle();
    t.ok(system.isAlive(a2.pid), 'another family of the same player stays');
    groups.broadcast(playerGroup('a'), revokeMessage(undefined));
    t.same(await a2.exit, { code: 1008, reason: 'session_revoked' });
    t.ok(system.isAlive(b.pid), 'other players are untouched');
    t.equal(groups.getMembers(playerGroup('a')).length, 0);
  });

  t.test('a revocation racing a token resolution refuses the connect', async (t) => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let resolving = false;
    const { clock, system, revocations, session } = setup(t, {
      resolve: async () => {
        resolving = true;
        await gate;
        return { principal: { playerId: 'a', familyId: 'f1', tokenHash: 'h' }, banned: false };
      },
    });
    const s = await session();
    s.send(connect('tok-a1', 'race'));
    for (let i = 0; i < 20 && !resolving; i++) await new Promise((r) => setImmediate(r));
    t.ok(resolving, 'the token is being resolved');
    revocations.record({ playerId: 'a', familyId: 'f1' });
    t.equal(revocations.size, 1, 'remembered while a resolution is in flight');
    release();
    await clock.settle();
    t.match(s.socket.sent, [{ type: 'error', cid: 'race', payload: { reason: 'invalid_token' } }]);
    t.equal(revocations.size, 0, 'and forgotten afterwards');
    t.ok(system.isAlive(s.pid));
    revocations.record({ playerId: 'a' });
    t.equal(revocations.size, 0, 'nothing is kept when no resolution is in flight');
  });

  t.test('replies keep arrival order, whatever the handlers await', async (t) => {
    const { clock, handlers, session } = setup(t);
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    handlers.register('match.list', async () => {
      await gate;
      return frame('match.list', { matches: [] });
    });
    const s = await session();
    s.send(connect('tok-a1'));
    await clock.settle();
    s.send(JSON.stringify({ type: 'match.list', cid: 'slow' }));
    s.send(heartbeat('fast'));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    t.same(s.socket.sent.map((f) => f.cid), ['c'], 'the heartbeat waits behind the pending handler');
    release();
    await clock.settle();
    t.same(s.socket.sent.map((f) => f.cid), ['c', 'slow', 'fast']);
  });

  t.test('pushes drop any cid; a slow consumer is stopped with 1013 slow_consumer', async (t) => {
    const { clock, system, session } = setup(t, { ws: { maxBufferedBytes: 1024 } });
    const s = await session();
    s.send(connect('tok-a1'));
    await clock.settle();
    const push = pushMessage({ ...frame('dm.sent', { channel_id: 'x' }), cid: 'never' });
    system.send(s.pid, push);
    await clock.settle();
    t.same(s.socket.sent.at(-1), { type: 'dm.sent', payload: { channel_id: 'x' } });
    s.socket.bufferedAmount = 2048;
    system.send(s.pid, push);
    t.same(await s.exit, { code: 1013, reason: 'slow_consumer' });
    t.equal(s.socket.sent.length, 2, 'nothing more is written to a slow consumer');
  });

  t.test('cleanups run when the session ends, even when one throws', async (t) => {
    const { clock, handlers, logged, session } = setup(t);
    const ran: string[] = [];
    handlers.register('chat.join', ({ session: h, payload }) => {
      h.onClose(() => {
        throw new Error('cleanup bug');
      });
      h.onClose(async () => void ran.push(payload.channel_id));
      if (!h.joinChannel(payload.channel_id)) throw new FrameRefusal('too_many_channels', { limit: 1 });
      return frame('chat.joined', { channel_id: payload.channel_id });
    });
    const s = await session();
    s.send(connect('tok-a1'));
    s.send(JSON.stringify({ type: 'chat.join', cid: 'j1', payload: { channel_id: 'global:a' } }));
    await clock.settle();
    t.match(s.socket.sent.at(-1), { type: 'chat.joined', cid: 'j1' });
    Session.socketClosed(s.pid);
    t.same(await s.exit, { code: 1000, reason: '' });
    t.same(ran, ['global:a']);
    t.ok(logged.includes('ws_session_cleanup_failed'));
  });
});
