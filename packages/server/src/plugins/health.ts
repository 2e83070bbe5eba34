/**
 * Health: `/live` (the process answers), `/ready` (storage migrated and reachable: else 503 `not_ready`),
 * `/health` (a small status document for operators).
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';

export async function healthPlugin(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const startedAt = Date.now();
  app.get('/live', { schema: { tags: ['health'], summary: 'Liveness', response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, async () => ({ status: 'ok' }));

  app.get('/ready', { schema: { tags: ['health'], summary: 'Readiness: storage migrated and reachable' } }, async () => {
    if (!ctx.storage.ready) throw new ApiError('not_ready', { reason: 'migrations', migration: ctx.storage.migrationError?.details?.['migration'] });
    if (!(await ctx.storage.ping())) throw new ApiError('not_ready', { reason: 'database_unreachable' });
    return { status: 'ready' };
  });

  app.get('/health', { schema: { tags: ['health'], summary: 'Status for operators' } }, async () => {
    const stats = ctx.system.stats();
    const db = ctx.storage.ready && (await ctx.storage.ping());
    return {
      status: db ? 'ok' : 'degraded',
      storage: { kind: ctx.storage.kind, ready: ctx.storage.ready, reachable: db },
      actors: { processes: stats.processes, timers: stats.timers },
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
    };
  });
}
