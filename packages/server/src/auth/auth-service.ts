/**
 * Sessions: issuing, resolving, rotating and revoking tokens. Tokens are opaque 32 random bytes
 * (base64url) stored hashed; access 60 min, refresh 30 days, refresh tokens single-use in families with
 * reuse detection. Bearer resolution goes through an LRU auth cache keyed by a hash of the token
 * (positive 60 s, negative 5 s); revocation on this node is immediate (the cache forgets the token, its
 * family or its player at once) and listeners are told so live sessions can be closed.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '@hajime/actor';
import { newId, type Queryable, type Storage } from '@hajime/storage';
import { LRUCache } from 'lru-cache';
import { ApiError } from '../api-error.js';
import type { ResolvedOptions } from '../options.js';

export interface TokenPair {
  readonly access_token: string;
  readonly refresh_token: string;
}

/** Who a bearer token belongs to. */
export interface Principal {
  readonly playerId: string;
  readonly familyId: string | null;
  readonly tokenHash: string;
}

type CacheEntry = { readonly ok: true; readonly principal: Principal; readonly banned: boolean } | { readonly ok: false };

/** Why sessions were revoked (sent to listeners, e.g. the WebSocket gateway). */
export interface Revocation {
  readonly playerId: string;
  readonly reason: 'logout' | 'refresh_reuse' | 'guest_upgrade' | 'erased' | 'banned' | 'revoked';
  /** Only sessions of this family, when set; every session of the player otherwise. */
  readonly familyId?: string;
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}
function cacheKey(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export class AuthService {
  readonly #storage: Storage;
  readonly #clock: Clock;
  readonly #opts: ResolvedOptions['auth'];
  readonly #cache: LRUCache<string, CacheEntry>;
  /** Cache keys per player and per family, so a revocation forgets exactly those sessions. */
  readonly #byPlayer = new Map<string, Set<string>>();
  readonly #byFamily = new Map<string, Set<string>>();
  readonly #listeners = new Set<(r: Revocation) => void>();
  /** Bumped by every revocation on this node: a lookup that raced one is not cached. */
  #revocations = 0;

  constructor(storage: Storage, clock: Clock, opts: ResolvedOptions['auth']) {
    this.#storage = storage;
    this.#clock = clock;
    this.#opts = opts;
    this.#cache = new LRUCache<string, CacheEntry>({
      max: opts.authCache.maxEntries,
      ttl: opts.authCache.positiveTtlMs,
      perf: { now: () => clock.now() },
      dispose: (entry, key) => {
        if (!entry.ok) return;
        unindex(this.#byPlayer, entry.principal.playerId, key);
        if (entry.principal.familyId !== null) unindex(this.#byFamily, entry.principal.familyId, key);
      },
    });
  }

  #now(): Date {
    return new Date(this.#clock.epochMs());
  }

  /** Subscribes to revocations; returns an unsubscribe function. */
  onRevoke(listener: (r: Revocation) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(r: Revocation): void {
    this.#revocations++;
    for (const l of this.#listeners) l(r);
  }

  /** Issues a fresh access + refresh pair in a new family (inside `tx` when given). */
  async issuePair(playerId: string, tx?: Queryable): Promise<TokenPair> {
    return this.#issueIn(playerId, newId(), tx);
  }

  async #issueIn(playerId: string, familyId: string, tx?: Queryable): Promise<TokenPair> {
    const now = this.#clock.epochMs();
    const access = newToken();
    const refresh = newToken();
    await this.#storage.tokens.issue({ user_id: playerId, token: access, context: 'access', family_id: familyId, expires_at: new Date(now + this.#opts.accessTtlMs) }, tx);
    await this.#storage.tokens.issue({ user_id: playerId, token: refresh, context: 'refresh', family_id: familyId, expires_at: new Date(now + this.#opts.refreshTtlMs) }, tx);
    return { access_token: access, refresh_token: refresh };
  }

  /**
   * Rotates a refresh token: single use; a reused token burns its whole family (and its live sessions).
   * Throws `unauthenticated` with `details.reason` (`invalid_refresh_token`, `refresh_token_reused`).
   */
  async refresh(refreshToken: unknown): Promise<TokenPair & { player_id: string }> {
    if (typeof refreshToken !== 'string' || refreshToken.length === 0 || refreshToken.length > 512) throw new ApiError('unauthenticated', { reason: 'invalid_refresh_token' });
    const used = await this.#storage.driver.transaction(async (tx) => {
      const r = await this.#storage.tokens.useRefresh(refreshToken, this.#now(), tx);
      if (!r.ok) return r;
      const pair = await this.#issueIn(r.token.user_id, r.token.family_id ?? newId(), tx);
      return { ok: true as const, player_id: r.token.user_id, pair };
    });
    if (!used.ok) {
      if (used.reason === 'reused') {
        const [row] = await this.#storage.driver.query<{ user_id: string; family_id: string | null }>(
          "SELECT user_id, family_id FROM player_tokens WHERE token = $1 AND context = 'refresh'",
          [createHash('sha256').update(refreshToken, 'utf8').digest('hex')],
        );
        if (row?.family_id != null) this.#forgetFamily(row.user_id, row.family_id, 'refresh_reuse');
        throw new ApiError('unauthenticated', { reason: 'refresh_token_reused' });
      }
      throw new ApiError('unauthenticated', { reason: 'invalid_refresh_token' });
    }
    return { ...used.pair, player_id: used.player_id };
  }

  /**
   * Resolves a bearer token to its principal, through the cache. Returns undefined for unknown, expired
   * or revoked tokens; `banned` is reported so the caller can refuse with `forbidden`.
   */
  async resolve(token: string): Promise<{ principal: Principal; banned: boolean } | undefined> {
    if (token.length === 0 || token.length > 512) return undefined;
    const key = cacheKey(token);
    let entry = this.#cache.get(key);
    if (entry === undefined) {
      const generation = this.#revocations;
      let row = await this.#storage.tokens.resolve(token, 'access', this.#now());
      // A revocation committed while we read: read again, so a revoked token is never cached as valid.
      if (generation !== this.#revocations) row = await this.#storage.tokens.resolve(token, 'access', this.#now());
      entry = row === undefined ? { ok: false } : { ok: true, principal: { playerId: row.user_id, familyId: row.family_id, tokenHash: key }, banned: row.banned_at !== null };
      this.#cache.set(key, entry, entry.ok ? {} : { ttl: this.#opts.authCache.negativeTtlMs });
      if (entry.ok) {
        index(this.#byPlayer, entry.principal.playerId, key);
        if (entry.principal.familyId !== null) index(this.#byFamily, entry.principal.familyId, key);
      }
    }
    if (!entry.ok) return undefined;
    return { principal: entry.principal, banned: entry.banned };
  }

  /** Logout: revokes the refresh token's whole family and the presented access token. Never fails. */
  async logout(refreshToken: unknown, accessToken: string | undefined): Promise<void> {
    const now = this.#now();
    if (typeof refreshToken === 'string' && refreshToken.length > 0 && refreshToken.length <= 512) {
      const row = await this.#storage.tokens.revoke(refreshToken, 'refresh', now);
      if (row?.family_id != null) {
        await this.#storage.tokens.revokeFamily(row.family_id, now);
        this.#forgetFamily(row.user_id, row.family_id, 'logout');
      }
    }
    if (accessToken !== undefined) {
      const row = await this.#storage.tokens.revoke(accessToken, 'access', now);
      this.#cache.delete(cacheKey(accessToken));
      if (row !== undefined) this.#emit({ playerId: row.user_id, reason: 'logout', ...(row.family_id === null ? {} : { familyId: row.family_id }) });
    }
  }

  /** Revokes every session of a player (guest upgrade, erasure, ban), in `tx` when given. */
  async revokeAll(playerId: string, reason: Revocation['reason'], tx?: Queryable): Promise<void> {
    await this.#storage.tokens.revokeAllForPlayer(playerId, this.#now(), tx);
    this.forgetPlayer(playerId, reason);
  }

  /** Forgets cached sessions of a player on this node and tells listeners (after a revoke committed). */
  forgetPlayer(playerId: string, reason: Revocation['reason']): void {
    for (const key of [...(this.#byPlayer.get(playerId) ?? [])]) this.#cache.delete(key);
    this.#emit({ playerId, reason });
  }

  #forgetFamily(playerId: string, familyId: string, reason: Revocation['reason']): void {
    for (const key of [...(this.#byFamily.get(familyId) ?? [])]) this.#cache.delete(key);
    this.#emit({ playerId, reason, familyId });
  }
}

function index(map: Map<string, Set<string>>, id: string, key: string): void {
  let set = map.get(id);
  if (set === undefined) map.set(id, (set = new Set()));
  set.add(key);
}

function unindex(map: Map<string, Set<string>>, id: string, key: string): void {
  const set = map.get(id);
  if (set === undefined) return;
  set.delete(key);
  if (set.size === 0) map.delete(id);
}
