import { channelTypeOf, dmChannelId } from '../../src/index.js';
import type { Suite } from './harness.js';
import { player, unique } from './harness.js';

const NOBODY = '00000000-0000-7000-8000-000000000000';

export const chatSuite: Suite = async (t, { storage }) => {
  const chat = storage.chat;

  t.test('insert and history: newest first, limit, before-paging, one channel only', async (t) => {
    const p = await player(storage);
    const channel = `global:${unique('lobby')}`;
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await chat.insert({ channel_type: 'global', channel_id: channel, sender_id: p.id, content: `m${i}`, metadata: { i } }));
    await chat.insert({ channel_type: 'global', channel_id: `${channel}x`, sender_id: p.id, content: 'elsewhere' });
    t.match(sent[0], { channel_type: 'global', channel_id: channel, sender_id: p.id, content: 'm0', metadata: { i: 0 } });
    t.ok(sent[0]!.sent_at instanceof Date);
    t.same((await chat.history(channel)).map((m) => m.content), ['m4', 'm3', 'm2', 'm1', 'm0']);
    const page = await chat.history(channel, { limit: 2 });
    t.same(page.map((m) => m.content), ['m4', 'm3']);
    const last = page[1]!;
    t.same(last.sent_at, sent[3]!.sent_at, 'sent_at round-trips exactly (millisecond precision)');
    t.same((await chat.history(channel, { before: last.sent_at, beforeId: last.id })).map((m) => m.content), ['m2', 'm1', 'm0'], 'keyset paging skips nothing');
    t.notOk((await chat.history(channel, { before: last.sent_at })).some((m) => m.sent_at >= last.sent_at), 'before alone: strictly earlier');
    t.same(await chat.history(channel, { before: sent[0]!.sent_at }), []);
    t.equal((await chat.history(channel, { before: new Date(Date.now() + 60_000) })).length, 5);
    await t.rejects(chat.history(channel, { beforeId: last.id }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'beforeId' } });
    await t.rejects(chat.history(channel, { before: last.sent_at, beforeId: 'x' }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'beforeId' } });
    t.same(await chat.history(`global:${unique('empty')}`), []);
    for (const limit of [0, 201, 1.5, '5' as never]) {
      await t.rejects(chat.history(channel, { limit }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'limit' } }, `limit ${String(limit)}`);
    }
    t.equal((await chat.history(channel, { limit: 200 })).length, 5);
    await t.rejects(chat.history(channel, { before: new Date('nope') }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'before' } });
    await t.rejects(chat.history('lobby'), { code: 'STO_ERR_INVALID_CHANNEL' });
  });

  t.test('DM channels: one id for both directions; history shared', async (t) => {
    const [a, b] = await Promise.all([player(storage), player(storage)]);
    const id = dmChannelId(a.id, b.id);
    t.equal(dmChannelId(b.id.toUpperCase(), a.id), id);
    t.equal(channelTypeOf(id), 'dm');
    await chat.insert({ channel_type: 'dm', channel_id: id, sender_id: a.id, content: 'hi' });
    await chat.insert({ channel_type: 'dm', channel_id: dmChannelId(b.id, a.id), sender_id: b.id, content: 'hello' });
    t.same((await chat.history(id)).map((m) => [m.sender_id, m.content]), [[b.id, 'hello'], [a.id, 'hi']]);
    t.throws(() => dmChannelId(a.id, 'bob'), { code: 'STO_ERR_INVALID_INPUT' });
  });

  t.test('channel ids: known prefixes only, 1..256 bytes, canonical DM ids; type must match the prefix', async (t) => {
    const [a, b] = await Promise.all([player(storage), player(storage)]);
    const [lo, hi] = [a.id as string, b.id as string].sort();
    for (const [type, id] of [
      ['global', 'global:main'],
      ['room', `room:${a.id}`],
      ['world', 'world:w1'],
      ['zone', 'zone:w1:3,4'],
      ['prox', 'prox:w1:3,4'],
      ['dm', `dm:${lo}:${hi}`],
    ] as const) {
      t.match(await chat.insert({ channel_type: type, channel_id: id, sender_id: a.id, content: 'ok' }), { channel_type: type, channel_id: id });
    }
    const bad: Array<[unknown, string]> = [
      ['', 'empty'],
      ['match:1', 'unknown prefix'],
      ['global', 'no prefix separator'],
      ['global:', 'nothing after the prefix'],
      [`global:${'x'.repeat(250)}`, '257 bytes'],
      ['room:a\nb', 'control character'],
      [`dm:${hi}:${lo}`, 'unsorted DM'],
      [`dm:${lo}`, 'one-sided DM'],
      [`dm:${lo}:${hi}:x`, 'three-part DM'],
      [`dm:${lo.toUpperCase()}:${hi.toUpperCase()}`, 'upper-case DM'],
      ['dm:alice:bob', 'DM without ids'],
      [42, 'not a string'],
    ];
    for (const [id, why] of bad) {
      await t.rejects(chat.insert({ channel_type: 'global', channel_id: id as string, sender_id: a.id, content: 'x' }), { code: 'STO_ERR_INVALID_CHANNEL', wire: 'chat.invalid_channel_id', status: 400, details: { field: 'channel_id' } }, why);
    }
    t.ok(channelTypeOf(`global:${'x'.repeat(249)}`), '256 bytes is fine');
    await t.rejects(chat.insert({ channel_type: 'room', channel_id: 'global:main', sender_id: a.id, content: 'x' }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'channel_type' } });
    await t.rejects(chat.insert({ channel_type: 'match' as never, channel_id: 'global:main', sender_id: a.id, content: 'x' }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'channel_type' } });
  });

  t.test('content: non-empty string of at most 2000 bytes; sender known or null', async (t) => {
    const p = await player(storage);
    const channel = `room:${unique('r')}`;
    const msg = (content: unknown, sender: string | null = p.id) => chat.insert({ channel_type: 'room', channel_id: channel, sender_id: sender, content: content as string });
    t.equal((await msg('é'.repeat(1000))).content.length, 1000, '2000 bytes of two-byte characters is fine');
    await t.rejects(msg('é'.repeat(1000) + 'x'), { code: 'STO_ERR_CONTENT_TOO_LARGE', wire: 'dm.content_too_large', status: 413, details: { limitBytes: 2000 } });
    await t.rejects(msg(''), { code: 'STO_ERR_CONTENT_EMPTY', wire: 'dm.content_empty', status: 400 });
    await t.rejects(msg(7), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'content' } });
    await t.rejects(msg(null), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'content' } });
    await t.rejects(msg('a\u0000b'), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'content' } });
    t.equal((await msg(' ')).content, ' ', 'whitespace is content');
    await t.rejects(msg('x', NOBODY), { code: 'STO_ERR_NOT_FOUND', details: { player_id: NOBODY } });
    await t.rejects(msg('x', 'bob'), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'sender_id' } });
    t.equal((await msg('server restart in 5 min', null)).sender_id, null, 'a system message has no sender');
    await t.rejects(chat.insert({ channel_type: 'room', channel_id: channel, sender_id: p.id, content: 'x', metadata: { big: 'x'.repeat(20_000) } }), { code: 'STO_ERR_TOO_LARGE' });
    await t.rejects(chat.insert({ channel_type: 'room', channel_id: channel, sender_id: p.id, content: 'x', metadata: 'm' as never }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'metadata' } });
    t.equal((await chat.history(channel)).length, 3, 'only the valid messages were stored');
  });

  t.test('deleteBySender removes one player’s messages everywhere and counts them', async (t) => {
    const [a, b] = await Promise.all([player(storage), player(storage)]);
    const c1 = `global:${unique('g')}`;
    const c2 = dmChannelId(a.id, b.id);
    await chat.insert({ channel_type: 'global', channel_id: c1, sender_id: a.id, content: 'one' });
    await chat.insert({ channel_type: 'dm', channel_id: c2, sender_id: a.id, content: 'two' });
    await chat.insert({ channel_type: 'dm', channel_id: c2, sender_id: b.id, content: 'reply' });
    t.equal(await chat.deleteBySender(a.id), 2);
    t.equal(await chat.deleteBySender(a.id), 0);
    t.same((await chat.history(c2)).map((m) => m.content), ['reply']);
    t.same(await chat.history(c1), []);
    await t.rejects(chat.deleteBySender('a'), { code: 'STO_ERR_INVALID_INPUT' });
  });
};
