/**
 * Zone snapshots (`zone_snapshots`): the last persisted state of each zone of a persistent world, one row
 * per (world_id, zone_x, zone_y), overwritten by every snapshot (asobi §2.8: written every
 * `snapshot_interval` ticks and on stop, restored when a zone starts blank). `saveMany` writes a batch
 * (the per-node snapshotter) in one transaction.
 */
import type { Driver, Queryable } from '../driver.js';
import { StorageError } from '../errors.js';
import { newId } from '../ids.js';
import { date, int, invalid, object, text } from '../internal/validate.js';

/** World ids: 1..128 bytes of printable ASCII, no spaces. */
export const WORLD_ID_RE = /^[\x21-\x7e]{1,128}$/;
/** Size caps (bytes of JSON): entities, and each of the other three state objects. */
export const ZONE_ENTITIES_MAX_BYTES = 8 * 1024 * 1024;
export const ZONE_STATE_MAX_BYTES = 1024 * 1024;
/** Most snapshots one `saveMany` call may write. */
export const ZONE_BATCH_MAX = 10_000;

const INT4 = { min: -2_147_483_648, max: 2_147_483_647 };

export interface ZoneSnapshot {
  readonly id: string;
  readonly world_id: string;
  readonly zone_x: number;
  readonly zone_y: number;
  /** Entities by id (only `persistent` ones are meaningful after a restore). */
  readonly entities: Record<string, unknown>;
  readonly zone_state: Record<string, unknown>;
  readonly entity_timers: Record<string, unknown>;
  readonly spawner_state: Record<string, unknown>;
  /** The world tick the snapshot was taken at. */
  readonly tick: number;
  readonly snapshot_at: Date;
}

export interface NewZoneSnapshot {
  readonly world_id: string;
  readonly zone_x: number;
  readonly zone_y: number;
  readonly entities?: Record<string, unknown>;
  readonly zone_state?: Record<string, unknown>;
  readonly entity_timers?: Record<string, unknown>;
  readonly spawner_state?: Record<string, unknown>;
  /** ≥ 0. */
  readonly tick: number;
  /** Default: now. */
  readonly snapshot_at?: Date;
}

function worldId(v: unknown): string {
  const s = text('world_id', v, { max: 128 });
  if (!WORLD_ID_RE.test(s)) throw invalid('world_id', 'printable ASCII without spaces, 1..128 long');
  return s;
}

function params(s: NewZoneSnapshot): unknown[] {
  if (typeof s !== 'object' || s === null) throw invalid('snapshot', 'must be an object');
  return [
    newId(),
    worldId(s.world_id),
    int('zone_x', s.zone_x, INT4),
    int('zone_y', s.zone_y, INT4),
    object('entities', s.entities ?? {}, ZONE_ENTITIES_MAX_BYTES),
    object('zone_state', s.zone_state ?? {}, ZONE_STATE_MAX_BYTES),
    object('entity_timers', s.entity_timers ?? {}, ZONE_STATE_MAX_BYTES),
    object('spawner_state', s.spawner_state ?? {}, ZONE_STATE_MAX_BYTES),
    int('tick', s.tick, { min: 0 }),
    s.snapshot_at === undefined ? null : date('snapshot_at', s.snapshot_at),
  ];
}

const UPSERT = `INSERT INTO zone_snapshots (id, world_id, zone_x, zone_y, entities, zone_state, entity_timers, spawner_state, tick, snapshot_at)
  VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, $9, COALESCE($10::timestamptz, now()))
  ON CONFLICT (world_id, zone_x, zone_y) DO UPDATE SET entities = EXCLUDED.entities, zone_state = EXCLUDED.zone_state,
    entity_timers = EXCLUDED.entity_timers, spawner_state = EXCLUDED.spawner_state, tick = EXCLUDED.tick, snapshot_at = EXCLUDED.snapshot_at
  RETURNING *`;

async function upsert(q: Queryable, p: unknown[]): Promise<ZoneSnapshot> {
  const [row] = await q.query<ZoneSnapshot & Record<string, unknown>>(UPSERT, p);
  return row!;
}

export class ZonesRepo {
  constructor(protected readonly db: Driver) {}

  /**
   * Writes a zone's snapshot, replacing the previous one (the row keeps its id).
   *
   * @example
   * await storage.zones.save({ world_id: worldId, zone_x: 3, zone_y: 4, entities, zone_state, tick: 1200 });
   */
  async save(snapshot: NewZoneSnapshot): Promise<ZoneSnapshot> {
    return upsert(this.db, params(snapshot));
  }

  /** Writes several snapshots in one transaction (all or none); a zone named twice is refused. Returns how many. */
  async saveMany(snapshots: readonly NewZoneSnapshot[]): Promise<{ saved: number }> {
    if (!Array.isArray(snapshots)) throw invalid('snapshots', 'must be an array');
    if (snapshots.length > ZONE_BATCH_MAX) throw new StorageError('STO_ERR_TOO_LARGE', { details: { field: 'snapshots', limit: ZONE_BATCH_MAX } });
    const all = snapshots.map((s: NewZoneSnapshot) => params(s));
    const keys = new Set(all.map((p) => `${String(p[1])}\u0000${String(p[2])}\u0000${String(p[3])}`));
    if (keys.size !== all.length) throw invalid('snapshots', 'must not name a zone twice');
    if (all.length === 0) return { saved: 0 };
    await this.db.transaction(async (tx) => {
      for (const p of all) await upsert(tx, p);
    });
    return { saved: all.length };
  }

  /** A zone's snapshot, or undefined. */
  async load(world: string, x: number, y: number): Promise<ZoneSnapshot | undefined> {
    const [row] = await this.db.query<ZoneSnapshot & Record<string, unknown>>('SELECT * FROM zone_snapshots WHERE world_id = $1 AND zone_x = $2 AND zone_y = $3', [
      worldId(world),
      int('zone_x', x, INT4),
      int('zone_y', y, INT4),
    ]);
    return row;
  }

  /** Every snapshot of a world, by zone_x then zone_y. An unknown world is `[]`. */
  async list(world: string): Promise<ZoneSnapshot[]> {
    return this.db.query<ZoneSnapshot & Record<string, unknown>>('SELECT * FROM zone_snapshots WHERE world_id = $1 ORDER BY zone_x, zone_y', [worldId(world)]);
  }

  /** Deletes every snapshot of a world; returns how many. */
  async deleteWorld(world: string): Promise<{ deleted: number }> {
    const rows = await this.db.query('DELETE FROM zone_snapshots WHERE world_id = $1 RETURNING id', [worldId(world)]);
    return { deleted: rows.length };
  }
}
