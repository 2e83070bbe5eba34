// The storage conformance harness: every suite is written once against the `Storage` API and run on
// every driver (embedded PGlite always; Postgres when DATABASE_URL is set). No mock database anywhere.
import { randomBytes } from 'node:crypto';
import type { Test } from 'tap';
import type { Player, Storage } from '../../src/index.js';

export interface Subject {
  readonly storage: Storage;
  readonly kind: 'pglite' | 'postgres';
  /** Opens a second, independent connection to the same database (concurrency and migration tests). */
  readonly reopen: (options?: { migrate?: boolean }) => Promise<Storage>;
}

export type Suite = (t: Test, subject: Subject) => Promise<void>;

/** A fresh player with a unique username. */
export async function player(storage: Storage, prefix = 'p'): Promise<Player> {
  return storage.players.create({ username: `${prefix}_${randomBytes(6).toString('hex')}` });
}

/** A unique string for ids that must not collide across suites and runs. */
export function unique(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}
