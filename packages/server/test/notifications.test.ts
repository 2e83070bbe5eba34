// The notifications routes on real storage (list newest first, filters, paging, mark read, delete, another
// player's notification, every error code) and the Notifier (store, then push `notification.new`; a push
// that fails never fails the send).
import t from 'tap';
import type { OutboundFrame } from '@hajime/protocol';
import { isStorageError } from '@hajime/storage';
import { Notifier, createNotifier, notificationJson } from '../src/index.js';
import { NOBODY, SOCIAL_PLUGINS } from './matrix/social.js';
import { testServer, testStorage, uniqueName } from './helpers.js';
import type { Actor } from './matrix/types.js';

t.test('notifications routes', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, {}, { plugins: SOCIAL_PLUGINS });
  const app = server.app;
  const notifier = createNotifier(server.context);
  const player = async (): Promise<Actor> => {
    const username = uniqueName('n');
    const r = (await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username, password: 'password123' } })).json();
    return { id: r.player_id, token: r.access_token, username };
  };
  const call = (p: Actor, method: string, url: string) => app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers: { authorization: `Bearer ${p.token}` } });
  const list = async (p: Actor, query = '') => (await call(p, 'GET', `/notifications${query}`)).json().notifications as { id: string; read: boolean; sent_at: string; subject: string }[];

  t.test('GET /notifications lists mine, newest first, in the wire shape', async (t) => {
    const [a, b] = [await player(), await player()];
    const first = await notifier.send(a.id, { type: 'reward', subject: 'first', content: { gold: 10 } });
    const second = await notifier.send(a.id, { type: 'reward', subject: 'second' });
    await notifier.send(b.id, { type: 'reward', subject: "b's" });
    const res = await call(a, 'GET', '/notifications');
    t.equal(res.statusCode, 200);
    const rows = res.json().notifications;
    t.same(rows, [notificationJson(second), notificationJson(first)]);
    t.match(rows[1], { id: first.id, player_id: a.id, type: 'reward', subject: 'first', content: { gold: 10 }, read: false, sent_at: first.sent_at.toISOString() });
    t.same(rows[0].content, {}, 'content defaults to {}');
    t.same(await list(await player()), [], 'a new player has none');
  });

  t.test('?read filters, ?limit caps, ?before pages', async (t) => {
    const a = await player();
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await notifier.send(a.id, { type: 'tick', subject: `n${i}` }));
    await storage.notifications.markRead(a.id, sent[1]!.id);
    await storage.notifications.markRead(a.id, sent[3]!.id);
    t.same((await list(a, '?read=true')).map((n) => n.subject), ['n3', 'n1']);
    t.same((await list(a, '?read=false')).map((n) => n.subject), ['n4', 'n2', 'n0']);
    t.same((await list(a, '?limit=2')).map((n) => n.subject), ['n4', 'n3']);

    const seen: string[] = [];
    let page = await list(a, '?limit=2');
    while (page.length > 0) {
      seen.push(...page.map((n) => n.subject));
      const last = page[page.length - 1]!;
      page = await list(a, `?limit=2&before=${encodeURIComponent(last.sent_at)}&before_id=${last.id}`);
    }
    t.same(seen, ['n4', 'n3', 'n2', 'n1', 'n0'], 'keyset paging visits each once, even within one millisecond');

    for (const q of ['limit=0', 'limit=201', 'read=maybe', 'before=yesterday', `before_id=${sent[0]!.id}`, 'before=2026-01-01T00:00:00Z&before_id=nope']) {
      const bad = await call(a, 'GET', `/notifications?${q}`);
      t.equal(bad.statusCode, 422, q);
      t.equal(bad.json().error.code, 'validation_failed');
    }
  });

  t.test('PUT /notifications/:id/read answers the updated row; idempotent', async (t) => {
    const a = await player();
    const n = await notifier.send(a.id, { type: 'hello', subject: 'hi' });
    const res = await call(a, 'PUT', `/notifications/${n.id}/read`);
    t.equal(res.statusCode, 200);
    t.same(res.json(), { ...notificationJson(n), read: true });
    t.equal((await call(a, 'PUT', `/notifications/${n.id.toUpperCase()}/read`)).json().read, true, 'again, any id case');
    t.equal(await storage.notifications.unreadCount(a.id), 0);
  });

  t.test("another player's notification is 403 forbidden and stays as it was; an unknown id is 404", async (t) => {
    const [owner, other] = [await player(), await player()];
    const n = await notifier.send(owner.id, { type: 'secret', subject: 'for the owner' });
    for (const [method, url] of [
      ['PUT', `/notifications/${n.id}/read`],
      ['DELETE', `/notifications/${n.id}`],
    ] as const) {
      const res = await call(other, method, url);
      t.equal(res.statusCode, 403, `${method} ${url}`);
      t.equal(res.json().error.code, 'forbidden');
    }
    t.same(await list(owner), [notificationJson(n)], 'unread and still there');
    for (const [method, url] of [
      ['PUT', `/notifications/${NOBODY}/read`],
      ['DELETE', `/notifications/${NOBODY}`],
    ] as const) {
      const res = await call(owner, method, url);
      t.equal(res.statusCode, 404, `${method} unknown`);
      t.equal(res.json().error.code, 'notification.not_found');
    }
    for (const [method, url] of [
      ['PUT', '/notifications/nope/read'],
      ['DELETE', '/notifications/nope'],
    ] as const) {
      t.equal((await call(owner, method, url)).json().error.code, 'validation_failed', `${method} malformed id`);
    }
  });

  t.test('DELETE /notifications/:id removes it', async (t) => {
    const a = await player();
    const [keep, drop] = [await notifier.send(a.id, { type: 't', subject: 'keep' }), await notifier.send(a.id, { type: 't', subject: 'drop' })];
    const res = await call(a, 'DELETE', `/notifications/${drop.id}`);
    t.equal(res.statusCode, 200);
    t.same(res.json(), { success: true });
    t.same((await list(a)).map((n) => n.id), [keep.id]);
    t.equal((await call(a, 'DELETE', `/notifications/${drop.id}`)).json().error.code, 'notification.not_found', 'twice: gone');
  });

  t.test('Notifier over real storage: refusals pass through; sendMany reports who got it', async (t) => {
    const [a, b] = [await player(), await player()];
    await t.rejects(notifier.send(NOBODY, { type: 't', subject: 's' }), { code: 'STO_ERR_NOT_FOUND' });
    await t.rejects(notifier.send(a.id, { type: 'has space', subject: 's' }), { code: 'STO_ERR_INVALID_INPUT' });
    await t.rejects(notifier.send(a.id, { type: 't', subject: '' }), { code: 'STO_ERR_INVALID_INPUT' });
    const r = await notifier.sendMany([a.id, 'junk', b.id, NOBODY, a.id], { type: 'season.ended', subject: 'Season over', content: { season: 3 } });
    t.same(r.succeeded, [a.id, b.id]);
    t.same(r.failed, ['junk', NOBODY]);
    t.equal(r.notifications.length, 2);
    t.match(await list(b), [{ type: 'season.ended', subject: 'Season over' }]);
    t.equal((await list(a)).length, 1, 'a duplicate id is notified once');
    const tooMany = await notifier.sendMany(Array.from({ length: 1001 }, () => a.id), { type: 't', subject: 's' }).catch((e: unknown) => e);
    t.ok(isStorageError(tooMany, 'STO_ERR_TOO_LARGE'), 'more than 1000 ids at once');
  });
});

