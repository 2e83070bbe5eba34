/**
 * The `rest` server child: `node server-process.js <players> <friendsPerPlayer> <matches>`. Opens storage
 * (a throwaway schema on the Postgres at `DATABASE_URL`, or embedded PGlite when that is unreachable),
 * seeds players, accepted friendships, wallets and finished match records, starts Hajime's real
 * `createServer` with its default options (logging included) but the `api` rate limit raised, and the game
 * plugin (for `GET /matches`), issues a token per player (`auth.issuePair`, no KDF), says hello over IPC,
 * then answers the
 * parent: `raw` runs the raw baseline (the repositories' SQL through postgres.js, or through the PGlite
 * driver in the fallback) at a given concurrency; `close` tears everything down and drops the schema.
 * Its stdout is the parent's stderr.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createGamePlugin, createServer } from '@hajime/server';
import { Storage } from '@hajime/storage';
import { collectGarbage } from '../lib/gc.js';
import type { RawResult, RestHello, RestReply, RestRequest } from './ipc.js';

/** Large enough never to bind during a run; stated in the report. */
export const RAISED_LIMIT = 1_000_000_000;
/** The pool size of both Hajime's storage and the raw client (Storage's default). */
export const POOL = 10;
export const CURRENCIES = ['gems', 'gold'] as const;
/** `GET /matches` without a limit answers the newest 50 records. */
export const MATCHES_PAGE = 50;
const MODES = ['arena', 'duel', 'coop'] as const;

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** The SQL the repositories run for the four routes (players.get, social.listFriends outgoing, economy.wallets, matches.list). */
export const RAW_SQL = {
  matches: 'SELECT * FROM match_records ORDER BY inserted_at DESC, id DESC LIMIT $1',
  player: 'SELECT * FROM players WHERE id = $1',
  friends: 'SELECT f.* FROM friendships f WHERE f.player_id = $1 ORDER BY f.inserted_at DESC, f.id DESC LIMIT $2',
  wallets: 'SELECT currency, balance FROM wallets WHERE player_id = $1 ORDER BY currency',
} as const;

type Query = (text: string, params: readonly unknown[]) => Promise<unknown>;

function send(message: RestHello | RestReply): void {
  process.send?.(message);
}

async function reachable(url: string): Promise<string | undefined> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1))]!;
}

/** Closed loop: `concurrency` workers each issue the next query of the rotation when the previous answered. */
async function rawLoop(query: Query, playerIds: readonly string[], seconds: number, concurrency: number): Promise<RawResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < until) {
      const k = next++;
      const pid = playerIds[(k * 7919) % playerIds.length]!;
      const s = performance.now();
      try {
        switch (k % 4) {
          case 0:
            await query(RAW_SQL.friends, [pid, 50]);
            break;
          case 1:
            await query(RAW_SQL.wallets, [pid]);
            break;
          case 3:
            await query(RAW_SQL.matches, [MATCHES_PAGE]);
            break;
          default:
            await query(RAW_SQL.player, [pid]);
        }
      } catch {
        errors++;
      }
      latencies.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - t0;
  const sorted = Float64Array.from(latencies).sort();
  return { queries: latencies.length, ms, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), errors };
}

