/**
 * Players and their linked identities (password, guest device, OAuth/OIDC providers, Steam). Rows come
 * back with their column names, which are also the asobi wire field names.
 */
import type { Driver, Queryable } from '../driver.js';
import { StorageError, isStorageError } from '../errors.js';
import { newId, type PlayerId } from '../ids.js';
import { METADATA_MAX_BYTES, object, optText, text, uuid } from '../internal/validate.js';

export interface Player {
  readonly id: PlayerId;
  readonly username: string;
  readonly display_name: string | null;
  readonly avatar_url: string | null;
  readonly hashed_password: string | null;
  readonly metadata: Record<string, unknown>;
  readonly banned_at: Date | null;
  readonly inserted_at: Date;
  readonly updated_at: Date;
}

export interface Identity {
  readonly id: string;
  readonly player_id: PlayerId;
  readonly provider: string;
  readonly provider_uid: string;
  readonly provider_email: string | null;
  readonly provider_display_name: string | null;
  readonly provider_metadata: Record<string, unknown>;
  readonly inserted_at: Date;
  readonly updated_at: Date;
}

export interface NewPlayer {
  readonly username: string;
  readonly display_name?: string | null;
  readonly avatar_url?: string | null;
  readonly hashed_password?: string | null;
  readonly metadata?: Record<string, unknown>;
}

export interface NewIdentity {
  readonly provider: string;
  readonly provider_uid: string;
  readonly provider_email?: string | null;
  readonly provider_display_name?: string | null;
  readonly provider_metadata?: Record<string, unknown>;
}

/** Username rules: 3..32 characters of letters, digits, `_`, `-`, `.`. */
export const USERNAME_RE = /^[A-Za-z0-9_.-]{3,32}$/;

function username(v: unknown): string {
  const s = text('username', v, { min: 3, max: 32 });
  if (!USERNAME_RE.test(s)) throw new StorageError('STO_ERR_INVALID_INPUT', { details: { field: 'username', why: 'letters, digits, _ - . only, 3..32 long' } });
  return s;
}

export class PlayersRepo {
  constructor(private readonly db: Driver) {}

  /** Creates a player. `STO_ERR_USERNAME_TAKEN` if the username exists. */
  async create(input: NewPlayer, tx: Queryable = this.db): Promise<Player> {
    const params = [
      newId<PlayerId>(),
      username(input.username),
      optText('display_name', input.display_name, { max: 64 }),
      optText('avatar_url', input.avatar_url, { max: 1024 }),
      optText('hashed_password', input.hashed_password, { max: 512 }),
      object('metadata', input.metadata ?? {}, METADATA_MAX_BYTES),
    ];
    try {
      const [row] = await tx.query<Player & Record<string, unknown>>(
        `INSERT INTO players (id, username, display_name, avatar_url, hashed_password, metadata)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING *`,
        params,
      );
      return row!;
    } catch (e) {
      if (isStorageError(e, 'STO_ERR_CONFLICT') && e.details?.['constraint'] === 'players_username_key') {
        throw new StorageError('STO_ERR_USERNAME_TAKEN', { details: { username: input.username } });
      }
      throw e;
    }
  }

  async get(id: string, tx: Queryable = this.db): Promise<Player | undefined> {
    const [row] = await tx.query<Player & Record<string, unknown>>('SELECT * FROM players WHERE id = $1', [uuid('id', id)]);
    return row;
  }

