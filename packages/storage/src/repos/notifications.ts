/**
 * Player notifications (asobi §2.20): rows `(player_id, type, subject, content, read, sent_at)` created by
 * server code only (`send`, `sendMany`), listed newest first, marked read or deleted by their owner. As in
 * asobi, touching another player's notification is `STO_ERR_FORBIDDEN` (403) and an unknown id is
 * `STO_ERR_NOTIFICATION_NOT_FOUND` (404).
 */
import type { Driver } from '../driver.js';
import { StorageError, isStorageError } from '../errors.js';
import { isUuid, newId, type PlayerId } from '../ids.js';
import { METADATA_MAX_BYTES, bool, date, invalid, limit, object, text, uuid } from '../internal/validate.js';

export interface Notification {
  readonly id: string;
  readonly player_id: PlayerId;
  readonly type: string;
  readonly subject: string;
  readonly content: Record<string, unknown>;
  readonly read: boolean;
  readonly sent_at: Date;
}

export interface NewNotification {
  /** 1..64 letters, digits, `_ . : -` (e.g. `friend_request`, `tournament.reward`). */
  readonly type: string;
  /** 1..256 bytes. */
  readonly subject: string;
  /** A JSON object of at most 16 KiB; default `{}`. */
  readonly content?: Record<string, unknown>;
}

export interface ListNotificationsOptions {
  /** Default 50, at most 200. */
  readonly limit?: number;
  /**
   * Only notifications sent strictly before this instant. `sent_at` is stored at millisecond precision,
   * so the `sent_at` of the oldest one seen is an exact cursor; add its id as `beforeId` to also keep
   * later-sorted notifications of that same millisecond.
   */
  readonly before?: Date;
  /** With `before`: the id of the oldest notification seen (keyset paging on `(sent_at, id)`). */
  readonly beforeId?: string;
  /** Only unread ones (same as `read: false`). */
  readonly unreadOnly?: boolean;
  /** Only read (`true`) or unread (`false`) ones: asobi's `?read=`. */
  readonly read?: boolean;
}

export interface SendManyResult {
  /** Players who got the notification, in the order given (duplicates once). */
  readonly succeeded: PlayerId[];
  /** Ids that are not UUIDs or name no player, in the order given. */
  readonly failed: string[];
  /** The rows created, one per succeeded player (for live `notification.new` pushes). */
  readonly notifications: Notification[];
}

/** `sendMany` takes at most this many player ids per call. */
export const SEND_MANY_MAX = 1000;
const TYPE_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

function checked(input: NewNotification): [string, string, string] {
  const type = text('type', input.type, { max: 64 });
  if (!TYPE_RE.test(type)) throw invalid('type', 'letters, digits, _ . : - only, 1..64 long');
  return [type, text('subject', input.subject, { max: 256 }), object('content', input.content ?? {}, METADATA_MAX_BYTES)];
}

export class NotificationsRepo {
  constructor(protected readonly db: Driver) {}

