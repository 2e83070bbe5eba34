// Chat, DMs and presence end to end over real sockets: join/send/receive, leave, the per-connection
// channel cap, channel ACLs, coded content errors, DMs and blocks, REST history (members only), the
// presence.changed push to friends, and both as default plugins that options turn off.
import t from 'tap';
import { chatPlugin, presencePlugin, resolveOptions, type Chat } from '../src/index.js';
import { createChatPlugin } from '../src/plugins/chat.js';
import { clients, connected, listenWs, registerPlayer, type TestSocket } from './gateway-client.js';
import { testServer, testStorage, uniqueName } from './helpers.js';

t.test('chatPlugin over WebSocket', async (t) => {
  const storage = await testStorage(t);
  let chat: Chat | undefined;
  const server = await testServer(t, storage, {}, { plugins: [createChatPlugin({ onStart: (c) => (chat = c) }), presencePlugin] });
  const url = await listenWs(server);
  const open = clients(t, url);
  const api = (method: string, path: string, token: string, payload?: object) =>
    server.app.inject({ method: method as 'GET', url: `/api/v1${path}`, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload }) });
  const player = async () => {
    const p = await registerPlayer(server, uniqueName('chat'));
    return { ...p, socket: await connected(open, p.access_token) };
  };
  /** The next frame of `type`, skipping others. */
  const nextOf = async (s: TestSocket, type: string) => {
    for (;;) {
      const f = await s.next();
      if (f.type === type) return f;
    }
  };

  t.test('join, send and receive between two players; leave stops delivery', async (t) => {
    const a = await player();
    const b = await player();
    const channel = `global:${uniqueName('lobby')}`;
    t.same(await a.socket.request('chat.join', { channel_id: channel }, 'j1'), { type: 'chat.joined', cid: 'j1', payload: { channel_id: channel } });
    t.same(await b.socket.request('chat.join', { channel_id: channel }), { type: 'chat.joined', payload: { channel_id: channel } });
    t.same(await a.socket.request('chat.join', { channel_id: channel }, 'again'), { type: 'chat.joined', cid: 'again', payload: { channel_id: channel } }, 'joining twice is fine');

    const before = Date.now();
    a.socket.send({ type: 'chat.send', cid: 's1', payload: { channel_id: channel, content: 'hello b' } });
    const atB = await b.socket.next();
    t.match(atB, { type: 'chat.message', payload: { channel_id: channel, sender_id: a.player_id, content: 'hello b' } });
    t.notOk('cid' in atB, 'pushes carry no cid');
    t.ok(atB.payload.sent_at >= before - 1000 && atB.payload.sent_at <= Date.now() + 1000, 'sent_at is unix ms');
    const atA = await a.socket.next();
    t.match(atA, { type: 'chat.message', payload: { sender_id: a.player_id, content: 'hello b' } }, 'the sender is a member too');
    t.notOk('cid' in atA);
    t.equal(chat!.groups.getMembers(`chat:${channel}`).length, 2, 'joining twice counts once');

    t.same(await b.socket.request('chat.leave', { channel_id: channel }, 'l1'), { type: 'chat.left', cid: 'l1', payload: { channel_id: channel } });
    t.same(await b.socket.request('chat.leave', { channel_id: channel }), { type: 'chat.left', payload: { channel_id: channel } }, 'leave always answers chat.left');
    a.socket.send({ type: 'chat.send', payload: { channel_id: channel, content: 'still there?' } });
    t.equal((await a.socket.next()).payload.content, 'still there?');
    t.ok(await b.socket.silentFor(150), 'a player who left gets nothing');
    t.match(await b.socket.request('chat.send', { channel_id: channel, content: 'x' }, 'nj'), { type: 'error', cid: 'nj', payload: { reason: 'not_authorized', error: { code: 'forbidden', details: { reason: 'not_joined' } } } }, 'sending needs a join');
    t.equal((await chat!.stats(channel))?.buffered, 2, 'the channel buffered both messages');
  });

  t.test('a closed socket leaves its channels', async (t) => {
    const a = await player();
    const b = await player();
    const channel = `global:${uniqueName('close')}`;
    await a.socket.request('chat.join', { channel_id: channel });
    await b.socket.request('chat.join', { channel_id: channel });
    await b.socket.close();
    for (let i = 0; i < 50 && chat!.groups.getMembers(`chat:${channel}`).length > 1; i++) await new Promise((r) => setTimeout(r, 10));
    t.equal(chat!.groups.getMembers(`chat:${channel}`).length, 1);
  });

  t.test('the 32-channel cap answers chat.too_many_channels', async (t) => {
    const a = await player();
    for (let i = 0; i < 32; i++) t.equal((await a.socket.request('chat.join', { channel_id: `global:cap-${i}` })).type, 'chat.joined');
    t.match(await a.socket.request('chat.join', { channel_id: 'global:cap-32' }, 'cap'), { type: 'error', cid: 'cap', payload: { reason: 'too_many_channels', error: { code: 'chat.too_many_channels', details: { limit: 32 } } } });
    t.equal((await a.socket.request('chat.join', { channel_id: 'global:cap-0' })).type, 'chat.joined', 'a joined channel can be joined again at the cap');
    await a.socket.request('chat.leave', { channel_id: 'global:cap-0' });
    t.equal((await a.socket.request('chat.join', { channel_id: 'global:cap-32' })).type, 'chat.joined', 'leaving frees a slot');
  });

  t.test('channel ACLs: bad ids, unsupported types, rooms for group members, DMs for their two players', async (t) => {
    const a = await player();
    const b = await player();
    const c = await player();
    for (const [id, why] of [['nope', undefined], ['global:', undefined], ['match:1', undefined], ['world:w1', 'not_supported'], ['zone:z', 'not_supported'], ['prox:p', 'not_supported'], ['room:not-a-uuid', undefined]] as const) {
      const f = await a.socket.request('chat.join', { channel_id: id }, 'bad');
      t.match(f, { type: 'error', cid: 'bad', payload: { reason: 'invalid_channel_id', error: { code: 'chat.invalid_channel_id' } } }, id);
      if (why !== undefined) t.equal(f.payload.error.details.why, why, `${id}: details.why`);
    }
    const group = (await api('POST', '/groups', a.access_token, { name: uniqueName('g'), open: true })).json();
    const room = `room:${group.id}`;
    t.equal((await a.socket.request('chat.join', { channel_id: room })).type, 'chat.joined', 'a member joins the room');
    t.match(await b.socket.request('chat.join', { channel_id: room }, 'nm'), { type: 'error', cid: 'nm', payload: { reason: 'not_authorized', error: { code: 'forbidden', details: { reason: 'not_a_member' } } } });
    t.equal((await api('POST', `/groups/${group.id}/join`, b.access_token)).statusCode, 200);
    t.equal((await b.socket.request('chat.join', { channel_id: room })).type, 'chat.joined', 'after joining the group');

    const [x, y] = [a.player_id, b.player_id].sort();
    const dm = `dm:${x}:${y}`;
    t.equal((await a.socket.request('chat.join', { channel_id: dm })).type, 'chat.joined', 'a DM channel for its player');
    t.match(await c.socket.request('chat.join', { channel_id: dm }, 'np'), { type: 'error', payload: { error: { code: 'forbidden', details: { reason: 'not_a_participant' } } } });
    t.match(await c.socket.request('chat.send', { channel_id: dm, content: 'x' }), { type: 'error', payload: { error: { code: 'forbidden' } } });
    t.match(await c.socket.request('chat.send', { channel_id: 'world:w', content: 'x' }), { type: 'error', payload: { error: { code: 'chat.invalid_channel_id' } } });
  });

  t.test('content errors are coded, never dropped silently', async (t) => {
    const a = await player();
    const channel = `global:${uniqueName('content')}`;
    await a.socket.request('chat.join', { channel_id: channel });
    t.match(await a.socket.request('chat.send', { channel_id: channel, content: '' }, 'e'), { type: 'error', cid: 'e', payload: { error: { code: 'chat.invalid_content', details: { reason: 'empty' } } } });
    t.match(await a.socket.request('chat.send', { channel_id: channel, content: 'é'.repeat(1001) }, 'big'), { type: 'error', cid: 'big', payload: { error: { code: 'chat.invalid_content', details: { reason: 'too_large', limit_bytes: 2000 } } } }, '2002 bytes');
    t.match(await a.socket.request('chat.send', { channel_id: channel, content: 42 }, 'num'), { type: 'error', cid: 'num', payload: { error: { code: 'invalid_payload', details: { field: 'content' } } } }, 'non-string content is refused by the frame parser');
    t.match(await a.socket.request('chat.send', { channel_id: channel, content: 'a\u0000b' }), { type: 'error', payload: { error: { code: 'chat.invalid_content', details: { reason: 'nul' } } } });
    a.socket.send({ type: 'chat.send', payload: { channel_id: channel, content: 'x'.repeat(2000) } });
    t.equal((await a.socket.next()).payload.content.length, 2000, 'exactly 2000 bytes is fine');
  });

  t.test('DMs: dm.sent to the sender, dm.message to the recipient, blocks stop them', async (t) => {
    const a = await player();
    const b = await player();
    const [x, y] = [a.player_id, b.player_id].sort();
    const dm = `dm:${x}:${y}`;
    t.same(await a.socket.request('dm.send', { recipient_id: b.player_id, content: 'psst' }, 'd1'), { type: 'dm.sent', cid: 'd1', payload: { channel_id: dm } });
    const got = await b.socket.next();
    t.match(got, { type: 'dm.message', payload: { channel_id: dm, sender_id: a.player_id, content: 'psst' } });
    t.type(got.payload.sent_at, 'number');
    t.ok(await a.socket.silentFor(100), 'the sender gets no dm.message');

    t.match(await a.socket.request('dm.send', { recipient_id: b.player_id, content: '' }, 'e'), { type: 'error', payload: { reason: 'content_empty', error: { code: 'dm.content_empty' } } });
    t.match(await a.socket.request('dm.send', { recipient_id: b.player_id, content: 'x'.repeat(2001) }), { type: 'error', payload: { reason: 'content_too_large', error: { code: 'dm.content_too_large' } } });
    t.match(await a.socket.request('dm.send', { recipient_id: 'nobody', content: 'x' }), { type: 'error', payload: { error: { code: 'validation_failed', details: { field: 'recipient_id' } } } });
    t.match(await a.socket.request('dm.send', { recipient_id: a.player_id, content: 'x' }), { type: 'error', payload: { error: { code: 'validation_failed' } } }, 'not to yourself');
    t.match(await a.socket.request('dm.send', { recipient_id: '00000000-0000-4000-8000-000000000000', content: 'x' }), { type: 'error', payload: { error: { code: 'player.not_found' } } });

    t.equal((await api('PUT', `/friends/${a.player_id}`, b.access_token, { status: 'blocked' })).statusCode, 200, 'b blocks a');
    t.match(await a.socket.request('dm.send', { recipient_id: b.player_id, content: 'hello?' }, 'blk'), { type: 'error', cid: 'blk', payload: { reason: 'blocked', error: { code: 'dm.blocked' } } });
    t.ok(await b.socket.silentFor(100), 'nothing reaches the blocker');
    t.equal((await api('POST', '/dm', a.access_token, { recipient_id: b.player_id, content: 'rest?' })).json().error.code, 'dm.blocked', 'over REST too');
    t.equal((await b.socket.request('dm.send', { recipient_id: a.player_id, content: 'one way' })).type, 'dm.sent', 'the blocker may still write');
  });

  t.test('REST: POST /dm, DM history and channel history (members only, oldest first)', async (t) => {
    const a = await player();
    const b = await player();
    const c = await player();
    const sent = await api('POST', '/dm', a.access_token, { recipient_id: b.player_id, content: 'over rest' });
    t.equal(sent.statusCode, 200);
    const [x, y] = [a.player_id, b.player_id].sort();
    t.same(sent.json(), { success: true, channel_id: `dm:${x}:${y}` });
    t.match(await nextOf(b.socket, 'dm.message'), { payload: { content: 'over rest', sender_id: a.player_id } }, 'pushed live');
    await api('POST', '/dm', b.access_token, { recipient_id: a.player_id, content: 'reply' });
    for (const [who, other] of [[a, b], [b, a]] as const) {
      const h = await api('GET', `/dm/${other.player_id}/history?limit=10`, who.access_token);
      t.equal(h.statusCode, 200);
      t.equal(h.json().channel_id, `dm:${x}:${y}`);
      t.same(h.json().messages.map((m: { content: string }) => m.content), ['over rest', 'reply'], 'oldest first');
    }
    t.same((await api('GET', `/dm/${b.player_id}/history?limit=1`, a.access_token)).json().messages.map((m: { content: string }) => m.content), ['reply'], 'limit keeps the newest');
    t.equal((await api('POST', '/dm', a.access_token, { recipient_id: b.player_id, content: 12 })).json().error.code, 'validation_failed', 'non-string content over REST');
    t.equal((await api('POST', '/dm', a.access_token, { recipient_id: b.player_id, content: '' })).statusCode, 400);
    t.equal((await api('GET', `/dm/${b.player_id}/history?limit=500`, a.access_token)).statusCode, 422);

    const dm = encodeURIComponent(`dm:${x}:${y}`);
    t.equal((await api('GET', `/chat/${dm}/history`, a.access_token)).json().messages.length, 2, 'a DM channel for its players');
    const outsider = await api('GET', `/chat/${dm}/history`, c.access_token);
    t.equal(outsider.statusCode, 403);
    t.equal(outsider.json().error.code, 'forbidden');

    const group = (await api('POST', '/groups', a.access_token, { name: uniqueName('g') })).json();
    const room = `room:${group.id}`;
    await a.socket.request('chat.join', { channel_id: room });
    a.socket.send({ type: 'chat.send', payload: { channel_id: room, content: 'first' } });
    await nextOf(a.socket, 'chat.message');
    a.socket.send({ type: 'chat.send', payload: { channel_id: room, content: 'second' } });
    await nextOf(a.socket, 'chat.message');
    const h = await api('GET', `/chat/${encodeURIComponent(room)}/history?limit=50`, a.access_token);
    t.equal(h.statusCode, 200);
    t.match(h.json().messages, [{ channel_id: room, sender_id: a.player_id, content: 'first' }, { content: 'second' }]);
    t.match(h.json().messages[0].sent_at, /^\d{4}-\d\d-\d\dT/);
    const notMember = await api('GET', `/chat/${encodeURIComponent(room)}/history`, b.access_token);
    t.equal(notMember.statusCode, 403);
    t.equal(notMember.json().error.details.reason, 'not_a_member');
    t.equal((await api('GET', `/chat/${encodeURIComponent('world:x')}/history`, a.access_token)).json().error.code, 'chat.invalid_channel_id');
    t.equal((await server.app.inject({ method: 'GET', url: `/api/v1/chat/${encodeURIComponent(room)}/history` })).statusCode, 401, 'needs a token');
  });

  t.test('presence.update pushes presence.changed to online friends only', async (t) => {
    const a = await player();
    const friend = await player();
    const stranger = await player();
    await api('POST', '/friends', a.access_token, { friend_id: friend.player_id });
    t.equal((await api('PUT', `/friends/${a.player_id}`, friend.access_token, { status: 'accepted' })).statusCode, 200);
    await nextOf(friend.socket, 'notification.new');

    t.same(await a.socket.request('presence.update', { status: 'in_lobby' }, 'p1'), { type: 'presence.updated', cid: 'p1', payload: { status: 'in_lobby' } });
    const pushed = await nextOf(friend.socket, 'presence.changed');
    t.same(pushed, { type: 'presence.changed', payload: { player_id: a.player_id, status: 'in_lobby' } });
    t.ok(await stranger.socket.silentFor(100), 'a non-friend hears nothing');
    t.equal((await a.socket.request('presence.update', { status: 'in_lobby' })).type, 'presence.updated');
    t.ok(await friend.socket.silentFor(100), 'no push when the status did not change');

    await a.socket.close();
    t.same(await nextOf(friend.socket, 'presence.changed'), { type: 'presence.changed', payload: { player_id: a.player_id, status: 'offline' } }, 'offline when the last connection closes');
  });
});

