/**
 * Player erasure (asobi-reference.md §2.21), in one transaction: lock the player's wallets and then the
 * player row (so no new child row can reference it meanwhile, and no ledger row can slip in under a wallet
 * about to go; wallets first, as a purchase locks them before it touches the player), run the caller's
 * hooks (extensions' `erase_player`), delete every core row
 * about the player, sever the two rows that must outlive them (`iap_transactions.player_id`: receipts are
 * kept for refunds and replay protection; `groups.creator_id`: the group belongs to its other members),
 * delete the player, and write the `player.erase` audit row, which commits with the erasure or not at all.
 * Bare UUIDs in `match_records.players`, `votes.votes_cast` and `zone_snapshots.entities` are left alone:
 * once `players` and `player_identities` are gone they resolve to nobody. Any failure rolls everything
 * back (a deadlock with a concurrent writer is retried). If a table this file does not sweep (a removed
 * extension's) still references the player, the erasure fails with `STO_ERR_ORPHANED_ROWS` naming it.
 */
import type { Driver, Queryable } from '../driver.js';
import { StorageError, isStorageError } from '../errors.js';
import type { PlayerId } from '../ids.js';
import { bool, optText, uuid } from '../internal/validate.js';
import { AuditRepo, type AuditActor } from './audit.js';

/** Deleted per player, in foreign-key order: the ledger before its wallets, everything before `players`. */
const DELETES = {
  transactions: 'DELETE FROM transactions WHERE wallet_id IN (SELECT id FROM wallets WHERE player_id = $1)',
  wallets: 'DELETE FROM wallets WHERE player_id = $1',
  player_items: 'DELETE FROM player_items WHERE player_id = $1',
  storage: 'DELETE FROM storage WHERE player_id = $1',
  cloud_saves: 'DELETE FROM cloud_saves WHERE player_id = $1',
  notifications: 'DELETE FROM notifications WHERE player_id = $1',
  leaderboard_entries: 'DELETE FROM leaderboard_entries WHERE player_id = $1',
  chat_messages: 'DELETE FROM chat_messages WHERE sender_id = $1',
  group_members: 'DELETE FROM group_members WHERE player_id = $1',
  friendships: 'DELETE FROM friendships WHERE player_id = $1 OR friend_id = $1',
  tournament_entries: 'DELETE FROM tournament_entries WHERE player_id = $1',
  player_stats: 'DELETE FROM player_stats WHERE player_id = $1',
  player_tokens: 'DELETE FROM player_tokens WHERE user_id = $1',
  player_identities: 'DELETE FROM player_identities WHERE player_id = $1',
} as const;

/** Kept, with the player's id set to NULL. */
const SEVERS = {
  iap_transactions: 'UPDATE iap_transactions SET player_id = NULL WHERE player_id = $1',
  groups: 'UPDATE groups SET creator_id = NULL WHERE creator_id = $1',
} as const;

/** Tables this file sweeps: a foreign-key failure naming one of them is a bug or a race, not an orphan. */
const CORE_TABLES: ReadonlySet<string> = new Set([...Object.keys(DELETES), ...Object.keys(SEVERS), 'players', 'ops_audit_entries']);

export type ErasedTable = keyof typeof DELETES | 'players';
export type SeveredTable = keyof typeof SEVERS;

/** Runs inside the erasure transaction before core rows go; throwing rolls the erasure back. Runs again if the erasure is retried after a deadlock. */
export type ErasureHook = (tx: Queryable, playerId: PlayerId) => Promise<void>;

export interface ErasureResult {
  readonly player_id: PlayerId;
  /** Rows deleted, per table. */
  readonly deleted: Readonly<Record<ErasedTable, number>>;
  /** Rows kept with the player's id set to NULL, per table. */
  readonly severed: Readonly<Record<SeveredTable, number>>;
  /** The id of the `player.erase` audit row. */
  readonly audit_id: string;
}

/** The audit action of an erasure. */
export const ERASE_ACTION = 'player.erase';

/** Runs a DELETE or UPDATE and returns how many rows it touched. */
async function touched(tx: Queryable, statement: string, playerId: string): Promise<number> {
  const [row] = await tx.query<{ n: number }>(`WITH t AS (${statement} RETURNING 1) SELECT count(*)::int8 AS n FROM t`, [playerId]);
  return row!.n;
}

