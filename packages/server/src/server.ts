/**
 * `createServer(options)`: builds Fastify (REST under /api/v1, health, metrics, OpenAPI at /docs) and
 * the WebSocket gateway on the same HTTP server, without listening. `apps/server` listens.
 *
 * @example
 * const storage = await Storage.open({ dataDir: './data' });
 * const server = await createServer({ storage });
 * await server.listen({ port: 8080, host: '0.0.0.0' });
 */
import { randomUUID } from 'node:crypto';
import { ActorSystem } from '@hajime/actor';
import { httpErrorBody } from '@hajime/protocol';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { AuthService } from './auth/auth-service.js';
import type { IdentityVerifier } from './auth/identity-verifier.js';
import { createIdentityVerifier } from './auth/identity-verifiers.js';
import type { ServerContext } from './context.js';
import { errorHandler } from './error-handler.js';
import { Gateway } from './gateway/gateway.js';
import { authenticateHook, rateLimitHook, requireLength, type HajimeRouteConfig } from './hooks.js';
import { SlidingWindowLimiter } from './internal/sliding-window.js';
import { RATE_LIMIT_GROUPS, resolveOptions, type RateLimitGroup, type ServerOptions } from './options.js';
import { authPlugin } from './plugins/auth.js';
import { chatPlugin, presencePlugin } from './plugins/chat.js';
import { docsPlugin } from './plugins/docs.js';
import { healthPlugin } from './plugins/health.js';
import { metricsPlugin } from './plugins/metrics.js';
import { economyPlugin } from './plugins/economy.js';
import { leaderboardsPlugin } from './plugins/leaderboards.js';
import { notificationsPlugin } from './plugins/notifications.js';
import { objectsPlugin } from './plugins/objects.js';
import { playersPlugin } from './plugins/players.js';
import { rpcPlugin } from './plugins/rpc.js';
import { savesPlugin } from './plugins/saves.js';
import { socialPlugin } from './plugins/social.js';
import { tournamentsPlugin } from './plugins/tournaments.js';
import { RpcRegistry } from './rpc/registry.js';

/** A plugin of one domain: registered under /api/v1 with the shared context. */
export type DomainPlugin = (app: FastifyInstance, ctx: ServerContext) => Promise<void>;

/**
 * The domains every server has, registered under /api/v1 in this order. Chat and presence are among them
 * (as in asobi); `options.chat: false` / `options.presence: false` leave either out. IAP
 * (`createIapPlugin(...)`) and the game (`createGamePlugin(...)`) are added through `extras.plugins`.
 */
export const DEFAULT_PLUGINS: readonly DomainPlugin[] = [
  authPlugin,
  playersPlugin,
  economyPlugin,
  leaderboardsPlugin,
  tournamentsPlugin,
  socialPlugin,
  chatPlugin,
  presencePlugin,
  notificationsPlugin,
  savesPlugin,
  objectsPlugin,
  rpcPlugin,
];

export interface HajimeServer {
  readonly app: FastifyInstance;
  readonly context: ServerContext;
  /** Starts listening; resolves with the bound address (`http://host:port`). */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /** Stops accepting, closes sockets; stops the actor system if the server created it. Storage stays open. */
  close(): Promise<void>;
}

export interface CreateServerExtras {
  /** Verifies third-party sign-in tokens (default: built from `options.auth.providers`/`options.auth.steam`; none when neither is set). */
  readonly identities?: IdentityVerifier;
  /** More domain plugins (later issues add theirs the same way). One named like a default plugin replaces it. */
  readonly plugins?: readonly DomainPlugin[];
}

