// The chat actors without sockets, on a simulated clock: channel start on first use, the 100-message
// ring buffer, persistence through the store port, idle stop after 60 s without members, fan-out of one
// message to 1,000 members, the ACL and content rules, and the presence service.
import { ActorSystem, MemoryLogger, SimulatedClock, type Pid } from '@hajime/actor';
import type { ChatMessage, NewChatMessage } from '@hajime/storage';
import t, { type Test } from 'tap';
import { ApiError, Chat, CHAT_DEFAULTS, Presence, channelGroup, checkChannelContent, checkDmContent, contentProblem, parseChannel, recipientOf, type PushMessage } from '../src/index.js';

const A = '0190a1b2-0000-7000-8000-00000000000a';
const B = '0190a1b2-0000-7000-8000-00000000000b';
const C = '0190a1b2-0000-7000-8000-00000000000c';
const GROUP = '0190a1b2-0000-7000-8000-0000000000f1';

function setup(t: Test, options: { idleStopMs?: number; bufferSize?: number } = {}) {
  const clock = new SimulatedClock({ epochStartMs: 1_700_000_000_000 });
  const system = new ActorSystem({ clock, logger: new MemoryLogger() });
  const stored: NewChatMessage[] = [];
  const store = {
    async insert(m: NewChatMessage): Promise<ChatMessage> {
      stored.push(m);
      return { id: `m${stored.length}`, channel_type: m.channel_type, channel_id: m.channel_id, sender_id: m.sender_id as ChatMessage['sender_id'], content: m.content, metadata: {}, sent_at: new Date(clock.epochMs()) };
    },
  };
  const blocked = new Set<string>();
  const members = new Set<string>([`${GROUP}/${A}`]);
  const social = {
    async isBlocked(sender: string, recipient: string) {
      return blocked.has(`${recipient}>${sender}`);
    },
    async member(groupId: string, playerId: string) {
      return members.has(`${groupId}/${playerId}`) ? { role: 'member' } : undefined;
    },
  };
  const pushed: { playerId: string; type: string; payload: unknown }[] = [];
  const chat = new Chat({ system, store, social, sendToPlayer: (playerId, f) => (pushed.push({ playerId, type: f.type, payload: f.payload }), 1), options });
  t.teardown(async () => {
    await chat.stop();
    await system.stop();
  });
  /** A stand-in session: a process recording the pushes it gets. */
  const member = (): { pid: Pid; got: PushMessage[] } => {
    const got: PushMessage[] = [];
    const pid = system.spawn((msg) => {
      if (typeof msg === 'object' && msg !== null && (msg as PushMessage).$ === 'hajime.ws.push') got.push(msg as PushMessage);
    });
    return { pid, got };
  };
  return { clock, system, chat, stored, blocked, members, pushed, member };
}

