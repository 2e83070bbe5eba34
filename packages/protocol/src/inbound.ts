/**
 * Client → server frames (asobi-reference.md §4.3): the 24 inbound types, their payloads as a typed
 * union, and validation of a parsed envelope into one of them. A validation failure names the coded
 * error to answer with (`missing_field`, `invalid_payload`, `rpc.invalid_cid`, ...) and the field.
 */
import type { ErrorCode } from './errors.js';

type Obj = Record<string, unknown>;

export interface InboundPayloads {
  'session.connect': { token: string; wire?: 'json' | 'binary' };
  'session.heartbeat': Obj;
  'presence.update': { status?: string };
  'matchmaker.add': { mode: string; properties: Obj; query?: string };
  'matchmaker.remove': { ticket_id: string };
  'match.list': { mode?: string; has_capacity?: boolean; joinable?: boolean };
  'match.find_or_create': { mode: string; ctx?: Obj };
  'match.join': { match_id: string; ctx?: Obj };
  'match.leave': Obj;
  /** The input map itself (the deprecated `{data: {...}}` / `{data: "json"}` forms are unwrapped). */
  'match.input': Obj;
  'vote.cast': { vote_id: string; option_id: string | string[] };
  'vote.veto': { vote_id: string };
  'world.list': { mode?: string; has_capacity?: boolean };
  'world.create': { mode: string };
  'world.find_or_create': { mode: string };
  'world.join': { world_id: string; ctx?: Obj };
  'world.leave': Obj;
  'world.input': Obj;
  'world.resync': { zone: [number, number] };
  'chat.join': { channel_id: string };
  'chat.leave': { channel_id: string };
  'chat.send': { channel_id: string; content: string };
  'dm.send': { recipient_id: string; content: string };
  'rpc.call': { protocol: 1; method: string; params: unknown };
}

export type InboundType = keyof InboundPayloads;

/** A validated inbound frame. */
export type InboundFrame = {
  [K in InboundType]: { readonly type: K; readonly payload: InboundPayloads[K]; readonly cid?: string; readonly seq?: number };
}[InboundType];

export const INBOUND_TYPES: readonly InboundType[] = [
  'session.connect',
  'session.heartbeat',
  'presence.update',
  'matchmaker.add',
  'matchmaker.remove',
  'match.list',
  'match.find_or_create',
  'match.join',
  'match.leave',
  'match.input',
  'vote.cast',
  'vote.veto',
  'world.list',
  'world.create',
  'world.find_or_create',
  'world.join',
  'world.leave',
  'world.input',
  'world.resync',
  'chat.join',
  'chat.leave',
  'chat.send',
  'dm.send',
  'rpc.call',
];
const INBOUND_SET = new Set<string>(INBOUND_TYPES);

export function isInboundType(t: string): t is InboundType {
  return INBOUND_SET.has(t);
}

/** Why a frame was refused. */
export interface FrameError {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
}

class Refusal {
  constructor(readonly error: FrameError) {}
}
function refuse(code: ErrorCode, details: Record<string, unknown> = {}): never {
  throw new Refusal({ code, details });
}

/** Longest id-like string accepted (ids, modes, channel ids are all far shorter). */
const MAX_ID_BYTES = 256;

