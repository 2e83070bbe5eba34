// Live notifications over real sockets: a connected player receives `notification.new` when befriended
// (on every connection it has), an offline player finds it later over REST, and the Notifier pushes to
// those connected when sending to many.
import t from 'tap';
import { createNotifier } from '../src/index.js';
import { SOCIAL_PLUGINS } from './matrix/social.js';
import { clients, connected, listenWs, registerPlayer } from './gateway-client.js';
import { testServer, testStorage, uniqueName } from './helpers.js';

t.test('notification.new over the WebSocket gateway', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, {}, { plugins: SOCIAL_PLUGINS });
  const url = await listenWs(server);
  const open = clients(t, url);
  const post = (path: string, payload: object, token: string) => server.app.inject({ method: 'POST', url: `/api/v1${path}`, payload, headers: { authorization: `Bearer ${token}` } });

  t.test('a connected player is pushed notification.new when someone sends a friend request', async (t) => {
    const alice = await registerPlayer(server, uniqueName('alice'));
    const bob = await registerPlayer(server, uniqueName('bob'));
    const phone = await connected(open, bob.access_token);
    const laptop = await connected(open, bob.access_token);
    const requester = await connected(open, alice.access_token);

    const res = await post('/friends', { friend_id: bob.player_id }, alice.access_token);
    t.equal(res.statusCode, 200);
    const pushed = await phone.next();
    t.equal(pushed.type, 'notification.new');
    t.notOk('cid' in pushed, 'a push carries no cid');
    t.match(pushed.payload, {
      id: String,
      player_id: bob.player_id,
      type: 'friend_request',
      subject: String,
      read: false,
      sent_at: String,
      content: { from_player_id: alice.player_id, from_username: alice.username, friendship_id: res.json().id },
    });
    t.same(await laptop.next(), pushed, 'every connection of the recipient gets it');
    t.ok(await requester.silentFor(100), 'the requester gets nothing');

    const listed = (await server.app.inject({ method: 'GET', url: '/api/v1/notifications', headers: { authorization: `Bearer ${bob.access_token}` } })).json();
    t.same(listed.notifications, [pushed.payload], 'the push and the stored row are the same');
  });

  t.test('an offline player reads the request later; it is pushed to nobody', async (t) => {
    const alice = await registerPlayer(server, uniqueName('alice'));
    const carol = await registerPlayer(server, uniqueName('carol'));
    const bystander = await connected(open, alice.access_token);
    await post('/friends', { friend_id: carol.player_id }, alice.access_token);
    t.ok(await bystander.silentFor(100));
    const carolSocket = await connected(open, carol.access_token);
    t.ok(await carolSocket.silentFor(100), 'nothing is replayed on connect');
    const listed = (await server.app.inject({ method: 'GET', url: '/api/v1/notifications?read=false', headers: { authorization: `Bearer ${carol.access_token}` } })).json();
    t.match(listed.notifications, [{ type: 'friend_request', content: { from_player_id: alice.player_id } }]);
  });

  t.test('Notifier.sendMany pushes to the connected recipients', async (t) => {
    const notifier = createNotifier(server.context);
    const online = await registerPlayer(server, uniqueName('on'));
    const offline = await registerPlayer(server, uniqueName('off'));
    const s = await connected(open, online.access_token);
    const r = await notifier.sendMany([online.player_id, offline.player_id], { type: 'season.ended', subject: 'Season 3 is over', content: { season: 3 } });
    t.same(r.succeeded, [online.player_id, offline.player_id]);
    const f = await s.next();
    t.match(f, { type: 'notification.new', payload: { player_id: online.player_id, type: 'season.ended', subject: 'Season 3 is over', content: { season: 3 } } });
    t.equal(f.payload.id, r.notifications[0]!.id);
  });
});
