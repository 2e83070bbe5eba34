/**
 * Chat history (asobi §2.11): every message sent on a channel is kept in `chat_messages`, read back newest
 * first. Channel ids are 1..256 bytes with a known prefix (`dm:`, `global:`, `room:`, `world:`, `zone:`,
 * `prox:`); a DM channel is `dm:<id a>:<id b>` with the two player ids lowercased and sorted
 * ({@link dmChannelId}), so both sides read one history. `sent_at` is stored at millisecond precision so a
 * returned one is an exact paging cursor. Who may read or send is the game layer's call; this repository
 * only keeps what it is given valid.
 */
import type { Driver } from '../driver.js';
import { StorageError, isStorageError } from '../errors.js';
import { isUuid, newId, type PlayerId } from '../ids.js';
import { METADATA_MAX_BYTES, date, invalid, limit, object, uuid } from '../internal/validate.js';

export const CHANNEL_TYPES = ['dm', 'global', 'room', 'world', 'zone', 'prox'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** Channel ids are at most this many bytes. */
export const CHANNEL_ID_MAX_BYTES = 256;
/** Message content is at most this many bytes (asobi's DM cap, applied to every channel). */
export const CHAT_CONTENT_MAX_BYTES = 2000;
/** History pages: default and maximum size. */
export const CHAT_HISTORY_DEFAULT_LIMIT = 50;
export const CHAT_HISTORY_MAX_LIMIT = 200;

export interface ChatMessage {
  readonly id: string;
  readonly channel_type: ChannelType;
  readonly channel_id: string;
  /** Null for a system message. */
  readonly sender_id: PlayerId | null;
  readonly content: string;
  readonly metadata: Record<string, unknown>;
  readonly sent_at: Date;
}

export interface NewChatMessage {
  /** Must be the channel id's prefix: `room` for `room:...`. {@link channelTypeOf} derives it. */
  readonly channel_type: ChannelType;
  readonly channel_id: string;
  /** The sending player; null for a system message. */
  readonly sender_id: string | null;
  /** A non-empty string of at most 2000 bytes. */
  readonly content: string;
  readonly metadata?: Record<string, unknown>;
}

function badChannel(why: string): StorageError {
  return new StorageError('STO_ERR_INVALID_CHANNEL', { details: { field: 'channel_id', why } });
}

/**
 * Validates a channel id and returns its type; `STO_ERR_INVALID_CHANNEL` (with `details.why`) otherwise.
 *
 * @example channelTypeOf('room:0190a1b2-...') // 'room'
 */
export function channelTypeOf(channelId: string): ChannelType {
  if (typeof channelId !== 'string') throw badChannel('must be a string');
  const bytes = Buffer.byteLength(channelId, 'utf8');
  if (bytes < 1 || bytes > CHANNEL_ID_MAX_BYTES) throw badChannel(`must be 1..${CHANNEL_ID_MAX_BYTES} bytes`);
  if (/[\u0000-\u001f\u007f]/.test(channelId)) throw badChannel('must not contain control characters');
  const colon = channelId.indexOf(':');
  const type = channelId.slice(0, colon) as ChannelType;
  if (colon < 0 || !CHANNEL_TYPES.includes(type)) throw badChannel(`must start with one of ${CHANNEL_TYPES.map((t) => `${t}:`).join(' ')}`);
  const rest = channelId.slice(colon + 1);
  if (rest === '') throw badChannel('needs a name after the prefix');
  if (type === 'dm') {
    const parts = rest.split(':');
    if (parts.length !== 2 || !parts.every((p) => isUuid(p) && p === p.toLowerCase()) || parts[0]! > parts[1]!) {
      throw badChannel('a DM channel is dm:<player id>:<player id>, lowercase, sorted');
    }
  }
  return type;
}

/**
 * The DM channel of two players: `dm:` and their ids lowercased and sorted, whoever sends.
 *
 * @example dmChannelId(bob, alice) === dmChannelId(alice, bob)
 */
export function dmChannelId(a: string, b: string): string {
  const [x, y] = [uuid('player_id', a), uuid('player_id', b)].sort();
  return `dm:${x}:${y}`;
}

function content(v: unknown): string {
  if (typeof v !== 'string') throw invalid('content', 'must be a string');
  if (v === '') throw new StorageError('STO_ERR_CONTENT_EMPTY', { details: { field: 'content' } });
  if (Buffer.byteLength(v, 'utf8') > CHAT_CONTENT_MAX_BYTES) throw new StorageError('STO_ERR_CONTENT_TOO_LARGE', { details: { field: 'content', limitBytes: CHAT_CONTENT_MAX_BYTES } });
  if (v.includes('\u0000')) throw invalid('content', 'must not contain NUL');
  return v;
}

export class ChatRepo {
  constructor(protected readonly db: Driver) {}

  /**
   * Stores one message. `STO_ERR_INVALID_CHANNEL` for a bad channel id; `STO_ERR_INVALID_INPUT` when
   * `channel_type` is not the id's prefix; `STO_ERR_CONTENT_EMPTY` / `STO_ERR_CONTENT_TOO_LARGE`
   * (over 2000 bytes); `STO_ERR_NOT_FOUND` for an unknown sender.
   *
   * @example await storage.chat.insert({ channel_type: 'dm', channel_id: dmChannelId(a, b), sender_id: a, content: 'hi' });
   */
  async insert(input: NewChatMessage): Promise<ChatMessage> {
    const type = channelTypeOf(input.channel_id);
    if (input.channel_type !== type) throw invalid('channel_type', `must be '${type}', the channel id's prefix`);
    const sender = input.sender_id === null ? null : uuid('sender_id', input.sender_id);
    const params = [newId(), type, input.channel_id, sender, content(input.content), object('metadata', input.metadata ?? {}, METADATA_MAX_BYTES)];
    try {
      const [row] = await this.db.query<ChatMessage & Record<string, unknown>>(
        `INSERT INTO chat_messages (id, channel_type, channel_id, sender_id, content, metadata, sent_at)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, date_trunc('milliseconds', now())) RETURNING *`,
        params,
      );
      return row!;
    } catch (e) {
      if (isStorageError(e, 'STO_ERR_NOT_FOUND')) throw new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: sender } });
      throw e;
    }
  }

  /**
   * A channel's messages, newest first: `limit` 1..200 (default 50). Paging: `before` keeps only messages
   * sent strictly earlier; add `beforeId` (the id of the oldest message seen, whose `sent_at` is `before`)
   * to also keep later-sorted messages of that same millisecond, so no message is skipped. `sent_at` is
   * stored at millisecond precision, so a returned `sent_at` is an exact cursor. asobi's REST answer is
   * oldest first within the page: reverse it there.
   *
   * @example
   * const page = await storage.chat.history(channel, { limit: 50 });
   * const last = page.at(-1)!;
   * const next = await storage.chat.history(channel, { before: last.sent_at, beforeId: last.id });
   */
  async history(channelId: string, options: { limit?: number; before?: Date; beforeId?: string } = {}): Promise<ChatMessage[]> {
    channelTypeOf(channelId);
    const params: unknown[] = [channelId, limit(options.limit, CHAT_HISTORY_DEFAULT_LIMIT, CHAT_HISTORY_MAX_LIMIT)];
    let where = 'channel_id = $1';
    if (options.beforeId !== undefined && options.before === undefined) throw invalid('beforeId', 'needs before');
    if (options.before !== undefined) {
      params.push(date('before', options.before));
      if (options.beforeId === undefined) {
        where += ' AND sent_at < $3';
      } else {
        params.push(uuid('beforeId', options.beforeId));
        where += ' AND (sent_at, id) < ($3, $4)';
      }
    }
    return this.db.query<ChatMessage & Record<string, unknown>>(`SELECT * FROM chat_messages WHERE ${where} ORDER BY sent_at DESC, id DESC LIMIT $2`, params);
  }

  /** Deletes every message a player sent (erasure); returns how many. */
  async deleteBySender(playerId: string): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('WITH d AS (DELETE FROM chat_messages WHERE sender_id = $1 RETURNING 1) SELECT count(*)::int8 AS n FROM d', [
      uuid('player_id', playerId),
    ]);
    return row!.n;
  }
}
