/**
 * `HajimeClient`: the SDK's entry point. It holds the session's tokens, exposes one module per REST domain
 * (`client.auth`, `client.players`; later domains are added the same way: a class over the shared
 * {@link RestTransport}, constructed here), the device's guest credentials (`client.device`), and makes
 * WebSocket clients that authenticate with its tokens (`client.socket()`).
 */
import { realClock, type ClientClock } from './clock.js';
import { HajimeClientError } from './errors.js';
import { GuestDevice, type GuestDeviceStore } from './guest-device.js';
import { AuthApi } from './rest/auth.js';
import { MatchesApi, MatchmakerApi, VotesApi } from './rest/game.js';
import { ChatApi, EconomyApi, LeaderboardsApi, NotificationsApi, RpcApi, SavesApi, SocialApi, StorageApi, TournamentsApi } from './rest/domains.js';
import { PlayersApi } from './rest/players.js';
import { RestTransport, type FetchLike, type RequestOptions } from './rest/transport.js';
import type { HajimeSocketOptions } from './socket/options.js';
import { HajimeSocket } from './socket/socket.js';
import type { WebSocketConstructor } from './socket/websocket.js';
import { TokenHolder, type OnTokens, type Tokens } from './tokens.js';

export interface HajimeClientOptions {
  /** The server's root URL, e.g. `http://localhost:8080` (REST is under `/api/v1`, the socket at `/ws`). */
  readonly baseUrl: string;
  /** Tokens of a session saved earlier. */
  readonly accessToken?: string;
  readonly refreshToken?: string;
  /** Told of every change of the tokens (sign-in, refresh, upgrade), and `null` when the session ends. */
  readonly onTokens?: OnTokens;
  /** REST timeout in ms (default 30 000). */
  readonly timeoutMs?: number;
  /** `fetch` to use (default the global one). */
  readonly fetch?: FetchLike;
  /** Where guest device credentials are kept (default `localStorage` in browsers, memory in Node). */
  readonly guestStore?: GuestDeviceStore;
  /** The WebSocket class for `socket()` (default the global one, else the `ws` package). */
  readonly WebSocket?: WebSocketConstructor;
  /** Time source for timeouts, heartbeats and backoff (default real time). */
  readonly clock?: ClientClock;
}

/**
 * A client of one Hajime (or asobi) server.
 *
 * @example
 * const client = new HajimeClient({
 *   baseUrl: 'http://localhost:8080',
 *   ...savedTokens,
 *   onTokens: (tokens) => save(tokens),
 * });
 * const me = await client.auth.login({ username: 'alice', password: 'correct horse' });
 * const profile = await client.players.get(me.player_id);
 * const socket = client.socket();
 * await socket.connect();
 */
export class HajimeClient {
  /** The server's root URL, without a trailing slash. */
  readonly baseUrl: string;
  /** `${baseUrl}/api/v1`. */
  readonly apiUrl: string;
  /** The WebSocket gateway: `ws(s)://host/ws`. */
  readonly wsUrl: string;
  /** Sign-in, tokens, guests, providers. */
  readonly auth: AuthApi;
  /** Profiles and self-erasure. */
  readonly players: PlayersApi;
  /** Wallets, ledger, store and inventory. */
  /** Match records, live listings, a match's votes. */
  readonly matches: MatchesApi;
  /** Matchmaker tickets over REST (`match.matched` arrives on the socket). */
  readonly matchmaker: MatchmakerApi;
  readonly votes: VotesApi;
  readonly economy: EconomyApi;
  /** Leaderboards: top, around, submit. */
  readonly leaderboards: LeaderboardsApi;
  /** Chat history and direct messages over REST. */
  readonly chat: ChatApi;
  /** Tournaments: list, get, join. */
  readonly tournaments: TournamentsApi;
  /** Friends and groups. */
  readonly social: SocialApi;
  readonly notifications: NotificationsApi;
  /** Cloud save slots. */
  readonly saves: SavesApi;
  /** Key/value storage objects. */
  readonly storage: StorageApi;
  /** Server-registered RPC methods over REST. */
  readonly rpc: RpcApi;
  /** This device's guest credentials (used by `auth.guestDevice()`). */
  readonly device: GuestDevice;
  readonly #tokens: TokenHolder;
  readonly #http: RestTransport;
  readonly #webSocket: WebSocketConstructor | undefined;
  readonly #clock: ClientClock;

