/**
 * The session: one GenServer per WebSocket connection, owning everything about it: authentication
 * (player, token family, negotiated wire), presence status, joined chat channels, the per-connection frame
 * rate limit (fixed window) and the idle-auth timer. The socket side parses frames and casts them here;
 * the session answers them in arrival order and is the only writer of outbound frames. When it stops,
 * the gateway closes the socket with the close frame its exit reason names (see close.ts).
 *
 * Other code reaches a session only through this file's client API: `Session.frame/binary/socketClosed`
 * (the socket side), `pushMessage(frame)` and `revokeMessage(familyId)` (sent to a session pid or
 * broadcast to a process group of them).
 */
import { GenServer, noreply, ok, stop, type ExitReason, type GenServerBehaviour, type HandlerResult, type Pid, type ProcessContext, type ProcessGroups, type TimerRef } from '@hajime/actor';
import { encodeFrame, errorFrame, frame, REPLY_TYPES, type ErrorCode, type InboundFrame, type OutboundFrame, type OutboundType, type ParseResult } from '@hajime/protocol';
import { StorageError } from '@hajime/storage';
import { ApiError } from '../api-error.js';
import type { Principal } from '../auth/auth-service.js';
import { mapError } from '../error-handler.js';
import type { ResolvedOptions } from '../options.js';
import { CLOSE_CODES, CLOSE_REASONS, closeWith } from './close.js';
import { FrameRefusal, type FrameHandler, type FrameHandlerResult, type FrameHandlers, type FrameRequest, type HandledType, type SessionHandle } from './frame-handlers.js';
import type { GatewayMetrics } from './metrics.js';
import type { RevocationLog } from './revocations.js';

/** The fixed window of the per-connection frame rate limit. */
export const FRAME_WINDOW_MS = 1_000;

/** The socket as the session sees it: it writes text frames; the gateway closes it. */
export interface WireSocket {
  readonly open: boolean;
  /** Bytes queued for the client and not yet written to the network. */
  readonly bufferedAmount: number;
  send(text: string): void;
  /**
   * Writes a complete, pre-built WebSocket text frame (`textFrame(text)`), the same bytes for every
   * connection a push fans out to. Optional: without it `send(text)` is used.
   */
  sendFrame?(frame: Buffer, text: string): void;
}

/** Structured logging (Fastify's pino logger fits). */
export interface GatewayLogger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** What a session needs from its gateway. */
export interface SessionEnv {
  readonly ws: ResolvedOptions['ws'];
  readonly auth: { resolve(token: string): Promise<{ principal: Principal; banned: boolean } | undefined> };
  readonly groups: ProcessGroups<string>;
  readonly handlers: FrameHandlers;
  readonly metrics: GatewayMetrics;
  readonly log: GatewayLogger;
  /** Revocations racing a token resolution (so a session being connected does not miss one). */
  readonly revocations: Pick<RevocationLog, 'begin' | 'end'>;
  /**
   * The direct paths of authenticated sessions, by pid (optional: without it everything goes through
   * the mailbox). `push`: a fan-out (a match's state every tick) writes to the socket at once instead of
   * queueing a message per session. `frame`: the gateway offers each arriving frame; the session runs it
   * at once when its handler is inline and the session is idle (true), else the gateway casts it as
   * usual, counted so later frames never overtake it (false).
   */
  readonly direct?: Map<Pid, DirectPath>;
}

/** A session's direct paths (one small object per authenticated session, no closures). */
export interface DirectPath {
  push(msg: PushMessage): void;
  frame(result: ParseResult): boolean;
}

export interface SessionArgs {
  readonly env: SessionEnv;
  readonly socket: WireSocket;
  readonly ip: string;
}

/** The per-player delivery group of a player's connections (in the gateway's `groups` scope). */
export function playerGroup(playerId: string): string {
  return `player:${playerId}`;
}

// ---- messages ----

/** Casts from the socket side. */
export type SessionCast =
  | { readonly type: 'frame'; readonly result: ParseResult; readonly counted?: boolean }
  | { readonly type: 'binary' }
  | { readonly type: 'socket_closed' };