  /** Like {@link get} but `STO_ERR_NOT_FOUND` when missing. */
  async require(id: string, tx: Queryable = this.db): Promise<Player> {
    const p = await this.get(id, tx);
    if (p === undefined) throw new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: id } });
    return p;
  }

  async getByUsername(name: string): Promise<Player | undefined> {
    if (typeof name !== 'string' || name.length > 64) return undefined;
    const [row] = await this.db.query<Player & Record<string, unknown>>('SELECT * FROM players WHERE username = $1', [name]);
    return row;
  }

  /** Updates profile fields (only those given). `STO_ERR_NOT_FOUND` if the player does not exist. */
  async update(id: string, patch: { display_name?: string | null; avatar_url?: string | null; metadata?: Record<string, unknown> }): Promise<Player> {
    const sets: string[] = [];
    const params: unknown[] = [uuid('id', id)];
    if (patch.display_name !== undefined) {
      params.push(optText('display_name', patch.display_name, { max: 64 }));
      sets.push(`display_name = $${params.length}`);
    }
    if (patch.avatar_url !== undefined) {
      params.push(optText('avatar_url', patch.avatar_url, { max: 1024 }));
      sets.push(`avatar_url = $${params.length}`);
    }
    if (patch.metadata !== undefined) {
      params.push(object('metadata', patch.metadata, METADATA_MAX_BYTES));
      sets.push(`metadata = $${params.length}::jsonb`);
    }
    const [row] = await this.db.query<Player & Record<string, unknown>>(
      `UPDATE players SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING *`,
      params,
    );
    if (row === undefined) throw new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: id } });
    return row;
  }

  /** Sets (or clears, with null) the password hash. */
  async setPassword(id: string, hashedPassword: string | null, tx: Queryable = this.db): Promise<void> {
    const rows = await tx.query('UPDATE players SET hashed_password = $2, updated_at = now() WHERE id = $1 RETURNING id', [
      uuid('id', id),
      optText('hashed_password', hashedPassword, { max: 512 }),
    ]);
    if (rows.length === 0) throw new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: id } });
  }

  /** Changes the username (guest upgrade). `STO_ERR_USERNAME_TAKEN` if taken. */
  async rename(id: string, newUsername: string, tx: Queryable = this.db): Promise<void> {
    try {
      const rows = await tx.query('UPDATE players SET username = $2, updated_at = now() WHERE id = $1 RETURNING id', [uuid('id', id), username(newUsername)]);
      if (rows.length === 0) throw new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: id } });
    } catch (e) {
      if (isStorageError(e, 'STO_ERR_CONFLICT')) throw new StorageError('STO_ERR_USERNAME_TAKEN', { details: { username: newUsername } });
      throw e;
    }
  }

  /** Bans (a date) or unbans (null). */
  async setBanned(id: string, bannedAt: Date | null): Promise<void> {
    const rows = await this.db.query('UPDATE players SET banned_at = $2, updated_at = now() WHERE id = $1 RETURNING id', [uuid('id', id), bannedAt]);
    if (rows.length === 0) throw new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: id } });
  }

  // ---- identities -------------------------------------------------------------------------------------

  /** Links an identity. `STO_ERR_IDENTITY_TAKEN` if that (provider, uid) is linked already; `STO_ERR_NOT_FOUND` for an unknown player. */
  async addIdentity(playerId: string, input: NewIdentity, tx: Queryable = this.db): Promise<Identity> {
    const params = [
      newId(),
      uuid('player_id', playerId),
      text('provider', input.provider, { max: 32 }),
      text('provider_uid', input.provider_uid, { max: 255 }),
      optText('provider_email', input.provider_email, { max: 320 }),
      optText('provider_display_name', input.provider_display_name, { max: 128 }),
      object('provider_metadata', input.provider_metadata ?? {}, METADATA_MAX_BYTES),
    ];
    try {
      const [row] = await tx.query<Identity & Record<string, unknown>>(
        `INSERT INTO player_identities (id, player_id, provider, provider_uid, provider_email, provider_display_name, provider_metadata)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING *`,
        params,
      );
      return row!;
    } catch (e) {
      if (isStorageError(e, 'STO_ERR_CONFLICT')) throw new StorageError('STO_ERR_IDENTITY_TAKEN', { details: { provider: input.provider } });
      throw e;
    }
  }

  async findIdentity(provider: string, providerUid: string, tx: Queryable = this.db): Promise<Identity | undefined> {
    const [row] = await tx.query<Identity & Record<string, unknown>>('SELECT * FROM player_identities WHERE provider = $1 AND provider_uid = $2', [
      text('provider', provider, { max: 32 }),
      text('provider_uid', providerUid, { max: 255 }),
    ]);
    return row;
  }

  async listIdentities(playerId: string, tx: Queryable = this.db): Promise<Identity[]> {
    return tx.query<Identity & Record<string, unknown>>('SELECT * FROM player_identities WHERE player_id = $1 ORDER BY inserted_at', [uuid('player_id', playerId)]);
  }

  /** Unlinks the player's identity of `provider`; returns whether one was removed. */
  async removeIdentity(playerId: string, provider: string, tx: Queryable = this.db): Promise<boolean> {
    const rows = await tx.query('DELETE FROM player_identities WHERE player_id = $1 AND provider = $2 RETURNING id', [uuid('player_id', playerId), text('provider', provider, { max: 32 })]);
    return rows.length > 0;
  }

  async setIdentityMetadata(identityId: string, metadata: Record<string, unknown>, tx: Queryable = this.db): Promise<void> {
    const rows = await tx.query('UPDATE player_identities SET provider_metadata = $2::jsonb, updated_at = now() WHERE id = $1 RETURNING id', [
      uuid('id', identityId),
      object('provider_metadata', metadata, METADATA_MAX_BYTES),
    ]);
    if (rows.length === 0) throw new StorageError('STO_ERR_NOT_FOUND', { details: { identity_id: identityId } });
  }

  /** How many identities of `provider` exist (the guest capacity check). */
  async countByProvider(provider: string): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM player_identities WHERE provider = $1', [text('provider', provider, { max: 32 })]);
    return row!.n;
  }
}
