/**
 * The socket client's options: the public shape, the defaults (written once, with units in their names)
 * and their validation. An invalid option throws `CLI_ERR_INVALID_OPTION` naming it.
 */
import { realClock, type ClientClock } from '../clock.js';
import { HajimeClientError } from '../errors.js';
import { DEFAULT_RECONNECT, type ReconnectOptions } from './backoff.js';
import type { WebSocketConstructor } from './websocket.js';

/** Where the access token comes from: a fixed string, or a function asked at every (re)connect. */
export type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

export interface HajimeSocketOptions {
  /** The gateway URL, `ws://host:port/ws` or `wss://...`. */
  readonly url: string;
  /** The access token sent in `session.connect`. */
  readonly token?: TokenSource;
  /**
   * Asked once when `session.connect` is refused with `invalid_token`; a token it returns is tried once
   * more before giving up with `auth_expired` (`HajimeClient.socket()` refreshes the tokens here).
   */
  readonly renewToken?: () => Promise<string | undefined>;
  /** The WebSocket class (default: the global one, else the `ws` package). */
  readonly WebSocket?: WebSocketConstructor;
  /** Reconnect after a drop (default true, with {@link DEFAULT_RECONNECT}); `false` never reconnects. */
  readonly reconnect?: boolean | Partial<ReconnectOptions>;
  /** `session.heartbeat` period in ms (default 30 000; 0 turns it off). A heartbeat unanswered within `requestTimeoutMs` counts the connection as lost. */
  readonly heartbeatIntervalMs?: number;
  /** Default reply timeout of `send` in ms (default 10 000). */
  readonly requestTimeoutMs?: number;
  /** Time allowed to open the socket and authenticate, in ms (default 10 000). */
  readonly connectTimeoutMs?: number;
  /** Time source (default real time). */
  readonly clock?: ClientClock;
  /** Random numbers in [0, 1) for the backoff jitter (default `Math.random`). */
  readonly random?: () => number;
  /** Called when a listener throws (default `console.error`). */
  readonly onListenerError?: (error: unknown, event: string) => void;
}

/** The options with defaults filled in. */
export interface ResolvedSocketOptions {
  readonly url: string;
  readonly reconnect: ReconnectOptions | false;
  readonly heartbeatIntervalMs: number;
  readonly requestTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly clock: ClientClock;
  readonly random: () => number;
}

function invalid(option: string, why: string): HajimeClientError {
  return new HajimeClientError('CLI_ERR_INVALID_OPTION', { option, why }, { message: `option ${option} ${why}` });
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0) throw invalid(name, 'must be a number ≥ 0');
  return v;
}

function resolveReconnect(r: HajimeSocketOptions['reconnect']): ReconnectOptions | false {
  if (r === false) return false;
  const o = { ...DEFAULT_RECONNECT, ...(r === true || r === undefined ? {} : r) };
  for (const k of ['initialDelayMs', 'maxDelayMs', 'factor', 'maxAttempts'] as const) nonNegative(`reconnect.${k}`, o[k], 0);
  if (!(o.jitter >= 0 && o.jitter <= 1)) throw invalid('reconnect.jitter', 'must be between 0 and 1');
  return Object.freeze(o);
}

/** Validates the URL, fills the defaults of the timing options, validates them, freezes the result. */
export function resolveSocketOptions(options: HajimeSocketOptions): ResolvedSocketOptions {
  let protocol: string | undefined;
  try {
    protocol = new URL(options.url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'ws:' && protocol !== 'wss:') throw invalid('url', 'must be a ws:// or wss:// URL');
  return Object.freeze({
    url: options.url,
    reconnect: resolveReconnect(options.reconnect),
    heartbeatIntervalMs: nonNegative('heartbeatIntervalMs', options.heartbeatIntervalMs, 30_000),
    requestTimeoutMs: nonNegative('requestTimeoutMs', options.requestTimeoutMs, 10_000),
    connectTimeoutMs: nonNegative('connectTimeoutMs', options.connectTimeoutMs, 10_000),
    clock: options.clock ?? realClock,
    random: options.random ?? Math.random,
  });
}
