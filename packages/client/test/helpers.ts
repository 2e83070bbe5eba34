// End-to-end helpers: a real server (createServer from @hajime/server) listening on a loopback port, on
// real storage (Postgres in a throwaway schema when DATABASE_URL is set, else embedded PGlite in memory),
// with generous rate limits and guests enabled. The same pattern as packages/server/test/helpers.ts.
import { randomBytes } from 'node:crypto';
import { ActorSystem, MemoryLogger, type Clock } from '@hajime/actor';
import { ApiError, createServer, type CreateServerExtras, type HajimeServer, type IdentityVerifier, type ServerOptions } from '@hajime/server';
import { openThrowawayStorage, type Storage } from '@hajime/storage';
import type { Test } from 'tap';

export async function testStorage(t: Test): Promise<Storage> {
  const { storage, dispose } = await openThrowawayStorage({ databaseUrl: process.env['DATABASE_URL'], schemaPrefix: 'hajime_cli' });
  t.teardown(dispose);
  return storage;
}

const RELAXED = { register: { max: 10_000, windowMs: 1000 }, auth: { max: 10_000, windowMs: 1000 }, api: { max: 100_000, windowMs: 1000 }, erase: { max: 1000, windowMs: 1000 } };

export interface RunningServer {
  readonly server: HajimeServer;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  readonly port: number;
  /** Stops the server and its actor system (also done when the test ends). */
  close(): Promise<void>;
}

/** A server listening on a loopback port (a free one by default); closed (with its actor system) when the test ends. */
export async function listeningServer(t: Test, storage: Storage, options: Partial<ServerOptions> & { clock?: Clock; port?: number } = {}, extras: CreateServerExtras = {}): Promise<RunningServer> {
  const { clock, port, ...serverOptions } = options;
  const system = new ActorSystem({ logger: new MemoryLogger(), snapshotStore: storage.snapshots, ...(clock === undefined ? {} : { clock }) });
  const server = await createServer(
    {
      storage,
      system,
      logger: false,
      ...serverOptions,
      rateLimits: { ...RELAXED, ...(serverOptions.rateLimits ?? {}) },
      auth: { guest: { enabled: true, pepper: 'a-test-pepper-that-is-at-least-32-bytes-long' }, ...(serverOptions.auth ?? {}) },
    },
    extras,
  );
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= server.close().then(() => system.stop()));
  t.teardown(close);
  const baseUrl = await server.listen({ port: port ?? 0, host: '127.0.0.1' });
  return { server, baseUrl, port: Number(new URL(baseUrl).port), close };
}

/**
 * A stand-in for the third-party identity providers (Google's or Steam's servers): a token `ok:<uid>`
 * verifies as `<uid>` for any provider; anything else is refused.
 */
export const fakeProviders: IdentityVerifier = {
  providers: ['google', 'apple', 'microsoft', 'discord', 'steam'],
  async verify(provider, token) {
    if (!token.startsWith('ok:')) throw new ApiError('auth.invalid_provider_token', { provider });
    return { provider: provider as 'google', provider_uid: token.slice(3), display_name: `${provider} user` };
  },
};

export function uniqueName(prefix = 'u'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** `fetch` that counts requests by path (under /api/v1). */
export function countingFetch(): { fetch: typeof globalThis.fetch; count(path: string): number } {
  const counts = new Map<string, number>();
  return {
    fetch: (input, init) => {
      const path = new URL(String(input)).pathname.replace(/^\/api\/v1/, '');
      counts.set(path, (counts.get(path) ?? 0) + 1);
      return globalThis.fetch(input, init);
    },
    count: (path) => counts.get(path) ?? 0,
  };
}
