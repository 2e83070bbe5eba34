/**
 * `Storage`: one driver, the migrations and every repository. `Storage.open()` picks the driver: Postgres
 * when a database URL is given, else the embedded PGlite (loaded only then) with its data in a folder.
 * A failed migration does not throw: the storage opens but `ready` is false and `migrationError` says
 * why, so the server can stay up and answer `/ready` with 503.
 *
 * @example
 * const storage = await Storage.open({ databaseUrl: process.env.DATABASE_URL, dataDir: './data' });
 * if (!storage.ready) throw storage.migrationError;
 * const player = await storage.players.create({ username: 'alice' });
 * await storage.economy.grant(player.id, 'gold', 100, { reason: 'welcome' });
 */
import type { Driver } from './driver.js';
import { openPGlite } from './drivers/pglite.js';
import { openPostgres } from './drivers/postgres.js';
import { StorageError } from './errors.js';
import { migrate, type Migration, type MigrationResult } from './migrate.js';
import { AuditRepo } from './repos/audit.js';
import { ChatRepo } from './repos/chat.js';
import { EconomyRepo } from './repos/economy.js';
import { ErasureRepo } from './repos/erasure.js';
import { IapRepo } from './repos/iap.js';
import { LeaderboardsRepo } from './repos/leaderboards.js';
import { MatchesRepo } from './repos/matches.js';
import { NotificationsRepo } from './repos/notifications.js';
import { ObjectsRepo } from './repos/objects.js';
import { PlayersRepo } from './repos/players.js';
import { SavesRepo } from './repos/saves.js';
import { SqlSnapshotStore } from './repos/snapshots.js';
import { SocialRepo } from './repos/social.js';
import { StatsRepo } from './repos/stats.js';
import { TokensRepo } from './repos/tokens.js';
import { TournamentsRepo } from './repos/tournaments.js';
import { VotesRepo } from './repos/votes.js';
import { ZonesRepo } from './repos/zones.js';

export interface StorageOptions {
  /** `postgres://...`: use a Postgres server. Undefined: the embedded database. */
  readonly databaseUrl?: string | undefined;
  /** Embedded data folder (default `./data`); `null` keeps the embedded database in memory. */
  readonly dataDir?: string | null | undefined;
  /** Postgres schema to use instead of `public` (created if missing). */
  readonly schema?: string | undefined;
  /** Postgres pool size (default 10). */
  readonly maxConnections?: number | undefined;
  /** Apply pending migrations on open (default true). */
  readonly migrate?: boolean | undefined;
  /** Migrations to apply instead of the package's own (tests). */
  readonly migrations?: readonly Migration[] | undefined;
}

/** Default embedded data folder, relative to the working directory. */
export const DEFAULT_DATA_DIR = './data';

export class Storage {
  readonly players: PlayersRepo;
  readonly tokens: TokensRepo;
  readonly stats: StatsRepo;
  readonly economy: EconomyRepo;
  readonly matches: MatchesRepo;
  readonly votes: VotesRepo;
  readonly leaderboards: LeaderboardsRepo;
  readonly tournaments: TournamentsRepo;
  readonly zones: ZonesRepo;
  readonly social: SocialRepo;
  readonly chat: ChatRepo;
  readonly notifications: NotificationsRepo;
  readonly saves: SavesRepo;
  readonly objects: ObjectsRepo;
  readonly iap: IapRepo;
  readonly audit: AuditRepo;
  readonly erasure: ErasureRepo;
  /** The `SnapshotStore` for `new ActorSystem({ snapshotStore })`. */
  readonly snapshots: SqlSnapshotStore;
  #ready = false;
  #migrationError: StorageError | undefined;
  #closed = false;

  private constructor(readonly driver: Driver) {
    this.players = new PlayersRepo(driver);
    this.tokens = new TokensRepo(driver);
    this.stats = new StatsRepo(driver);
    this.economy = new EconomyRepo(driver);
    this.matches = new MatchesRepo(driver);
    this.votes = new VotesRepo(driver);
    this.leaderboards = new LeaderboardsRepo(driver);
    this.tournaments = new TournamentsRepo(driver);
    this.zones = new ZonesRepo(driver);
    this.social = new SocialRepo(driver);
    this.chat = new ChatRepo(driver);
    this.notifications = new NotificationsRepo(driver);
    this.saves = new SavesRepo(driver);
    this.objects = new ObjectsRepo(driver);
    this.iap = new IapRepo(driver);
    this.audit = new AuditRepo(driver);
    this.erasure = new ErasureRepo(driver);
    this.snapshots = new SqlSnapshotStore(driver);
  }

  /** Opens the configured database and (by default) migrates it. Throws only if the database cannot be opened. */
  static async open(options: StorageOptions = {}): Promise<Storage> {
    const driver =
      options.databaseUrl !== undefined && options.databaseUrl !== ''
        ? await openPostgres({ url: options.databaseUrl, ...(options.schema === undefined ? {} : { schema: options.schema }), ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }) })
        : await openPGlite(options.dataDir === null ? {} : { dataDir: options.dataDir ?? DEFAULT_DATA_DIR });
    const storage = new Storage(driver);
    if (options.migrate !== false) await storage.migrate(options.migrations).catch(() => undefined);
    return storage;
  }

  /** Wraps an already open driver (tests, custom setups). */
  static fromDriver(driver: Driver): Storage {
    return new Storage(driver);
  }

  /** Which engine runs underneath. */
  get kind(): Driver['kind'] {
    return this.driver.kind;
  }

  /** True once migrations applied cleanly. */
  get ready(): boolean {
    return this.#ready && !this.#closed;
  }

  /** Why the last migration failed, if it did. */
  get migrationError(): StorageError | undefined {
    return this.#migrationError;
  }

  /** Applies pending migrations; sets `ready`, or `migrationError` and rethrows. */
  async migrate(migrations?: readonly Migration[]): Promise<MigrationResult> {
    try {
      const r = await migrate(this.driver, migrations);
      this.#ready = true;
      this.#migrationError = undefined;
      return r;
    } catch (e) {
      this.#ready = false;
      this.#migrationError = e as StorageError;
      throw e;
    }
  }

  /** Cheap liveness probe of the database. */
  async ping(): Promise<boolean> {
    try {
      await this.driver.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /** Closes the driver (PGlite flushes to its folder). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.driver.close();
  }
}
