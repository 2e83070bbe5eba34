/**
 * The RPC registry: server methods a client calls by name, over the WebSocket (`rpc.call`, cid required)
 * or over HTTP (`POST /api/v1/rpc/:method`), with one transport-free dispatcher so both answer the same
 * (asobi-reference.md §2.22). One registry per server, reachable as `ctx.rpc`; TypeScript modules register
 * their methods on it (Lua scripts will, later, through the same call).
 *
 * A call answers `{ ok: true, result }` or `{ ok: false, error: { code, message, details } }`:
 * - an unregistered method: `rpc.unknown_method`;
 * - `params` that is not an object, or fails the method's `paramsSchema`: `rpc.invalid_params`
 *   (`details.fields` names each failure, as REST's `validation_failed` does);
 * - a handler throwing an {@link ApiError} (or a `StorageError`): that wire code and its details;
 * - a handler throwing anything else, or returning something that is not a JSON object: `internal`,
 *   logged with the method, never leaked.
 *
 * @example
 * ctx.rpc.registerRpc(
 *   'quests.claim',
 *   async ({ quest_id }, { playerId }) => {
 *     const reward = await quests.claim(playerId, quest_id);
 *     if (reward === undefined) throw new ApiError('not_found', { quest_id });
 *     return { reward };
 *   },
 *   { paramsSchema: { type: 'object', required: ['quest_id'], properties: { quest_id: { type: 'string', maxLength: 64 } }, additionalProperties: false } },
 * );
 */
import { errorObject, isErrorCode, statusOf, type ErrorObject } from '@hajime/protocol';
import { StorageError } from '@hajime/storage';
import { ApiError } from '../api-error.js';
import { mapError } from '../error-handler.js';
import type { SessionHandle } from '../gateway/frame-handlers.js';
import { compileParamsSchema, type ParamsSchema, type ParamsValidator } from './params-schema.js';

/** Method names: dot-separated segments of `[A-Za-z0-9_-]`, 1-128 characters (`quests.claim`). */
export const RPC_METHOD_RE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
export const RPC_METHOD_MAX_LENGTH = 128;

/** The transports a call arrives on. */
export type RpcTransport = 'ws' | 'http';

/** What a handler is told about its call. Additive: more fields may come. */
export interface RpcContext {
  /** The authenticated caller. */
  readonly playerId: string;
  /** The method called. */
  readonly method: string;
  readonly transport: RpcTransport;
  /** The caller's WebSocket session (`ws` only): push frames, per-connection state. Use it only during the call. */
  readonly session: SessionHandle | undefined;
}

/** A method's result: always a JSON object (so it can grow a field without breaking clients). */
export type RpcResult = Record<string, unknown>;

/**
 * A method: `params` (an object that passed `paramsSchema`, when one was given) and the call context in,
 * a JSON object out. Throw an {@link ApiError} to refuse with a wire code.
 */
export type RpcHandler<P extends Record<string, unknown> = Record<string, unknown>> = (params: P, ctx: RpcContext) => RpcResult | Promise<RpcResult>;

export interface RegisterRpcOptions {
  /** JSON Schema of `params` (the subset in params-schema.ts); omitted: any object. */
  readonly paramsSchema?: ParamsSchema;
  /** Swap an already registered method instead of throwing. */
  readonly replace?: boolean;
}

/** The outcome of one call, the same on every transport. */
export type RpcOutcome = { readonly ok: true; readonly result: RpcResult } | { readonly ok: false; readonly error: ErrorObject };

/** Structured logging (Fastify's pino logger fits). */
export interface RpcLogger {
  error(obj: object, msg?: string): void;
}

interface Entry {
  readonly handler: RpcHandler<never>;
  readonly validate: ParamsValidator | undefined;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when `value` is a JSON object that survives encoding (no cycles, BigInts or functions at the top). */
function encodable(value: unknown): value is RpcResult {
  if (!isObj(value)) return false;
  try {
    return typeof JSON.stringify(value) === 'string';
  } catch {
    return false;
  }
}

export class RpcRegistry {
  readonly #methods = new Map<string, Entry>();
  readonly #log: RpcLogger;

  constructor(deps: { readonly log: RpcLogger }) {
    this.#log = deps.log;
  }

  /**
   * Registers `name`. Throws a TypeError for a malformed name or schema, and an Error for a name already
   * registered (unless `replace: true`).
   */
  registerRpc<P extends Record<string, unknown> = Record<string, unknown>>(name: string, handler: RpcHandler<P>, options: RegisterRpcOptions = {}): void {
    if (typeof name !== 'string' || name.length > RPC_METHOD_MAX_LENGTH || !RPC_METHOD_RE.test(name)) throw new TypeError(`invalid RPC method name: ${JSON.stringify(name)}`);
    if (typeof handler !== 'function') throw new TypeError(`the handler of ${name} is not a function`);
    if (this.#methods.has(name) && options.replace !== true) throw new Error(`the RPC method ${name} is already registered`);
    const validate = options.paramsSchema === undefined ? undefined : compileParamsSchema(options.paramsSchema);
    this.#methods.set(name, { handler: handler as RpcHandler<never>, validate });
  }

  /** Removes `name`; returns whether it was registered. */
  unregisterRpc(name: string): boolean {
    return this.#methods.delete(name);
  }

  has(name: string): boolean {
    return this.#methods.has(name);
  }

  /** Registered method names, sorted. */
  methods(): string[] {
    return [...this.#methods.keys()].sort();
  }

  /** Dispatches one call. Never throws: every failure is an `{ ok: false, error }` outcome. */
  async call(method: string, params: unknown, caller: Omit<RpcContext, 'method'>): Promise<RpcOutcome> {
    const entry = this.#methods.get(method);
    if (entry === undefined) return refuse('rpc.unknown_method');
    if (!isObj(params)) return refuse('rpc.invalid_params', { fields: { params: 'must be object' } });
    if (entry.validate !== undefined) {
      const fields = entry.validate(params);
      if (fields !== undefined) return refuse('rpc.invalid_params', { fields });
    }
    let result: unknown;
    try {
      result = await entry.handler(params as never, { ...caller, method });
    } catch (e) {
      return this.#failed(method, e);
    }
    if (!encodable(result)) {
      this.#log.error({ method, returned: Array.isArray(result) ? 'array' : result === null ? 'null' : typeof result }, 'rpc_handler_bad_return');
      return refuse('internal');
    }
    return { ok: true, result };
  }

  #failed(method: string, e: unknown): RpcOutcome {
    if (e instanceof ApiError || e instanceof StorageError) {
      const mapped = mapError(e);
      if (mapped !== undefined && mapped.code !== 'internal' && isErrorCode(mapped.code)) {
        if (statusOf(mapped.code) >= 500) this.#log.error({ err: e, method, code: mapped.code }, 'rpc_handler_failed');
        return refuse(mapped.code, mapped.details);
      }
    }
    this.#log.error({ err: e, method }, 'rpc_handler_failed');
    return refuse('internal');
  }
}

function refuse(code: Parameters<typeof errorObject>[0], details: Record<string, unknown> = {}): RpcOutcome {
  return { ok: false, error: errorObject(code, details) };
}
