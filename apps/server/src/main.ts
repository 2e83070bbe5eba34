/**
 * `npm start`: the reference release. Reads the configuration from the environment, opens storage (the
 * embedded database in `HAJIME_DATA_DIR`, or Postgres at `DATABASE_URL`), builds the actor system with
 * snapshots in that database, starts the root supervision tree, and stops it all cleanly on SIGINT/SIGTERM.
 */
import { ActorSystem, consoleLogger } from '@hajime/actor';
import { Storage } from '@hajime/storage';
import { loadConfig } from './config.js';
import { startDemo } from './demo.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    process.stderr.write(`hajime: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const logger = consoleLogger({ level: config.logLevel });
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
    // The node stays up but not ready (the HTTP server will answer /ready with 503); say why plainly.
    logger.error({ event: 'migration_failed', err: storage.migrationError, details: storage.migrationError?.details }, 'hajime: a schema migration failed; not ready');
  }
  const system = new ActorSystem({ logger, snapshotStore: storage.snapshots });
  const root = await startDemo(system, config.demo);
  logger.info({ event: 'started', root: root.toString(), storage: storage.kind, ready: storage.ready, demo: config.demo }, 'hajime: supervised demo running (Ctrl-C to stop)');

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'stopping', signal }, 'hajime: stopping');
    system
      .stop()
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
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
