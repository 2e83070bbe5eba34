/**
 * `/api/v1/saves`: the caller's cloud save slots (asobi-reference.md §2.19). `GET /saves` lists the slots
 * without their data, `GET /saves/:slot` reads one (`save.not_found` when empty), `PUT /saves/:slot
 * {data, version?}` writes one with optimistic concurrency: the first write is version 1, each update
 * adds one, and a `version` that is not the current one is refused with `save.version_conflict`
 * (`details.current_version`, 0 for an empty slot). At most 10 slots (`save.slot_limit_reached`) of at
 * most 256 KB of JSON each (`save.too_large`). A player only ever reaches their own saves.
 */
import { isStorageError, SAVE_MAX_BYTES, SAVE_MAX_SLOTS, SAVE_SLOT_MAX_BYTES, type CloudSave, type CloudSaveSummary } from '@hajime/storage';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { me } from '../hooks.js';

export const saveSummarySchema = {
  type: 'object',
  required: ['slot', 'version', 'updated_at'],
  properties: { slot: { type: 'string' }, version: { type: 'integer' }, updated_at: { type: 'string', format: 'date-time' } },
} as const;

export const saveSchema = {
  type: 'object',
  required: ['slot', 'data', 'version', 'updated_at'],
  properties: { ...saveSummarySchema.properties, data: { description: 'The saved JSON value.' } },
} as const;

/** A save on the wire. */
export function saveBody(s: CloudSave): Record<string, unknown> {
  return { slot: s.slot, data: s.data, version: s.version, updated_at: s.updated_at.toISOString() };
}

function summaryBody(s: CloudSaveSummary): Record<string, unknown> {
  return { slot: s.slot, version: s.version, updated_at: s.updated_at.toISOString() };
}

/** A slot name over its byte cap (multi-byte characters pass the schema's character count) is a validation failure, not a 413. */
async function slotChecked<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isStorageError(e, 'STO_ERR_TOO_LARGE') && e.details?.['field'] === 'slot') {
      throw new ApiError('validation_failed', { fields: { slot: `must NOT have more than ${SAVE_SLOT_MAX_BYTES} bytes` }, in: 'params' });
    }
    throw e;
  }
}

export async function savesPlugin(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { storage } = ctx;
  const params = { type: 'object', required: ['slot'], properties: { slot: { type: 'string', minLength: 1, maxLength: SAVE_SLOT_MAX_BYTES } } } as const;

  app.get(
    '/saves',
    {
      config: { auth: true },
      schema: {
        tags: ['saves'],
        summary: 'Your cloud save slots, without their data',
        security: [{ bearer: [] }],
        response: { 200: { type: 'object', required: ['saves'], properties: { saves: { type: 'array', items: saveSummarySchema } } } },
      },
    },
    async (request) => ({ saves: (await storage.saves.list(me(request))).map(summaryBody) }),
  );

  app.get(
    '/saves/:slot',
    { config: { auth: true }, schema: { tags: ['saves'], summary: 'One of your cloud saves', security: [{ bearer: [] }], params, response: { 200: saveSchema } } },
    async (request) => {
      const { slot } = request.params as { slot: string };
      const save = await slotChecked(() => storage.saves.get(me(request), slot));
      if (save === undefined) throw new ApiError('save.not_found', { slot });
      return saveBody(save);
    },
  );

  app.put(
    '/saves/:slot',
    {
      config: { auth: true },
      schema: {
        tags: ['saves'],
        summary: `Write a cloud save (at most ${SAVE_MAX_SLOTS} slots of ${SAVE_MAX_BYTES / 1024} KB); \`version\` is the one you last read (0: the slot must be empty)`,
        security: [{ bearer: [] }],
        params,
        body: {
          type: 'object',
          required: ['data'],
          properties: { data: { description: 'Any JSON value.' }, version: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 } },
          additionalProperties: false,
        },
        response: { 200: saveSchema },
      },
    },
    async (request) => {
      const { slot } = request.params as { slot: string };
      const body = request.body as { data: unknown; version?: number };
      return saveBody(await slotChecked(() => storage.saves.put(me(request), slot, body.data, body.version)));
    },
  );
}