t.test('chat and presence are default plugins; options.chat / options.presence turn each off', async (t) => {
  const storage = await testStorage(t);
  /** Two accepted friends, each with a socket, on `server`. */
  const friends = async (server: Awaited<ReturnType<typeof testServer>>) => {
    const open = clients(t, await listenWs(server));
    const a = await registerPlayer(server, uniqueName('dflt'));
    const b = await registerPlayer(server, uniqueName('dflt'));
    await storage.social.requestFriend(a.player_id, b.player_id);
    await storage.social.setIncomingStatus(b.player_id, a.player_id, 'accepted');
    return { a, b, as: await connected(open, a.access_token), bs: await connected(open, b.access_token) };
  };
  const routes = (server: Awaited<ReturnType<typeof testServer>>) =>
    [['POST', '/api/v1/dm'], ['GET', '/api/v1/chat/:channel_id/history'], ['GET', '/api/v1/dm/:player_id/history']].map(([method, url]) => server.app.hasRoute({ method: method as 'GET', url: url! }));

  t.test('by default: the chat frames and routes, and presence pushes to friends', async (t) => {
    const server = await testServer(t, storage);
    t.same(routes(server), [true, true, true]);
    const { a, as, bs } = await friends(server);
    t.same(await as.request('chat.join', { channel_id: 'global:default' }, 'j'), { type: 'chat.joined', cid: 'j', payload: { channel_id: 'global:default' } });
    t.equal((await as.request('presence.update', { status: 'busy' }, 'p')).type, 'presence.updated');
    t.same(await bs.next(), { type: 'presence.changed', payload: { player_id: a.player_id, status: 'busy' } });
  });

  t.test('chat: false: chat frames answer not_available and the routes are gone; presence stays', async (t) => {
    const server = await testServer(t, storage, { chat: false });
    t.same(routes(server), [false, false, false]);
    t.equal((await server.app.inject({ method: 'POST', url: '/api/v1/dm', payload: {} })).statusCode, 404);
    const { a, as, bs } = await friends(server);
    for (const [type, payload] of [['chat.join', { channel_id: 'global:off' }], ['dm.send', { recipient_id: a.player_id, content: 'hi' }]] as const) {
      t.match(await as.request(type, payload, 'x'), { type: 'error', cid: 'x', payload: { reason: 'not_available' } }, type);
    }
    await as.request('presence.update', { status: 'away' });
    t.same(await bs.next(), { type: 'presence.changed', payload: { player_id: a.player_id, status: 'away' } });
  });

  t.test('presence: false: presence.update is answered, friends are not pushed', async (t) => {
    const server = await testServer(t, storage, { presence: false });
    const { as, bs } = await friends(server);
    t.same(await as.request('presence.update', { status: 'away' }, 'p'), { type: 'presence.updated', cid: 'p', payload: { status: 'away' } });
    // A push would have been written to b before a's reply; b's next frame is its own heartbeat's reply.
    t.equal((await bs.request('session.heartbeat', {}, 'hb')).cid, 'hb', 'no presence.changed before it');
    t.equal((await as.request('chat.join', { channel_id: 'global:on' })).type, 'chat.joined', 'chat stays on');
  });

  t.test('chat: false with a chat plugin passed in extras: the passed one is registered', async (t) => {
    let started: Chat | undefined;
    const server = await testServer(t, storage, { chat: false }, { plugins: [createChatPlugin({ onStart: (c) => (started = c) })] });
    t.ok(started, 'the extra chat plugin started');
    t.same(routes(server), [true, true, true]);
    const again = await testServer(t, storage, { chat: false }, { plugins: [chatPlugin] });
    t.same(routes(again), [true, true, true], 'also the default instance itself');
  });

  t.test('the options are validated', async (t) => {
    t.throws(() => resolveOptions({ storage, chat: 'no' as unknown as boolean }), /option chat/);
    t.throws(() => resolveOptions({ storage, presence: 0 as unknown as boolean }), /option presence/);
    t.match(resolveOptions({ storage }), { chat: true, presence: true });
  });
});
