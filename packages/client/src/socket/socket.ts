/**
 * `HajimeSocket`: the WebSocket client of the asobi protocol (asobi-reference.md §4). `connect()` opens
 * the socket and authenticates with `session.connect`; `send()` numbers each request with a `cid` and
 * resolves with the reply that echoes it (or rejects with the `error` frame's code); `sendFire()` sends
 * without waiting; listeners receive every frame by type, `'*'`, and game events by `'match.*'` /
 * `'world.*'`. A heartbeat keeps the connection checked, and a dropped session reconnects with
 * exponential backoff and jitter, until the server refuses the credentials (`auth_expired`).
 */
import type { ClientTimer } from '../clock.js';
import { HajimeApiError, HajimeClientError, HajimeSocketError, isHajimeError } from '../errors.js';
import { stableJson } from '../internal/stable-json.js';
import { AUTH_REASONS, authFailureOf, isAuthClose } from './auth-failure.js';
import { backoffDelayMs } from './backoff.js';
import { ABNORMAL_CLOSURE, Connection } from './connection.js';
import { Emitter, type AuthExpiredEvent, type FrameListener, type SocketEventName, type SocketListener } from './events.js';
import { customEvent, type InboundPayloads, type InboundType, type ReplyPayloads, type RequestType, type ServerFrame, type SessionConnected } from './frames.js';
import { resolveSocketOptions, type HajimeSocketOptions, type ResolvedSocketOptions, type TokenSource } from './options.js';
import { PendingRequests } from './requests.js';
import { resolveWebSocket, type WebSocketConstructor } from './websocket.js';

/** `idle` (never connected), `connecting`, `open` (authenticated), `reconnecting`, `closed`. */
export type SocketState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The answer to a heartbeat: server time and what it says about the link. */
export interface HeartbeatResult {
  /** Server time, Unix ms. */
  readonly ts: number;
  /** Round trip in ms. */
  readonly rttMs: number;
  /** Estimated server clock minus local clock, in ms. */
  readonly offsetMs: number;
}

export interface SendOptions {
  /** Reply timeout in ms (default the socket's `requestTimeoutMs`, 10 000). */
  readonly timeoutMs?: number;
}

export interface FireOptions {
  /** Stamped as a top-level `seq` beside the payload (`world.input`). */
  readonly seq?: number;
  /** Skip the frame when its payload equals (structurally) the last one fired with this type. */
  readonly dedupe?: boolean;
}

/**
 * A WebSocket session with a Hajime (or asobi) server.
 *
 * @example
 * const socket = new HajimeSocket({ url: 'ws://localhost:8080/ws', token: accessToken });
 * socket.on('match.state', (state) => render(state));
 * socket.on('match.*', (payload, { event }) => console.log('game event', event, payload));
 * await socket.connect();
 * const joined = await socket.send('match.find_or_create', { mode: 'arena' });
 * socket.sendFire('match.input', { dx: 1 });
 */
export class HajimeSocket {
  /** The gateway URL. */
  readonly url: string;
  readonly #o: ResolvedSocketOptions;
  readonly #webSocket: WebSocketConstructor | undefined;
  readonly #renewToken: (() => Promise<string | undefined>) | undefined;
  readonly #emitter: Emitter;
  #token: TokenSource | undefined;
  #ctor: WebSocketConstructor | undefined;
  #conn: Connection | undefined;
  #state: SocketState = 'idle';
  #session: SessionConnected | undefined;
  readonly #requests: PendingRequests;
  /** Bumped by every (re)connect attempt and by `close()`: an attempt that sees another value stops. */
  #generation = 0;
  #connecting: Promise<SessionConnected> | undefined;
  #attempt = 0;
  #reconnectTimer: ClientTimer | undefined;
  #heartbeatTimer: ClientTimer | undefined;
  readonly #lastFired = new Map<string, string>();
  #offsetMs: number | undefined;

