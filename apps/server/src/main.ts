/**
 * `npm start`: the reference release. Builds the actor system from the environment's configuration,
 * starts the root supervision tree and stops it cleanly on SIGINT/SIGTERM.
 */
import { ActorSystem, consoleLogger } from '@hajime/actor';
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
  const system = new ActorSystem({ logger });
  const root = await startDemo(system, config.demo);
  logger.info({ event: 'started', root: root.toString(), demo: config.demo }, 'hajime: supervised demo running (Ctrl-C to stop)');

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'stopping', signal }, 'hajime: stopping');
    system.stop().then(
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