export async function createServer(options: ServerOptions, extras: CreateServerExtras = {}): Promise<HajimeServer> {
  const opts = resolveOptions(options);
  // Built first: a bad provider configuration throws before anything is started.
  const identities = extras.identities ?? createIdentityVerifier({ providers: opts.auth.providers, steam: opts.auth.steam, ...(opts.system === undefined ? {} : { clock: opts.system.clock }) });
  const ownSystem = opts.system === undefined;
  const system = opts.system ?? new ActorSystem({ snapshotStore: opts.storage.snapshots, ...(opts.actorLogger === undefined ? {} : { logger: opts.actorLogger }) });
  const app = Fastify({
    logger: opts.logger === false ? false : { level: opts.logger.level, ...(opts.logger.stream === undefined ? {} : { stream: opts.logger.stream }) },
    // Fastify's two lines per request at info ('incoming request', 'request completed') are replaced by
    // one line at `logger.requests` (default debug), written by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimitBytes,
    trustProxy: opts.trustProxy as boolean | string | string[],
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    ajv: { customOptions: { allErrors: true } },
    // Storage object keys may be 128 bytes long; leave room for percent-encoding.
    routerOptions: { maxParamLength: 512 },
  });
  const limiters = Object.fromEntries(RATE_LIMIT_GROUPS.map((g) => [g, new SlidingWindowLimiter(system.clock, opts.rateLimits[g].max, opts.rateLimits[g].windowMs)])) as Record<RateLimitGroup, SlidingWindowLimiter>;
  const auth = new AuthService(opts.storage, system.clock, opts.auth);
  const metrics = new Registry();
  const gateway = new Gateway({ options: opts, system, auth, limiters, metrics, log: app.log });
  const context: ServerContext = {
    options: opts,
    storage: opts.storage,
    system,
    auth,
    identities,
    limiters,
    metrics,
    gateway,
    rpc: new RpcRegistry({ log: app.log }),
    services: {},
  };
  app.decorate('hajime', context);
  app.decorateRequest('principal', null);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(httpErrorBody('not_found', { method: request.method, url: request.url.split('?')[0] }));
  });
  app.addHook('onRequest', requireLength);
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  const requestLog = opts.requestLog;
  if (requestLog !== false) {
    app.addHook('onResponse', (request, reply, done) => {
      // pino's isLevelEnabled (Fastify's logger type leaves it out): a server at info builds no line.
      if ((request.log as unknown as { isLevelEnabled(level: string): boolean }).isLevelEnabled(requestLog)) request.log[requestLog]({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
      done();
    });
  }
  // The WebSocket gateway ends its sessions and closes its sockets before the HTTP server closes.
  app.addHook('preClose', async () => {
    await gateway.close();
  });

  await docsPlugin(app, context);
  if (opts.corsOrigins.length > 0) {
    const { default: cors } = await import('@fastify/cors');
    await app.register(cors, { origin: [...opts.corsOrigins], credentials: true });
  }
  await healthPlugin(app, context);
  await metricsPlugin(app, context);
  await app.register(
    async (api) => {
      api.addHook('onRoute', (route) => {
        const config = (route.config ?? {}) as HajimeRouteConfig;
        if (config.rateLimit === undefined) route.config = { ...config, rateLimit: 'api' };
      });
      api.addHook('onRequest', rateLimitHook(context));
      api.addHook('preHandler', authenticateHook(context));
      // An extra plugin with the name of a default one replaces it (e.g. leaderboards with other options).
      const replaced = new Set((extras.plugins ?? []).map((p) => p.name).filter((n) => n !== ''));
      // Turned off by an option (a plugin of the same kind passed in extras is still registered).
      const off = new Set<DomainPlugin>([...(opts.chat ? [] : [chatPlugin]), ...(opts.presence ? [] : [presencePlugin])]);
      for (const plugin of DEFAULT_PLUGINS) if (!off.has(plugin) && (!replaced.has(plugin.name) || (extras.plugins ?? []).includes(plugin))) await plugin(api, context);
      for (const plugin of extras.plugins ?? []) if (!DEFAULT_PLUGINS.includes(plugin) || off.has(plugin)) await plugin(api, context);
    },
    { prefix: '/api/v1' },
  );
  // The WebSocket gateway at GET /ws, on the same HTTP server.
  await gateway.start();
  gateway.attach(app.server);

  let closed = false;
  return {
    app,
    context,
    async listen(listenOptions = {}) {
      return app.listen({ port: listenOptions.port ?? 8080, host: listenOptions.host ?? '127.0.0.1' });
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      if (ownSystem) await system.stop();
    },
  };
}
