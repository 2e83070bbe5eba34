import t from 'tap';
import { request } from 'node:http';
import { ActorSystem, MemoryLogger, SimulatedClock } from '@hajime/actor';
import { testServer, testStorage, uniqueName } from './helpers.js';

t.test('health, metrics, docs and the HTTP edges', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage);
  const app = server.app;

  t.test('/live, /ready, /health', async (t) => {
    t.same((await app.inject('/live')).json(), { status: 'ok' });
    const ready = await app.inject('/ready');
    t.equal(ready.statusCode, 200);
    t.same(ready.json(), { status: 'ready' });
    t.match((await app.inject('/health')).json(), { status: 'ok', storage: { kind: storage.kind, ready: true, reachable: true } });
  });

  t.test('/metrics speaks Prometheus and counts requests', async (t) => {
    await app.inject('/live');
    const m = await app.inject('/metrics');
    t.equal(m.statusCode, 200);
    t.match(m.headers['content-type'], /text\/plain/);
    t.match(m.body, /hajime_http_requests_total\{method="GET",route="\/live",status="200"\} \d+/);
    t.match(m.body, /hajime_actor_processes \d+/);
  });

  t.test('the OpenAPI document lists every route with its schema', async (t) => {
    const doc = (await app.inject('/docs/json')).json();
    t.equal(doc.openapi.startsWith('3'), true);
    for (const path of ['/api/v1/auth/register', '/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/logout', '/api/v1/auth/guest', '/api/v1/auth/guest/upgrade', '/api/v1/auth/oauth', '/api/v1/auth/link', '/api/v1/auth/unlink', '/api/v1/players/{id}', '/api/v1/players/me/erase']) {
      t.ok(doc.paths[path], `${path} documented`);
    }
    t.ok(doc.paths['/api/v1/auth/register'].post.requestBody, 'with its body schema');
    t.equal((await app.inject('/docs')).statusCode < 400, true, 'the UI answers');
  });

  t.test('unknown routes, oversize bodies, chunked bodies without length, request ids', async (t) => {
    const nf = await app.inject('/api/v1/nope');
    t.equal(nf.statusCode, 404);
    t.equal(nf.json().error.code, 'not_found');
    const big = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: JSON.stringify({ username: 'x', password: 'y'.repeat(1024 * 1024 + 10) }), headers: { 'content-type': 'application/json' } });
    t.equal(big.statusCode, 413);
    t.equal(big.json().error.code, 'payload_too_large');
    // A real socket: a chunked body has no Content-Length.
    const live = await testServer(t, storage);
    const base = await live.listen({ port: 0 });
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write('{"username":"a",');
      req.end('"password":"b"}');
    });
    t.equal(chunked.status, 411);
    t.equal(JSON.parse(chunked.body).error.code, 'length_required');
    const withId = await app.inject({ url: '/live', headers: { 'x-request-id': 'req-123' } });
    t.equal(withId.headers['x-request-id'], 'req-123');
    t.ok((await app.inject('/live')).headers['x-request-id'], 'generated when absent');
  });

  t.test('rate limits: 429 with retry_after, per group, keyed by token or IP; the window slides', async (t) => {
    const clock = new SimulatedClock();
    const system = new ActorSystem({ clock, logger: new MemoryLogger(), snapshotStore: storage.snapshots });
    const limited = await testServer(t, storage, { system, rateLimits: { register: { max: 3, windowMs: 1000 }, auth: { max: 5, windowMs: 1000 } } });
    const reg = () => limited.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username: uniqueName(), password: 'password1' } });
    for (let i = 0; i < 3; i++) t.equal((await reg()).statusCode, 200);
    const blocked = await reg();
    t.equal(blocked.statusCode, 429);
    t.match(blocked.json(), { error: { code: 'rate_limited', details: { retry_after: 1, group: 'register' } }, retry_after: 1 });
    t.equal(blocked.headers['retry-after'], '1');
    const login = await limited.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'x', password: 'y' } });
    t.equal(login.statusCode, 401, 'other groups have their own budget');
    const otherIp = await limited.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username: uniqueName(), password: 'password1' }, remoteAddress: '10.0.0.9' });
    t.equal(otherIp.statusCode, 200, 'keyed by client IP');
    await clock.advance(1000);
    t.equal((await reg()).statusCode, 429, 'the previous window still weighs in right after it ends');
    await clock.advance(1000);
    t.equal((await reg()).statusCode, 200, 'and no longer two windows later');
    await system.stop();
  });

  t.test('CORS answers only allowed origins', async (t) => {
    const cors = await testServer(t, storage, { corsOrigins: ['https://game.example'] });
    const ok = await cors.app.inject({ method: 'OPTIONS', url: '/api/v1/auth/login', headers: { origin: 'https://game.example', 'access-control-request-method': 'POST' } });
    t.equal(ok.headers['access-control-allow-origin'], 'https://game.example');
    const no = await cors.app.inject({ method: 'OPTIONS', url: '/api/v1/auth/login', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    t.not(no.headers['access-control-allow-origin'], 'https://evil.example');
    const none = await app.inject({ method: 'GET', url: '/live', headers: { origin: 'https://game.example' } });
    t.equal(none.headers['access-control-allow-origin'], undefined, 'no CORS without an allowlist');
  });

  t.test('/ready is 503 not_ready when migrations failed', async (t) => {
    const broken = await testServer(t, storage);
    // Simulate a failed migration on a storage view: a migration that cannot apply.
    await broken.context.storage.migrate([{ id: 9999, name: '9999_boom', sql: 'SELECT no_such_function();' }]).catch(() => {});
    const res = await broken.app.inject('/ready');
    t.equal(res.statusCode, 503);
    t.match(res.json(), { error: { code: 'not_ready', details: { reason: 'migrations', migration: '9999_boom' } } });
    await storage.migrate();
    t.equal((await broken.app.inject('/ready')).statusCode, 200, 'ready again once migrations apply');
  });
});
