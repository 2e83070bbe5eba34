// Test helpers: a real storage (Postgres in a throwaway schema when DATABASE_URL is set, else embedded
// PGlite in memory) and a server built on it, with generous rate limits unless a test sets its own.
import { randomBytes } from 'node:crypto';
import { ActorSystem, MemoryLogger } from '@hajime/actor';
import { openThrowawayStorage, type Storage } from '@hajime/storage';
import type { Test } from 'tap';
import { createServer, type CreateServerExtras, type HajimeServer, type ServerOptions } from '../src/index.js';

export async function testStorage(t: Test): Promise<Storage> {
  const { storage, dispose } = await openThrowawayStorage({ databaseUrl: process.env['DATABASE_URL'], schemaPrefix: 'hajime_srv' });
  t.teardown(dispose);
  return storage;
}

const RELAXED = { register: { max: 10_000, windowMs: 1000 }, auth: { max: 10_000, windowMs: 1000 }, api: { max: 100_000, windowMs: 1000 }, erase: { max: 1000, windowMs: 1000 } };

export async function testServer(t: Test, storage: Storage, options: Partial<ServerOptions> = {}, extras: CreateServerExtras = {}): Promise<HajimeServer> {
  const system = options.system ?? new ActorSystem({ logger: new MemoryLogger(), snapshotStore: storage.snapshots });
  const server = await createServer(
    {
      storage,
      system,
      logger: false,
      ...options,
      rateLimits: { ...RELAXED, ...(options.rateLimits ?? {}) },
      auth: { guest: { enabled: true, pepper: 'a-test-pepper-that-is-at-least-32-bytes-long' }, ...(options.auth ?? {}) },
    },
    extras,
  );
  t.teardown(async () => {
    await server.close();
    if (options.system === undefined) await system.stop();
  });
  return server;
}

export function uniqueName(prefix = 'u'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export function deviceSecret(): string {
  return randomBytes(32).toString('base64');
}
