/**
 * The reference release's game: the Lua modes of `HAJIME_GAME_DIR` (by default the hot-reload demo of
 * `examples/hotreload-demo`), kept in a `ModeRegistry` that follows saves (a changed mode shape applies to
 * new matches; code changes reach running matches through the Lua reloader), the guest pepper of the
 * embedded setup, and the demo page served at `/`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@hajime/actor';
import { ModeRegistry, createLuaModes, type LuaHostServices, type LuaModes } from '@hajime/game';
import type { HajimeServer } from '@hajime/server';

/** The repository's `examples/hotreload-demo` (apps/server/dist/src/game.js → ../../../../examples/...). */
export const DEMO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'examples', 'hotreload-demo');

export interface LoadedGame {
  readonly lua: LuaModes;
  readonly modes: ModeRegistry;
  readonly dir: string;
}

/**
 * Loads the Lua game folder and keeps a mode registry in step with its reloads. A broken script is an
 * error naming file:line (start-up fails).
 */
export async function loadGame(
  dir: string,
  options: { readonly reload: boolean; readonly exactMemory?: boolean; readonly workers?: number; readonly logger: Logger; readonly services?: LuaHostServices; readonly modes?: ModeRegistry },
): Promise<LoadedGame> {
  const { logger } = options;
  const lua = await createLuaModes(dir, {
    reload: options.reload,
    ...(options.exactMemory === true ? { engine: { exactMemoryCap: true } } : {}),
    ...(options.workers !== undefined && options.workers > 0 ? { workers: options.workers } : {}),
    log: (level, msg, fields) => logger[level]({ ...fields, event: msg }, `lua: ${msg}`),
    ...(options.services === undefined ? {} : { services: options.services }),
  });
  const modes = options.modes ?? new ModeRegistry();
  for (const [name, config] of Object.entries(lua.modes)) modes.set(name, config);
  lua.reloader.on((ev) => {
    if (ev.type === 'mode_config') modes.set(ev.mode, ev.config);
    else if (ev.type === 'mode_removed') modes.delete(ev.mode);
    else if (ev.type === 'reload_failed') logger.error({ event: 'lua_reload_failed', ...ev }, `lua: reload failed, the old code keeps running`);
    else if (ev.type === 'reloaded') logger.info({ event: 'lua_reloaded', ...ev }, 'lua: reloaded');
  });
  return { lua, modes, dir };
}

/**
 * The guest pepper: `HAJIME_GUEST_PEPPER` when set, else one kept in `<dataDir>/guest-pepper` (created on
 * first start, 48 random bytes, readable by the owner only), so guests work out of the box.
 */
export async function guestPepper(configured: string | undefined, dataDir: string): Promise<string> {
  if (configured !== undefined) return configured;
  const file = join(dataDir, 'guest-pepper');
  try {
    const text = (await readFile(file, 'utf8')).trim();
    if (Buffer.byteLength(text) >= 32) return text;
  } catch {
    // first start
  }
  const pepper = randomBytes(48).toString('base64');
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${pepper}\n`, { mode: 0o600 });
  return pepper;
}

/** Serves the demo page at `/`. */
export async function serveDemoPage(app: HajimeServer['app'], demoDir: string): Promise<void> {
  const page = await readFile(join(demoDir, 'public', 'index.html'));
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page));
}
