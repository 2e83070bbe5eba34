/**
 * `client.players`: the `/api/v1/players` routes (asobi-reference.md §2.4): any player's public profile,
 * updating your own, and erasing your own account.
 */
import type { TokenHolder } from '../tokens.js';
import { seg, type RestTransport } from './transport.js';

/** A public profile (never the password hash or the ban). */
export interface PlayerProfile {
  readonly id: string;
  readonly username: string;
  readonly display_name: string | null;
  readonly avatar_url: string | null;
  readonly metadata: Record<string, unknown>;
  /** ISO 8601. */
  readonly inserted_at: string;
  /** ISO 8601. */
  readonly updated_at: string;
}

/** The fields a player may change on their own profile; `null` clears one. */
export interface PlayerUpdate {
  readonly display_name?: string | null;
  readonly avatar_url?: string | null;
  readonly metadata?: Record<string, unknown>;
}

export class PlayersApi {
  readonly #http: RestTransport;
  readonly #tokens: TokenHolder;

  constructor(http: RestTransport, tokens: TokenHolder) {
    this.#http = http;
    this.#tokens = tokens;
  }

  /** A player's public profile. Errors: 404 `player.not_found`. */
  get(playerId: string): Promise<PlayerProfile> {
    return this.#http.request<PlayerProfile>({ method: 'GET', path: `/players/${seg(playerId)}` });
  }

  /**
   * Updates your own profile (another player's id: 403 `forbidden`).
   *
   * @example
   * await client.players.update(me.player_id, { display_name: 'Alice', metadata: { color: 'teal' } });
   */
  update(playerId: string, update: PlayerUpdate): Promise<PlayerProfile> {
    return this.#http.request<PlayerProfile>({ method: 'PUT', path: `/players/${seg(playerId)}`, body: update });
  }

  /**
   * Erases your account and its data, then forgets the tokens. Password accounts confirm with the password
   * (wrong: 403 `player.confirmation_failed`); guests and provider-only accounts pass nothing.
   */
  async eraseSelf(confirm: { readonly password?: string } = {}): Promise<{ readonly deleted: true }> {
    const r = await this.#http.request<{ readonly deleted: true }>({ method: 'POST', path: '/players/me/erase', body: confirm.password === undefined ? {} : { password: confirm.password } });
    this.#tokens.clear();
    return r;
  }
}
