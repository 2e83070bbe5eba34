/**
 * Server → client frames (asobi-reference.md §4.4): every outbound type with its real payload shape,
 * the reserved `match.`/`world.` leaves, game-defined custom events, and the dual-dialect error frame.
 */
import { codeForReason, errorObject, reasonForCode, type ErrorCode, type ErrorObject } from './errors.js';

type Obj = Record<string, unknown>;

export interface MatchListing {
  match_id: string;
  mode: string;
  status: string;
  player_count: number;
  max_players: number;
  joinable: boolean;
  phase?: string;
}
export interface WorldListing {
  world_id: string;
  mode: string;
  status: string;
  player_count: number;
  max_players: number;
  grid_size: number;
  started_at: number;
  phase?: string;
}

export interface OutboundPayloads {
  'session.connected': { player_id: string; wire: 'json' | 'binary' };
  'session.heartbeat': { ts: number };
  'presence.updated': { status: string };
  /** Hajime addition: a friend's presence changed. */
  'presence.changed': { player_id: string; status: string };
  'matchmaker.queued': { ticket_id: string; status: string; players_needed: number; already_queued: boolean };
  'matchmaker.removed': { success: true };
  'match.matched': { match_id: string; players: string[]; mode?: string; player_ids?: string[] };
  'match.matchmaker_expired': { ticket_id: string };
  'match.matchmaker_failed': { reason: string };
  'match.joined': { match_id: string; mode: string; status: string; player_count: number; max_players: number; players: string[]; listed: boolean; joinable: boolean };
  'match.left': { success: true };
  'match.list': { matches: MatchListing[] };
  'match.state': Obj;
  'match.finished': { match_id: string; result: unknown };
  'match.vote_start': { vote_id: string; options: unknown[]; window_ms: number; method: string };
  'match.vote_tally': { vote_id: string; tallies: Obj; time_remaining_ms: number; total_votes: number };
  'match.vote_result': { vote_id: string; winner: unknown; counts: Obj; distribution: Obj; total_votes: number; turnout: number };
  'match.vote_vetoed': { vote_id: string; vetoed_by: string };
  'world.joined': { world_id: string; mode: string; status: string; player_count: number; max_players: number; players: string[]; grid_size: number; started_at: number } & Obj;
  'world.left': { success: true };
  'world.list': { worlds: WorldListing[] };
  'world.tick': { zone: [number, number]; frame_seq: number; kf: boolean; tick: number; updates: Obj[] };
  'world.ack': { tick: number; seq: number };
  'world.terrain': { coords: [number, number]; data: string };
  'world.phase_changed': { status: string; phase: string } & Obj;
  'world.finished': { world_id: string; result: unknown };
  'world.vote_start': OutboundPayloads['match.vote_start'];
  'world.vote_tally': OutboundPayloads['match.vote_tally'];
  'world.vote_result': OutboundPayloads['match.vote_result'];
  'world.vote_vetoed': OutboundPayloads['match.vote_vetoed'];
  'chat.joined': { channel_id: string };
  'chat.left': { channel_id: string };
  'chat.message': { channel_id: string; sender_id: string; content: string; sent_at: number };
  'dm.sent': { channel_id: string };
  'dm.message': { channel_id: string; sender_id: string; content: string; sent_at: number };
  'notification.new': { id: string; type: string; subject: string; content: unknown } & Obj;
  'vote.cast_ok': { success: true };
  'vote.veto_ok': { success: true };
  'rpc.ok': { result: unknown };
  'rpc.error': { error: ErrorObject };
  'module.message': { module: string; message: unknown };
  'module.error': { module: string; callback: string; script: string; message: string };
  'module.event': { module: string; event: string; data: Obj };
  /** Deprecated twin of module.message (emitted first when legacy game frames are on). */
  'game.message': Obj;
  /** Deprecated twin of module.error. */
  'game.error': Obj;
  error: ErrorFramePayload;
}

export type OutboundType = keyof OutboundPayloads;

