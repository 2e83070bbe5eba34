/**
 * `/api/v1/notifications` (asobi-reference.md §2.20, §3.2): list your notifications newest first, mark one
 * read, delete one. Notifications are created by server code only (see `Notifier` in ../notifier.ts, which
 * also pushes `notification.new` live). As in asobi and the storage repository, another player's
 * notification answers 403 `forbidden` and an unknown id 404 `notification.not_found`. See
 * guides/notifications.md.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { me } from '../hooks.js';
import { notificationJson } from '../notifier.js';

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const security = [{ bearer: [] }];

export const notificationSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    player_id: { type: 'string' },
    type: { type: 'string' },
    subject: { type: 'string' },
    content: { type: 'object', additionalProperties: true },
    read: { type: 'boolean' },
    sent_at: { type: 'string' },
  },
  required: ['id', 'type', 'subject', 'content', 'read', 'sent_at'],
} as const;

function id(request: FastifyRequest): string {
  return (request.params as { id: string }).id.toLowerCase();
}

export async function notificationsPlugin(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { storage } = ctx;
  const params = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: UUID } } } as const;

  app.get(
    '/notifications',
    {
      config: { auth: true },
      schema: {
        tags: ['notifications'],
        summary: 'Your notifications, newest first; `read=false` for unread only; page with `before` (+ `before_id`) from the oldest one seen',
        security,
        querystring: {
          type: 'object',
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
            read: { type: 'boolean' },
            before: { type: 'string', format: 'date-time' },
            before_id: { type: 'string', pattern: UUID },
          },
          dependencies: { before_id: ['before'] },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { notifications: { type: 'array', items: notificationSchema } }, required: ['notifications'] } },
      },
    },
    async (request) => {
      const q = request.query as { limit: number; read?: boolean; before?: string; before_id?: string };
      const rows = await storage.notifications.list(me(request), {
        limit: q.limit,
        ...(q.read === undefined ? {} : { read: q.read }),
        ...(q.before === undefined ? {} : { before: new Date(q.before) }),
        ...(q.before_id === undefined ? {} : { beforeId: q.before_id }),
      });
      return { notifications: rows.map(notificationJson) };
    },
  );

  app.put(
    '/notifications/:id/read',
    {
      config: { auth: true },
      schema: { tags: ['notifications'], summary: 'Mark one of your notifications read (idempotent); answers the updated row', security, params, response: { 200: notificationSchema } },
    },
    async (request) => notificationJson(await storage.notifications.markRead(me(request), id(request))),
  );

  app.delete(
    '/notifications/:id',
    {
      config: { auth: true },
      schema: {
        tags: ['notifications'],
        summary: 'Delete one of your notifications',
        security,
        params,
        response: { 200: { type: 'object', properties: { success: { type: 'boolean' } }, required: ['success'] } },
      },
    },
    async (request) => {
      await storage.notifications.delete(me(request), id(request));
      return { success: true };
    },
  );
}
