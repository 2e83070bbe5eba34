/**
 * What a socket client emits, and to whom: every server frame by its type (`'match.state'`, `'error'`,
 * ...), every frame to `'*'`, game-defined events to `'match.*'` / `'world.*'`, and the connection's
 * lifecycle (`connected`, `disconnected`, `reconnecting`, `reconnect_failed`, `auth_expired`; no dot in
 * their names, so they never collide with a frame type). A listener that throws does not stop the others.
 */
import type { WireErrorCode } from '../errors.js';
import type { CustomEventFrame, OutboundPayloads, OutboundType, ServerFrame, SessionConnected } from './frames.js';

/** The session is (again) established. */
export type ConnectedEvent = SessionConnected & {
  /** True when this is an automatic reconnection, not the first `connect()`. */
  readonly reconnected: boolean;
};

/** The socket closed. */
export interface DisconnectedEvent {
  /** The close code (1006 when the connection was lost or declared dead by the heartbeat). */
  readonly code: number;
  readonly reason: string;
  /** True when the client will try to reconnect. */
  readonly willReconnect: boolean;
}

/** A reconnect attempt is scheduled. */
export interface ReconnectingEvent {
  /** 1 for the first attempt after a drop. */
  readonly attempt: number;
  readonly delayMs: number;
}

/** Reconnecting gave up after `maxAttempts`. */
export interface ReconnectFailedEvent {
  readonly attempts: number;
}

/**
 * The server refused the session's credentials, so the client stopped (no reconnect): refresh the tokens
 * and `connect()` again, or sign in anew. Raised by an `invalid_token` answer to `session.connect`, an
 * error or close with reason `session_revoked` / `idle_auth_timeout`, or any close 1008 (as asobi-js does)
 * except 1008 `rate_limited`, after which the client keeps reconnecting with backoff.
 */
export interface AuthExpiredEvent {
  /** `invalid_token`, `session_revoked`, `idle_auth_timeout`, `no_token`, or the close reason of a 1008 close. */
  readonly reason: string;
  /** The wire code when an error frame said so (`unauthenticated`). */
  readonly code: WireErrorCode | undefined;
  /** The close code when a close said so (1008). */
  readonly closeCode: number | undefined;
}

export interface LifecycleEvents {
  connected: [event: ConnectedEvent];
  disconnected: [event: DisconnectedEvent];
  reconnecting: [event: ReconnectingEvent];
  reconnect_failed: [event: ReconnectFailedEvent];
  auth_expired: [event: AuthExpiredEvent];
}

type FrameEvents = { [K in OutboundType]: [payload: OutboundPayloads[K], frame: ServerFrame<K, OutboundPayloads[K]>] };

/** Every event name with its listener's arguments. */
export type SocketEvents = FrameEvents &
  LifecycleEvents & {
    /** Every frame from the server, after its own listeners. */
    '*': [frame: ServerFrame];
    /** Game-defined `match.<event>` frames (not the protocol's own `match.*` types). */
    'match.*': [payload: unknown, frame: CustomEventFrame];
    /** Game-defined `world.<event>` frames. */
    'world.*': [payload: unknown, frame: CustomEventFrame];
  };

export type SocketEventName = keyof SocketEvents;
export type SocketListener<K extends SocketEventName> = (...args: SocketEvents[K]) => void;
/** A listener of a frame type the SDK does not know (a newer server's, or a game's `match.<event>`). */
export type FrameListener = (payload: unknown, frame: ServerFrame) => void;

type AnyListener = (...args: never[]) => void;

/** Listener sets by event name. */
export class Emitter {
  readonly #listeners = new Map<string, Set<AnyListener>>();
  readonly #onError: (error: unknown, event: string) => void;

  constructor(onError: (error: unknown, event: string) => void) {
    this.#onError = onError;
  }

  on(event: string, listener: AnyListener): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  off(event: string, listener: AnyListener): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    set.delete(listener);
    if (set.size === 0) this.#listeners.delete(event);
  }

  emit(event: string, args: readonly unknown[]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch (error) {
        this.#onError(error, event);
      }
    }
  }
}
