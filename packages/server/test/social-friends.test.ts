// The friends routes end to end on real storage: requests (and the recipient's notification), accepting,
// blocking, removing, listing, and every error code they answer.
import t from 'tap';
import { SOCIAL_PLUGINS, NOBODY } from './matrix/social.js';
import { testServer, testStorage, uniqueName } from './helpers.js';
import type { Actor } from './matrix/types.js';

t.test('friends routes', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, {}, { plugins: SOCIAL_PLUGINS });
  const app = server.app;
  const player = async (): Promise<Actor> => {
    const username = uniqueName('f');
    const r = (await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username, password: 'password123' } })).json();
    return { id: r.player_id, token: r.access_token, username };
  };
  const call = (p: Actor, method: string, url: string, payload?: unknown) =>
    app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers: { authorization: `Bearer ${p.token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  const requestsTo = async (p: Actor) => (await storage.notifications.list(p.id)).filter((n) => n.type === 'friend_request');

  t.test('POST /friends creates my pending row, and re-sending returns the same row', async (t) => {
    const [a, b] = [await player(), await player()];
    const res = await call(a, 'POST', '/friends', { friend_id: b.id });
    t.equal(res.statusCode, 200);
    const row = res.json();
    t.match(row, { player_id: a.id, friend_id: b.id, status: 'pending' });
    t.match(row, { id: String, inserted_at: String, updated_at: String });
    t.ok(!Number.isNaN(Date.parse(row.inserted_at)), 'timestamps are ISO 8601');
    const again = await call(a, 'POST', '/friends', { friend_id: b.id.toUpperCase() });
    t.equal(again.statusCode, 200);
    t.same(again.json(), row, 'idempotent, whatever the id case');
  });

  t.test('a friend request notifies the recipient once while it is unread', async (t) => {
    const [a, b] = [await player(), await player()];
    const row = (await call(a, 'POST', '/friends', { friend_id: b.id })).json();
    const [note, ...rest] = await requestsTo(b);
    t.equal(rest.length, 0, 'one notification');
    t.match(note, { player_id: b.id, type: 'friend_request', subject: String, read: false, content: { from_player_id: a.id, from_username: a.username, friendship_id: row.id } });
    t.same(await requestsTo(a), [], 'the requester gets nothing');

    await call(a, 'POST', '/friends', { friend_id: b.id });
    t.equal((await requestsTo(b)).length, 1, 're-sending while the first is unread adds nothing');
    t.equal((await call(b, 'PUT', `/notifications/${note!.id}/read`)).statusCode, 200);
    await call(a, 'POST', '/friends', { friend_id: b.id });
    t.equal((await requestsTo(b)).length, 2, 'once read, a repeated request notifies again');
  });

  t.test('no notification when the recipient blocked the requester, or when the row is not pending', async (t) => {
    const [a, b, c] = [await player(), await player(), await player()];
    t.equal((await call(b, 'PUT', `/friends/${a.id}`, { status: 'blocked' })).json().status, 'blocked');
    const res = await call(a, 'POST', '/friends', { friend_id: b.id });
    t.equal(res.statusCode, 200, 'the request is stored (the requester is not told about the block)');
    t.same(await requestsTo(b), [], 'but the blocker is not notified');
    t.same((await call(b, 'GET', '/friends?direction=incoming')).json().friends, [], 'nor sees it as incoming');

    t.equal((await call(c, 'PUT', `/friends/${a.id}`, { status: 'blocked' })).statusCode, 200, 'c blocks a');
    t.equal((await call(c, 'POST', '/friends', { friend_id: a.id })).json().status, 'blocked', "POST returns c's existing block unchanged");
    t.same(await requestsTo(a), [], 'and notifies nobody');
  });

  t.test('POST /friends refusals', async (t) => {
    const a = await player();
    const self = await call(a, 'POST', '/friends', { friend_id: a.id });
    t.equal(self.statusCode, 400);
    t.equal(self.json().error.code, 'social.cannot_friend_self');
    const unknown = await call(a, 'POST', '/friends', { friend_id: NOBODY });
    t.equal(unknown.statusCode, 404);
    t.equal(unknown.json().error.code, 'social.friend_not_found');
    for (const body of [{}, { friend_id: 'not-a-uuid' }, { friend_id: 42 }]) {
      const bad = await call(a, 'POST', '/friends', body);
      t.equal(bad.statusCode, 422, JSON.stringify(body));
      t.equal(bad.json().error.code, 'validation_failed');
    }
  });

  t.test('PUT /friends/:id accepted makes both players friends', async (t) => {
    const [a, b] = [await player(), await player()];
    await call(a, 'POST', '/friends', { friend_id: b.id });
    const incoming = (await call(b, 'GET', '/friends?direction=incoming')).json().friends;
    t.match(incoming, [{ player_id: a.id, friend_id: b.id, status: 'pending' }], 'b sees the request as incoming');
    const res = await call(b, 'PUT', `/friends/${a.id}`, { status: 'accepted' });
    t.equal(res.statusCode, 200);
    t.match(res.json(), { player_id: b.id, friend_id: a.id, status: 'accepted' }, "answers b's own row");
    t.match((await call(a, 'GET', '/friends?status=accepted')).json().friends, [{ player_id: a.id, friend_id: b.id, status: 'accepted' }]);
    t.match((await call(b, 'GET', '/friends?status=accepted')).json().friends, [{ player_id: b.id, friend_id: a.id, status: 'accepted' }]);
    t.same(await storage.social.friendsOf(a.id), [b.id]);
    t.equal((await call(b, 'PUT', `/friends/${a.id}`, { status: 'accepted' })).statusCode, 200, 'accepting again is harmless');
  });

  t.test('PUT /friends/:id refusals', async (t) => {
    const [a, b] = [await player(), await player()];
    const none = await call(b, 'PUT', `/friends/${a.id}`, { status: 'accepted' });
    t.equal(none.statusCode, 404, 'nothing to accept');
    t.equal(none.json().error.code, 'social.friendship_not_found');
    await call(b, 'POST', '/friends', { friend_id: a.id });
    const own = await call(b, 'PUT', `/friends/${a.id}`, { status: 'accepted' });
    t.equal(own.json().error.code, 'social.friendship_not_found', 'my own outgoing request cannot be accepted by me');
    const self = await call(a, 'PUT', `/friends/${a.id}`, { status: 'blocked' });
    t.equal(self.statusCode, 400);
    t.equal(self.json().error.code, 'social.cannot_friend_self');
    const unknown = await call(a, 'PUT', `/friends/${NOBODY}`, { status: 'blocked' });
    t.equal(unknown.statusCode, 404);
    t.equal(unknown.json().error.code, 'social.friend_not_found');
    for (const [url, body] of [
      [`/friends/${b.id}`, { status: 'pending' }],
      [`/friends/${b.id}`, {}],
      ['/friends/not-a-uuid', { status: 'accepted' }],
    ] as const) {
      const bad = await call(a, 'PUT', url, body);
      t.equal(bad.statusCode, 422, `${url} ${JSON.stringify(body)}`);
      t.equal(bad.json().error.code, 'validation_failed');
    }
  });

  t.test('blocking refuses the request or ends the friendship; the blocked player cannot accept', async (t) => {
    const [a, b, c] = [await player(), await player(), await player()];
    await call(a, 'POST', '/friends', { friend_id: b.id });
    t.match((await call(b, 'PUT', `/friends/${a.id}`, { status: 'blocked' })).json(), { player_id: b.id, friend_id: a.id, status: 'blocked' });
    t.same((await call(a, 'GET', '/friends')).json().friends, [], "a's request is gone");
    t.equal(await storage.social.isBlocked(a.id, b.id), true, 'b blocked a (DMs check this)');
    const accept = await call(a, 'PUT', `/friends/${b.id}`, { status: 'accepted' });
    t.equal(accept.json().error.code, 'social.friendship_not_found', 'a block is not a request to accept');

    await call(a, 'POST', '/friends', { friend_id: c.id });
    await call(c, 'PUT', `/friends/${a.id}`, { status: 'accepted' });
    await call(c, 'PUT', `/friends/${a.id}`, { status: 'blocked' });
    t.same((await call(a, 'GET', '/friends')).json().friends, [], 'the friendship ended for a');
    t.match((await call(c, 'GET', '/friends')).json().friends, [{ friend_id: a.id, status: 'blocked' }]);
  });

  t.test('DELETE /friends/:id cancels, unfriends both sides, or unblocks', async (t) => {
    const [a, b, c] = [await player(), await player(), await player()];
    await call(a, 'POST', '/friends', { friend_id: b.id });
    const cancel = await call(a, 'DELETE', `/friends/${b.id}`);
    t.equal(cancel.statusCode, 200);
    t.same(cancel.json(), { success: true });
    const again = await call(a, 'DELETE', `/friends/${b.id}`);
    t.equal(again.statusCode, 404);
    t.equal(again.json().error.code, 'social.friendship_not_found');

    await call(a, 'POST', '/friends', { friend_id: c.id });
    await call(c, 'PUT', `/friends/${a.id}`, { status: 'accepted' });
    t.same((await call(c, 'DELETE', `/friends/${a.id}`)).json(), { success: true });
    t.same((await call(a, 'GET', '/friends')).json().friends, [], 'unfriending removes both rows');

    await call(b, 'PUT', `/friends/${a.id}`, { status: 'blocked' });
    await call(b, 'DELETE', `/friends/${a.id}`);
    t.equal(await storage.social.isBlocked(a.id, b.id), false, 'unblocked');
    t.equal((await call(a, 'DELETE', `/friends/${a.id}`)).json().error.code, 'social.cannot_friend_self');
    t.equal((await call(a, 'DELETE', '/friends/nope')).json().error.code, 'validation_failed');
  });

  t.test('GET /friends lists my rows newest first, by status and limit', async (t) => {
    const me = await player();
    const others = [await player(), await player(), await player()];
    for (const o of others) await call(me, 'POST', '/friends', { friend_id: o.id });
    await call(me, 'PUT', `/friends/${others[0]!.id}`, { status: 'blocked' });
    const all = (await call(me, 'GET', '/friends')).json().friends as { friend_id: string; status: string }[];
    t.same(all.map((f) => f.friend_id), [others[2]!.id, others[1]!.id, others[0]!.id], 'newest first (a block keeps the row its place)');
    t.same(
      (await call(me, 'GET', '/friends?status=blocked')).json().friends.map((f: { friend_id: string }) => f.friend_id),
      [others[0]!.id],
    );
    t.equal((await call(me, 'GET', '/friends?status=pending&limit=1')).json().friends.length, 1);
    t.same((await call(others[1]!, 'GET', '/friends')).json().friends, [], "outgoing by default: others' requests to me are not mine");
    for (const q of ['limit=0', 'limit=501', 'status=friends', 'direction=sideways']) {
      const bad = await call(me, 'GET', `/friends?${q}`);
      t.equal(bad.statusCode, 422, q);
      t.equal(bad.json().error.code, 'validation_failed');
    }
  });
});
