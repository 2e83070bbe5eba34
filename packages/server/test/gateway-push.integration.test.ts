// Pushes written straight to the socket (Gateway.pushToGroup, sendToPlayer): one frame built per fan-out,
// never ahead of the reply to a request the session is still answering, and the slow-consumer rule
// still applies.
import t from 'tap';
import { frame } from '@hajime/protocol';
import type { DomainPlugin } from '../src/index.js';
import { clients, connected, listenWs, registerPlayer } from './gateway-client.js';
import { testServer, testStorage, uniqueName } from './helpers.js';

t.test('direct pushes', async (t) => {
  const storage = await testStorage(t);
  let release: (() => void) | undefined;
  const plugin: DomainPlugin = async (_app, ctx) => {
    // A handler that pushes to its own player while it is still answering: the reply must come first.
    ctx.gateway.registerFrameHandler('presence.update', async ({ session, cid }) => {
      ctx.gateway.sendToPlayer(session.playerId, frame('module.event', { module: 'test', event: 'during', data: {} }));
      await new Promise<void>((r) => (release = r));
      return frame('module.event', { module: 'test', event: 'reply', data: {} }, cid);
    }, { replace: true });
  };
  const server = await testServer(t, storage, {}, { plugins: [plugin] });
  const url = await listenWs(server);
  const open = clients(t, url);
  const p = await registerPlayer(server, uniqueName('push'));
  const a = await connected(open, p.access_token);
  const b = await connected(open, p.access_token);

  t.test('one fan-out reaches every session of the group', async (t) => {
    const n = server.context.gateway.pushToGroup(`player:${p.player_id}`, frame('module.event', { module: 'test', event: 'hello', data: { n: 1 } }));
    t.equal(n, 2);
    t.match(await a.next(), { type: 'module.event', payload: { event: 'hello', data: { n: 1 } } });
    t.match(await b.next(), { type: 'module.event', payload: { event: 'hello' } });
  });

  t.test('a push never overtakes the reply to the request that caused it', async (t) => {
    a.send({ type: 'presence.update', cid: 'r1', payload: { status: 'busy' } });
    t.match(await b.next(), { type: 'module.event', payload: { event: 'during' } }, 'the idle session gets it at once');
    for (let i = 0; i < 50 && release === undefined; i++) await new Promise((r) => setTimeout(r, 5));
    t.ok(await a.silentFor(100), 'the answering session holds it back');
    release!();
    t.match(await a.next(), { type: 'module.event', payload: { event: 'reply' } }, 'reply first');
    t.match(await a.next(), { type: 'module.event', payload: { event: 'during' } }, 'then the push');
    const later = server.context.gateway.sendToPlayer(p.player_id, frame('module.event', { module: 'test', event: 'after', data: {} }));
    t.equal(later, 2);
    t.match(await a.next(), { type: 'module.event', payload: { event: 'after' } }, 'and direct writes resume');
    t.match(await b.next(), { type: 'module.event', payload: { event: 'after' } });
  });
});
