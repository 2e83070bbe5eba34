/**
 * The operator audit trail (`ops_audit_entries`, asobi-reference.md §2.21): who (actor id, display label,
 * source, whether attested) did what (`action`) to which target, with what outcome (`ok` | `partial` |
 * `error`, succeeded/failed counts) and structured `details`. Append-only: there is no update or delete.
 * `append` takes an optional transaction so a mutation can commit its audit row with itself (erasure
 * does); the table has no foreign key to players, so rows outlive their targets.
 */
import type { Driver, Queryable } from '../driver.js';
import { METADATA_MAX_BYTES, bool, date, int, limit, object, oneOf, optText, text } from '../internal/validate.js';
import { newId } from '../ids.js';

export type AuditOutcome = 'ok' | 'partial' | 'error';
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['ok', 'partial', 'error'];

export interface AuditEntry {
  readonly id: string;
  readonly actor_id: string | null;
  readonly actor_display: string | null;
  readonly actor_source: string | null;
  readonly actor_attested: boolean;
  readonly action: string;
  readonly target_type: string | null;
  readonly target_id: string | null;
  readonly outcome: AuditOutcome;
  readonly succeeded_count: number;
  readonly failed_count: number;
  readonly details: Record<string, unknown>;
  readonly occurred_at: Date;
}

/** Who acted: an operator, a console session, the node's shell, or a player erasing themselves. */
export interface AuditActor {
  readonly actor_id?: string | null | undefined;
  /** A label for people; unattested unless `actor_attested`. */
  readonly actor_display?: string | null | undefined;
  /** Where the request came from, e.g. `ops`, `console`, `shell`, `player`. */
  readonly actor_source?: string | null | undefined;
  /** True when the credential proves the actor (default false). */
  readonly actor_attested?: boolean | undefined;
}

/** Input of {@link AuditRepo.append}. */
export interface NewAuditEntry extends AuditActor {
  /** What was done, e.g. `player.erase` (1..128 bytes). */
  readonly action: string;
  readonly target_type?: string | null | undefined;
  readonly target_id?: string | null | undefined;
  /** Default `ok`. */
  readonly outcome?: AuditOutcome | undefined;
  readonly succeeded_count?: number | undefined;
  readonly failed_count?: number | undefined;
  /** At most 16 KB of JSON. */
  readonly details?: Record<string, unknown> | undefined;
  /** Default: the database's transaction time. */
  readonly occurred_at?: Date | undefined;
}

/** Filters of {@link AuditRepo.list} and {@link AuditRepo.count}. */
export interface AuditFilter {
  readonly action?: string | undefined;
  readonly actorId?: string | undefined;
  readonly targetId?: string | undefined;
}

/** Validates an entry into its INSERT parameters (throws before any SQL runs). */
function entryParams(e: NewAuditEntry): unknown[] {
  return [
    newId(),
    optText('actor_id', e.actor_id, { max: 128 }),
    optText('actor_display', e.actor_display, { max: 128 }),
    optText('actor_source', e.actor_source, { max: 32 }),
    bool('actor_attested', e.actor_attested ?? false),
    text('action', e.action, { max: 128 }),
    optText('target_type', e.target_type, { max: 64 }),
    optText('target_id', e.target_id, { max: 128 }),
    oneOf('outcome', e.outcome ?? 'ok', AUDIT_OUTCOMES),
    int('succeeded_count', e.succeeded_count ?? 0, { min: 0, max: 2 ** 31 - 1 }),
    int('failed_count', e.failed_count ?? 0, { min: 0, max: 2 ** 31 - 1 }),
    object('details', e.details ?? {}, METADATA_MAX_BYTES),
    e.occurred_at === undefined ? null : date('occurred_at', e.occurred_at),
  ];
}

function where(f: AuditFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const conds: string[] = [];
  if (f.action !== undefined) {
    params.push(text('action', f.action, { max: 128 }));
    conds.push(`action = $${params.length}`);
  }
  if (f.actorId !== undefined) {
    params.push(text('actorId', f.actorId, { max: 128 }));
    conds.push(`actor_id = $${params.length}`);
  }
  if (f.targetId !== undefined) {
    params.push(text('targetId', f.targetId, { max: 128 }));
    conds.push(`target_id = $${params.length}`);
  }
  return { sql: conds.length === 0 ? '' : `WHERE ${conds.join(' AND ')}`, params };
}

export class AuditRepo {
  constructor(protected readonly db: Driver) {}

  /**
   * Appends one entry, inside `tx` when given (the row then commits or rolls back with the caller's work).
   *
   * @example
   * await storage.audit.append({ actor_id: 'ops', actor_source: 'ops', action: 'guests.purge', outcome: 'partial', succeeded_count: 9, failed_count: 1 });
   */
  async append(entry: NewAuditEntry, tx: Queryable = this.db): Promise<AuditEntry> {
    const [row] = await tx.query<AuditEntry & Record<string, unknown>>(
      `INSERT INTO ops_audit_entries (id, actor_id, actor_display, actor_source, actor_attested, action, target_type, target_id,
         outcome, succeeded_count, failed_count, details, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, COALESCE($13::timestamptz, now())) RETURNING *`,
      entryParams(entry),
    );
    return row!;
  }

  /** Entries matching every given filter, newest first (`limit` default 50, at most 200; `offset` 0..100,000). */
  async list(filter: AuditFilter & { limit?: number | undefined; offset?: number | undefined } = {}): Promise<AuditEntry[]> {
    const w = where(filter);
    const n = limit(filter.limit, 50, 200);
    const offset = filter.offset === undefined ? 0 : int('offset', filter.offset, { min: 0, max: 100_000 });
    return this.db.query<AuditEntry & Record<string, unknown>>(
      `SELECT * FROM ops_audit_entries ${w.sql} ORDER BY occurred_at DESC, id DESC LIMIT $${w.params.length + 1} OFFSET $${w.params.length + 2}`,
      [...w.params, n, offset],
    );
  }

  /** How many entries match (the `page.total` of an ops list). */
  async count(filter: AuditFilter = {}): Promise<number> {
    const w = where(filter);
    const [row] = await this.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM ops_audit_entries ${w.sql}`, w.params);
    return row!.n;
  }
}