async function main(): Promise<void> {
  if (process.send === undefined) throw new Error('server-process.js runs as a child with an IPC channel (child_process.fork)');
  const players = Number(process.argv[2] ?? 100);
  const friendsPer = Number(process.argv[3] ?? 4);
  const matchCount = Number(process.argv[4] ?? 100);
  const url = process.env['DATABASE_URL'] !== undefined && process.env['DATABASE_URL'] !== '' ? process.env['DATABASE_URL'] : DEFAULT_URL;
  const run = randomBytes(4).toString('hex');
  const schema = `bench_rest_${run}`;

  const fallbackReason = await reachable(url);
  const engine = fallbackReason === undefined ? 'postgres' : 'pglite';
  const storage = engine === 'postgres' ? await Storage.open({ databaseUrl: url, schema, maxConnections: POOL }) : await Storage.open({ dataDir: null });
  if (!storage.ready) throw storage.migrationError ?? new Error('storage did not migrate');
  // The defaults a user gets (logging at info included), but for the rate limit; the game plugin with no
  // modes serves GET /matches from the match records.
  const server = await createServer({ storage, rateLimits: { api: { max: RAISED_LIMIT, windowMs: 1_000 } } }, { plugins: [createGamePlugin({ modes: {} })] });
  const rawSql =
    engine === 'postgres'
      ? postgres(url, {
          max: POOL,
          onnotice: () => {},
          types: { int8: { to: 20, from: [20], serialize: (x: unknown) => String(x), parse: (x: string) => Number(x) } },
          connection: { search_path: schema },
        })
      : undefined;
  const rawQuery: Query = rawSql !== undefined ? (text, params) => rawSql.unsafe(text, params as never[], { prepare: true }) : (text, params) => storage.driver.query(text, params);

  const closeAll = async (): Promise<void> => {
    await server.close().catch(() => undefined);
    await rawSql?.end({ timeout: 2 }).catch(() => undefined);
    await storage.close().catch(() => undefined);
    if (engine === 'postgres') {
      const admin = postgres(url, { max: 1, onnotice: () => {} });
      await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await admin.end({ timeout: 2 }).catch(() => undefined);
    }
  };

  const playerIds: string[] = [];
  try {
    // Seed: players, each with `friendsPer` accepted friendships to the next players (both rows), two wallets.
    const ids = playerIds;
    for (let i = 0; i < players; i++) ids.push((await storage.players.create({ username: `rest_${run}_${i}` })).id);
    const parallel = async (count: number, fn: (i: number) => Promise<unknown>): Promise<void> => {
      for (let from = 0; from < count; from += POOL) await Promise.all(Array.from({ length: Math.min(POOL, count - from) }, (_, j) => fn(from + j)));
    };
    let friendships = 0;
    for (let d = 1; d <= friendsPer; d++) {
      await parallel(players, (i) => storage.social.requestFriend(ids[i]!, ids[(i + d) % players]!));
      // Accepting locks the pair; run each offset in two halves of non-overlapping pairs.
      for (const parity of [0, 1]) await parallel(players, (i) => (i % 2 === parity ? storage.social.setIncomingStatus(ids[(i + d) % players]!, ids[i]!, 'accepted') : Promise.resolve()));
      friendships += 2 * players;
    }
    await parallel(players, async (i) => {
      for (const c of CURRENCIES) await storage.economy.grant(ids[i]!, c, 100 + i);
    });
    // Finished matches of 2 players each (a winner and a loser), in three modes; the pairs of one batch
    // are disjoint, so no two concurrent finishes update the same player's stats.
    await parallel(matchCount, (i) => {
      const [a, b] = [ids[(2 * i) % players]!, ids[(2 * i + 1) % players]!];
      return storage.matches.finish({ mode: MODES[i % MODES.length]!, players: [a, b], result: { winners: [a] }, metadata: { map: `map_${i % 7}` } });
    });
    const tokens: string[] = [];
    await parallel(players, async (i) => {
      tokens[i] = (await server.context.auth.issuePair(ids[i]!)).access_token;
    });
    const http = await server.listen({ port: 0, host: '127.0.0.1' });
    const description =
      engine === 'postgres'
        ? `Hajime createServer on Postgres (${url.replace(/\/\/[^@]*@/, '//')}, throwaway schema ${schema}, pool of ${POOL})`
        : `Hajime createServer on embedded in-memory PGlite (Postgres unreachable: ${fallbackReason ?? ''})`;
    send({ hello: true, url: http, description, engine, ...(fallbackReason === undefined ? {} : { fallbackReason }), playerIds: ids, tokens, friendships, wallets: players * CURRENCIES.length, matches: matchCount });
  } catch (err) {
    await closeAll();
    send({ hello: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  }

  const handle = async (req: RestRequest): Promise<unknown> => {
    switch (req.op) {
      case 'raw':
        return rawLoop(rawQuery, playerIds, req.seconds, req.concurrency);
      case 'gc':
        collectGarbage();
        return null;
      case 'cpu': {
        const u = process.cpuUsage();
        return u.user + u.system;
      }
      case 'close':
        await closeAll();
        setImmediate(() => process.exit(0));
        return null;
    }
  };
  process.on('message', (req: RestRequest) => {
    handle(req).then(
      (result) => send({ id: req.id, ok: true, result }),
      (err: unknown) => send({ id: req.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
  process.on('disconnect', () => {
    void closeAll().finally(() => process.exit(0));
  });
}

void main();
