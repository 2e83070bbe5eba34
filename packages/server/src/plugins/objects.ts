/**
 * `/api/v1/storage`: per-player key/value storage objects over HTTP (asobi-reference.md §2.19). Global
 * objects (no owner) are for server code and Lua only; these routes never reach them.
 *
 * - `GET /storage/:collection?limit` → `{objects}`: the caller's own objects of the collection and every
 *   other player's `public`-read ones, by key then owner (default 50, at most 200).
 * - `GET /storage/:collection/:key?player_id` → one object; `PUT` `{value, version?, read_perm?,
 *   write_perm?}` writes it; `DELETE ?version` deletes it (`{success: true}`). `player_id` names the
 *   owner (default: the caller): another player's object is readable when its `read_perm` is `public`
 *   and writable or deletable when its `write_perm` is `public`; only the owner creates an object or
 *   changes its permissions (a non-owner's `read_perm`/`write_perm` are ignored).
 *
 * `version` is the one the caller last read (0: must not exist yet); a mismatch is `storage.conflict`
 * with `details.current_version`. Codes: `storage.not_found` 404, `storage.forbidden` 403
 * (`details.reason`), `storage.conflict` 409, `storage.value_too_large` 413 (over 256 KB of JSON),
 * `storage.invalid_perm` 422, `storage.invalid_request` 400 (any other malformed input, `details.fields`).
 */
import { isStorageError, OBJECT_MAX_BYTES, OBJECT_NAME_MAX_BYTES, PERMS, type Perm, type StorageObject } from '@hajime/storage';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { mapError } from '../error-handler.js';
import { me } from '../hooks.js';

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const VERSION = { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 } as const;
const NAME = { type: 'string', minLength: 1, maxLength: OBJECT_NAME_MAX_BYTES } as const;

export const storageObjectSchema = {
  type: 'object',
  required: ['collection', 'key', 'player_id', 'value', 'version', 'read_perm', 'write_perm', 'updated_at'],
  properties: {
    collection: { type: 'string' },
    key: { type: 'string' },
    player_id: { type: 'string', description: 'The owner.' },
    value: { description: 'Any JSON value.' },
    version: { type: 'integer' },
    read_perm: { type: 'string', enum: PERMS },
    write_perm: { type: 'string', enum: PERMS },
    updated_at: { type: 'string', format: 'date-time' },
  },
} as const;

/** An object on the wire. */
export function objectBody(o: StorageObject): Record<string, unknown> {
  return { collection: o.collection, key: o.key, player_id: o.player_id, value: o.value, version: o.version, read_perm: o.read_perm, write_perm: o.write_perm, updated_at: o.updated_at.toISOString() };
}

/**
 * Turns a schema failure (validated after authentication: the routes attach it) into the storage codes:
 * a bad permission is `storage.invalid_perm`, anything else `storage.invalid_request`.
 */
function checkInput(request: FastifyRequest): void {
  const invalid = request.validationError;
  if (invalid === undefined) return;
  const fields = (mapError(invalid)?.details['fields'] ?? {}) as Record<string, string>;
  const perm = ['read_perm', 'write_perm'].find((f) => f in fields);
  if (perm !== undefined) throw new ApiError('storage.invalid_perm', { field: perm, fields });
  throw new ApiError('storage.invalid_request', { fields, in: invalid.validationContext });
}

/** The repository's own input refusals (a name over its byte cap, NUL in a value) as `storage.invalid_request`. */
async function guarded<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isStorageError(e, 'STO_ERR_INVALID_INPUT') || isStorageError(e, 'STO_ERR_TOO_LARGE')) {
      const field = typeof e.details?.['field'] === 'string' ? e.details['field'] : 'request';
      const why = e.code === 'STO_ERR_TOO_LARGE' ? `must NOT have more than ${String(e.details?.['limitBytes'])} bytes` : String(e.details?.['why'] ?? 'invalid');
      throw new ApiError('storage.invalid_request', { fields: { [field]: why } });
    }
    throw e;
  }
}