  constructor(options: HajimeClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new HajimeClientError('CLI_ERR_INVALID_OPTION', { option: 'baseUrl', why: 'must be an http:// or https:// URL' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HajimeClientError('CLI_ERR_INVALID_OPTION', { option: 'baseUrl', why: 'must be an http:// or https:// URL' });
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!(timeoutMs > 0)) throw new HajimeClientError('CLI_ERR_INVALID_OPTION', { option: 'timeoutMs', why: 'must be a number > 0' });
    const fetchImpl = options.fetch ?? (typeof globalThis.fetch === 'function' ? (globalThis.fetch.bind(globalThis) as FetchLike) : undefined);
    if (fetchImpl === undefined) throw new HajimeClientError('CLI_ERR_INVALID_OPTION', { option: 'fetch', why: 'no global fetch; pass one' });

    url.search = '';
    url.hash = '';
    this.baseUrl = url.toString().replace(/\/+$/, '').replace(/\/api\/v1$/, '');
    this.apiUrl = `${this.baseUrl}/api/v1`;
    this.wsUrl = `${this.baseUrl.replace(/^http/, 'ws')}/ws`;
    this.#clock = options.clock ?? realClock;
    this.#webSocket = options.WebSocket;
    this.#tokens = new TokenHolder({ accessToken: options.accessToken, refreshToken: options.refreshToken }, options.onTokens);
    this.#http = new RestTransport({ apiUrl: this.apiUrl, fetch: fetchImpl, clock: this.#clock, timeoutMs, tokens: this.#tokens });
    this.device = new GuestDevice(options.guestStore === undefined ? {} : { store: options.guestStore });
    this.auth = new AuthApi(this.#http, this.#tokens, this.device);
    this.players = new PlayersApi(this.#http, this.#tokens);
    this.matches = new MatchesApi(this.#http);
    this.matchmaker = new MatchmakerApi(this.#http);
    this.votes = new VotesApi(this.#http);
    this.economy = new EconomyApi(this.#http);
    this.leaderboards = new LeaderboardsApi(this.#http);
    this.chat = new ChatApi(this.#http);
    this.tournaments = new TournamentsApi(this.#http);
    this.social = new SocialApi(this.#http);
    this.notifications = new NotificationsApi(this.#http);
    this.saves = new SavesApi(this.#http);
    this.storage = new StorageApi(this.#http);
    this.rpc = new RpcApi(this.#http);
  }

  /** The current tokens, or undefined when signed out. */
  get tokens(): Tokens | undefined {
    const accessToken = this.#tokens.accessToken;
    const refreshToken = this.#tokens.refreshToken;
    return accessToken === undefined || refreshToken === undefined ? undefined : { accessToken, refreshToken };
  }

  get accessToken(): string | undefined {
    return this.#tokens.accessToken;
  }

  get refreshToken(): string | undefined {
    return this.#tokens.refreshToken;
  }

  /** Replaces the tokens (or forgets them with `null`); `onTokens` is told. */
  setTokens(tokens: Tokens | null): void {
    if (tokens === null) this.#tokens.clear();
    else this.#tokens.set(tokens);
  }

  /**
   * Calls a route no module covers yet, with the same bearer token, refresh-on-401 and errors.
   *
   * @example
   * const { worlds } = await client.request<{ worlds: unknown[] }>({ method: 'GET', path: '/worlds', query: { mode: 'arena' } });
   */
  request<T>(options: RequestOptions): Promise<T> {
    return this.#http.request<T>(options);
  }

  /**
   * A WebSocket client of this server that authenticates with this client's access token at every
   * (re)connect, and refreshes the tokens once when the server refuses an expired one.
   *
   * @example
   * const socket = client.socket({ heartbeatIntervalMs: 15_000 });
   * socket.on('auth_expired', () => showLogin());
   * await socket.connect();
   */
  socket(options: Partial<HajimeSocketOptions> = {}): HajimeSocket {
    const webSocket = options.WebSocket ?? this.#webSocket;
    return new HajimeSocket({
      url: this.wsUrl,
      token: () => this.#tokens.accessToken,
      renewToken: async () => (this.#tokens.refreshToken === undefined ? undefined : (await this.#http.refresh()).accessToken),
      clock: this.#clock,
      ...(webSocket === undefined ? {} : { WebSocket: webSocket }),
      ...options,
    });
  }
}
