/**
 * `Notifier`: how server code notifies players (asobi's `asobi_notify:send/4`, `send_many/4`). It stores
 * the notification, then pushes it as a `notification.new` frame to every live socket of the recipient on
 * this node. The row is the source of truth: a player who is offline (or whose push fails) reads it later
 * with `GET /api/v1/notifications`. Routes use it (a friend request notifies the recipient); game code and,
 * later, Lua (`game.notify`, `game.notify_many`) use the same two verbs.
 */
import { frame, type OutboundFrame } from '@hajime/protocol';
import type { NewNotification, Notification, NotificationsRepo, SendManyResult } from '@hajime/storage';
import type { ServerContext } from './context.js';

/** A notification as the REST routes answer it and `notification.new` carries it. */
export interface NotificationJson {
  readonly id: string;
  readonly player_id: string;
  readonly type: string;
  readonly subject: string;
  readonly content: Record<string, unknown>;
  readonly read: boolean;
  /** ISO 8601, millisecond precision. */
  readonly sent_at: string;
}

/** The wire shape of a notification row (REST body and `notification.new` payload). */
export function notificationJson(n: Notification): NotificationJson {
  return { id: n.id, player_id: n.player_id, type: n.type, subject: n.subject, content: n.content, read: n.read, sent_at: n.sent_at.toISOString() };
}

/** What the notifier needs: where rows go, and how frames reach a player's sockets. */
export interface NotifierDeps {
  readonly notifications: Pick<NotificationsRepo, 'send' | 'sendMany'>;
  /** Usually the server's `Gateway`; returns how many connections the frame reached. */
  readonly gateway: { sendToPlayer(playerId: string, frame: OutboundFrame<string, unknown>): number };
  /** Told when a live push throws (the notification is stored either way). */
  readonly log?: { warn(obj: object, msg: string): void };
}

export class Notifier {
  readonly #deps: NotifierDeps;

  constructor(deps: NotifierDeps) {
    this.#deps = deps;
  }

  /**
   * Stores one notification for `playerId` and pushes `notification.new` to their live sockets. Resolves
   * with the stored row once it is stored (the push never makes it fail). Storage refusals pass through:
   * `STO_ERR_NOT_FOUND` for an unknown player, `STO_ERR_INVALID_INPUT`/`STO_ERR_TOO_LARGE` for a bad
   * `type` (1..64 of `A-Za-z0-9_.:-`), `subject` (1..256 bytes) or `content` (a JSON object, 16 KiB).
   *
   * @example
   * const notifier = createNotifier(server.context);
   * await notifier.send(playerId, { type: 'tournament.reward', subject: 'You placed 3rd', content: { tournament_id, rank: 3 } });
   */
  async send(playerId: string, input: NewNotification): Promise<Notification> {
    const row = await this.#deps.notifications.send(playerId, input);
    this.#push(row);
    return row;
  }

  /**
   * Stores the same notification for many players (at most 1000 ids per call) and pushes it to those
   * connected. Ids that are malformed or name no player come back in `failed`; a duplicate id is notified
   * once. A bad `type`/`subject`/`content` fails the whole call before anything is stored.
   *
   * @example
   * const { succeeded, failed } = await notifier.sendMany(winners, { type: 'season.ended', subject: 'Season 3 is over' });
   */
  async sendMany(playerIds: readonly string[], input: NewNotification): Promise<SendManyResult> {
    const result = await this.#deps.notifications.sendMany(playerIds, input);
    for (const row of result.notifications) this.#push(row);
    return result;
  }

  #push(row: Notification): void {
    try {
      this.#deps.gateway.sendToPlayer(row.player_id, frame('notification.new', { ...notificationJson(row) }));
    } catch (err) {
      this.#deps.log?.warn({ err, notification_id: row.id }, 'notification.new push failed');
    }
  }
}

/**
 * A notifier over a server's storage and gateway (what the routes use; cheap: it holds no state).
 *
 * @example const notifier = createNotifier(server.context);
 */
export function createNotifier(ctx: Pick<ServerContext, 'storage' | 'gateway'>, log?: NotifierDeps['log']): Notifier {
  return new Notifier({ notifications: ctx.storage.notifications, gateway: ctx.gateway, ...(log === undefined ? {} : { log }) });
}
