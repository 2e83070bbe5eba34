/**
 * `npm start`: the reference release. Reads the configuration from the environment, opens storage (the
 * embedded database in `HAJIME_DATA_DIR`, or Postgres at `DATABASE_URL`), builds the actor system with
 * snapshots in that database, starts the root supervision tree and the HTTP + WebSocket server, and stops
 * it all cleanly on SIGINT/SIGTERM.
 */
import { ActorSystem, consoleLogger } from '@hajime/actor';
import { ModeRegistry, isLuaLoadError, luaBotConfig, luaBotScripts, type LuaHostServices } from '@hajime/game';
import { createGamePlugin, createLuaHostServices, createServer, type DomainPlugin } from '@hajime/server';
import { join } from 'node:path';
import { Storage } from '@hajime/storage';
import { loadConfig } from './config.js';
import { startRoot } from './demo.js';
import { DEMO_DIR, guestPepper, loadGame, serveDemoPage, type LoadedGame } from './game.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    process.stderr.write(`hajime: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const logger = consoleLogger({ level: config.logLevel });
  // A signal during start-up stops as soon as start-up reaches a safe point (see `shutdown` below).
  let earlySignal: string | undefined;
  const early = (signal: string) => () => {
    earlySignal ??= signal;
  };
  process.once('SIGINT', early('SIGINT'));
  process.once('SIGTERM', early('SIGTERM'));
  const where = config.databaseUrl === undefined ? `embedded database in ${config.dataDir}` : 'Postgres at DATABASE_URL';
  logger.info({ event: 'storage_opening', driver: config.databaseUrl === undefined ? 'pglite' : 'postgres', dataDir: config.dataDir }, `hajime: opening the ${where}`);
  let storage: Storage;
  try {
    storage = await Storage.open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (e) {
    logger.error({ event: 'storage_failed', err: e }, 'hajime: cannot open the database');
    process.exit(1);
  }
  if (!storage.ready) {
    // The node stays up but not ready (/ready answers 503); say why plainly.
    logger.error({ event: 'migration_failed', err: storage.migrationError, details: storage.migrationError?.details }, 'hajime: a schema migration failed; not ready');
  }
  const modes = new ModeRegistry();
  // The game: the Lua modes of HAJIME_GAME_DIR (by default the hot-reload demo). Its game.* services
  // (economy, leaderboards, notifications, storage objects, chat, bots) are this server's, bound below.
  const services: LuaHostServices = {};
  let game: LoadedGame | undefined;
  if (config.gameDir !== null) {
    const dir = config.gameDir ?? join(DEMO_DIR, 'lua');
    try {
      game = await loadGame(dir, { reload: config.luaReload, exactMemory: config.luaExactMemory, workers: config.luaWorkers, logger, modes, services });
    } catch (e) {
      if (isLuaLoadError(e)) {
        logger.error({ event: 'game_load_failed', code: e.code, err: e }, `hajime: cannot load the game in ${dir}: ${e.message}`);
        await storage.close();
        process.exit(1);
      }
      throw e;
    }
    logger.info({ event: 'game_loaded', dir, modes: modes.names(), reload: config.luaReload }, `hajime: game modes ${modes.names().join(', ')} from ${dir}${config.luaReload ? ' (hot reload on)' : ''}`);
  }
  const pepper = await guestPepper(config.guestPepper, config.dataDir);
  const system = new ActorSystem({ logger, snapshotStore: storage.snapshots });
  const root = await startRoot(system, { ticker: config.demoTicker, demo: config.demo });
  let server: Awaited<ReturnType<typeof createServer>>;
  try {
    server = await createServer({
      storage,
      system,
      logger: { level: config.logLevel },
      dev: config.dev,
      corsOrigins: config.corsOrigins,
      trustProxy: config.trustProxy,
      chat: config.chat,
      presence: config.presence,
      ...(config.wsOrigins === undefined ? {} : { ws: { allowedOrigins: config.wsOrigins } }),
      auth: {
        registration: config.registration,
        guest: { enabled: true, pepper },
        providers: config.oidc,
        ...(config.steam === undefined ? {} : { steam: config.steam }),
      },
    }, { plugins: [...(config.gameDir === null ? [] : [createGamePlugin({ modes, ...(game === undefined ? {} : { bots: { botConfig: luaBotConfig(game.lua.game), scripts: luaBotScripts(game.lua.game), runtime: game.lua.game.runtime } }) }) as DomainPlugin])] });
  } catch (e) {
    // A bad sign-in provider setting (an http issuer, ...) is a configuration error.
    logger.error({ event: 'config_invalid', err: e }, `hajime: ${(e as Error).message}`);
    await system.stop();
    await storage.close();
    process.exit(2);
  }
  Object.assign(services, createLuaHostServices(server.context));
  if (config.demoPage) await serveDemoPage(server.app, DEMO_DIR);
  let address: string;
  try {
    address = await server.listen({ port: config.port, host: config.host });
  } catch (e) {
    logger.error({ event: 'listen_failed', err: e, port: config.port, host: config.host }, `hajime: cannot listen on ${config.host}:${config.port}`);
    await system.stop();
    await storage.close();
    process.exit(1);
  }
  logger.info(
    { event: 'started', address, root: root.toString(), storage: storage.kind, ready: storage.ready, demo: config.demoTicker ? config.demo : false },
    `hajime: listening on ${address} (REST under /api/v1, WebSocket at /ws, API docs at /docs${config.demoPage ? ', the hot-reload demo at /' : ''})`,
  );

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'stopping', signal }, 'hajime: stopping');
    server
      .close()
      .then(() => system.stop())
      .then(() => game?.lua.close())
      .then(() => storage.close())
      .then(
        () => {
          logger.info({ event: 'stopped' }, 'hajime: stopped');
          process.exit(0);
        },
        (err: unknown) => {
          logger.error({ event: 'stop_failed', err });
          process.exit(1);
        },
      );
  };
  process.removeAllListeners('SIGINT').removeAllListeners('SIGTERM');
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  if (earlySignal !== undefined) shutdown(earlySignal);
}

void main();
