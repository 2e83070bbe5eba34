// The server's request logging: one line per completed request at `logger.requests` (default debug, so
// a server at the default info level writes none), instead of Fastify's two lines at info.
import t from 'tap';
import { resolveOptions, type LoggerOptions } from '../src/index.js';
import { testServer, testStorage } from './helpers.js';

interface Line {
  readonly level: number;
  readonly msg: string;
  readonly reqId?: string;
  readonly req?: { readonly method: string; readonly url: string };
  readonly res?: { readonly statusCode: number };
  readonly responseTime?: number;
}

/** A log destination that keeps the JSON lines. */
function capture(): { readonly stream: { write(line: string): void }; readonly lines: Line[] } {
  const lines: Line[] = [];
  return { stream: { write: (line: string) => void lines.push(JSON.parse(line) as Line) }, lines };
}

const perRequest = (lines: readonly Line[]): Line[] => lines.filter((l) => l.req !== undefined || l.res !== undefined || /request/.test(l.msg));

t.test('request logging', async (t) => {
  const storage = await testStorage(t);

  t.test('at the default info level a request writes no line', async (t) => {
    const { stream, lines } = capture();
    const server = await testServer(t, storage, { logger: { stream } });
    t.equal((await server.app.inject('/live')).statusCode, 200);
    t.equal((await server.app.inject('/api/v1/nope')).statusCode, 404);
    t.equal((await server.app.inject('/api/v1/wallets')).statusCode, 401);
    t.same(perRequest(lines), []);
  });

  t.test('at debug: one line per completed request with method, url, status, time and request id', async (t) => {
    const { stream, lines } = capture();
    const server = await testServer(t, storage, { logger: { level: 'debug', stream } });
    await server.app.inject({ url: '/live', headers: { 'x-request-id': 'req-live' } });
    await server.app.inject({ url: '/api/v1/wallets', headers: { 'x-request-id': 'req-401' } });
    const got = perRequest(lines);
    t.equal(got.length, 2, 'one line each, not two');
    t.match(got[0], { level: 20, msg: 'request completed', reqId: 'req-live', req: { method: 'GET', url: '/live' }, res: { statusCode: 200 }, responseTime: Number });
    t.match(got[1], { level: 20, msg: 'request completed', reqId: 'req-401', req: { method: 'GET', url: '/api/v1/wallets' }, res: { statusCode: 401 } });
  });

  t.test('logger.requests chooses the level, or turns the line off', async (t) => {
    const atInfo = capture();
    const a = await testServer(t, storage, { logger: { stream: atInfo.stream, requests: 'info' } });
    await a.app.inject('/live');
    t.match(perRequest(atInfo.lines), [{ level: 30, msg: 'request completed', res: { statusCode: 200 } }]);

    const off = capture();
    const b = await testServer(t, storage, { logger: { level: 'trace', stream: off.stream, requests: false } });
    await b.app.inject('/live');
    t.same(perRequest(off.lines), []);
  });

  t.test('a bad logger.requests is refused, naming the option', async (t) => {
    t.throws(() => resolveOptions({ storage, logger: { requests: 'warn' } as unknown as LoggerOptions }), /logger\.requests/);
    t.equal(resolveOptions({ storage, logger: false }).requestLog, false, 'no request line when logging is off');
    t.equal(resolveOptions({ storage }).requestLog, 'debug');
  });
});
