/**
 * The frame-handler registry: how domains (matches, chat, votes, RPC, ...) answer inbound WebSocket
 * frames. A handler is registered per inbound type and runs inside the connection's session process,
 * after authentication, one frame at a time in arrival order. It returns the reply frame (the session
 * stamps the request's `cid` on reply types), nothing (no reply), or throws a {@link FrameRefusal} (an
 * `error` frame with that reason). Anything else it throws becomes `internal` and the session goes on.
 *
 * @example
 * ctx.gateway.registerFrameHandler('chat.join', async ({ payload, session }) => {
 *   if (!session.joinChannel(payload.channel_id)) throw new FrameRefusal('too_many_channels');
 *   chatGroups.join(payload.channel_id, session.pid);
 *   return frame('chat.joined', { channel_id: payload.channel_id });
 * });
 */
import type { Pid } from '@hajime/actor';
import { frame, type InboundPayloads, type InboundType, type OutboundFrame } from '@hajime/protocol';

/** Inbound types a handler can be registered for (the session answers `session.*` itself). */
export type HandledType = Exclude<InboundType, 'session.connect' | 'session.heartbeat'>;

/** Types the session itself answers; registering them throws. */
export const SESSION_TYPES: ReadonlySet<string> = new Set(['session.connect', 'session.heartbeat']);

/**
 * The connection, as a handler sees it. Every method must be called from inside the session process
 * (that is, from a handler or a cleanup), never later from another process.
 */
export interface SessionHandle {
  /** The session process: join it to groups, monitor it; `pushMessage(frame)` sent to it reaches the client. */
  readonly pid: Pid;
  /** The authenticated player. */
  readonly playerId: string;
  /** The client address the connection counted against. */
  readonly ip: string;
  /** The negotiated wire (`json`, or `binary` for `world.tick` when granted). */
  readonly wire: 'json' | 'binary';
  /** The presence status (`online` until `presence.update` changes it). */
  readonly status: string;
  /** Sets the presence status. */
  setStatus(status: string): void;
  /** Sends a push frame (never carries a `cid`) to this connection. */
  push(frame: OutboundFrame<string, unknown>): void;
  /** Chat channels this connection has joined. */
  readonly channels: ReadonlySet<string>;
  /** Records a joined channel; false when the per-connection cap (`ws.maxChatChannels`) is reached. */
  joinChannel(channelId: string): boolean;
  /** Forgets a joined channel; false if it was not joined. */
  leaveChannel(channelId: string): boolean;
  /** Per-connection state owned by domain handlers (the current match, ...), keyed by domain. */
  readonly attrs: Map<string, unknown>;
  /**
   * Runs `fn` when the session ends (socket closed, revoked, crashed, server shutdown), inside the session
   * process. Not run if the process is killed: processes that track sessions should also monitor `pid`.
   */
  onClose(fn: () => void | Promise<void>): void;
}

/** What a handler receives: the validated frame and the connection. */
export interface FrameRequest<T extends HandledType = HandledType> {
  readonly type: T;
  readonly payload: InboundPayloads[T];
  /** The request's correlation id, when the client sent a valid one. */
  readonly cid: string | undefined;
  /** `world.input`'s top-level sequence number, when sent. */
  readonly seq: number | undefined;
  readonly session: SessionHandle;
}

/** A reply frame (built with `frame(type, payload)`), or nothing for frames without a reply. */
export type FrameHandlerResult = OutboundFrame<string, unknown> | undefined | void;

export type FrameHandler<T extends HandledType = HandledType> = (request: FrameRequest<T>) => FrameHandlerResult | Promise<FrameHandlerResult>;

/**
 * Thrown by a handler to answer with an `error` frame: `reason` is the flat reason (`match_full`,
 * `not_in_match`, ...) mapped to its registry code; unknown reasons become `ws.request_failed` with
 * `details.reason`. `extra` keys sit at the payload's top level (asobi's per-reason extras).
 */
export class FrameRefusal extends Error {
  override readonly name = 'FrameRefusal';
  constructor(
    readonly reason: string,
    readonly details: Record<string, unknown> = {},
    readonly extra: Record<string, unknown> = {},
  ) {
    super(reason);
  }
}

/** Handlers by inbound type. One per type; `replace: true` swaps an existing one. */
export class FrameHandlers {
  readonly #handlers = new Map<string, FrameHandler<never>>();
  /** The inline handlers by type (the same functions as in `#handlers`): one lookup per arriving frame. */
  readonly #inline = new Map<string, FrameHandler>();

  /**
   * Registers the handler of `type`. Throws for session types and, unless `replace`, for a type already
   * handled. `inline: true` marks a synchronous handler the gateway may run as the frame arrives when the
   * session is idle (nothing queued, no request pending), skipping the mailbox: what the session would do
   * next anyway, without the hop (`match.input`). It must not return a promise.
   */
  register<T extends HandledType>(type: T, handler: FrameHandler<T>, options: { readonly replace?: boolean; readonly inline?: boolean } = {}): void {
    if (SESSION_TYPES.has(type)) throw new Error(`${type} is answered by the session itself`);
    if (this.#handlers.has(type) && options.replace !== true) throw new Error(`a handler for ${type} is already registered`);
    this.#handlers.set(type, handler as FrameHandler<never>);
    if (options.inline === true) this.#inline.set(type, handler as unknown as FrameHandler);
    else this.#inline.delete(type);
  }

  /** Removes the handler of `type`; returns whether there was one. */
  unregister(type: HandledType): boolean {
    this.#inline.delete(type);
    return this.#handlers.delete(type);
  }

  /** `type`'s handler when it may run inline (see `register`), else undefined. */
  inline(type: string): FrameHandler | undefined {
    return this.#inline.get(type);
  }

  get(type: string): FrameHandler | undefined {
    return this.#handlers.get(type) as FrameHandler | undefined;
  }

  /** Types with a handler. */
  types(): string[] {
    return [...this.#handlers.keys()];
  }
}

/**
 * `presence.update {status?}` → `presence.updated {status}` (default `online`; free-form, not persisted,
 * lives for the session). Registered by default; the presence domain may replace it.
 */
export const presenceUpdate: FrameHandler<'presence.update'> = ({ payload, session }) => {
  const status = payload.status ?? 'online';
  session.setStatus(status);
  return frame('presence.updated', { status });
};