/** A frame to write as it is (pre-encoded once, so a fan-out encodes once). */
export interface PushMessage {
  readonly $: 'hajime.ws.push';
  readonly text: string;
  readonly type: string;
  /** The WebSocket frame on the wire, built by the first session that writes it and shared by the rest. */
  wire?: Buffer;
}

/**
 * A server-to-client WebSocket text frame (RFC 6455: FIN, opcode 1, unmasked) holding `text`, header and
 * payload in one buffer, so it goes out in one write and a fan-out builds it once.
 */
export function textFrame(text: string): Buffer {
  const len = Buffer.byteLength(text);
  const head = len < 126 ? 2 : len < 65_536 ? 4 : 10;
  const b = Buffer.allocUnsafe(head + len);
  b[0] = 0x81;
  if (len < 126) b[1] = len;
  else if (len < 65_536) {
    b[1] = 126;
    b.writeUInt16BE(len, 2);
  } else {
    b[1] = 127;
    b.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    b.writeUInt32BE(len >>> 0, 6);
  }
  b.write(text, head, 'utf8');
  return b;
}
/** Stop the session if it belongs to `familyId` (every session of the player when undefined). */
export interface RevokeMessage {
  readonly $: 'hajime.ws.revoke';
  readonly familyId: string | undefined;
}
const IDLE_AUTH_TIMEOUT = Object.freeze({ $: 'hajime.ws.idle_auth_timeout' as const });
/** Sent to itself by a session whose direct push found the client too slow: it stops (slow consumer). */
const SLOW_CONSUMER = Object.freeze({ $: 'hajime.ws.slow_consumer' as const });
/** A direct push that had to wait (the session was answering a request): written in mailbox order. */
interface DeferredPush {
  readonly $: 'hajime.ws.deferred_push';
  readonly msg: PushMessage;
}
function isDeferred(m: unknown): m is DeferredPush {
  return typeof m === 'object' && m !== null && (m as { $?: unknown }).$ === 'hajime.ws.deferred_push';
}

/**
 * The message that makes a session write `f` to its client as a push (any `cid` is dropped: pushes never
 * carry one). Send it to a session pid, or broadcast it to a group of sessions; it is encoded once.
 */
export function pushMessage(f: OutboundFrame<string, unknown>): PushMessage {
  return { $: 'hajime.ws.push', type: f.type, text: encodeFrame({ type: f.type, payload: f.payload }) };
}

/** The message that stops sessions of a revoked token family (or all of the player's). */
export function revokeMessage(familyId: string | undefined): RevokeMessage {
  return { $: 'hajime.ws.revoke', familyId };
}

/** The client API of a session, for the socket side. */
export const Session = {
  /** A parsed (or refused) text frame. */
  frame: (pid: Pid, result: ParseResult, counted = false): void => GenServer.cast(pid, { type: 'frame', result, counted } satisfies SessionCast),
  /** A binary frame (refused: the uplink is text only). */
  binary: (pid: Pid): void => GenServer.cast(pid, BINARY),
  /** The client closed the socket (or it dropped): the session ends. */
  socketClosed: (pid: Pid): void => GenServer.cast(pid, SOCKET_CLOSED),
};
const BINARY: SessionCast = Object.freeze({ type: 'binary' });
const SOCKET_CLOSED: SessionCast = Object.freeze({ type: 'socket_closed' });

// ---- state ----

interface State {
  readonly env: SessionEnv;
  readonly socket: WireSocket;
  readonly ip: string;
  readonly self: Pid;
  playerId: string | undefined;
  familyId: string | null;
  wire: 'json' | 'binary';
  status: string;
  channels: Set<string> | undefined;
  attrs: Map<string, unknown> | undefined;
  readonly cleanups: (() => void | Promise<void>)[];
  windowStart: number;
  windowCount: number;
  idleTimer: TimerRef | undefined;
  /** Set when the session must stop after the current message (slow consumer). */
  stopping: ExitReason | undefined;
  handle: SessionHandle | undefined;
  /** Answering a request (an async handler is pending): direct pushes wait in the mailbox. */
  busy: boolean;
  /** Direct pushes waiting in the mailbox. */
  deferred: number;
  /** Frames offered inline but queued (the session was not idle): later frames queue behind them. */
  queuedFrames: number;
}