export const OUTBOUND_TYPES = [
  'session.connected',
  'session.heartbeat',
  'presence.updated',
  'presence.changed',
  'matchmaker.queued',
  'matchmaker.removed',
  'match.matched',
  'match.matchmaker_expired',
  'match.matchmaker_failed',
  'match.joined',
  'match.left',
  'match.list',
  'match.state',
  'match.finished',
  'match.vote_start',
  'match.vote_tally',
  'match.vote_result',
  'match.vote_vetoed',
  'world.joined',
  'world.left',
  'world.list',
  'world.tick',
  'world.ack',
  'world.terrain',
  'world.phase_changed',
  'world.finished',
  'world.vote_start',
  'world.vote_tally',
  'world.vote_result',
  'world.vote_vetoed',
  'chat.joined',
  'chat.left',
  'chat.message',
  'dm.sent',
  'dm.message',
  'notification.new',
  'vote.cast_ok',
  'vote.veto_ok',
  'rpc.ok',
  'rpc.error',
  'module.message',
  'module.error',
  'module.event',
  'game.message',
  'game.error',
  'error',
] as const satisfies readonly OutboundType[];

/** The fields every outbound payload of a type carries (the real shapes, not the fixtures' placeholders). */
export const OUTBOUND_REQUIRED_FIELDS: { readonly [K in OutboundType]: readonly (keyof OutboundPayloads[K] & string)[] } = {
  'session.connected': ['player_id', 'wire'],
  'session.heartbeat': ['ts'],
  'presence.updated': ['status'],
  'presence.changed': ['player_id', 'status'],
  'matchmaker.queued': ['ticket_id', 'status', 'players_needed', 'already_queued'],
  'matchmaker.removed': ['success'],
  'match.matched': ['match_id', 'players'],
  'match.matchmaker_expired': ['ticket_id'],
  'match.matchmaker_failed': ['reason'],
  'match.joined': ['match_id', 'mode', 'status', 'player_count', 'max_players', 'players', 'listed', 'joinable'],
  'match.left': ['success'],
  'match.list': ['matches'],
  'match.state': [],
  'match.finished': ['match_id', 'result'],
  'match.vote_start': ['vote_id', 'options', 'window_ms', 'method'],
  'match.vote_tally': ['vote_id', 'tallies', 'time_remaining_ms', 'total_votes'],
  'match.vote_result': ['vote_id', 'winner', 'counts', 'distribution', 'total_votes', 'turnout'],
  'match.vote_vetoed': ['vote_id', 'vetoed_by'],
  'world.joined': ['world_id', 'mode', 'status', 'player_count', 'max_players', 'players', 'grid_size', 'started_at'],
  'world.left': ['success'],
  'world.list': ['worlds'],
  'world.tick': ['zone', 'frame_seq', 'kf', 'tick', 'updates'],
  'world.ack': ['tick', 'seq'],
  'world.terrain': ['coords', 'data'],
  'world.phase_changed': ['status', 'phase'],
  'world.finished': ['world_id', 'result'],
  'world.vote_start': ['vote_id', 'options', 'window_ms', 'method'],
  'world.vote_tally': ['vote_id', 'tallies', 'time_remaining_ms', 'total_votes'],
  'world.vote_result': ['vote_id', 'winner', 'counts', 'distribution', 'total_votes', 'turnout'],
  'world.vote_vetoed': ['vote_id', 'vetoed_by'],
  'chat.joined': ['channel_id'],
  'chat.left': ['channel_id'],
  'chat.message': ['channel_id', 'sender_id', 'content', 'sent_at'],
  'dm.sent': ['channel_id'],
  'dm.message': ['channel_id', 'sender_id', 'content', 'sent_at'],
  'notification.new': ['id', 'type', 'subject', 'content'],
  'vote.cast_ok': ['success'],
  'vote.veto_ok': ['success'],
  'rpc.ok': ['result'],
  'rpc.error': ['error'],
  'module.message': ['module', 'message'],
  'module.error': ['module', 'callback', 'script', 'message'],
  'module.event': ['module', 'event', 'data'],
  'game.message': [],
  'game.error': [],
  error: ['reason', 'error'],
};

