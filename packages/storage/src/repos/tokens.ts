/**
 * Session tokens: opaque strings the client holds, stored only as SHA-256. Access tokens live 60 min,
 * refresh tokens 30 days; refresh tokens belong to a family, are single-use, and reusing a used one burns
 * the whole family (reuse detection). Expiry is checked against the time the caller passes in.
 */
import type { Driver, Queryable } from '../driver.js';
import { newId, type PlayerId } from '../ids.js';
import { hashToken } from '../internal/tokens-hash.js';
import { text, uuid } from '../internal/validate.js';

export type TokenContext = 'access' | 'refresh';

export interface TokenRow {
  readonly id: string;
  readonly user_id: PlayerId;
  readonly context: TokenContext;
  readonly family_id: string | null;
  readonly used_at: Date | null;
  readonly revoked_at: Date | null;
  readonly expires_at: Date;
  readonly inserted_at: Date;
}

/** A token that resolved: the row plus the player's ban state. */
export interface ResolvedToken extends TokenRow {
  readonly banned_at: Date | null;
}

/** Outcome of {@link TokensRepo.useRefresh}. */
export type RefreshUse =
  | { readonly ok: true; readonly token: TokenRow }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'revoked' | 'reused' };

const COLS = 'id, user_id, context, family_id, used_at, revoked_at, expires_at, inserted_at';

export class TokensRepo {
  constructor(private readonly db: Driver) {}

  /** Stores a token (hashed). `family_id` groups refresh tokens; access tokens may carry it too. */
  async issue(input: { user_id: string; token: string; context: TokenContext; family_id?: string | null; expires_at: Date }, tx: Queryable = this.db): Promise<TokenRow> {
    const [row] = await tx.query<TokenRow & Record<string, unknown>>(
      `INSERT INTO player_tokens (id, user_id, token, context, family_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLS}`,
      [newId(), uuid('user_id', input.user_id), hashToken(text('token', input.token, { min: 16, max: 512 })), input.context, input.family_id ?? null, input.expires_at],
    );
    return row!;
  }

  /** Resolves a live token: not revoked, not expired at `now`, and (refresh) not used. */
  async resolve(token: string, context: TokenContext, now: Date): Promise<ResolvedToken | undefined> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 512) return undefined;
    const [row] = await this.db.query<ResolvedToken & Record<string, unknown>>(
      `SELECT t.id, t.user_id, t.context, t.family_id, t.used_at, t.revoked_at, t.expires_at, t.inserted_at, p.banned_at
         FROM player_tokens t JOIN players p ON p.id = t.user_id
        WHERE t.token = $1 AND t.context = $2 AND t.revoked_at IS NULL AND t.expires_at > $3
          AND (t.context = 'access' OR t.used_at IS NULL)`,
      [hashToken(token), context, now],
    );
    return row;
  }

  /**
   * Uses a refresh token once, atomically. A token already used means it leaked: the whole family is
   * revoked and the answer is `reused`.
   */
  async useRefresh(token: string, now: Date, tx: Queryable = this.db): Promise<RefreshUse> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 512) return { ok: false, reason: 'unknown' };
    const hash = hashToken(token);
    const [used] = await tx.query<TokenRow & Record<string, unknown>>(
      `UPDATE player_tokens SET used_at = $2
        WHERE token = $1 AND context = 'refresh' AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
        RETURNING ${COLS}`,
      [hash, now],
    );
    if (used !== undefined) return { ok: true, token: used };
    const [row] = await tx.query<TokenRow & Record<string, unknown>>(`SELECT ${COLS} FROM player_tokens WHERE token = $1 AND context = 'refresh'`, [hash]);
    if (row === undefined) return { ok: false, reason: 'unknown' };
    if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
    if (row.used_at !== null) {
      if (row.family_id !== null) await this.revokeFamily(row.family_id, now, tx);
      return { ok: false, reason: 'reused' };
    }
    return { ok: false, reason: 'expired' };
  }

  /** Revokes every token of a family; returns how many were live. */
  async revokeFamily(familyId: string, now: Date, tx: Queryable = this.db): Promise<number> {
    const rows = await tx.query('UPDATE player_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL RETURNING id', [uuid('family_id', familyId), now]);
    return rows.length;
  }

  /** Revokes one token (access or refresh) by its value; returns the row if it existed. */
  async revoke(token: string, context: TokenContext, now: Date, tx: Queryable = this.db): Promise<TokenRow | undefined> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 512) return undefined;
    const [row] = await tx.query<TokenRow & Record<string, unknown>>(
      `UPDATE player_tokens SET revoked_at = COALESCE(revoked_at, $3) WHERE token = $1 AND context = $2 RETURNING ${COLS}`,
      [hashToken(token), context, now],
    );
    return row;
  }

  /** Revokes every token of a player (guest upgrade, password change, ban). */
  async revokeAllForPlayer(playerId: string, now: Date, tx: Queryable = this.db): Promise<number> {
    const rows = await tx.query('UPDATE player_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING id', [uuid('player_id', playerId), now]);
    return rows.length;
  }

  /** Deletes tokens expired before `before`; returns how many. */
  async deleteExpired(before: Date): Promise<number> {
    const rows = await this.db.query('DELETE FROM player_tokens WHERE expires_at < $1 RETURNING id', [before]);
    return rows.length;
  }

}
