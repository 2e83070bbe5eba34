/**
 * Bots of Lua modes: where queue fill finds a mode's `bots = {script, min_players, enabled}` table and its
 * bot script, over a loaded Lua game (`createLuaModes(...).game`). Scripts are read fresh for every new
 * bot, so an edited bot script applies to the next bot that starts.
 *
 * @example
 * const lua = await createLuaModes('/app/game');
 * const bots = new Bots({ ..., botConfig: luaBotConfig(lua.game), scripts: luaBotScripts(lua.game) });
 */
import type { BotsConfig } from '@hajime/lua';
import { readBotScript, type BotScriptSource } from './bot-script.js';

/** The part of a `LuaGame` read here (its folder and the current mode scripts). */
export interface LuaBotGame {
  readonly root: string;
  readonly modes: Readonly<Record<string, { readonly shape: { readonly bots?: BotsConfig } }>>;
}

/** A mode's `bots` table (undefined: the mode declared none, so no queue fill). */
export function luaBotConfig(game: LuaBotGame): (mode: string) => BotsConfig | undefined {
  return (mode) => game.modes[mode]?.shape.bots;
}

/** A mode's bot script (`bots.script`), or undefined when it names none. Throws `LUA_ERR_PATH` for a bad path. */
export function luaBotScripts(game: LuaBotGame): (mode: string) => BotScriptSource | undefined {
  return (mode) => {
    const script = game.modes[mode]?.shape.bots?.script;
    return script === undefined ? undefined : readBotScript(game.root, script);
  };
}
