import type { Suite } from './harness.js';
import { player } from './harness.js';

const NOBODY = '00000000-0000-7000-8000-000000000000';

export const notificationsSuite: Suite = async (t, { storage }) => {
  const notes = storage.notifications;

  t.test('send, list newest first, unread filters, before-paging, unreadCount', async (t) => {
    const p = await player(storage);
    const first = await notes.send(p.id, { type: 'friend_request', subject: 'New request', content: { from: 'bob' } });
    t.match(first, { player_id: p.id, type: 'friend_request', subject: 'New request', content: { from: 'bob' }, read: false });
    t.ok(first.sent_at instanceof Date);
    const second = await notes.send(p.id, { type: 'tournament.reward', subject: 'You placed 3rd' });
    t.same(second.content, {}, 'content defaults to {}');
    const third = await notes.send(p.id, { type: 'system', subject: 'Maintenance' });
    t.same((await notes.list(p.id)).map((n) => n.id), [third.id, second.id, first.id]);
    t.same((await notes.list(p.id, { limit: 1 })).map((n) => n.id), [third.id]);
    t.same((await notes.list(p.id, { before: third.sent_at, beforeId: third.id })).map((n) => n.id), [second.id, first.id], 'keyset paging');
    t.same(await notes.list(p.id, { before: first.sent_at }), [], 'before: strictly earlier');
    t.equal((await notes.list(p.id, { before: new Date(Date.now() + 60_000) })).length, 3);
    t.equal(await notes.unreadCount(p.id), 3);
    const read = await notes.markRead(p.id, second.id);
    t.match(read, { id: second.id, read: true });
    t.match(await notes.markRead(p.id, second.id), { read: true }, 'idempotent');
    t.equal(await notes.unreadCount(p.id), 2);
    t.same((await notes.list(p.id, { unreadOnly: true })).map((n) => n.id), [third.id, first.id]);
    t.same((await notes.list(p.id, { read: false })).map((n) => n.id), [third.id, first.id]);
    t.same((await notes.list(p.id, { read: true })).map((n) => n.id), [second.id]);
    t.same((await notes.list(p.id, { unreadOnly: false })).length, 3);
    const other = await player(storage);
    t.same(await notes.list(other.id), [], 'players see only their own');
    t.equal(await notes.unreadCount(other.id), 0);
  });

  t.test("markRead and delete: another player's is forbidden, an unknown id is not found", async (t) => {
    const [p, q] = await Promise.all([player(storage), player(storage)]);
    const n = await notes.send(p.id, { type: 'system', subject: 'Hello' });
    await t.rejects(notes.markRead(q.id, n.id), { code: 'STO_ERR_FORBIDDEN', wire: 'forbidden', status: 403 });
    await t.rejects(notes.delete(q.id, n.id), { code: 'STO_ERR_FORBIDDEN' });
    t.equal((await notes.list(p.id))[0]?.read, false, 'the refused markRead changed nothing');
    await t.rejects(notes.markRead(p.id, NOBODY), { code: 'STO_ERR_NOTIFICATION_NOT_FOUND', wire: 'notification.not_found', status: 404 });
    await notes.delete(p.id, n.id);
    t.same(await notes.list(p.id), []);
    await t.rejects(notes.delete(p.id, n.id), { code: 'STO_ERR_NOTIFICATION_NOT_FOUND' });
    await t.rejects(notes.markRead(p.id, 'x'), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'id' } });
    await t.rejects(notes.delete('x', n.id), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'player_id' } });
  });

  t.test('sendMany: unknown and malformed ids fail, the rest succeed once each', async (t) => {
    const [a, b] = await Promise.all([player(storage), player(storage)]);
    const r = await notes.sendMany([a.id, NOBODY, b.id.toUpperCase(), 'junk', a.id], { type: 'event', subject: 'Double XP', content: { x: 2 } });
    t.same(r.succeeded, [a.id, b.id]);
    t.same(r.failed, [NOBODY, 'junk']);
    t.same(r.notifications.map((n) => [n.player_id, n.subject, n.content]), [
      [a.id, 'Double XP', { x: 2 }],
      [b.id, 'Double XP', { x: 2 }],
    ]);
    t.equal(await notes.unreadCount(a.id), 1, 'a duplicate id gets one notification');
    t.equal((await notes.list(b.id))[0]?.id, r.notifications[1]?.id);
    t.same(await notes.sendMany([], { type: 'event', subject: 'x' }), { succeeded: [], failed: [], notifications: [] });
    t.same(await notes.sendMany([NOBODY], { type: 'event', subject: 'x' }), { succeeded: [], failed: [NOBODY], notifications: [] });
    await t.rejects(notes.sendMany(Array.from({ length: 1001 }, () => a.id), { type: 'event', subject: 'x' }), { code: 'STO_ERR_TOO_LARGE', details: { field: 'player_ids' } });
    await t.rejects(notes.sendMany('nope' as never, { type: 'event', subject: 'x' }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'player_ids' } });
    await t.rejects(notes.sendMany([a.id], { type: 'bad type', subject: 'x' }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'type' } });
    t.equal(await notes.unreadCount(a.id), 1, 'refused calls sent nothing');
  });

  t.test('bad input and unknown players are coded errors', async (t) => {
    const p = await player(storage);
    await t.rejects(notes.send(NOBODY, { type: 'system', subject: 'x' }), { code: 'STO_ERR_NOT_FOUND', details: { player_id: NOBODY } });
    await t.rejects(notes.send(p.id, { type: '', subject: 'x' }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'type' } });
    await t.rejects(notes.send(p.id, { type: 'a b', subject: 'x' }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'type' } });
    await t.rejects(notes.send(p.id, { type: 't'.repeat(65), subject: 'x' }), { code: 'STO_ERR_TOO_LARGE', details: { field: 'type' } });
    await t.rejects(notes.send(p.id, { type: 'system', subject: '' }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'subject' } });
    await t.rejects(notes.send(p.id, { type: 'system', subject: 's'.repeat(257) }), { code: 'STO_ERR_TOO_LARGE', details: { field: 'subject' } });
    await t.rejects(notes.send(p.id, { type: 'system', subject: 7 as never }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'subject' } });
    await t.rejects(notes.send(p.id, { type: 'system', subject: 'x', content: [1] as never }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'content' } });
    await t.rejects(notes.send(p.id, { type: 'system', subject: 'x', content: { big: 'x'.repeat(20_000) } }), { code: 'STO_ERR_TOO_LARGE', details: { field: 'content' } });
    await t.rejects(notes.list(p.id, { limit: 201 }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'limit' } });
    await t.rejects(notes.list(p.id, { before: 'yesterday' as never }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'before' } });
    await t.rejects(notes.list(p.id, { beforeId: p.id }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'beforeId' } });
    await t.rejects(notes.list(p.id, { unreadOnly: true, read: true }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'read' } });
    await t.rejects(notes.list(p.id, { read: 'yes' as never }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'read' } });
    await t.rejects(notes.unreadCount('me'), { code: 'STO_ERR_INVALID_INPUT' });
    t.equal(await notes.unreadCount(p.id), 0, 'nothing was written');
  });
};
