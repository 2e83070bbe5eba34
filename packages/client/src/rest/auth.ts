/**
 * `client.auth`: the `/api/v1/auth/*` routes (asobi-reference.md §3.1-3.2). Every sign-in stores the new
 * tokens in the client (and tells `onTokens`); `logout` forgets them.
 */
import type { GuestDevice, GuestDeviceCredentials } from '../guest-device.js';
import type { TokenHolder, Tokens } from '../tokens.js';
import type { RestTransport } from './transport.js';

/** The identity providers `oauth` and `link` accept. */
export type AuthProvider = 'google' | 'apple' | 'microsoft' | 'discord' | 'steam' | (string & {});

/** What every sign-in answers. */
export interface AuthResponse {
  readonly player_id: string;
  readonly access_token: string;
  readonly refresh_token: string;
  readonly username: string;
  /** True on the first sign-in of a new player (OAuth, guest). */
  readonly created?: boolean;
  /** True for guest sign-ins. */
  readonly guest?: boolean;
  /** True when a guest was upgraded to a password account. */
  readonly upgraded?: boolean;
}

export interface RegisterRequest {
  readonly username: string;
  readonly password: string;
  readonly display_name?: string;
}

export interface LoginRequest {
  readonly username: string;
  readonly password: string;
}

export interface ProviderTokenRequest {
  readonly provider: AuthProvider;
  /** An OIDC ID token, or a Steam session ticket (hex). */
  readonly token: string;
}

export interface LinkResponse {
  readonly provider: string;
  readonly provider_uid: string;
  readonly linked: true;
}

export interface SuccessResponse {
  readonly success: true;
}

export class AuthApi {
  readonly #http: RestTransport;
  readonly #tokens: TokenHolder;
  readonly #device: GuestDevice;

  constructor(http: RestTransport, tokens: TokenHolder, device: GuestDevice) {
    this.#http = http;
    this.#tokens = tokens;
    this.#device = device;
  }

  async #signIn(path: string, body: unknown, auth: 'required' | 'none' = 'none'): Promise<AuthResponse> {
    const r = await this.#http.request<AuthResponse>({ method: 'POST', path, body, auth });
    this.#tokens.set({ accessToken: r.access_token, refreshToken: r.refresh_token });
    return r;
  }

  /**
   * Creates a password account and signs in. Errors: 409 `auth.username_taken`, 422 `validation_failed`
   * (`details.fields`), 403 `auth.registration_closed` / `auth.password_registration_disabled`.
   *
   * @example
   * const { player_id } = await client.auth.register({ username: 'alice', password: 'correct horse' });
   */
  register(request: RegisterRequest): Promise<AuthResponse> {
    return this.#signIn('/auth/register', request);
  }

  /** Signs in with username and password. Errors: 401 `auth.invalid_credentials`. */
  login(request: LoginRequest): Promise<AuthResponse> {
    return this.#signIn('/auth/login', request);
  }

  /** Signs in with a provider token (creates the player on first sign-in: `created: true`). */
  oauth(request: ProviderTokenRequest): Promise<AuthResponse> {
    return this.#signIn('/auth/oauth', request);
  }

  /**
   * Guest sign-in with explicit device credentials: creates the player the first time (`created: true`),
   * resumes it afterwards. Errors: 403 `guest.disabled`, 401 `guest.invalid_credentials`.
   */
  guest(credentials: GuestDeviceCredentials): Promise<AuthResponse> {
    return this.#signIn('/auth/guest', { device_id: credentials.device_id, device_secret: credentials.device_secret });
  }

  /**
   * Guest sign-in with this device's stored credentials (created and stored on first use; see
   * `client.device`). The usual one-liner for "play now without an account".
   *
   * @example
   * const me = await client.auth.guestDevice(); // same player every time on this device
   */
  async guestDevice(): Promise<AuthResponse> {
    return this.guest(await this.#device.loadOrCreate());
  }

  /**
   * Turns the signed-in guest into a password account, keeping the player id. The guest's old tokens are
   * revoked and the new pair stored. Errors: 409 `auth.username_taken`, `guest.already_upgraded`.
   * The device credentials no longer resume this player (a later guest sign-in with them starts a new
   * guest); `client.device.clear()` forgets them.
   */
  upgradeGuest(request: LoginRequest): Promise<AuthResponse> {
    return this.#signIn('/auth/guest/upgrade', request, 'required');
  }

  /** Rotates the tokens now (single flight with the automatic refresh on 401). */
  refresh(): Promise<Tokens> {
    return this.#http.refresh();
  }

  /**
   * Ends the session on the server (the refresh token's whole family and the access token) and forgets
   * the tokens locally, even when the server cannot be reached.
   */
  async logout(): Promise<SuccessResponse> {
    const refreshToken = this.#tokens.refreshToken;
    try {
      return await this.#http.request<SuccessResponse>({ method: 'POST', path: '/auth/logout', body: refreshToken === undefined ? {} : { refresh_token: refreshToken }, auth: 'optional' });
    } finally {
      this.#tokens.clear();
    }
  }

  /** Links a provider identity to the signed-in player. Errors: 409 `auth.provider_already_linked`. */
  link(request: ProviderTokenRequest): Promise<LinkResponse> {
    return this.#http.request<LinkResponse>({ method: 'POST', path: '/auth/link', body: request });
  }

  /** Unlinks a provider. Errors: 404 `auth.identity_not_found`, 422 `auth.last_auth_method`. */
  unlink(provider: AuthProvider): Promise<SuccessResponse> {
    return this.#http.request<SuccessResponse>({ method: 'DELETE', path: '/auth/unlink', query: { provider } });
  }
}
