/**
 * The OpenAPI document, generated from the JSON schema on every route (@fastify/swagger), and a browsable
 * UI at `/docs` (the document itself at `/docs/json`).
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

export async function docsPlugin(app: FastifyInstance, _ctx: ServerContext): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: { title: 'Hajime API', version: '1.0.0', description: 'The asobi-compatible REST API of Hajime (all routes under /api/v1).' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An access token from /api/v1/auth/*' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