function req(p: Obj, field: string): unknown {
  if (!(field in p) || p[field] === undefined || p[field] === null) refuse('missing_field', { field });
  return p[field];
}
function str(p: Obj, field: string, required: true, max?: number): string;
function str(p: Obj, field: string, required: false, max?: number): string | undefined;
function str(p: Obj, field: string, required: boolean, max = MAX_ID_BYTES): string | undefined {
  const v = required ? req(p, field) : p[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') refuse('invalid_payload', { field, expected: 'string' });
  if (v.length > max) refuse('invalid_payload', { field, expected: `string of at most ${max} characters` });
  return v;
}
function bool(p: Obj, field: string): boolean | undefined {
  const v = p[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') refuse('invalid_payload', { field, expected: 'boolean' });
  return v;
}
function obj(p: Obj, field: string): Obj | undefined {
  const v = p[field];
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) refuse('invalid_payload', { field, expected: 'object' });
  return v;
}
function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function opt<T extends Obj>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** `cid` rules: 1-64 printable ASCII. */
export const CID_RE = /^[\x20-\x7e]{1,64}$/;

/** Chat and DM content cap in bytes (asobi's DM cap is 2000 bytes; Hajime applies it to channels too). */
export const CONTENT_MAX_BYTES = 2000;

function payloadOf(type: InboundType, raw: unknown): Obj {
  if (raw === undefined || raw === null) return {};
  if (type === 'rpc.call') return isObj(raw) ? raw : refuse('invalid_payload', { field: 'payload', expected: 'object' });
  if (!isObj(raw)) refuse('invalid_payload', { field: 'payload', expected: 'object' });
  return raw;
}

function validatePayload(type: InboundType, p: Obj): Obj {
  switch (type) {
    case 'session.connect': {
      const wire = str(p, 'wire', false);
      if (wire !== undefined && wire !== 'json' && wire !== 'binary') refuse('invalid_payload', { field: 'wire', expected: 'json | binary' });
      return opt({ token: str(p, 'token', true, 1024), wire });
    }
    case 'session.heartbeat':
    case 'match.leave':
    case 'world.leave':
      return {};
    case 'presence.update':
      return opt({ status: str(p, 'status', false, 64) });
    case 'matchmaker.add':
      return opt({ mode: str(p, 'mode', false, 64) ?? 'default', properties: obj(p, 'properties') ?? {}, query: str(p, 'query', false, 512) });
    case 'matchmaker.remove':
      return { ticket_id: str(p, 'ticket_id', true) };
    case 'match.list':
      return opt({ mode: str(p, 'mode', false, 64), has_capacity: bool(p, 'has_capacity'), joinable: bool(p, 'joinable') });
    case 'match.find_or_create':
      return opt({ mode: str(p, 'mode', true, 64), ctx: obj(p, 'ctx') });
    case 'match.join':
      return opt({ match_id: str(p, 'match_id', true), ctx: obj(p, 'ctx') });
    case 'match.input': {
      // Deprecated forms: a sole `data` object, or `data` as a JSON string, are unwrapped. (The key
      // list is only built when there is a `data`: this runs for every input.)
      if (Object.prototype.hasOwnProperty.call(p, 'data') && Object.keys(p).length === 1) {
        const d = p['data'];
        if (isObj(d)) return d;
        if (typeof d === 'string') {
          let parsed: unknown;
          try {
            parsed = JSON.parse(d);
          } catch {
            refuse('invalid_payload', { field: 'data', expected: 'object or JSON object string' });
          }
          if (!isObj(parsed)) refuse('invalid_payload', { field: 'data', expected: 'object' });
          return parsed;
        }
      }
      return p;
    }
    case 'world.input':
      return p;
    case 'vote.cast': {
      const vote_id = str(p, 'vote_id', true);
      const option = req(p, 'option_id');
      const ok = typeof option === 'string' || (Array.isArray(option) && option.length <= 64 && option.every((o) => typeof o === 'string'));
      if (!ok) refuse('invalid_payload', { field: 'option_id', expected: 'string or array of strings' });
      return { vote_id, option_id: option as string | string[] };
    }
    case 'vote.veto':
      return { vote_id: str(p, 'vote_id', true) };
    case 'world.list':
      return opt({ mode: str(p, 'mode', false, 64), has_capacity: bool(p, 'has_capacity') });
    case 'world.create':
    case 'world.find_or_create':
      return { mode: str(p, 'mode', true, 64) };
    case 'world.join':
      return opt({ world_id: str(p, 'world_id', true), ctx: obj(p, 'ctx') });
    case 'world.resync': {
      const z = req(p, 'zone');
      if (!Array.isArray(z) || z.length !== 2 || !z.every((n) => Number.isInteger(n))) refuse('invalid_payload', { field: 'zone', expected: '[x, y] integers' });
      return { zone: [z[0] as number, z[1] as number] };
    }
    case 'chat.join':
    case 'chat.leave':
      return { channel_id: str(p, 'channel_id', true) };
    case 'chat.send':
      return { channel_id: str(p, 'channel_id', true), content: str(p, 'content', true, 1_000_000) };
    case 'dm.send':
      return { recipient_id: str(p, 'recipient_id', true), content: str(p, 'content', true, 1_000_000) };
    case 'rpc.call': {
      const protocol = p['protocol'] ?? 1;
      if (protocol !== 1) refuse('rpc.unsupported_protocol', { supported: [1] });
      return { protocol: 1, method: str(p, 'method', true, 128), params: p['params'] ?? {} };
    }
  }
}

/**
 * Validates a parsed envelope. Returns the typed frame, or the coded error to answer with.
 * `cid` is kept only when valid (a rejected cid is never echoed); `rpc.call` requires one.
 */
export function validateInbound(env: { type: string; payload?: unknown; cid?: unknown; seq?: unknown }): { ok: true; frame: InboundFrame } | { ok: false; error: FrameError; cid?: string } {
  const rawCid = env.cid;
  const cid = typeof rawCid === 'string' && CID_RE.test(rawCid) ? rawCid : undefined;
  const type = env.type;
  if (!isInboundType(type)) return refused({ code: 'unknown_type', details: {} }, cid);
  if (type === 'rpc.call' && cid === undefined) return { ok: false, error: { code: 'rpc.invalid_cid', details: {} } };
  try {
    const payload = validatePayload(type, payloadOf(type, env.payload));
    // Built with a fixed shape (no spreads): this runs for every inbound frame.
    const frame: Record<string, unknown> = cid === undefined ? { type, payload } : { type, payload, cid };
    if (type === 'world.input' && env.seq !== undefined) {
      if (typeof env.seq !== 'number' || !Number.isSafeInteger(env.seq) || env.seq < 0) throw new Refusal({ code: 'invalid_payload', details: { field: 'seq', expected: 'non-negative integer' } });
      frame['seq'] = env.seq;
    }
    return { ok: true, frame: frame as InboundFrame };
  } catch (e) {
    if (e instanceof Refusal) return refused(e.error, cid);
    throw e;
  }
}

function refused(error: FrameError, cid: string | undefined): { ok: false; error: FrameError; cid?: string } {
  return cid === undefined ? { ok: false, error } : { ok: false, error, cid };
}
