/**
 * RPC over both transports (asobi-reference.md §2.22): `POST /api/v1/rpc/:method {params}` and the
 * WebSocket `rpc.call {protocol: 1, method, params}` frame (cid required; the protocol layer refuses a
 * call without one with `rpc.invalid_cid`). Both hand the call to the server's registry (`ctx.rpc`) and
 * answer the same envelope: `{type: 'rpc.ok', payload: {result}}` or `{type: 'rpc.error', payload:
 * {error: {code, message, details}}}`; over HTTP the status is 200 or the error code's status, over the
 * socket the reply echoes the call's cid. Methods are registered on `ctx.rpc`; see guides/rpc.md.
 */
import { errorObject, frame, statusOf } from '@hajime/protocol';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { mapError } from '../error-handler.js';
import { me } from '../hooks.js';
import { RPC_METHOD_MAX_LENGTH, type RpcOutcome } from '../rpc/registry.js';

const envelopeSchema = {
  type: 'object',
  required: ['type', 'payload'],
  properties: {
    type: { type: 'string', enum: ['rpc.ok'] },
    payload: { type: 'object', required: ['result'], properties: { result: { type: 'object', additionalProperties: true } } },
  },
} as const;

/** The `{type, payload}` envelope of an outcome (the same body on HTTP as the frame on the socket). */
function envelope(outcome: RpcOutcome): { type: 'rpc.ok' | 'rpc.error'; payload: Record<string, unknown> } {
  return outcome.ok ? { type: 'rpc.ok', payload: { result: outcome.result } } : { type: 'rpc.error', payload: { error: outcome.error } };
}

export async function rpcPlugin(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.post(
    '/rpc/:method',
    {
      config: { auth: true },
      // Shape errors answer the RPC envelope (rpc.unknown_method, rpc.invalid_params), after authentication.
      attachValidation: true,
      schema: {
        tags: ['rpc'],
        summary: 'Call a server RPC method',
        description:
          'Answers `{type: "rpc.ok", payload: {result}}` (200) or `{type: "rpc.error", payload: {error: {code, message, details}}}` with the error code\'s status (`rpc.unknown_method` 404, `rpc.invalid_params` 400, a method\'s own codes, `internal` 500).',
        security: [{ bearer: [] }],
        params: { type: 'object', required: ['method'], properties: { method: { type: 'string', minLength: 1, maxLength: RPC_METHOD_MAX_LENGTH } } },
        body: { type: ['object', 'null'], properties: { params: { description: 'The method parameters: a JSON object (default `{}`).' } } },
        response: { 200: envelopeSchema },
      },
    },
    async (request, reply) => {
      const playerId = me(request);
      let outcome: RpcOutcome;
      const invalid = request.validationError;
      if (invalid !== undefined) {
        const inParams = invalid.validationContext === 'params';
        const fields = (mapError(invalid)?.details['fields'] ?? {}) as Record<string, unknown>;
        outcome = { ok: false, error: inParams ? errorObject('rpc.unknown_method') : errorObject('rpc.invalid_params', { fields }) };
      } else {
        const { method } = request.params as { method: string };
        const body = request.body as { params?: unknown } | null | undefined;
        outcome = await ctx.rpc.call(method, body?.params ?? {}, { playerId, transport: 'http', session: undefined });
      }
      // Only 200 has a response schema: an error status's envelope must not be reshaped by it (nor the 401 bodies).
      void reply.code((outcome.ok ? 200 : statusOf(outcome.error.code)) as 200);
      return envelope(outcome);
    },
  );

  ctx.gateway.registerFrameHandler('rpc.call', async ({ payload, session }) => {
    const outcome = await ctx.rpc.call(payload.method, payload.params, { playerId: session.playerId, transport: 'ws', session });
    return outcome.ok ? frame('rpc.ok', { result: outcome.result }) : frame('rpc.error', { error: outcome.error });
  });
}
