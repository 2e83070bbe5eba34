// The REST transport against servers that misbehave (a plain node:http server on loopback): nothing
// listening, no answer, answers that are not the protocol. And how the client derives its URLs.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { HajimeClient, HajimeClientError, isHajimeError } from '../../src/index.js';

async function httpServer(t: Test, handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, res, body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

t.test('what goes on the wire: method, path, query, JSON body, bearer', async (t) => {
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const baseUrl = await httpServer(t, (req, res, body) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}');
  });
  const client = new HajimeClient({ baseUrl, accessToken: 'acc', refreshToken: 'ref' });
  await client.auth.unlink('steam');
  await client.players.update('a/b', { display_name: null });
  await client.auth.login({ username: 'u', password: 'p' });
  await client.request({ method: 'GET', path: '/things', query: { limit: 5, open: true, mode: undefined } });
  t.match(seen[0], { method: 'DELETE', url: '/api/v1/auth/unlink?provider=steam', body: '', headers: { authorization: 'Bearer acc' } });
  t.notOk(seen[0]!.headers['content-type'], 'no body, no content-type');
  t.match(seen[1], { method: 'PUT', url: '/api/v1/players/a%2Fb', body: '{"display_name":null}', headers: { 'content-type': 'application/json' } });
  t.notOk(seen[2]!.headers.authorization, 'sign-in routes never carry a bearer token');
  t.match(seen[3], { url: '/api/v1/things?limit=5&open=true' });
});

t.test('failures that are not answers from a Hajime server are HajimeClientErrors', async (t) => {
  t.test('nothing listening: CLI_ERR_NETWORK', async (t) => {
    const dead = new HajimeClient({ baseUrl: 'http://127.0.0.1:1' });
    const e = await rejection(dead.auth.login({ username: 'u', password: 'p' }));
    t.ok(e instanceof HajimeClientError);
    t.match(e, { code: 'CLI_ERR_NETWORK', status: 503, details: { method: 'POST', path: '/auth/login' } });
  });

  t.test('no answer within timeoutMs: CLI_ERR_TIMEOUT', async (t) => {
    const baseUrl = await httpServer(t, () => {}); // never answers
    const client = new HajimeClient({ baseUrl, timeoutMs: 50 });
    t.match(await rejection(client.auth.login({ username: 'u', password: 'p' })), { code: 'CLI_ERR_TIMEOUT', details: { timeoutMs: 50 } });
  });

  t.test('a proxy error page, or JSON that is not a Hajime error: CLI_ERR_BAD_RESPONSE with the status', async (t) => {
    const baseUrl = await httpServer(t, (req, res) => {
      if (req.url!.startsWith('/api/v1/html')) res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>');
      else if (req.url!.startsWith('/api/v1/okhtml')) res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hi</p>');
      else res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"oops"}');
    });
    const client = new HajimeClient({ baseUrl });
    t.match(await rejection(client.request({ method: 'GET', path: '/html' })), { code: 'CLI_ERR_BAD_RESPONSE', details: { status: 502 } });
    t.match(await rejection(client.request({ method: 'GET', path: '/okhtml' })), { code: 'CLI_ERR_BAD_RESPONSE', details: { status: 200 } });
    t.match(await rejection(client.request({ method: 'GET', path: '/json' })), { code: 'CLI_ERR_BAD_RESPONSE', details: { status: 500 } });
  });

  t.test('logout forgets the tokens even when the server cannot be reached', async (t) => {
    const client = new HajimeClient({ baseUrl: 'http://127.0.0.1:1', accessToken: 'a', refreshToken: 'r' });
    t.ok(isHajimeError(await rejection(client.auth.logout()), 'CLI_ERR_NETWORK'));
    t.equal(client.tokens, undefined);
  });

  t.test('an empty success body resolves with undefined', async (t) => {
    const baseUrl = await httpServer(t, (_req, res) => res.writeHead(204).end());
    t.equal(await new HajimeClient({ baseUrl }).request({ method: 'DELETE', path: '/x' }), undefined);
  });
});

t.test('URLs and options', async (t) => {
  const c = new HajimeClient({ baseUrl: 'https://games.example.com/eu/api/v1/' });
  t.equal(c.baseUrl, 'https://games.example.com/eu');
  t.equal(c.apiUrl, 'https://games.example.com/eu/api/v1');
  t.equal(c.wsUrl, 'wss://games.example.com/eu/ws');
  t.equal(new HajimeClient({ baseUrl: 'http://localhost:8080' }).wsUrl, 'ws://localhost:8080/ws');
  t.equal(c.socket().url, 'wss://games.example.com/eu/ws');
  t.throws(() => new HajimeClient({ baseUrl: 'ftp://x' }), { code: 'CLI_ERR_INVALID_OPTION', details: { option: 'baseUrl' } });
  t.throws(() => new HajimeClient({ baseUrl: 'nope' }), { code: 'CLI_ERR_INVALID_OPTION' });
  t.throws(() => new HajimeClient({ baseUrl: 'http://x', timeoutMs: 0 }), { code: 'CLI_ERR_INVALID_OPTION', details: { option: 'timeoutMs' } });
  const realFetch = globalThis.fetch;
  t.teardown(() => void (globalThis.fetch = realFetch));
  (globalThis as { fetch?: unknown }).fetch = undefined;
  t.throws(() => new HajimeClient({ baseUrl: 'http://x' }), { code: 'CLI_ERR_INVALID_OPTION', details: { option: 'fetch' } });
  globalThis.fetch = realFetch;

  const tokens: unknown[] = [];
  const client = new HajimeClient({ baseUrl: 'http://x', onTokens: (tk) => tokens.push(tk) });
  client.setTokens({ accessToken: 'a', refreshToken: 'r' });
  t.same(client.tokens, { accessToken: 'a', refreshToken: 'r' });
  client.setTokens(null);
  client.setTokens(null);
  t.same(tokens, [{ accessToken: 'a', refreshToken: 'r' }, null], 'told of changes only');

  const logged = t.capture(console, 'error');
  const throwing = new HajimeClient({
    baseUrl: 'http://x',
    onTokens: () => {
      throw new Error('disk full');
    },
  });
  throwing.setTokens({ accessToken: 'a2', refreshToken: 'r2' });
  t.same(throwing.tokens, { accessToken: 'a2', refreshToken: 'r2' }, 'an onTokens that throws does not undo the change');
  t.equal(logged().length, 1, 'it is reported');
});
