/**
 * `createBotServices`: the `LuaHostServices.bots` part over a {@link Bots}: what Lua's `game.bots.add` and
 * `game.bots.remove` call.
 */
import { isGameError } from '../errors.js';
import type { HostResult, LuaHostServices } from '../lua/host-services.js';
import type { Bots } from './bots.js';

const fail = (e: unknown): HostResult => ({ error: isGameError(e) ? e.reason : 'host_error' });

/**
 * The `LuaHostServices.bots` implementation over `bots`: `game.bots.add(name)` answers `{ok = bot_id}` at
 * once and starts the bot (it joins the match a moment later, async); `game.bots.remove(name_or_id)`
 * answers `{ok = bot_id}` and the bot leaves. Refusals: `{error = "invalid_bot_name" | "too_many_bots"
 * | "match_not_found" | "bot_not_found" | "not_available"}`.
 */
export function createBotServices(bots: Bots): NonNullable<LuaHostServices['bots']> {
  return {
    add(ctx, name) {
      let id: string;
      try {
        id = bots.reserveScripted(ctx.matchId, name, ctx.mode);
      } catch (e) {
        return fail(e);
      }
      void bots.startReserved(id).catch(() => undefined);
      return { ok: id };
    },
    remove(ctx, nameOrId) {
      const b = bots.findBot(ctx.matchId, nameOrId);
      if (b === undefined) return { error: 'bot_not_found' };
      void bots.stopBot(b).catch((e: unknown) => bots.log.warn({ bot_id: b.id, err: e }, 'bot_stop_failed'));
      return { ok: b.id };
    },
  };
}