type Result = HandlerResult<State, never>;

function isPush(m: unknown): m is PushMessage {
  return typeof m === 'object' && m !== null && (m as { $?: unknown }).$ === 'hajime.ws.push';
}
function isRevoke(m: unknown): m is RevokeMessage {
  return typeof m === 'object' && m !== null && (m as { $?: unknown }).$ === 'hajime.ws.revoke';
}

// ---- writing ----

/** Whether the socket can take another frame; marks a slow consumer for closing when it cannot. */
function writable(s: State): boolean {
  if (!s.socket.open || s.stopping !== undefined) return false;
  if (s.socket.bufferedAmount > s.env.ws.maxBufferedBytes) {
    s.stopping = closeWith(CLOSE_CODES.tryAgainLater, CLOSE_REASONS.slowConsumer);
    return false;
  }
  return true;
}

function write(s: State, text: string): void {
  if (!writable(s)) return;
  // One buffer, one socket write (ws would write a header and the string separately).
  if (s.socket.sendFrame !== undefined) s.socket.sendFrame(textFrame(text), text);
  else s.socket.send(text);
  s.env.metrics.framesOut.inc();
}

/** Writes a push: the frame bytes are built once per message, whatever the number of sessions. */
function writePush(s: State, msg: PushMessage): void {
  if (!writable(s)) return;
  if (s.socket.sendFrame !== undefined) s.socket.sendFrame((msg.wire ??= textFrame(msg.text)), msg.text);
  else s.socket.send(msg.text);
  s.env.metrics.framesOut.inc();
}

/** Writes one frame; a payload that cannot be encoded (a handler's bug) becomes `internal`. */
function send(s: State, f: OutboundFrame<string, unknown>): void {
  let text: string;
  try {
    text = encodeFrame(f);
  } catch (e) {
    s.env.log.error({ err: e, type: f.type }, 'ws_frame_encode_failed');
    f = errorFrame({ reason: 'internal_error' }, { cid: f.cid });
    text = encodeFrame(f);
  }
  if (f.type === 'error') s.env.metrics.errorFrame((f.payload as { error: { code: string } }).error.code);
  write(s, text);
}

function sendError(s: State, from: { reason: string } | { code: ErrorCode }, cid: string | undefined, details?: Record<string, unknown>, extra?: Record<string, unknown>): void {
  send(s, errorFrame(from, { cid, ...(details === undefined ? {} : { details }), ...(extra === undefined ? {} : { extra }) }));
}

/** A handler's reply: `cid` is stamped on reply types (and errors) only. */
function sendReply(s: State, f: OutboundFrame<string, unknown>, cid: string | undefined): void {
  const stamp = cid !== undefined && (f.type === 'error' || REPLY_TYPES.has(f.type as OutboundType));
  send(s, stamp ? { type: f.type, cid, payload: f.payload } : { type: f.type, payload: f.payload });
}

function next(s: State): Result {
  return s.stopping === undefined ? noreply(s) : stop(s.stopping, s);
}

// ---- inbound ----

/** Counts one frame in the fixed window; false when the window is full. */
function admit(s: State, now: number): boolean {
  if (now - s.windowStart >= FRAME_WINDOW_MS) {
    s.windowStart = now;
    s.windowCount = 0;
  }
  s.windowCount++;
  return s.windowCount <= s.env.ws.framesPerSecond;
}