  /**
   * Creates one notification. `STO_ERR_NOT_FOUND` for an unknown player.
   *
   * @example await storage.notifications.send(p, { type: 'friend_request', subject: 'New request', content: { from: q } });
   */
  async send(playerId: string, input: NewNotification): Promise<Notification> {
    const pid = uuid('player_id', playerId);
    const [type, subject, content] = checked(input);
    try {
      const [row] = await this.db.query<Notification & Record<string, unknown>>(
        `INSERT INTO notifications (id, player_id, type, subject, content, sent_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, date_trunc('milliseconds', now())) RETURNING *`,
        [newId(), pid, type, subject, content],
      );
      return row!;
    } catch (e) {
      if (isStorageError(e, 'STO_ERR_NOT_FOUND')) throw new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: pid } });
      throw e;
    }
  }

  /**
   * Sends the same notification to many players in one statement (at most 1000 ids, else
   * `STO_ERR_TOO_LARGE`). Ids that are malformed or name no player fail; the others succeed; a
   * duplicate id gets one notification. Bad `type`/`subject`/`content` fails the whole call.
   */
  async sendMany(playerIds: readonly string[], input: NewNotification): Promise<SendManyResult> {
    if (!Array.isArray(playerIds)) throw invalid('player_ids', 'must be an array');
    if (playerIds.length > SEND_MANY_MAX) throw new StorageError('STO_ERR_TOO_LARGE', { details: { field: 'player_ids', limit: SEND_MANY_MAX } });
    const [type, subject, content] = checked(input);
    const wanted = [...new Set(playerIds.filter(isUuid).map((id) => id.toLowerCase()))];
    const rows =
      wanted.length === 0
        ? []
        : await this.db.query<Notification & Record<string, unknown>>(
            `WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, player_id uuid)),
                  targets AS (SELECT p.id FROM players p JOIN input i ON i.player_id = p.id FOR KEY SHARE OF p)
             INSERT INTO notifications (id, player_id, type, subject, content, sent_at)
             SELECT i.id, i.player_id, $2, $3, $4::jsonb, date_trunc('milliseconds', now()) FROM input i JOIN targets t ON t.id = i.player_id
             RETURNING *`,
            [JSON.stringify(wanted.map((player_id) => ({ id: newId(), player_id }))), type, subject, content],
          );
    const byPlayer = new Map(rows.map((r) => [r.player_id as string, r]));
    const succeeded = wanted.filter((id) => byPlayer.has(id)) as PlayerId[];
    const failed = playerIds.filter((id) => !(isUuid(id) && byPlayer.has(id.toLowerCase())));
    return { succeeded, failed, notifications: succeeded.map((id) => byPlayer.get(id)!) };
  }

  /** A player's notifications, newest first (default 50, at most 200). */
  async list(playerId: string, options: ListNotificationsOptions = {}): Promise<Notification[]> {
    const params: unknown[] = [uuid('player_id', playerId), limit(options.limit, 50, 200)];
    let where = 'player_id = $1';
    const unreadOnly = options.unreadOnly === undefined ? false : bool('unreadOnly', options.unreadOnly);
    const read = options.read === undefined ? undefined : bool('read', options.read);
    if (unreadOnly && read === true) throw invalid('read', 'contradicts unreadOnly');
    if (unreadOnly || read !== undefined) {
      params.push(read ?? false);
      where += ` AND read = $${params.length}`;
    }
    if (options.beforeId !== undefined && options.before === undefined) throw invalid('beforeId', 'needs before');
    if (options.before !== undefined) {
      params.push(date('before', options.before));
      if (options.beforeId === undefined) {
        where += ` AND sent_at < $${params.length}`;
      } else {
        params.push(uuid('beforeId', options.beforeId));
        where += ` AND (sent_at, id) < ($${params.length - 1}, $${params.length})`;
      }
    }
    return this.db.query<Notification & Record<string, unknown>>(`SELECT * FROM notifications WHERE ${where} ORDER BY sent_at DESC, id DESC LIMIT $2`, params);
  }

  /**
   * Marks one of the player's notifications read (idempotent) and returns it.
   * `STO_ERR_FORBIDDEN` when it belongs to another player; `STO_ERR_NOTIFICATION_NOT_FOUND`.
   */
  async markRead(playerId: string, id: string): Promise<Notification> {
    const pid = uuid('player_id', playerId);
    const nid = uuid('id', id);
    const [row] = await this.db.query<Notification & Record<string, unknown>>('UPDATE notifications SET read = true WHERE id = $1 AND player_id = $2 RETURNING *', [nid, pid]);
    if (row === undefined) throw await this.#whyMissing(nid);
    return row;
  }

  /** Deletes one of the player's notifications. `STO_ERR_FORBIDDEN` (another player's); `STO_ERR_NOTIFICATION_NOT_FOUND`. */
  async delete(playerId: string, id: string): Promise<void> {
    const pid = uuid('player_id', playerId);
    const nid = uuid('id', id);
    const rows = await this.db.query('DELETE FROM notifications WHERE id = $1 AND player_id = $2 RETURNING id', [nid, pid]);
    if (rows.length === 0) throw await this.#whyMissing(nid);
  }

  /** How many unread notifications the player has. */
  async unreadCount(playerId: string): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM notifications WHERE player_id = $1 AND NOT read', [uuid('player_id', playerId)]);
    return row!.n;
  }

  async #whyMissing(id: string): Promise<StorageError> {
    const [other] = await this.db.query('SELECT 1 FROM notifications WHERE id = $1', [id]);
    return other === undefined
      ? new StorageError('STO_ERR_NOTIFICATION_NOT_FOUND', { details: { notification_id: id } })
      : new StorageError('STO_ERR_FORBIDDEN', { details: { notification_id: id } });
  }
}
