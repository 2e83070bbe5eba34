/**
 * Bot identity (asobi §2.25): ids `bot_<name>_<6 hex>`, names 1-32 characters, the default name list.
 * Bot ids are never UUIDs, so they must never reach a match record or player stats: {@link isBotId}
 * is what the match server filters them out with.
 */

/** The prefix of every bot id. */
export const BOT_ID_PREFIX = 'bot_';
/** Names a bot script without a `names` list gets (then the fill position past the list). */
export const DEFAULT_BOT_NAMES = Object.freeze(['Spark', 'Blitz', 'Volt', 'Neon', 'Pulse']);
/** Name length bounds of `game.bots.add(name)`. */
export const BOT_NAME_LIMITS = Object.freeze({ minChars: 1, maxChars: 32 });

/** True when `playerId` is a bot's id. */
export function isBotId(playerId: string): boolean {
  return playerId.startsWith(BOT_ID_PREFIX);
}

/** Whether `name` is a valid bot name (a string of 1..32 characters, no control characters). */
export function validBotName(name: unknown): name is string {
  if (typeof name !== 'string') return false;
  const n = [...name].length;
  // eslint-disable-next-line no-control-regex
  return n >= BOT_NAME_LIMITS.minChars && n <= BOT_NAME_LIMITS.maxChars && !/[\u0000-\u001f\u007f]/.test(name);
}

/**
 * A new bot id for `name`: `bot_<name>_<6 hex>`, the name reduced to `[A-Za-z0-9_-]` (others become `_`).
 * `random` (default `Math.random`) gives the discriminator.
 *
 * @example
 * botId('Spark'); // 'bot_Spark_3fa91c'
 */
export function botId(name: string, random: () => number = Math.random): string {
  const safe = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, BOT_NAME_LIMITS.maxChars) || 'bot';
  const hex = Math.floor(random() * 0x1000000)
    .toString(16)
    .padStart(6, '0')
    .slice(-6);
  return `${BOT_ID_PREFIX}${safe}_${hex}`;
}

/** The name of the `position`-th bot (0-based) from `names`: the list entry, or past it the position (1-based). */
export function botNameAt(names: readonly string[], position: number): string {
  return names[position] ?? String(position + 1);
}
