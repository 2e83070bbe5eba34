/**
 * Prometheus metrics at `/metrics` (prom-client, one registry per server instance): process defaults,
 * HTTP requests by route and status, request duration, live actor processes.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, collectDefaultMetrics } from 'prom-client';
import type { ServerContext } from '../context.js';

export async function metricsPlugin(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const register = ctx.metrics;
  collectDefaultMetrics({ register, prefix: 'hajime_' });
  const requests = new Counter({ name: 'hajime_http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'] as const, registers: [register] });
  const duration = new Histogram({
    name: 'hajime_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [register],
  });
  new Gauge({
    name: 'hajime_actor_processes',
    help: 'Live actor processes',
    registers: [register],
    collect() {
      this.set(ctx.system.stats().processes);
    },
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { tags: ['health'], summary: 'Prometheus metrics', hide: true } }, async (_request, reply) => {
    void reply.header('content-type', register.contentType);
    return register.metrics();
  });
}