/** Types sent as the reply to a request: they echo the request's `cid` (pushes never carry one). `error` may too. */
export const REPLY_TYPES: ReadonlySet<OutboundType> = new Set<OutboundType>([
  'session.connected',
  'session.heartbeat',
  'presence.updated',
  'matchmaker.queued',
  'matchmaker.removed',
  'match.joined',
  'match.left',
  'match.list',
  'world.joined',
  'world.left',
  'world.list',
  'chat.joined',
  'chat.left',
  'dm.sent',
  'vote.cast_ok',
  'vote.veto_ok',
  'rpc.ok',
  'rpc.error',
]);

/** Leaves of `match.`/`world.` a game may not use for its own events. */
export const RESERVED_LEAVES: ReadonlySet<string> = new Set([
  'ack',
  'finished',
  'joined',
  'left',
  'list',
  'matched',
  'matchmaker_expired',
  'matchmaker_failed',
  'phase_changed',
  'state',
  'terrain',
  'tick',
  'vote_result',
  'vote_start',
  'vote_tally',
  'vote_vetoed',
]);

const LEAF_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** The frame type of a game-defined event (`game.broadcast(event, payload)`), or undefined if the name is not allowed. */
export function customEventType(scope: 'match' | 'world', leaf: string): `match.${string}` | `world.${string}` | undefined {
  if (!LEAF_RE.test(leaf) || RESERVED_LEAVES.has(leaf)) return undefined;
  return `${scope}.${leaf}`;
}

/** An outbound envelope. */
export interface OutboundFrame<T extends string = OutboundType, P = unknown> {
  readonly type: T;
  readonly payload: P;
  readonly cid?: string;
}

/** Builds an outbound frame; `cid` is set only on replies. */
export function frame<T extends OutboundType>(type: T, payload: OutboundPayloads[T], cid?: string): OutboundFrame<T, OutboundPayloads[T]> {
  return cid === undefined ? { type, payload } : { type, cid, payload };
}

/**
 * A payload that is already JSON text (a Lua script's `get_state` view, encoded where it was built): the
 * frame encoder splices the text in as it is. `JSON.stringify` of a frame holding one still works (the
 * text is parsed back), only slower.
 */
export class RawJson {
  constructor(readonly json: string) {}
  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/** Serialises a frame to the JSON text sent on the socket. */
export function encodeFrame(f: OutboundFrame<string, unknown>): string {
  if (f.payload instanceof RawJson) {
    const cid = f.cid === undefined ? '' : `,"cid":${JSON.stringify(f.cid)}`;
    return `{"type":${JSON.stringify(f.type)}${cid},"payload":${f.payload.json}}`;
  }
  return JSON.stringify(f);
}

/** The payload of an `error` frame: the flat `reason` and the shared error object, plus per-reason extras. */
export interface ErrorFramePayload {
  readonly reason: string;
  readonly error: ErrorObject;
  readonly [extra: string]: unknown;
}

/**
 * Builds an `error` frame from a flat reason (`'invalid_token'`, `'match_full'`, ...) or a registry code.
 * Unknown reasons become `ws.request_failed` with `details.reason`.
 */
export function errorFrame(
  from: { readonly reason: string } | { readonly code: ErrorCode },
  options: { cid?: string | undefined; details?: Record<string, unknown>; message?: string; extra?: Record<string, unknown> } = {},
): OutboundFrame<'error', ErrorFramePayload> {
  let reason: string;
  let code: ErrorCode;
  let implied: Record<string, unknown> = {};
  if ('reason' in from) {
    reason = from.reason;
    ({ code, details: implied } = codeForReason(from.reason));
  } else {
    code = from.code;
    reason = reasonForCode(code);
  }
  const payload: ErrorFramePayload = { ...(options.extra ?? {}), reason, error: errorObject(code, { ...implied, ...(options.details ?? {}) }, options.message) };
  return options.cid === undefined ? { type: 'error', payload } : { type: 'error', cid: options.cid, payload };
}
