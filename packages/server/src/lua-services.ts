/**
 * The server side of Lua's `game.*` services (asobi-reference §2.24): `game.bots.*` on the game plugin's
 * bots, `game.economy.*` on the wallets
 * and store, `game.leaderboard.*` on the live boards, `game.notify` / `notify_many` through the
 * notifier (stored and pushed as `notification.new`), `game.storage.*` on the storage objects (global
 * rows and per-player rows, written as trusted server code) and `game.chat.send` on the live channels.
 *
 * Lua callbacks are synchronous and these services are not: a call is validated, started, and answers
 * `{ok = "pending"}` at once; its failure is logged (see guides/lua-scripting.md). Leaderboards and chat
 * answer `{error = "not_available"}` when their plugin is not running.
 *
 * @example
 * const lua = await createLuaModes(dir, { services: createLuaHostServices(server.context) });
 */
import type { HostCallContext, HostResult, LuaHostServices } from '@hajime/game';
import type { ServerContext } from './context.js';
import { createNotifier } from './notifier.js';

const NOT_AVAILABLE: HostResult = Object.freeze({ error: 'not_available' });

export function createLuaHostServices(ctx: ServerContext): LuaHostServices {
  const { storage } = ctx;
  const notifier = createNotifier(ctx);
  const reason = (c: HostCallContext, r: string | undefined) => r ?? `lua:${c.mode}`;
  const ref = (c: HostCallContext) => ({ reference_type: 'match', reference_id: c.matchId });
  return {
    bots: {
      add: (c, name) => ctx.services.bots?.services().add(c, name) ?? NOT_AVAILABLE,
      remove: (c, nameOrId) => ctx.services.bots?.services().remove(c, nameOrId) ?? NOT_AVAILABLE,
    },
    economy: {
      grant: (c, playerId, currency, amount, why) => storage.economy.grant(playerId, currency, amount, { reason: reason(c, why), ...ref(c) }).then((e) => ({ ok: { balance: e.balance_after } })),
      debit: (c, playerId, currency, amount, why) => storage.economy.debit(playerId, currency, amount, { reason: reason(c, why), ...ref(c) }).then((e) => ({ ok: { balance: e.balance_after } })),
      balance: (_c, playerId) => storage.economy.wallets(playerId).then((ws) => ({ ok: Object.fromEntries(ws.map((w) => [w.currency, w.balance])) })),
      purchase: (_c, playerId, listingId) => storage.economy.purchase(playerId, listingId, new Date(ctx.system.clock.epochMs())).then((r) => ({ ok: { item_id: r.item.id } })),
    },
    leaderboard: {
      submit: (_c, board, playerId, score) => {
        const boards = ctx.services.leaderboards;
        return boards === undefined ? false : boards.submit(board, playerId, score).then(() => true);
      },
      top: (_c, board, n) => ctx.services.leaderboards?.top(board, n).then((ok) => ({ ok })) ?? NOT_AVAILABLE,
      rank: (_c, board, playerId) => ctx.services.leaderboards?.rank(board, playerId).then((ok) => ({ ok: ok ?? null })) ?? NOT_AVAILABLE,
      around: (_c, board, playerId, n) => ctx.services.leaderboards?.around(board, playerId, n).then((ok) => ({ ok })) ?? NOT_AVAILABLE,
    },
    notify: {
      notify: (_c, playerId, type, subject, data) => notifier.send(playerId, { type, subject, ...(isObject(data) ? { content: data } : {}) }).then((n) => ({ ok: { id: n.id } })),
      notifyMany: (_c, playerIds, type, subject, data) =>
        notifier.sendMany(playerIds, { type, subject, ...(isObject(data) ? { content: data } : {}) }).then((r) => ({ ok: { succeeded: r.succeeded, failed: r.failed } })),
    },
    storage: {
      get: (_c, collection, key) => storage.objects.get(collection, key).then((o) => ({ ok: o?.value ?? null })),
      set: (_c, collection, key, value) => storage.objects.put({ collection, key, value }).then((o) => ({ ok: { version: o.version } })),
      playerGet: (_c, playerId, collection, key) => storage.objects.get(collection, key, { ownerId: playerId }).then((o) => ({ ok: o?.value ?? null })),
      playerSet: (_c, playerId, collection, key, value) => storage.objects.put({ collection, key, value, ownerId: playerId }).then((o) => ({ ok: { version: o.version } })),
    },
    chat: {
      send: (_c, channel, sender, content) => {
        const chat = ctx.services.chat;
        return chat === undefined ? false : chat.send(channel, sender, content).then(() => true);
      },
    },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