export async function objectsPlugin(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { objects } = ctx.storage;
  const security = [{ bearer: [] }];
  const keyParams = { type: 'object', required: ['collection', 'key'], properties: { collection: NAME, key: NAME } } as const;
  const ownerQuery = { type: 'object', properties: { player_id: { type: 'string', pattern: UUID, description: 'The owner (default: you).' } }, additionalProperties: false } as const;
  const owner = (request: FastifyRequest): string => (request.query as { player_id?: string }).player_id?.toLowerCase() ?? me(request);

  app.get(
    '/storage/:collection',
    {
      config: { auth: true },
      attachValidation: true,
      schema: {
        tags: ['storage'],
        summary: "A collection's objects you may read: your own and other players' public ones",
        security,
        params: { type: 'object', required: ['collection'], properties: { collection: NAME } },
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } }, additionalProperties: false },
        response: { 200: { type: 'object', required: ['objects'], properties: { objects: { type: 'array', items: storageObjectSchema } } } },
      },
    },
    async (request) => {
      const reader = me(request);
      checkInput(request);
      const { collection } = request.params as { collection: string };
      const { limit } = request.query as { limit?: number };
      const rows = await guarded(() => objects.listReadable(collection, reader, { limit }));
      return { objects: rows.map(objectBody) };
    },
  );

  app.get(
    '/storage/:collection/:key',
    {
      config: { auth: true },
      attachValidation: true,
      schema: { tags: ['storage'], summary: "Your object, or another player's public one", security, params: keyParams, querystring: ownerQuery, response: { 200: storageObjectSchema } },
    },
    async (request) => {
      const reader = me(request);
      checkInput(request);
      const { collection, key } = request.params as { collection: string; key: string };
      const row = await guarded(() => objects.get(collection, key, { ownerId: owner(request), readerId: reader }));
      if (row === undefined) throw new ApiError('storage.not_found', { collection, key });
      return objectBody(row);
    },
  );

  app.put(
    '/storage/:collection/:key',
    {
      config: { auth: true },
      attachValidation: true,
      schema: {
        tags: ['storage'],
        summary: `Write an object (at most ${OBJECT_MAX_BYTES / 1024} KB); \`version\` is the one you last read (0: must not exist yet)`,
        security,
        params: keyParams,
        querystring: ownerQuery,
        body: {
          type: 'object',
          required: ['value'],
          properties: { value: { description: 'Any JSON value.' }, version: VERSION, read_perm: { type: 'string', enum: PERMS }, write_perm: { type: 'string', enum: PERMS } },
          additionalProperties: false,
        },
        response: { 200: storageObjectSchema },
      },
    },
    async (request) => {
      const writer = me(request);
      checkInput(request);
      const { collection, key } = request.params as { collection: string; key: string };
      const body = request.body as { value: unknown; version?: number; read_perm?: Perm; write_perm?: Perm };
      const row = await guarded(() =>
        objects.put({ collection, key, ownerId: owner(request), writerId: writer, value: body.value, version: body.version, read_perm: body.read_perm, write_perm: body.write_perm }),
      );
      return objectBody(row);
    },
  );

  app.delete(
    '/storage/:collection/:key',
    {
      config: { auth: true },
      attachValidation: true,
      schema: {
        tags: ['storage'],
        summary: 'Delete an object; `version` (optional) must be the current one',
        security,
        params: keyParams,
        querystring: { type: 'object', properties: { ...ownerQuery.properties, version: VERSION }, additionalProperties: false },
        response: { 200: { type: 'object', required: ['success'], properties: { success: { type: 'boolean' } } } },
      },
    },
    async (request) => {
      const writer = me(request);
      checkInput(request);
      const { collection, key } = request.params as { collection: string; key: string };
      const { version } = request.query as { version?: number };
      const deleted = await guarded(() => objects.delete(collection, key, { ownerId: owner(request), writerId: writer, version }));
      if (!deleted) throw new ApiError('storage.not_found', { collection, key });
      return { success: true };
    },
  );
}