function checkActor(a: AuditActor): void {
  optText('actor_id', a.actor_id, { max: 128 });
  optText('actor_display', a.actor_display, { max: 128 });
  optText('actor_source', a.actor_source, { max: 32 });
  if (a.actor_attested !== undefined) bool('actor_attested', a.actor_attested);
}

export class ErasureRepo {
  readonly #audit: AuditRepo;

  constructor(protected readonly db: Driver) {
    this.#audit = new AuditRepo(db);
  }

  /**
   * Erases a player and everything core stores about them, atomically (see the file header), and returns
   * the counts. `actor` is recorded on the audit row; `hooks` run first, inside the transaction.
   * `STO_ERR_NOT_FOUND` for an unknown player, `STO_ERR_ORPHANED_ROWS` when an unswept table still
   * references them; on any error nothing was erased.
   *
   * @example
   * const r = await storage.erasure.erasePlayer(id, { actor: { actor_id: 'op-1', actor_source: 'ops', actor_attested: true } });
   * r.deleted.wallets; r.severed.iap_transactions;
   */
  async erasePlayer(playerId: string, options: { actor: AuditActor; hooks?: readonly ErasureHook[] | undefined }): Promise<ErasureResult> {
    const pid = uuid('player_id', playerId) as PlayerId;
    const actor = options.actor;
    checkActor(actor);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#erase(pid, actor, options.hooks ?? []);
      } catch (e) {
        if (attempt < 3 && isStorageError(e) && e.details?.['sqlState'] === '40P01') continue;
        throw await this.#classify(e, pid);
      }
    }
  }

  async #erase(pid: PlayerId, actor: AuditActor, hooks: readonly ErasureHook[]): Promise<ErasureResult> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT id FROM wallets WHERE player_id = $1 FOR UPDATE', [pid]);
      const locked = await tx.query('SELECT id FROM players WHERE id = $1 FOR UPDATE', [pid]);
      if (locked.length === 0) throw new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: pid } });
      // Wallets created before the player lock was granted; none can be created after it.
      await tx.query('SELECT id FROM wallets WHERE player_id = $1 FOR UPDATE', [pid]);
      for (const [i, hook] of hooks.entries()) {
        try {
          await hook(tx, pid);
        } catch (e) {
          if (e instanceof StorageError) throw e;
          throw new StorageError('STO_ERR_UNAVAILABLE', { details: { player_id: pid, hook: i }, cause: e });
        }
      }
      const deleted: Partial<Record<ErasedTable, number>> = {};
      for (const [table, statement] of Object.entries(DELETES) as [keyof typeof DELETES, string][]) deleted[table] = await touched(tx, statement, pid);
      const severed: Partial<Record<SeveredTable, number>> = {};
      for (const [table, statement] of Object.entries(SEVERS) as [SeveredTable, string][]) severed[table] = await touched(tx, statement, pid);
      deleted.players = await touched(tx, 'DELETE FROM players WHERE id = $1', pid);
      const audit = await this.#audit.append(
        { ...actor, action: ERASE_ACTION, target_type: 'player', target_id: pid, outcome: 'ok', succeeded_count: 1, details: { deleted, severed } },
        tx,
      );
      return { player_id: pid, deleted: deleted as Record<ErasedTable, number>, severed: severed as Record<SeveredTable, number>, audit_id: audit.id };
    });
  }

  /** A foreign-key failure is an orphan (an unswept table still references the player) or an internal failure. */
  async #classify(e: unknown, pid: string): Promise<unknown> {
    if (!isStorageError(e) || e.details?.['sqlState'] !== '23503') return e;
    const constraint = e.details['constraint'];
    let table: string | undefined;
    if (typeof constraint === 'string') {
      try {
        const [row] = await this.db.query<{ t: string }>(
          `SELECT conrelid::regclass::text AS t FROM pg_constraint WHERE conname = $1 AND contype = 'f' AND confrelid = 'players'::regclass LIMIT 1`,
          [constraint],
        );
        table = row?.t;
      } catch {
        table = undefined;
      }
    }
    if (table !== undefined && !CORE_TABLES.has(table)) {
      return new StorageError('STO_ERR_ORPHANED_ROWS', { details: { player_id: pid, table, constraint }, cause: e });
    }
    return new StorageError('STO_ERR_UNAVAILABLE', { details: { player_id: pid, sqlState: '23503', constraint }, cause: e });
  }
}