  constructor(options: HajimeSocketOptions) {
    this.#o = resolveSocketOptions(options);
    this.url = this.#o.url;
    this.#token = options.token;
    this.#renewToken = options.renewToken;
    this.#webSocket = options.WebSocket;
    this.#requests = new PendingRequests(this.#o.clock);
    const onListenerError = options.onListenerError ?? ((error: unknown, event: string) => console.error(`hajime: a listener of ${event} threw`, error));
    this.#emitter = new Emitter(onListenerError);
  }

  /** The connection state. */
  get state(): SocketState {
    return this.#state;
  }

  /** The current session (`{player_id, wire}`), while open. */
  get session(): SessionConnected | undefined {
    return this.#session;
  }

  /** Server clock minus local clock in ms, from the last heartbeat; undefined before the first. */
  get serverTimeOffsetMs(): number | undefined {
    return this.#offsetMs;
  }

  // ---------------------------------------------------------------------------------------------------
  // Listeners

  /**
   * Listens to a frame type, `'*'` (every frame), `'match.*'` / `'world.*'` (game-defined events) or a
   * lifecycle event. Returns a function that removes the listener.
   *
   * @example
   * const stop = socket.on('chat.message', (m) => show(m.sender_id, m.content));
   * socket.on('auth_expired', () => goToLogin());
   */
  on<K extends SocketEventName>(event: K, listener: SocketListener<K>): () => void;
  on(event: string, listener: FrameListener): () => void;
  on(event: string, listener: (...args: never[]) => void): () => void {
    return this.#emitter.on(event, listener);
  }

  /** Removes a listener added with {@link on}. */
  off<K extends SocketEventName>(event: K, listener: SocketListener<K>): void;
  off(event: string, listener: FrameListener): void;
  off(event: string, listener: (...args: never[]) => void): void {
    this.#emitter.off(event, listener);
  }

  // ---------------------------------------------------------------------------------------------------
  // Connecting

