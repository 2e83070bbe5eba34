/**
 * The port through which game actors reach players. `@hajime/game` knows nothing of sockets: the server
 * passes its gateway's process groups and the message its session processes write as a push frame, so a
 * match broadcasts one pre-encoded frame to a process group of sessions (encoded once per tick, whatever
 * the number of players).
 */
import type { Pid, ProcessGroups } from '@hajime/actor';
import type { OutboundFrame } from '@hajime/protocol';

export interface Delivery {
  /** The process groups the sessions live in (the gateway's). Game actors add session pids to their own groups. */
  readonly groups: ProcessGroups<string>;
  /** The message that makes a session process write `frame` to its client (encode once, send to many). */
  push(frame: OutboundFrame<string, unknown>): unknown;
  /** The session processes of `playerId` on this node (may be empty: offline). */
  sessionsOf(playerId: string): Pid[];
  /** Pushes `frame` to every connection of `playerId` on this node; returns how many it reached. */
  sendToPlayer(playerId: string, frame: OutboundFrame<string, unknown>): number;
  /**
   * Pushes `frame` to every session in `group`, encoded once (a server writes straight to the sockets).
   * Optional: without it, `groups.broadcast(group, push(frame))`.
   */
  pushToGroup?(group: string, frame: OutboundFrame<string, unknown>): number;
}

/** A delivery that reaches nobody (tests of pure game logic, bots-only matches). */
export function nullDelivery(groups: ProcessGroups<string>): Delivery {
  return { groups, push: (f) => f, sessionsOf: () => [], sendToPlayer: () => 0 };
}