/** The direct paths of one session (see `SessionEnv.direct`). */
class Direct implements DirectPath {
  /** Set when the session starts ending: the gateway may still hold this object (it caches it per connection). */
  ended = false;
  constructor(
    readonly s: State,
    readonly ctx: ProcessContext,
  ) {}
  /**
   * Same checks as a queued push; a slow client makes the session stop at its next message, which this
   * sends. While the session is answering a request (or has deferred pushes queued), a push waits in the
   * mailbox like any other, so a reply is never overtaken by a push its request caused.
   */
  push(msg: PushMessage): void {
    const { s, ctx } = this;
    if (s.stopping !== undefined) return;
    if (s.busy || s.deferred > 0) {
      s.deferred += 1;
      ctx.send(ctx.self, { $: 'hajime.ws.deferred_push', msg } satisfies DeferredPush);
      return;
    }
    writePush(s, msg);
    wakeIfStopping(s, ctx);
  }
  frame(result: ParseResult): boolean {
    // An ending session (its cleanups running) takes no frame inline: the cast that follows is dropped.
    if (this.ended) return false;
    return runInline(this.s, result, this.ctx);
  }
}

/**
 * Runs a frame as it arrives, outside the mailbox, when that is what the session would do next anyway:
 * the frame's handler is inline, nothing is queued before it, no request is pending, the session is not
 * stopping. The same steps as `handleCast` (rate window, dispatch); a stop it causes is carried out by
 * a message to itself. False: the caller casts the frame (counted, so later frames queue behind it).
 */
function runInline(s: State, result: ParseResult, ctx: ProcessContext): boolean {
  const handler = result.ok && !s.busy && s.deferred === 0 && s.queuedFrames === 0 && s.stopping === undefined && s.playerId !== undefined ? s.env.handlers.inline(result.frame.type) : undefined;
  if (handler === undefined) {
    s.queuedFrames += 1;
    return false;
  }
  const f = (result as { readonly frame: InboundFrame }).frame;
  if (admitted(s, f.cid, ctx)) {
    const out = dispatchBusy(s, f, ctx, handler);
    // A handler that was not synchronous after all holds later frames and pushes until it settles.
    if (out instanceof Promise) {
      void out.then(() => wakeIfStopping(s, ctx));
      return true;
    }
  }
  wakeIfStopping(s, ctx);
  return true;
}

/** A session marked for stopping outside its own callbacks stops at the message this sends. */
function wakeIfStopping(s: State, ctx: ProcessContext): void {
  if (s.stopping !== undefined) ctx.send(ctx.self, SLOW_CONSUMER);
}

/** Counts a frame in the rate window; over the limit answers `rate_limited` and returns false. */
function admitted(s: State, cid: string | undefined, ctx: ProcessContext): boolean {
  if (admit(s, ctx.system.clock.now())) return true;
  sendError(s, { code: 'rate_limited' }, cid, { limit: s.env.ws.framesPerSecond, window_ms: FRAME_WINDOW_MS });
  return false;
}

/**
 * Dispatches with the session marked busy until the handler settles, from the start: a handler may push
 * to its own player before its first await, and that push must wait behind the reply.
 */
function dispatchBusy(s: State, f: InboundFrame, ctx: ProcessContext, handler?: FrameHandler): Result | Promise<Result> {
  s.busy = true;
  let out: Result | Promise<Result>;
  try {
    out = handler === undefined ? dispatch(s, f, ctx) : handle(s, f, handler);
  } catch (e) {
    s.busy = false;
    throw e;
  }
  if (!(out instanceof Promise)) {
    s.busy = false;
    return out;
  }
  return out.finally(() => {
    s.busy = false;
  });
}

function cidOf(msg: SessionCast): string | undefined {
  if (msg.type !== 'frame') return undefined;
  return msg.result.ok ? msg.result.frame.cid : msg.result.cid;
}

function handlerFailed(s: State, f: InboundFrame, e: unknown): void {
  if (e instanceof FrameRefusal) return sendError(s, { reason: e.reason }, f.cid, e.details, e.extra);
  if (e instanceof ApiError || e instanceof StorageError) {
    const mapped = mapError(e);
    if (mapped !== undefined && mapped.code !== 'internal') return sendError(s, { code: mapped.code }, f.cid, mapped.details);
  }
  s.env.log.error({ err: e, type: f.type }, 'ws_handler_failed');
  sendError(s, { reason: 'internal_error' }, f.cid);
}

