/**
 * `Presence`: who is online on this node and with which status, and the `presence.update` handler.
 * Online means "has at least one authenticated connection" (the gateway's `player:<id>` delivery
 * groups); a status is free-form (asobi §2.12), set by `presence.update`, kept per player while they are
 * online. Beyond the reference (a Hajime addition): when a player's status changes, each of their
 * accepted friends who is online is pushed `presence.changed {player_id, status}`, and when their last
 * connection that set a status closes, friends are pushed `status: 'offline'`. The friend lookup and
 * the delivery are ports, so a cluster transport can make both cluster-wide later.
 *
 * @example
 * const presence = new Presence({ friendsOf: (p) => storage.social.friendsOf(p), gateway });
 * gateway.registerFrameHandler('presence.update', presence.handler, { replace: true });
 */
import { frame, type OutboundFrame } from '@hajime/protocol';
import type { FrameHandler } from '../gateway/frame-handlers.js';

/** The status a player has until they set one, and the one pushed when their last connection closes. */
export const PRESENCE_ONLINE = 'online';
export const PRESENCE_OFFLINE = 'offline';

/** What presence needs from the gateway (`ctx.gateway` fits). */
export interface PresenceGateway {
  connectionsOf(playerId: string): number;
  sendToPlayer(playerId: string, f: OutboundFrame<string, unknown>): number;
}

export interface PresenceDeps {
  /** Accepted friends of a player (`storage.social.friendsOf`). */
  readonly friendsOf: (playerId: string) => Promise<readonly string[]>;
  readonly gateway: PresenceGateway;
  /** Logs a failed fan-out (it never fails the update itself). */
  readonly onError?: (err: unknown) => void;
}

export class Presence {
  readonly #deps: PresenceDeps;
  /** Statuses set by `presence.update`, per player, while they have a connection. */
  readonly #status = new Map<string, string>();

  constructor(deps: PresenceDeps) {
    this.#deps = deps;
  }

  /** Whether `playerId` has an authenticated connection on this node. */
  isOnline(playerId: string): boolean {
    return this.#deps.gateway.connectionsOf(playerId) > 0;
  }

  /** The player's status: the last one set while online, `online` without one, `offline` when not connected. */
  statusOf(playerId: string): string {
    if (!this.isOnline(playerId)) return PRESENCE_OFFLINE;
    return this.#status.get(playerId) ?? PRESENCE_ONLINE;
  }

  /** Players with a status set (a subset of the online players). */
  get tracked(): number {
    return this.#status.size;
  }

  /**
   * Records `status` for `playerId` and, if it changed, pushes `presence.changed` to their online
   * friends; resolves with how many connections were reached.
   */
  async setStatus(playerId: string, status: string): Promise<number> {
    const before = this.#status.get(playerId) ?? PRESENCE_ONLINE;
    this.#status.set(playerId, status);
    if (before === status) return 0;
    return this.#notifyFriends(playerId, status);
  }

  /** A connection of `playerId` that set a status is closing; when it is the last one, friends see `offline`. */
  async connectionClosing(playerId: string): Promise<number> {
    // Runs inside the closing session, which is still in the player's group.
    if (this.#deps.gateway.connectionsOf(playerId) > 1) return 0;
    if (!this.#status.delete(playerId)) return 0;
    return this.#notifyFriends(playerId, PRESENCE_OFFLINE);
  }

  async #notifyFriends(playerId: string, status: string): Promise<number> {
    try {
      const friends = await this.#deps.friendsOf(playerId);
      const f = frame('presence.changed', { player_id: playerId, status });
      let reached = 0;
      for (const friend of friends) reached += this.#deps.gateway.sendToPlayer(friend, f);
      return reached;
    } catch (e) {
      this.#deps.onError?.(e);
      return 0;
    }
  }

  /**
   * The `presence.update` handler (replaces the gateway's default): `presence.updated {status}` to the
   * caller as before, plus the friends' `presence.changed` push.
   */
  readonly handler: FrameHandler<'presence.update'> = async ({ payload, session }) => {
    const status = payload.status ?? PRESENCE_ONLINE;
    session.setStatus(status);
    if (session.attrs.get('presence') !== true) {
      session.attrs.set('presence', true);
      const playerId = session.playerId;
      session.onClose(() => this.connectionClosing(playerId).then(() => undefined));
    }
    await this.setStatus(session.playerId, status);
    return frame('presence.updated', { status });
  };
}
