/**
 * The frames the socket client sends and receives, as types: what each request type answers
 * (`match.join` → `match.joined`), the server frames with their payloads, and game-defined events
 * (`match.<custom>`, `world.<custom>`: any leaf a game broadcasts that is not reserved by the protocol).
 */
import type { InboundPayloads, InboundType, OutboundPayloads, OutboundType } from '@hajime/protocol';

/** A frame from the server: `{type, payload, cid?}` (`cid` only on replies). */
export interface ServerFrame<T extends string = string, P = unknown> {
  readonly type: T;
  readonly payload: P;
  readonly cid?: string;
}

/** A game-defined `match.*` / `world.*` event, with its prefix split off. */
export interface CustomEventFrame extends ServerFrame<`match.${string}` | `world.${string}`> {
  readonly scope: 'match' | 'world';
  /** The leaf the game broadcast (`'scored'` for `match.scored`). */
  readonly event: string;
}

/** The frame type that answers each request type. Types without a reply are sent with `sendFire`. */
export const REPLY_TYPE_OF = Object.freeze({
  'session.connect': 'session.connected',
  'session.heartbeat': 'session.heartbeat',
  'presence.update': 'presence.updated',
  'matchmaker.add': 'matchmaker.queued',
  'matchmaker.remove': 'matchmaker.removed',
  'match.list': 'match.list',
  'match.find_or_create': 'match.joined',
  'match.join': 'match.joined',
  'match.leave': 'match.left',
  'vote.cast': 'vote.cast_ok',
  'vote.veto': 'vote.veto_ok',
  'world.list': 'world.list',
  'world.create': 'world.joined',
  'world.find_or_create': 'world.joined',
  'world.join': 'world.joined',
  'world.leave': 'world.left',
  'chat.join': 'chat.joined',
  'chat.leave': 'chat.left',
  'dm.send': 'dm.sent',
  'rpc.call': 'rpc.ok',
} as const satisfies Partial<Record<InboundType, OutboundType>>);

/** What each request type answers with (the reply's payload). */
export type ReplyPayloads = { [K in keyof typeof REPLY_TYPE_OF]: OutboundPayloads[(typeof REPLY_TYPE_OF)[K]] };

/** Request types that get a reply (`send` waits for it). */
export type RequestType = keyof ReplyPayloads & InboundType;

/** Payloads of the frames a client sends. */
export type RequestPayloads = InboundPayloads;

/** The session established by `session.connect`. */
export type SessionConnected = OutboundPayloads['session.connected'];

/** Leaves of `match.`/`world.` that the protocol reserves (a game cannot broadcast them); mirrors `RESERVED_LEAVES` of @hajime/protocol. */
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

/** The scope and leaf of a game-defined event type, or undefined for protocol types. */
export function customEvent(type: string): { scope: 'match' | 'world'; event: string } | undefined {
  const scope = type.startsWith('match.') ? 'match' : type.startsWith('world.') ? 'world' : undefined;
  if (scope === undefined) return undefined;
  const event = type.slice(scope.length + 1);
  return LEAF_RE.test(event) && !RESERVED_LEAVES.has(event) ? { scope, event } : undefined;
}

export type { OutboundPayloads, OutboundType, InboundPayloads, InboundType };
