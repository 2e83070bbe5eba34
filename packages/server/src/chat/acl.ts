/**
 * Chat rules as pure functions: who may join, read and send on a channel (asobi §2.11), and what content
 * a message may carry. `global:*` is open to any signed-in player; `room:<group_id>` to the group's
 * members; `dm:<a>:<b>` to its two players; `world:`, `zone:` and `prox:` are refused until worlds exist.
 * The membership lookup is the caller's (an async port); these functions only decide.
 */
import { CHAT_CONTENT_MAX_BYTES, channelTypeOf, isStorageError, type ChannelType } from '@hajime/storage';
import { ApiError } from '../api-error.js';

/** Channel types a player may use today. */
export const SUPPORTED_CHANNEL_TYPES: readonly ChannelType[] = Object.freeze(['global', 'room', 'dm']);

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A validated channel id: its type and, for rooms and DMs, who it belongs to. */
export type ParsedChannel =
  | { readonly type: 'global'; readonly id: string }
  | { readonly type: 'room'; readonly id: string; readonly groupId: string }
  | { readonly type: 'dm'; readonly id: string; readonly players: readonly [string, string] };

/**
 * Validates `channelId` (1..256 bytes, a known prefix, DM ids lowercase and sorted, room ids a lowercase
 * uuid) and returns its parts. `chat.invalid_channel_id` with `details.why` otherwise, also for the
 * `world:`/`zone:`/`prox:` types (`details.why: 'not_supported'`).
 *
 * @example parseChannel('room:0190a1b2-...') // { type: 'room', id, groupId: '0190a1b2-...' }
 */
export function parseChannel(channelId: unknown): ParsedChannel {
  let type: ChannelType;
  try {
    type = channelTypeOf(channelId as string);
  } catch (e) {
    if (isStorageError(e, 'STO_ERR_INVALID_CHANNEL')) throw new ApiError('chat.invalid_channel_id', { why: String(e.details?.['why'] ?? 'invalid') });
    throw e;
  }
  const id = channelId as string;
  const rest = id.slice(type.length + 1);
  switch (type) {
    case 'global':
      return { type, id };
    case 'room':
      if (!UUID_RE.test(rest)) throw new ApiError('chat.invalid_channel_id', { why: 'a room channel is room:<group id>, a lowercase uuid' });
      return { type, id, groupId: rest };
    case 'dm': {
      const [a, b] = rest.split(':') as [string, string];
      return { type, id, players: [a, b] };
    }
    default:
      throw new ApiError('chat.invalid_channel_id', { why: 'not_supported', channel_type: type });
  }
}

/** What the access check needs to know (`storage.social` fits). */
export interface MembershipLookup {
  member(groupId: string, playerId: string): Promise<unknown>;
}

/**
 * Whether `playerId` may join, read and send on `channel`: resolves, or throws `forbidden` with
 * `details.reason` (`not_a_member` for a room, `not_a_participant` for a DM).
 */
export async function checkAccess(channel: ParsedChannel, playerId: string, social: MembershipLookup): Promise<void> {
  const me = playerId.toLowerCase();
  switch (channel.type) {
    case 'global':
      return;
    case 'room':
      if ((await social.member(channel.groupId, me)) === undefined) throw new ApiError('forbidden', { reason: 'not_a_member', channel_id: channel.id });
      return;
    case 'dm':
      if (channel.players[0] !== me && channel.players[1] !== me) throw new ApiError('forbidden', { reason: 'not_a_participant', channel_id: channel.id });
      return;
  }
}

/** Why content is refused, or undefined when it is fine. */
export type ContentProblem = 'not_a_string' | 'empty' | 'too_large' | 'nul';

/** Checks message content: a non-empty string of at most 2000 UTF-8 bytes without NUL. */
export function contentProblem(content: unknown): ContentProblem | undefined {
  if (typeof content !== 'string') return 'not_a_string';
  if (content === '') return 'empty';
  if (Buffer.byteLength(content, 'utf8') > CHAT_CONTENT_MAX_BYTES) return 'too_large';
  if (content.includes('\u0000')) return 'nul';
  return undefined;
}

/** Channel content: `chat.invalid_content` with `details.reason` (and `limit_bytes` when too large). Hajime; asobi drops it silently. */
export function checkChannelContent(content: unknown): string {
  const problem = contentProblem(content);
  if (problem === undefined) return content as string;
  throw new ApiError('chat.invalid_content', { reason: problem, ...(problem === 'too_large' ? { limit_bytes: CHAT_CONTENT_MAX_BYTES } : {}) });
}

/** DM content: `dm.content_empty`, `dm.content_too_large` (asobi's codes), else `validation_failed`. */
export function checkDmContent(content: unknown): string {
  const problem = contentProblem(content);
  if (problem === undefined) return content as string;
  if (problem === 'empty') throw new ApiError('dm.content_empty', {});
  if (problem === 'too_large') throw new ApiError('dm.content_too_large', { limit_bytes: CHAT_CONTENT_MAX_BYTES });
  throw new ApiError('validation_failed', { field: 'content', why: problem });
}

/** A player id as a DM recipient: a uuid (lowercased), not the sender; `validation_failed` otherwise. */
export function recipientOf(recipient: unknown, sender: string): string {
  if (typeof recipient !== 'string' || !UUID_RE.test(recipient.toLowerCase())) throw new ApiError('validation_failed', { field: 'recipient_id', why: 'a uuid' });
  const id = recipient.toLowerCase();
  if (id === sender.toLowerCase()) throw new ApiError('validation_failed', { field: 'recipient_id', why: 'not yourself' });
  return id;
}