t.test('Notifier', async (t) => {
  const row = (player_id: string) => ({ id: `id-${player_id}`, player_id, type: 't', subject: 's', content: { k: 1 }, read: false, sent_at: new Date(0) }) as never;

  t.test('stores first, then pushes notification.new with the wire row to the recipient', async (t) => {
    const events: string[] = [];
    const frames: [string, OutboundFrame<string, unknown>][] = [];
    const notifier = new Notifier({
      notifications: {
        send: async (playerId) => (events.push(`store ${playerId}`), row(playerId)),
        sendMany: async (ids) => (events.push(`store ${ids.join(',')}`), { succeeded: ids as never, failed: [], notifications: ids.map(row) }),
      },
      gateway: { sendToPlayer: (playerId, f) => (events.push(`push ${playerId}`), frames.push([playerId, f]), 1) },
    });
    const n = await notifier.send('p1', { type: 't', subject: 's' });
    t.equal(n.id, 'id-p1');
    t.same(frames, [['p1', { type: 'notification.new', payload: { id: 'id-p1', player_id: 'p1', type: 't', subject: 's', content: { k: 1 }, read: false, sent_at: '1970-01-01T00:00:00.000Z' } }]]);
    await notifier.sendMany(['p2', 'p3'], { type: 't', subject: 's' });
    t.same(events, ['store p1', 'push p1', 'store p2,p3', 'push p2', 'push p3']);
  });

  t.test('a push that throws is logged, and the send still succeeds', async (t) => {
    const warnings: object[] = [];
    const notifier = new Notifier({
      notifications: { send: async (p) => row(p), sendMany: async (ids) => ({ succeeded: ids as never, failed: [], notifications: ids.map(row) }) },
      gateway: {
        sendToPlayer: () => {
          throw new Error('socket exploded');
        },
      },
      log: { warn: (obj) => void warnings.push(obj) },
    });
    t.equal((await notifier.send('p1', { type: 't', subject: 's' })).id, 'id-p1');
    t.equal((await notifier.sendMany(['p1', 'p2'], { type: 't', subject: 's' })).notifications.length, 2);
    t.equal(warnings.length, 3);
    t.match(warnings[0], { notification_id: 'id-p1' });
  });

  t.test('a storage refusal rejects and pushes nothing', async (t) => {
    let pushed = 0;
    const notifier = new Notifier({
      notifications: {
        send: async () => {
          throw new Error('refused');
        },
        sendMany: async () => {
          throw new Error('refused');
        },
      },
      gateway: { sendToPlayer: () => ++pushed },
    });
    await t.rejects(notifier.send('p', { type: 't', subject: 's' }), { message: 'refused' });
    await t.rejects(notifier.sendMany(['p'], { type: 't', subject: 's' }), { message: 'refused' });
    t.equal(pushed, 0);
  });
});
