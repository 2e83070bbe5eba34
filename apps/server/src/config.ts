/**
 * Configuration of the reference server, read from the environment (the only place `process.env` is
 * read). Every value is validated; a bad value stops start-up with a message naming the variable.
 * See guides/configuration.md.
 */
import type { LogLevel } from '@hajime/actor';
import { LOG_LEVELS } from '@hajime/actor';
import type { DemoOptions } from './demo.js';

export interface AppConfig {
  readonly logLevel: LogLevel;
  /** `postgres://...` to use a Postgres server; undefined for the embedded database. */
  readonly databaseUrl: string | undefined;
  /** Folder of the embedded database. */
  readonly dataDir: string;
  readonly demo: DemoOptions;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min} (got ${JSON.stringify(raw)})`);
  return n;
}

/** Reads and validates the configuration. */
export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const level = (env['HAJIME_LOG_LEVEL'] ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(level)) throw new Error(`HAJIME_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(level)})`);
  const url = env['DATABASE_URL'];
  if (url !== undefined && url !== '' && !/^postgres(ql)?:\/\//.test(url)) throw new Error('DATABASE_URL must start with postgres:// or postgresql://');
  return Object.freeze({
    logLevel: level,
    databaseUrl: url === undefined || url === '' ? undefined : url,
    dataDir: env['HAJIME_DATA_DIR'] === undefined || env['HAJIME_DATA_DIR'] === '' ? './data' : env['HAJIME_DATA_DIR'],
    demo: Object.freeze({
      tickIntervalMs: int(env, 'HAJIME_DEMO_TICK_MS', 1_000, 1),
      crashEveryTicks: int(env, 'HAJIME_DEMO_CRASH_EVERY', 7, 0),
      reportEveryTicks: int(env, 'HAJIME_DEMO_REPORT_EVERY', 1, 0),
    }),
  });
}