function answer(s: State, f: InboundFrame, out: FrameHandlerResult): void {
  if (out === undefined) return;
  if (typeof out !== 'object' || out === null || typeof out.type !== 'string') {
    handlerFailed(s, f, new TypeError(`the ${f.type} handler returned something that is not a frame`));
    return;
  }
  sendReply(s, out, f.cid);
}

function dispatch(s: State, f: InboundFrame, ctx: ProcessContext): Result | Promise<Result> {
  if (f.type === 'session.connect') return connect(s, f, ctx);
  if (s.playerId === undefined) {
    sendError(s, { reason: 'unauthenticated' }, f.cid);
    return next(s);
  }
  if (f.type === 'session.heartbeat') {
    send(s, frame('session.heartbeat', { ts: ctx.system.clock.epochMs() }, f.cid));
    return next(s);
  }
  const handler = s.env.handlers.get(f.type);
  if (handler === undefined) {
    sendError(s, { reason: 'not_available' }, f.cid);
    return next(s);
  }
  return handle(s, f, handler);
}

/** Runs `f`'s handler (authenticated session) and answers with what it returns or throws. */
function handle(s: State, f: InboundFrame, handler: FrameHandler): Result | Promise<Result> {
  const request = { type: f.type as HandledType, payload: f.payload, cid: f.cid, seq: f.seq, session: (s.handle ??= new Handle(s)) } as FrameRequest;
  let out: FrameHandlerResult | Promise<FrameHandlerResult>;
  try {
    out = handler(request);
  } catch (e) {
    handlerFailed(s, f, e);
    return next(s);
  }
  if (out instanceof Promise) {
    return out.then(
      (r) => {
        answer(s, f, r);
        return next(s);
      },
      (e: unknown) => {
        handlerFailed(s, f, e);
        return next(s);
      },
    );
  }
  answer(s, f, out);
  return next(s);
}

async function connect(s: State, f: Extract<InboundFrame, { type: 'session.connect' }>, ctx: ProcessContext): Promise<Result> {
  const { env } = s;
  const mark = env.revocations.begin();
  let resolved: { principal: Principal; banned: boolean } | undefined;
  try {
    resolved = await env.auth.resolve(f.payload.token);
  } catch (e) {
    env.revocations.end(mark, undefined);
    env.log.error({ err: e }, 'ws_token_resolution_failed');
    sendError(s, { reason: 'internal_error' }, f.cid);
    return next(s);
  }
  const revoked = env.revocations.end(mark, resolved?.principal);
  if (resolved === undefined || revoked) {
    sendError(s, { reason: 'invalid_token' }, f.cid);
    return next(s);
  }
  if (resolved.banned) {
    sendError(s, { code: 'forbidden' }, f.cid, { reason: 'banned' });
    return next(s);
  }
  const { playerId, familyId } = resolved.principal;
  if (s.playerId !== undefined && s.playerId !== playerId) {
    // A connection belongs to one player; a re-connect may only refresh that player's token.
    sendError(s, { code: 'forbidden' }, f.cid, { reason: 'player_mismatch' });
    return next(s);
  }
  if (s.playerId === undefined) {
    env.groups.join(playerGroup(playerId), ctx.self);
    env.direct?.set(ctx.self, new Direct(s, ctx));
  }
  s.playerId = playerId;
  s.familyId = familyId;
  s.wire = f.payload.wire === 'binary' && env.ws.binaryWire ? 'binary' : 'json';
  if (s.idleTimer !== undefined) {
    ctx.cancelTimer(s.idleTimer);
    s.idleTimer = undefined;
  }
  send(s, frame('session.connected', { player_id: playerId, wire: s.wire }, f.cid));
  return next(s);
}

const NO_CHANNELS: ReadonlySet<string> = new Set();

