/**
 * The session a client holds: its access and refresh tokens, and the `onTokens` callback told of every
 * change (sign-in, refresh, upgrade, logout), so an application can persist them and hand them back to
 * the next `new HajimeClient({ accessToken, refreshToken })`.
 */

/** The tokens of a session. Tokens are opaque strings; never parse them. */
export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** Called with the new tokens whenever they change, or `null` when the session ends. */
export type OnTokens = (tokens: Tokens | null) => void;

export class TokenHolder {
  #access: string | undefined;
  #refresh: string | undefined;
  readonly #onTokens: OnTokens | undefined;

  constructor(initial: { accessToken?: string | undefined; refreshToken?: string | undefined }, onTokens: OnTokens | undefined) {
    this.#access = initial.accessToken;
    this.#refresh = initial.refreshToken;
    this.#onTokens = onTokens;
  }

  get accessToken(): string | undefined {
    return this.#access;
  }

  get refreshToken(): string | undefined {
    return this.#refresh;
  }

  /** Replaces both tokens and tells `onTokens`. */
  set(tokens: Tokens): void {
    this.#access = tokens.accessToken;
    this.#refresh = tokens.refreshToken;
    this.#tell({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
  }

  /** Forgets both tokens and tells `onTokens` (with `null`), unless there were none. */
  clear(): void {
    const had = this.#access !== undefined || this.#refresh !== undefined;
    this.#access = undefined;
    this.#refresh = undefined;
    if (had) this.#tell(null);
  }

  /** A callback that throws must not fail the sign-in or refresh that already happened on the server. */
  #tell(tokens: Tokens | null): void {
    try {
      this.#onTokens?.(tokens);
    } catch (error) {
      console.error('hajime: onTokens threw', error);
    }
  }
}
