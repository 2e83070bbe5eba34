// Inline frame handlers (FrameHandlers.register({ inline: true })): run as frames arrive when the session
// is idle, yet never ahead of a frame queued before them, and still under the per-connection rate limit.
import t from 'tap';
import { frame } from '@hajime/protocol';
import type { DomainPlugin } from '../src/index.js';
import { clients, connected, listenWs, registerPlayer } from './gateway-client.js';
import { testServer, testStorage, uniqueName } from './helpers.js';

t.test('inline frame handlers', async (t) => {
  const storage = await testStorage(t);
  const seen: string[] = [];
  let release: (() => void) | undefined;
  let releaseCleanup: (() => void) | undefined;
  const plugin: DomainPlugin = async (_app, ctx) => {
    ctx.gateway.registerFrameHandler('match.input', ({ payload }) => void seen.push(String(payload['tag'])), { inline: true });
    // A cleanup that holds the session in its ending until the test lets it go.
    ctx.gateway.registerFrameHandler('chat.join', ({ payload, session }) => {
      session.onClose(() => new Promise<void>((r) => (releaseCleanup = r)));
      return frame('chat.joined', { channel_id: payload.channel_id });
    }, { replace: true });
    ctx.gateway.registerFrameHandler('presence.update', async ({ cid }) => {
      seen.push('slow:start');
      await new Promise<void>((r) => (release = r));
      seen.push('slow:end');
      return frame('presence.updated', { status: 'x' }, cid);
    }, { replace: true });
  };
  const server = await testServer(t, storage, { ws: { framesPerSecond: 20 } }, { plugins: [plugin] });
  const url = await listenWs(server);
  const open = clients(t, url);
  const p = await registerPlayer(server, uniqueName('inline'));
  const s = await connected(open, p.access_token);
  const wait = async (n: number) => {
    for (let i = 0; i < 200 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 5));
  };

  t.test('an idle session runs them as they come', async (t) => {
    s.send({ type: 'match.input', payload: { tag: 'a' } });
    s.send({ type: 'match.input', payload: { tag: 'b' } });
    await wait(2);
    t.same(seen.splice(0), ['a', 'b']);
  });

  t.test('behind a pending request they wait their turn, in order', async (t) => {
    s.send({ type: 'presence.update', cid: 'p', payload: { status: 'x' } });
    s.send({ type: 'match.input', payload: { tag: 'c' } });
    s.send({ type: 'match.input', payload: { tag: 'd' } });
    await wait(1);
    await new Promise((r) => setTimeout(r, 50));
    t.same(seen, ['slow:start'], 'nothing overtakes the pending request');
    release!();
    t.match(await s.next(), { type: 'presence.updated', cid: 'p' });
    await wait(4);
    t.same(seen.splice(0), ['slow:start', 'slow:end', 'c', 'd']);
    s.send({ type: 'match.input', payload: { tag: 'e' } });
    await wait(1);
    t.same(seen.splice(0), ['e'], 'and inline again once the queue drained');
  });

  t.test('a session that is ending (revoked, its cleanups running) runs none inline', async (t) => {
    const q = await registerPlayer(server, uniqueName('inline-end'));
    const e = await connected(open, q.access_token);
    e.send({ type: 'match.input', payload: { tag: 'before' } });
    await wait(1);
    t.same(seen.splice(0), ['before'], 'inline while the session runs');
    t.match(await e.request('chat.join', { channel_id: 'c1' }, 'j'), { type: 'chat.joined' });
    await server.context.auth.revokeAll(q.player_id, 'logout');
    for (let i = 0; i < 200 && releaseCleanup === undefined; i++) await new Promise((r) => setTimeout(r, 5));
    t.ok(releaseCleanup !== undefined, 'the session is ending, in its cleanup');
    e.send({ type: 'match.input', payload: { tag: 'late' } });
    await new Promise((r) => setTimeout(r, 100));
    t.same(seen, [], 'a frame arriving now is not run');
    releaseCleanup!();
  });

  t.test('the per-connection rate limit applies to them', async (t) => {
    await new Promise((r) => setTimeout(r, 1100));
    for (let i = 0; i < 25; i++) s.send({ type: 'match.input', payload: { tag: `r${i}` } });
    t.match(await s.next(), { type: 'error', payload: { error: { code: 'rate_limited' } } }, 'frames past 20/s are refused');
    await wait(20);
    t.equal(seen.filter((x) => x.startsWith('r')).length, 20, 'the first 20 ran');
  });
});