/** The handler-facing view of a session: prototype accessors, one small object per session, made on first use. */
class Handle implements SessionHandle {
  readonly #s: State;
  constructor(s: State) {
    this.#s = s;
  }
  get pid(): Pid {
    return this.#s.self;
  }
  get playerId(): string {
    return this.#s.playerId ?? '';
  }
  get ip(): string {
    return this.#s.ip;
  }
  get wire(): 'json' | 'binary' {
    return this.#s.wire;
  }
  get status(): string {
    return this.#s.status;
  }
  setStatus(status: string): void {
    this.#s.status = status;
  }
  push(f: OutboundFrame<string, unknown>): void {
    write(this.#s, pushMessage(f).text);
  }
  get channels(): ReadonlySet<string> {
    return this.#s.channels ?? NO_CHANNELS;
  }
  joinChannel(id: string): boolean {
    const s = this.#s;
    if (s.channels?.has(id) === true) return true;
    if ((s.channels?.size ?? 0) >= s.env.ws.maxChatChannels) return false;
    (s.channels ??= new Set()).add(id);
    return true;
  }
  leaveChannel(id: string): boolean {
    return this.#s.channels?.delete(id) ?? false;
  }
  get attrs(): Map<string, unknown> {
    return (this.#s.attrs ??= new Map());
  }
  onClose(fn: () => void | Promise<void>): void {
    this.#s.cleanups.push(fn);
  }
}

/** The session behaviour, started by the gateway's DynamicSupervisor (temporary children, trapping exits). */
export const SessionServer: GenServerBehaviour<State, SessionArgs, never, SessionCast> = {
  init({ env, socket, ip }, ctx) {
    const s = {
      env,
      socket,
      ip,
      self: ctx.self,
      playerId: undefined,
      familyId: null,
      wire: 'json',
      status: 'online',
      channels: undefined,
      attrs: undefined,
      cleanups: [],
      windowStart: -Infinity,
      windowCount: 0,
      idleTimer: ctx.sendAfter(IDLE_AUTH_TIMEOUT, env.ws.idleAuthTimeoutMs),
      stopping: undefined,
      handle: undefined,
      busy: false,
      deferred: 0,
      queuedFrames: 0,
    } as State;
    return ok(s);
  },

  handleCast(msg, s, ctx) {
    if (msg.type === 'frame' && msg.counted === true) s.queuedFrames -= 1;
    if (msg.type === 'socket_closed') return stop('normal', s);
    if (!admitted(s, cidOf(msg), ctx)) return next(s);
    if (msg.type === 'binary') {
      sendError(s, { reason: 'binary_uplink_unsupported' }, undefined);
      return next(s);
    }
    const r = msg.result;
    if (!r.ok) {
      sendError(s, { code: r.error.code }, r.cid, r.error.details);
      return next(s);
    }
    return dispatchBusy(s, r.frame, ctx);
  },

  handleInfo(msg, s) {
    if (isPush(msg)) {
      writePush(s, msg);
      return next(s);
    }
    if (isRevoke(msg)) {
      if (msg.familyId === undefined || msg.familyId === s.familyId) return stop(closeWith(CLOSE_CODES.policy, CLOSE_REASONS.sessionRevoked), s);
      return noreply(s);
    }
    if (isDeferred(msg)) {
      s.deferred -= 1;
      writePush(s, msg.msg);
      return next(s);
    }
    if (msg === SLOW_CONSUMER) return next(s);
    if (msg === IDLE_AUTH_TIMEOUT) {
      s.idleTimer = undefined;
      if (s.playerId === undefined) return stop(closeWith(CLOSE_CODES.policy, CLOSE_REASONS.idleAuthTimeout), s);
    }
    return noreply(s);
  },

  async terminate(_reason, s) {
    const d = s.env.direct?.get(s.self);
    if (d instanceof Direct) d.ended = true;
    s.env.direct?.delete(s.self);
    for (const fn of s.cleanups.splice(0)) {
      try {
        await fn();
      } catch (e) {
        s.env.log.error({ err: e }, 'ws_session_cleanup_failed');
      }
    }
  },
};
