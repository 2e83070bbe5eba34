/**
 * Turns everything a route can throw into the shared error body `{ error: { code, message, details } }`
 * with the registry's status: ApiErrors as they are, StorageErrors by their wire code, Fastify's own
 * errors (schema validation, body too large, bad JSON, bad media type) by kind, anything else `internal`
 * (logged, never leaked).
 */
import { httpErrorBody, isErrorCode, statusOf, type ErrorCode } from '@hajime/protocol';
import { StorageError } from '@hajime/storage';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

interface Mapped {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
}

function fromStorage(e: StorageError): Mapped {
  const code = isErrorCode(e.wire) ? e.wire : 'internal';
  const details: Record<string, unknown> = { ...(e.details ?? {}) };
  delete details['sqlState'];
  delete details['constraint'];
  if (code === 'validation_failed' && typeof details['field'] === 'string') details['fields'] = { [details['field']]: details['why'] ?? 'invalid' };
  return { code, details };
}

function fromFastify(e: FastifyError): Mapped | undefined {
  if (e.validation !== undefined) {
    const fields: Record<string, string> = {};
    for (const v of e.validation) {
      const path = (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
      const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
      const key = missing ?? (path === '' ? (e.validationContext ?? 'body') : path);
      fields[key] ??= v.message ?? 'invalid';
    }
    return { code: 'validation_failed', details: { fields, in: e.validationContext ?? 'body' } };
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'payload_too_large', details: {} };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'invalid_json', details: {} };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? { code: 'unsupported_media_type', details: {} } : { code: 'length_required', details: {} };
  }
  if (e instanceof SyntaxError) return { code: 'invalid_json', details: {} };
  return undefined;
}

export function mapError(err: unknown): Mapped | undefined {
  if (err instanceof ApiError) return { code: err.code, details: err.details };
  if (err instanceof StorageError) return fromStorage(err);
  if (typeof err === 'object' && err !== null) return fromFastify(err as FastifyError);
  return undefined;
}

export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const mapped = mapError(err);
  if (mapped === undefined || mapped.code === 'internal') {
    request.log.error({ err }, 'unhandled error');
    void reply.code(500).send(httpErrorBody('internal', { request_id: request.id }));
    return;
  }
  if (statusOf(mapped.code) >= 500) request.log.warn({ err, code: mapped.code }, 'request failed');
  const status = statusOf(mapped.code);
  if (status === 429 && mapped.details['retry_after'] !== undefined) void reply.header('retry-after', String(mapped.details['retry_after']));
  void reply.code(status).send(httpErrorBody(mapped.code, mapped.details));
}