t.test('Chat channels', async (t) => {
  t.test('a channel starts on first join and persists, buffers and broadcasts each send', async (t) => {
    const { chat, stored, member } = setup(t);
    await chat.start();
    t.same(await chat.liveChannels(), []);
    const m1 = member();
    const m2 = member();
    await chat.join('global:lobby', A, m1.pid);
    await chat.join('global:lobby', B, m2.pid);
    t.same(await chat.liveChannels(), ['global:lobby']);
    const r = await chat.send('global:lobby', A, 'hi');
    t.equal(r.delivered, 2);
    t.match(r.message, { channel_id: 'global:lobby', sender_id: A, content: 'hi', sent_at: 1_700_000_000_000 });
    t.same(stored, [{ channel_type: 'global', channel_id: 'global:lobby', sender_id: A, content: 'hi' }], 'persisted through the store');
    for (const m of [m1, m2]) {
      t.equal(m.got.length, 1);
      t.same(JSON.parse(m.got[0]!.text), { type: 'chat.message', payload: { channel_id: 'global:lobby', sender_id: A, content: 'hi', sent_at: 1_700_000_000_000 } });
    }
    t.equal(m1.got[0], m2.got[0], 'encoded once, the same message to every member');
    t.same(await chat.leave('global:lobby', m2.pid), true);
    t.same(await chat.leave('global:lobby', m2.pid), false);
    await chat.send('global:lobby', A, 'again');
    t.equal(m2.got.length, 1, 'a member who left gets nothing');
  });

  t.test('the buffer keeps the last 100 messages, oldest first', async (t) => {
    const { chat, member } = setup(t);
    await chat.start();
    t.equal(CHAT_DEFAULTS.bufferSize, 100);
    await chat.join('global:buf', A, member().pid);
    for (let i = 0; i < 130; i++) await chat.send('global:buf', A, `m${i}`);
    const recent = await chat.recent('global:buf');
    t.equal(recent.length, 100);
    t.equal(recent[0]!.content, 'm30');
    t.equal(recent.at(-1)!.content, 'm129');
    t.same((await chat.recent('global:buf', 3)).map((m) => m.content), ['m127', 'm128', 'm129']);
    t.same(await chat.recent('global:none'), [], 'not live: nothing buffered');
    t.match(await chat.stats('global:buf'), { id: 'global:buf', members: 1, buffered: 100, idle: false });
  });

  t.test('a channel stops 60 s after its last member leaves, on the system clock', async (t) => {
    const { chat, clock, member } = setup(t);
    await chat.start();
    t.equal(CHAT_DEFAULTS.idleStopMs, 60_000);
    const m = member();
    await chat.join('global:idle', A, m.pid);
    await clock.advance(120_000);
    t.ok(chat.whereis('global:idle'), 'a channel with members stays');
    await chat.leave('global:idle', m.pid);
    t.match(await chat.stats('global:idle'), { members: 0, idle: true });
    await clock.advance(59_999);
    t.ok(chat.whereis('global:idle'), 'still live just before 60 s');
    await chat.join('global:idle', A, m.pid);
    await clock.advance(60_000);
    t.ok(chat.whereis('global:idle'), 'a rejoin cancels the idle stop');
    await chat.leave('global:idle', m.pid);
    await clock.advance(60_000);
    t.equal(chat.whereis('global:idle'), undefined, 'stopped after 60 s without members');
    t.same(await chat.liveChannels(), []);
    await chat.join('global:idle', A, m.pid);
    t.ok(chat.whereis('global:idle'), 'restarted on the next join');
  });

  t.test('a member process that exits leaves by itself; an unjoined channel (a DM) idles out too', async (t) => {
    const { chat, clock, system, member } = setup(t);
    await chat.start();
    const m = member();
    await chat.join('global:exit', A, m.pid);
    system.exit(m.pid, 'kill');
    await clock.settle();
    t.match(await chat.stats('global:exit'), { members: 0, idle: true });
    await chat.sendDm(A, B, 'hello');
    const dm = parseChannel(`dm:${A}:${B}`).id;
    t.ok(chat.whereis(dm));
    await clock.advance(60_000);
    t.equal(chat.whereis('global:exit'), undefined);
    t.equal(chat.whereis(dm), undefined);
  });

  t.test('one message fans out to 1,000 members of one channel', async (t) => {
    const { chat, member } = setup(t);
    await chat.start();
    const members = Array.from({ length: 1000 }, () => member());
    for (const m of members) await chat.join('global:big', A, m.pid);
    t.equal(chat.groups.getMembers(channelGroup('global:big')).length, 1000);
    const r = await chat.send('global:big', A, 'to everyone');
    t.equal(r.delivered, 1000);
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 50 && !members.every((m) => m.got.length === 1); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    t.ok(members.every((m) => m.got.length === 1), 'every member got exactly one push');
    t.ok(members.every((m) => JSON.parse(m.got[0]!.text).payload.content === 'to everyone'));
  });

  t.test('ACLs: rooms for group members, DMs for their two players, world types refused', async (t) => {
    const { chat, member } = setup(t);
    await chat.start();
    await chat.join(`room:${GROUP}`, A, member().pid);
    await t.rejects(chat.join(`room:${GROUP}`, B, member().pid), { code: 'forbidden', details: { reason: 'not_a_member' } });
    await t.rejects(chat.send(`room:${GROUP}`, B, 'x'), { code: 'forbidden' });
    const dm = `dm:${A}:${B}`;
    await chat.join(dm, B, member().pid);
    await t.rejects(chat.join(dm, C, member().pid), { code: 'forbidden', details: { reason: 'not_a_participant' } });
    for (const id of ['world:1', 'zone:1', 'prox:1']) await t.rejects(chat.join(id, A, member().pid), { code: 'chat.invalid_channel_id', details: { why: 'not_supported' } }, id);
    for (const id of ['', 'global:', 'lobby', `dm:${B}:${A}`, 'room:x', 'x'.repeat(300), 42]) await t.rejects(chat.authorize(id, A), { code: 'chat.invalid_channel_id' }, String(id).slice(0, 20));
  });

  t.test('DMs: pushed to the recipient as dm.message, refused when blocked', async (t) => {
    const { chat, pushed, blocked, stored } = setup(t);
    await chat.start();
    const r = await chat.sendDm(B, A.toUpperCase(), 'yo');
    t.equal(r.channel_id, `dm:${A}:${B}`);
    t.same(pushed, [{ playerId: A, type: 'dm.message', payload: { channel_id: `dm:${A}:${B}`, sender_id: B, content: 'yo', sent_at: 1_700_000_000_000 } }]);
    t.equal(stored.at(-1)!.channel_type, 'dm');
    blocked.add(`${A}>${B}`);
    await t.rejects(chat.sendDm(B, A, 'still?'), { code: 'dm.blocked' });
    t.equal(pushed.length, 1);
    t.ok(await chat.sendDm(A, B, 'the blocker may write'));
    await t.rejects(chat.sendDm(A, B, ''), { code: 'dm.content_empty' });
    await t.rejects(chat.sendDm(A, B, 'x'.repeat(2001)), { code: 'dm.content_too_large' });
    await t.rejects(chat.sendDm(A, A, 'me'), { code: 'validation_failed' });
  });

  t.test("a failed write answers the sender with the store's error; the channel lives on", async (t) => {
    const { chat, member, system } = setup(t);
    const failing = new Chat({
      system,
      store: { insert: async () => Promise.reject(new ApiError('not_found', { player_id: A })) },
      social: { isBlocked: async () => false, member: async () => undefined },
      sendToPlayer: () => 0,
    });
    await failing.start();
    t.teardown(() => failing.stop());
    const m = member();
    await failing.join('global:fail', A, m.pid);
    const pid = failing.whereis('global:fail');
    await t.rejects(failing.send('global:fail', A, 'x'), { code: 'not_found' });
    t.equal(failing.whereis('global:fail'), pid, 'same process, not crashed');
    t.match(await failing.stats('global:fail'), { members: 1, buffered: 0 });
    t.equal(m.got.length, 0, 'nothing delivered');
    void chat;
  });

  t.test('refuses to start channels before start()', async (t) => {
    const { chat, member } = setup(t);
    await t.rejects(chat.join('global:x', A, member().pid), { code: 'not_ready' });
    t.throws(() => new Chat({ system: chat.groups.system, store: { insert: async () => ({}) as ChatMessage }, social: { isBlocked: async () => false, member: async () => undefined }, sendToPlayer: () => 0, options: { idleStopMs: 0 } }));
  });
});