  /**
   * Opens the socket and authenticates (`session.connect` with the access token). Resolves with the
   * `session.connected` payload. Rejects with `CLI_ERR_NETWORK` / `CLI_ERR_TIMEOUT` when the server cannot
   * be reached (no automatic retry for the first connection), or with the server's `unauthenticated`
   * error (after emitting `auth_expired`) when the token is refused.
   */
  connect(): Promise<SessionConnected> {
    if (this.#state === 'open' && this.#session !== undefined) return Promise.resolve(this.#session);
    if (this.#connecting !== undefined) return this.#connecting;
    this.#cancelReconnect();
    this.#drop(new HajimeClientError('CLI_ERR_CLOSED')); // a reconnect attempt in flight gives way
    this.#attempt = 0;
    const attempt = this.#establish(++this.#generation, false).finally(() => {
      if (this.#connecting === attempt) this.#connecting = undefined;
    });
    this.#connecting = attempt;
    return attempt;
  }

  /**
   * Replaces the token source with this access token. While connected, re-authenticates the open socket
   * with it (resolving with the session); otherwise it is used by the next (re)connect.
   */
  async setToken(token: string): Promise<SessionConnected | undefined> {
    this.#token = token;
    if (this.#state !== 'open') return undefined;
    const session = await this.#request('session.connect', { token }, this.#o.connectTimeoutMs);
    this.#session = session as SessionConnected;
    return this.#session;
  }

  /** Closes the socket for good: no reconnect; pending requests reject with `CLI_ERR_CLOSED`. */
  close(): void {
    const wasOpen = this.#state === 'open';
    this.#generation++;
    this.#cancelReconnect();
    this.#drop(new HajimeClientError('CLI_ERR_CLOSED'), { reason: 'client_close' });
    this.#session = undefined;
    this.#state = 'closed';
    if (wasOpen) this.#emitter.emit('disconnected', [{ code: 1000, reason: 'client_close', willReconnect: false }]);
  }

  async #currentToken(): Promise<string | undefined> {
    const t = this.#token;
    return typeof t === 'function' ? t() : t;
  }

  #checkGeneration(generation: number): void {
    if (this.#generation !== generation) throw new HajimeClientError('CLI_ERR_CLOSED');
  }

  /** One connect attempt, bounded by `connectTimeoutMs`. On failure: reconnect later, stop, or expire. */
  async #establish(generation: number, reconnecting: boolean): Promise<SessionConnected> {
    this.#state = reconnecting ? 'reconnecting' : 'connecting';
    const timeoutMs = this.#o.connectTimeoutMs;
    let timer: ClientTimer | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.#o.clock.setTimer(() => reject(new HajimeClientError('CLI_ERR_TIMEOUT', { timeoutMs, phase: 'connect' })), timeoutMs);
    });
    const handshake = this.#handshake(generation);
    handshake.catch(() => {}); // when the timeout wins, the handshake's own failure is not news
    let session: SessionConnected;
    try {
      session = await Promise.race([handshake, timeout]);
    } catch (e) {
      if (this.#generation !== generation) throw isHajimeError(e, 'CLI_ERR_CLOSED') ? e : new HajimeClientError('CLI_ERR_CLOSED', {}, { cause: e });
      this.#generation++; // stops what is left of this attempt
      this.#drop(e);
      const auth = authFailureOf(e);
      if (auth !== undefined) {
        this.#state = 'closed';
        this.#emitter.emit('auth_expired', [auth]);
      } else if (reconnecting) {
        this.#scheduleReconnect();
      } else {
        this.#state = 'closed';
      }
      throw e;
    } finally {
      if (timer !== undefined) this.#o.clock.clearTimer(timer);
    }
    this.#checkGeneration(generation); // closed (by a listener of the reply) before this attempt finished
    this.#attempt = 0;
    this.#session = session;
    this.#state = 'open';
    this.#lastFired.clear();
    this.#scheduleHeartbeat();
    this.#emitter.emit('connected', [{ ...session, reconnected: reconnecting }]);
    return session;
  }

  async #handshake(generation: number): Promise<SessionConnected> {
    this.#ctor ??= await resolveWebSocket(this.#webSocket);
    this.#checkGeneration(generation);
    let token = await this.#currentToken();
    this.#checkGeneration(generation);
    if (token === undefined || token === '') throw new HajimeClientError('CLI_ERR_NOT_AUTHENTICATED', { need: 'access_token' });
    const conn = new Connection(this.#ctor, this.url, {
      frame: (text) => {
        if (this.#conn === conn) this.#onFrame(text);
      },
      closed: (code, reason) => {
        if (this.#conn === conn) this.#lost(code, reason);
      },
    });
    this.#conn = conn;
    await conn.opened;
    this.#checkGeneration(generation);
    try {
      return (await this.#request('session.connect', { token }, this.#o.connectTimeoutMs)) as SessionConnected;
    } catch (e) {
      if (this.#renewToken === undefined || !(e instanceof HajimeSocketError) || authFailureOf(e) === undefined) throw e;
      try {
        token = await this.#renewToken();
      } catch (renewal) {
        // The server refused the renewal too (a dead refresh token): the credentials are gone. Anything
        // else (the network) is not about the credentials: it is reported as it is.
        throw renewal instanceof HajimeApiError ? e : renewal;
      }
      this.#checkGeneration(generation);
      if (token === undefined) throw e;
      if (typeof this.#token !== 'function') this.#token = token;
      return (await this.#request('session.connect', { token }, this.#o.connectTimeoutMs)) as SessionConnected;
    }
  }

  /** An open session's connection ended (closed by the peer, or found dead by the heartbeat). */
  #lost(code: number, reason: string): void {
    this.#drop(new HajimeClientError('CLI_ERR_DISCONNECTED', { closeCode: code, closeReason: reason }), { hard: true });
    if (this.#state !== 'open') return; // a failed handshake is handled by #establish
    this.#session = undefined;
    if (isAuthClose(code, reason)) {
      this.#expire({ reason: reason || 'policy_violation', code: undefined, closeCode: code }, code, reason);
      return;
    }
    const willReconnect = this.#o.reconnect !== false && this.#o.reconnect.maxAttempts > 0;
    this.#state = willReconnect ? 'reconnecting' : 'closed';
    this.#emitter.emit('disconnected', [{ code, reason, willReconnect }]);
    if (willReconnect) this.#scheduleReconnect();
  }

  #expire(event: AuthExpiredEvent, code: number, reason: string): void {
    this.#state = 'closed';
    this.#emitter.emit('disconnected', [{ code, reason, willReconnect: false }]);
    this.#emitter.emit('auth_expired', [event]);
  }

  /** Drops the current connection (if any) and rejects every pending request with `error`. */
  #drop(error: unknown, options: { reason?: string; hard?: boolean } = {}): void {
    this.#cancelHeartbeat();
    const conn = this.#conn;
    this.#conn = undefined;
    conn?.abort(error, { code: 1000, ...options });
    this.#requests.rejectAll(error);
  }

  #scheduleReconnect(): void {
    const r = this.#o.reconnect;
    if (r === false) return;
    this.#attempt++;
    if (this.#attempt > r.maxAttempts) {
      this.#state = 'closed';
      this.#emitter.emit('reconnect_failed', [{ attempts: this.#attempt - 1 }]);
      return;
    }
    const attempt = this.#attempt;
    const delayMs = backoffDelayMs(attempt, r, this.#o.random());
    this.#state = 'reconnecting';
    this.#emitter.emit('reconnecting', [{ attempt, delayMs }]);
    this.#reconnectTimer = this.#o.clock.setTimer(() => {
      this.#reconnectTimer = undefined;
      // Failures schedule the next attempt (or expire) inside #establish.
      this.#establish(++this.#generation, true).catch(() => {});
    }, delayMs);
  }

  #cancelReconnect(): void {
    if (this.#reconnectTimer !== undefined) this.#o.clock.clearTimer(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
  }

  // ---------------------------------------------------------------------------------------------------
  // Heartbeat

  /**
   * Sends `session.heartbeat` now; resolves with the server time, the round trip and the clock offset.
   * The socket does this on its own every `heartbeatIntervalMs`.
   */
  async heartbeat(options: SendOptions = {}): Promise<HeartbeatResult> {
    const clock = this.#o.clock;
    const t0 = clock.now();
    const sentAt = clock.epochMs();
    const { ts } = await this.send('session.heartbeat', {}, options);
    const rttMs = clock.now() - t0;
    const offsetMs = ts - (sentAt + rttMs / 2);
    this.#offsetMs = offsetMs;
    return { ts, rttMs, offsetMs };
  }

  #scheduleHeartbeat(): void {
    if (this.#o.heartbeatIntervalMs <= 0) return;
    this.#heartbeatTimer = this.#o.clock.setTimer(() => {
      this.#heartbeatTimer = undefined;
      const conn = this.#conn;
      this.heartbeat().then(
        () => {
          if (this.#conn === conn && this.#state === 'open') this.#scheduleHeartbeat();
        },
        (e: unknown) => {
          if (this.#conn !== conn || this.#state !== 'open') return;
          if (isHajimeError(e, 'CLI_ERR_TIMEOUT')) this.#lost(ABNORMAL_CLOSURE, 'heartbeat_timeout');
          else this.#scheduleHeartbeat();
        },
      );
    }, this.#o.heartbeatIntervalMs);
  }

  #cancelHeartbeat(): void {
    if (this.#heartbeatTimer !== undefined) this.#o.clock.clearTimer(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
  }

  // ---------------------------------------------------------------------------------------------------
  // Sending

  /**
   * Sends a request and resolves with its reply's payload (the frame that echoes its `cid`). Rejects with
   * a {@link HajimeSocketError} carrying the wire code when the server answers with an `error` or
   * `rpc.error` frame, `CLI_ERR_TIMEOUT` after `timeoutMs`, `CLI_ERR_NOT_CONNECTED` when not connected,
   * `CLI_ERR_DISCONNECTED` if the socket drops first.
   *
   * @example
   * try {
   *   const match = await socket.send('match.join', { match_id });
   * } catch (e) {
   *   if (isHajimeError(e, 'match.full')) showFull();
   * }
   */
  send<K extends RequestType>(type: K, payload: InboundPayloads[K], options?: SendOptions): Promise<ReplyPayloads[K]>;
  send(type: string, payload: unknown, options?: SendOptions): Promise<unknown>;
  async send(type: string, payload: unknown, options: SendOptions = {}): Promise<unknown> {
    if (this.#state !== 'open') throw new HajimeClientError('CLI_ERR_NOT_CONNECTED', { type, state: this.#state });
    return this.#request(type, payload, options.timeoutMs ?? this.#o.requestTimeoutMs);
  }

  /**
   * Calls a server RPC (`rpc.call` with protocol 1) and resolves with its `result`; a refused call rejects
   * with a {@link HajimeSocketError} from the `rpc.error` frame (`rpc.unknown_method`, ...).
   */
  async rpc<R = unknown>(method: string, params: unknown = {}, options: SendOptions = {}): Promise<R> {
    const reply = await this.send('rpc.call', { protocol: 1, method, params }, options);
    return reply.result as R;
  }

  /**
   * Sends a frame without waiting for anything (inputs, chat). Returns false, without throwing, when the
   * socket is not open or `dedupe` skipped the frame.
   *
   * @example
   * socket.sendFire('world.input', { move: [1, 0] }, { seq: ++inputSeq });
   */
  sendFire<K extends InboundType>(type: K, payload: InboundPayloads[K], options?: FireOptions): boolean;
  sendFire(type: string, payload: unknown, options?: FireOptions): boolean;
  sendFire(type: string, payload: unknown, options: FireOptions = {}): boolean {
    const conn = this.#conn;
    if (this.#state !== 'open' || conn === undefined) return false;
    if (options.dedupe === true) {
      const key = stableJson(payload);
      if (this.#lastFired.get(type) === key) return false;
      this.#lastFired.set(type, key);
    }
    return conn.send(JSON.stringify(options.seq === undefined ? { type, payload } : { type, payload, seq: options.seq }));
  }

  #request(type: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    const conn = this.#conn;
    if (conn === undefined) return Promise.reject(new HajimeClientError('CLI_ERR_NOT_CONNECTED', { type, state: this.#state }));
    return this.#requests.start(type, timeoutMs, (cid) => conn.send(JSON.stringify({ type, cid, payload })));
  }

  // ---------------------------------------------------------------------------------------------------
  // Receiving

  #onFrame(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return; // not the protocol; nothing to do with it
    }
    const f = raw as { type?: unknown; payload?: unknown; cid?: unknown } | null;
    if (typeof f !== 'object' || f === null || typeof f.type !== 'string') return;
    const frame: ServerFrame = typeof f.cid === 'string' ? { type: f.type, payload: f.payload ?? {}, cid: f.cid } : { type: f.type, payload: f.payload ?? {} };
    const replied = this.#requests.reply(frame);
    this.#dispatch(frame);
    if (!replied && frame.type === 'error') {
      // An error pushed outside any request: a revoked or expired session ends here.
      const p = frame.payload as { reason?: unknown; error?: { code?: unknown } };
      const reason = typeof p.reason === 'string' ? p.reason : '';
      if (AUTH_REASONS.has(reason)) {
        const wasOpen = this.#state === 'open';
        this.#drop(new HajimeClientError('CLI_ERR_DISCONNECTED', { closeReason: reason }), { reason });
        if (!wasOpen) return; // the handshake fails with it and reports auth_expired
        this.#session = undefined;
        this.#expire({ reason, code: typeof p.error?.code === 'string' ? p.error.code : undefined, closeCode: undefined }, 1000, reason);
      }
    }
  }

  #dispatch(frame: ServerFrame): void {
    this.#emitter.emit(frame.type, [frame.payload, frame]);
    const custom = customEvent(frame.type);
    if (custom !== undefined) this.#emitter.emit(`${custom.scope}.*`, [frame.payload, { ...frame, ...custom }]);
    this.#emitter.emit('*', [frame]);
  }
}
