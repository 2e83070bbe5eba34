/**
 * `botDelivery`: the node's {@link Delivery} with bots as connections. A bot's process is its only
 * "session": `sessionsOf(botId)` answers it, and `sendToPlayer(botId, frame)` sends it the push message.
 * Give the wrapped delivery to `Matches`, so a match that restarts after a crash re-attaches its bots as
 * it re-attaches its players' sessions (without it, a crash drops the bots from the roster). Every other
 * player goes to the wrapped delivery unchanged.
 *
 * @example
 * let bots: Bots | undefined;
 * const delivery = botDelivery(gatewayDelivery(ctx), (id) => bots?.sessionOf(id));
 * const matches = new Matches({ system, modes, delivery, ... });
 * bots = new Bots({ system, matches, ... });
 */
import type { Pid } from '@hajime/actor';
import type { Delivery } from '../delivery.js';
import { isBotId } from './bot-id.js';

export function botDelivery(delivery: Delivery, sessionOf: (botId: string) => Pid | undefined): Delivery {
  const botPids = (id: string): Pid[] => {
    const pid = sessionOf(id);
    return pid !== undefined && pid.alive ? [pid] : [];
  };
  return {
    // keeps any optional part of the wrapped delivery (a direct group push)
    ...delivery,
    groups: delivery.groups,
    push: (f) => delivery.push(f),
    sessionsOf: (playerId) => (isBotId(playerId) ? botPids(playerId) : delivery.sessionsOf(playerId)),
    sendToPlayer: (playerId, f) => {
      if (!isBotId(playerId)) return delivery.sendToPlayer(playerId, f);
      const pids = botPids(playerId);
      if (pids.length === 0) return 0;
      const msg = delivery.push(f);
      for (const pid of pids) delivery.groups.system.send(pid, msg);
      return pids.length;
    },
  };
}