t.test('content rules', async (t) => {
  t.equal(contentProblem('ok'), undefined);
  t.equal(contentProblem(''), 'empty');
  t.equal(contentProblem(7), 'not_a_string');
  t.equal(contentProblem('x'.repeat(2000)), undefined);
  t.equal(contentProblem('€'.repeat(667)), 'too_large', '2001 bytes');
  t.equal(contentProblem('a\u0000'), 'nul');
  t.throws(() => checkChannelContent(null), new ApiError('chat.invalid_content', { reason: 'not_a_string' }));
  t.throws(() => checkChannelContent('x'.repeat(2001)), { code: 'chat.invalid_content', details: { reason: 'too_large', limit_bytes: 2000 } });
  t.throws(() => checkDmContent(1), { code: 'validation_failed', details: { field: 'content' } });
  t.throws(() => recipientOf('nope', A), { code: 'validation_failed', details: { field: 'recipient_id' } });
  t.equal(recipientOf(B.toUpperCase(), A), B);
});

t.test('Presence', async (t) => {
  const online = new Map<string, number>([
    [A, 1],
    [B, 2],
  ]);
  const sent: { to: string; type: string; payload: unknown }[] = [];
  const friends: Record<string, string[]> = { [A]: [B, C] };
  const presence = new Presence({
    friendsOf: async (p) => friends[p] ?? [],
    gateway: { connectionsOf: (p) => online.get(p) ?? 0, sendToPlayer: (p, f) => (sent.push({ to: p, type: f.type, payload: f.payload }), online.get(p) ?? 0) },
  });
  t.equal(presence.statusOf(A), 'online');
  t.equal(presence.statusOf(C), 'offline');
  t.equal(await presence.setStatus(A, 'away'), 2, "reaches B's two connections; C is offline");
  t.same(sent.find((s) => s.to === B), { to: B, type: 'presence.changed', payload: { player_id: A, status: 'away' } });
  t.equal(presence.statusOf(A), 'away');
  t.equal(await presence.setStatus(A, 'away'), 0, 'unchanged: no push');
  t.equal(presence.tracked, 1);
  online.set(A, 2);
  t.equal(await presence.connectionClosing(A), 0, 'another connection is left');
  online.set(A, 1);
  t.equal(await presence.connectionClosing(A), 2, 'the last one: friends see offline');
  t.same(sent.at(-2), { to: B, type: 'presence.changed', payload: { player_id: A, status: 'offline' } });
  t.equal(presence.tracked, 0);
  const failing = new Presence({ friendsOf: async () => Promise.reject(new Error('db down')), gateway: { connectionsOf: () => 1, sendToPlayer: () => 1 }, onError: (e) => sent.push({ to: 'log', type: String(e), payload: null }) });
  t.equal(await failing.setStatus(A, 'busy'), 0, 'a failed lookup never fails the update');
  t.equal(sent.at(-1)!.to, 'log');
});
