/**
 * @hajime/storage: one SQL schema on Postgres (postgres.js) or embedded Postgres (PGlite), migrations,
 * and typed repositories per domain. Only this package imports a Postgres driver. See guides/storage.md.
 */

// Opening storage, drivers and migrations
export { Storage, DEFAULT_DATA_DIR, type StorageOptions } from './storage.js';
export { openThrowawayStorage, type ThrowawayStorage } from './throwaway.js';
export type { Driver, Queryable, Row } from './driver.js';
export { openPostgres, type PostgresDriverOptions } from './drivers/postgres.js';
export { openPGlite, type PGliteDriverOptions } from './drivers/pglite.js';
export { migrate, loadMigrations, MIGRATIONS_DIR, MIGRATION_LOCK_KEY, type Migration, type MigrationResult } from './migrate.js';

// Ids and errors
export { newId, isUuid, type PlayerId, type MatchId, type WalletId, type ItemId, type GroupId, type TournamentId } from './ids.js';
export { StorageError, STORAGE_ERRORS, isStorageError, type StorageErrorCode } from './errors.js';

// Repositories
export * from './repos/players.js';
export * from './repos/tokens.js';
export * from './repos/stats.js';
export * from './repos/economy.js';
export * from './repos/snapshots.js';
export * from './repos/matches.js';
export * from './repos/votes.js';
export * from './repos/leaderboards.js';
export * from './repos/tournaments.js';
export * from './repos/zones.js';
export * from './repos/social.js';
export * from './repos/chat.js';
export * from './repos/notifications.js';
export * from './repos/saves.js';
export * from './repos/objects.js';
export * from './repos/iap.js';
export * from './repos/audit.js';
export * from './repos/erasure.js';
