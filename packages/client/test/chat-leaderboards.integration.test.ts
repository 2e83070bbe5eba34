// Leaderboards over REST and chat over the socket, through HajimeClient, against a real server with the
// chat plugin on (as the reference release runs it) and a board that accepts client submits.
import t from 'tap';
import { chatPlugin, createLeaderboardsPlugin, presencePlugin } from '@hajime/server';
import { HajimeClient, isHajimeError } from '../src/index.js';
import { listeningServer, testStorage, uniqueName } from './helpers.js';

t.test('leaderboards and chat through the SDK', async (t) => {
  const storage = await testStorage(t);
  const { baseUrl } = await listeningServer(t, storage, {}, { plugins: [createLeaderboardsPlugin({ clientSubmit: ['sdk:*'] }), chatPlugin, presencePlugin] });
  const signUp = async (): Promise<{ client: HajimeClient; id: string }> => {
    const client = new HajimeClient({ baseUrl });
    const r = await client.auth.register({ username: uniqueName('s'), password: 'correct horse' });
    return { client, id: r.player_id };
  };

  t.test('submit, top, around; a closed board refuses client submits', async (t) => {
    const board = `sdk:${uniqueName('b')}`;
    const players = await Promise.all([1, 2, 3].map(() => signUp()));
    await Promise.all(players.map((p, i) => p.client.leaderboards.submit(board, (i + 1) * 10)));
    const top = await players[0]!.client.leaderboards.top(board);
    t.same(top.map((e) => e['score']), [30, 20, 10]);
    t.same(top.map((e) => e['rank']), [1, 2, 3]);
    const around = await players[0]!.client.leaderboards.around(board, players[1]!.id, { range: 1 });
    t.equal(around.length, 3);
    const refused = await players[0]!.client.leaderboards.submit('closed_board', 1).catch((e: unknown) => e);
    t.ok(isHajimeError(refused, 'leaderboard.client_submit_disabled'));
  });

  t.test('tournaments: list, get, join through the SDK', async (t) => {
    const { client } = await signUp();
    const now = Date.now();
    const created = await storage.tournaments.create({ name: uniqueName('Cup'), start_at: new Date(now - 60_000), end_at: new Date(now + 3_600_000), status: 'active' });
    t.ok((await client.tournaments.list({ status: 'active' })).some((x) => x['id'] === created.id));
    t.equal((await client.tournaments.get(created.id))['name'], created.name);
    const joined = await client.tournaments.join(created.id).catch((e: unknown) => e);
    if (isHajimeError(joined)) t.equal(joined.code, 'tournament.not_found', 'a row created behind the service has no live actor yet');
    else t.same(joined, { success: true, tournament_id: created.id });
  });

  t.test('two players chat in a global channel; DMs; history', async (t) => {
    const alice = await signUp();
    const bob = await signUp();
    const a = alice.client.socket();
    const b = bob.client.socket();
    t.teardown(() => {
      a.close();
      b.close();
    });
    await a.connect();
    await b.connect();
    const channel = `global:${uniqueName('lobby')}`;
    await a.send('chat.join', { channel_id: channel });
    await b.send('chat.join', { channel_id: channel });
    const got = new Promise<Record<string, unknown>>((resolve) => b.on('chat.message', (m) => resolve(m as Record<string, unknown>)));
    a.sendFire('chat.send', { channel_id: channel, content: 'hello bob' });
    t.match(await got, { channel_id: channel, sender_id: alice.id, content: 'hello bob', sent_at: Number });
    const history = await bob.client.chat.history(channel);
    t.same(history.map((m) => m['content']), ['hello bob']);

    const dm = new Promise<Record<string, unknown>>((resolve) => b.on('dm.message', (m) => resolve(m as Record<string, unknown>)));
    const sent = await alice.client.chat.sendDm(bob.id, 'psst');
    t.equal(sent.success, true);
    t.match(await dm, { sender_id: alice.id, content: 'psst' });
    const dms = await bob.client.chat.dmHistory(alice.id);
    t.equal(dms.channel_id, sent.channel_id);
    t.same(dms.messages.map((m) => m['content']), ['psst']);
    const empty = await alice.client.chat.sendDm(bob.id, '').catch((e: unknown) => e);
    t.ok(isHajimeError(empty, 'dm.content_empty'));
  });
});
