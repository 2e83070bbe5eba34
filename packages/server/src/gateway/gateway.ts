/**
 * The WebSocket gateway at `GET /ws`, on the same HTTP server as Fastify (`ws` in `noServer` mode,
 * handling `upgrade`, no compression). An upgrade is admitted in this order: the path, the per-IP
 * `ws_connect` limit (close 1008 `rate_limited`, spent before the Origin check), the Origin allowlist
 * (close 1008 `origin_rejected`). Each admitted connection gets a session process (session.ts) under a
 * DynamicSupervisor owned by the gateway. The socket side only measures, parses and casts frames; the
 * session answers them; when the session ends, the socket is closed with the code its exit reason names.
 *
 * Later domains answer their frames through {@link Gateway.registerFrameHandler} and reach players with
 * {@link Gateway.sendToPlayer} (or broadcast `pushMessage(frame)` to any group of session pids).
 *
 * @example
 * export const chatPlugin: DomainPlugin = async (_app, ctx) => {
 *   ctx.gateway.registerFrameHandler('chat.join', ({ payload, session }) => { ... return frame('chat.joined', payload); });
 * };
 * ctx.gateway.sendToPlayer(playerId, frame('notification.new', { id, type, subject, content }));
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { DynamicSupervisor, GenServer, ProcessGroups, isActorError, type ActorSystem, type Pid } from '@hajime/actor';
import { parseFrame, type OutboundFrame, type ParseResult } from '@hajime/protocol';
import type { Registry } from 'prom-client';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { AuthService, Revocation } from '../auth/auth-service.js';
import type { SlidingWindowLimiter } from '../internal/sliding-window.js';
import type { ResolvedOptions } from '../options.js';
import { clientIp, compileTrust, originAllowed } from './admission.js';
import { CLOSE_CODES, CLOSE_REASONS, closeFrameFor } from './close.js';
import { FrameHandlers, presenceUpdate, type FrameHandler, type HandledType } from './frame-handlers.js';
import { GatewayMetrics } from './metrics.js';
import { RevocationLog } from './revocations.js';
import { Session, SessionServer, playerGroup, pushMessage, revokeMessage, type GatewayLogger, type DirectPath, type SessionArgs, type SessionEnv, type WireSocket } from './session.js';

/** The path the gateway answers upgrades on. */
export const WS_PATH = '/ws';

/**
 * Frames bigger than this are not even buffered: `ws` closes the socket with 1009. Frames between
 * `ws.maxFrameBytes` and this get a `payload_too_large` error and the socket stays open.
 */
export function maxMessageBytes(maxFrameBytes: number): number {
  return Math.max(1024 * 1024, 4 * maxFrameBytes);
}

/** How long `close()` waits for clients to answer the close handshake before cutting them off. */
const CLOSE_GRACE_MS = 2_000;

/** What the gateway is built from (the server context's parts). */
export interface GatewayDeps {
  readonly options: ResolvedOptions;
  readonly system: ActorSystem;
  readonly auth: AuthService;
  readonly limiters: { readonly ws_connect: SlidingWindowLimiter };
  readonly metrics: Registry;
  readonly log: GatewayLogger;
}

export class Gateway {
  /** The delivery groups: `player:<id>` holds every session of a player on this node. */
  readonly groups: ProcessGroups<string>;
  readonly metrics: GatewayMetrics;
  readonly #deps: GatewayDeps;
  readonly #handlers = new FrameHandlers();
  readonly #wss: WebSocketServer;
  readonly #trust: ReturnType<typeof compileTrust>;
  /** Open sockets, with the state of accepted connections (null: refused, closing at once). */
  readonly #sockets = new Map<WebSocket, Connection | null>();
  readonly #env: SessionEnv;
  #sup: Pid | undefined;
  #server: Server | undefined;
  #closing = false;
  #unsubscribe: (() => void) | undefined;
  readonly #revocations = new RevocationLog();
  readonly #direct = new Map<Pid, DirectPath>();
  readonly #tooLarge: ParseResult;
  readonly #onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => this.#upgrade(request, socket, head);
  /** The socket listeners, one pair per gateway (`this` is the socket). */
  readonly #onClose: (this: WebSocket) => void;
  readonly #onMessage: (this: WebSocket, data: RawData, isBinary: boolean) => void;

  constructor(deps: GatewayDeps) {
    this.#deps = deps;
    const gw = this;
    this.#onClose = function (this: WebSocket) {
      gw.#closed(this);
    };
    this.#onMessage = function (this: WebSocket, data: RawData, isBinary: boolean) {
      gw.#frame(this, data, isBinary);
    };
    this.#tooLarge = Object.freeze({ ok: false, error: Object.freeze({ code: 'payload_too_large', details: Object.freeze({ limit_bytes: deps.options.ws.maxFrameBytes }) }) });
    this.groups = new ProcessGroups<string>(deps.system);
    this.metrics = new GatewayMetrics(deps.metrics);
    this.#trust = compileTrust(deps.options.trustProxy);
    this.#wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false, maxPayload: maxMessageBytes(deps.options.ws.maxFrameBytes) });
    this.#handlers.register('presence.update', presenceUpdate);
    this.#env = {
      ws: deps.options.ws,
      auth: deps.auth,
      groups: this.groups,
      handlers: this.#handlers,
      metrics: this.metrics,
      log: deps.log,
      revocations: this.#revocations,
      direct: this.#direct,
    };
  }

  /**
   * Registers the handler of an inbound frame type (every type but `session.connect` and
   * `session.heartbeat`, which the session answers itself). Throws if the type already has a handler,
   * unless `replace: true`. A type without a handler answers `ws.request_failed` (`details.reason:
   * 'not_available'`). `presence.update` has a default handler.
   */
  registerFrameHandler<T extends HandledType>(type: T, handler: FrameHandler<T>, options: { readonly replace?: boolean; readonly inline?: boolean } = {}): void {
    this.#handlers.register(type, handler, options);
  }

  /** Removes the handler of `type` (its frames then answer `not_available`); returns whether there was one. */
  unregisterFrameHandler(type: HandledType): boolean {
    return this.#handlers.unregister(type);
  }

  /**
   * Pushes `frame` (without `cid`) to every connection of `playerId` on this node; returns how many
   * connections it reached (0 when the player is offline).
   */
  sendToPlayer(playerId: string, frame: OutboundFrame<string, unknown>): number {
    return this.pushToGroup(playerGroup(playerId), frame);
  }

  /**
   * Pushes `frame` to every session in `group`, encoded and framed once: authenticated sessions are
   * written to at once (no message per session), others get the push as a message. Returns how many.
   */
  pushToGroup(group: string, frame: OutboundFrame<string, unknown>): number {
    const members = this.groups.getMembers(group);
    if (members.length === 0) return 0;
    const msg = pushMessage(frame);
    for (const pid of members) {
      const d = this.#direct.get(pid);
      if (d !== undefined && pid.alive) d.push(msg);
      else {
        if (d !== undefined) this.#direct.delete(pid);
        this.#deps.system.send(pid, msg);
      }
    }
    return members.length;
  }

  /** Authenticated connections of `playerId` on this node. */
  connectionsOf(playerId: string): number {
    return this.groups.getMembers(playerGroup(playerId)).length;
  }

  /** Open WebSocket connections (authenticated or not). */
  get connectionCount(): number {
    return this.#sockets.size;
  }

  /** Starts the session supervisor and subscribes to revocations. Called once by `createServer`. */
  async start(): Promise<void> {
    if (this.#sup !== undefined) return;
    this.#sup = await DynamicSupervisor.start(this.#deps.system, {
      template: GenServer.template(SessionServer, { restart: 'temporary', options: () => ({ trapExit: true }) }),
    });
    this.#unsubscribe = this.#deps.auth.onRevoke((r) => this.#revoke(r));
  }

  /** Answers upgrades on `server` (the HTTP server Fastify listens with). */
  attach(server: Server): void {
    this.#server = server;
    server.on('upgrade', this.#onUpgrade);
  }

  /**
   * Stops accepting, ends every session (close 1001 `server_shutdown`), waits up to 2 s for clients to
   * finish the close handshake, then cuts off the rest. Runs on the server's `preClose`.
   */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#unsubscribe?.();
    this.#server?.off('upgrade', this.#onUpgrade);
    const sup = this.#sup;
    if (sup !== undefined && this.#deps.system.isAlive(sup)) {
      try {
        await DynamicSupervisor.stop(sup, 'shutdown');
      } catch (e) {
        if (!isActorError(e, 'ACT_ERR_NOPROC')) throw e;
      }
    }
    for (const ws of this.#sockets.keys()) if (ws.readyState === WebSocket.OPEN) ws.close(CLOSE_CODES.goingAway, CLOSE_REASONS.serverShutdown);
    if (this.#sockets.size > 0) {
      const clock = this.#deps.system.clock;
      await new Promise<void>((resolve) => {
        const timer = clock.setTimer(resolve, CLOSE_GRACE_MS);
        const check = (): void => {
          if (this.#sockets.size > 0) return;
          clock.clearTimer(timer);
          resolve();
        };
        for (const ws of this.#sockets.keys()) ws.once('close', () => queueMicrotask(check));
      });
    }
    for (const ws of this.#sockets.keys()) ws.terminate();
  }

  // ---- admission ----

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A client that resets during the handshake must not take the process down.
    socket.on('error', noop);
    if (this.#closing || this.#sup === undefined) return reject(socket, 503, 'Service Unavailable');
    const path = (request.url ?? '').split('?', 1)[0];
    if (path !== WS_PATH) return reject(socket, 404, 'Not Found');
    const ip = clientIp(request, this.#trust);
    if (!this.#deps.limiters.ws_connect.hit(`ws_connect:ip:${ip}`).allowed) return this.#refuse(request, socket, head, CLOSE_REASONS.rateLimited);
    if (!originAllowed(request.headers.origin, this.#deps.options.ws.allowedOrigins)) return this.#refuse(request, socket, head, CLOSE_REASONS.originRejected);
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws, ip));
  }

  /** Completes the handshake only to close at once with 1008 and `reason`, so clients can read why. */
  #refuse(request: IncomingMessage, socket: Duplex, head: Buffer, reason: string): void {
    this.metrics.refused(reason);
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      this.#track(ws, null);
      ws.close(CLOSE_CODES.policy, reason);
    });
  }

  #track(ws: WebSocket, conn: Connection | null): void {
    this.#sockets.set(ws, conn);
    (ws as Tagged)[CONN] = conn;
    ws.on('error', noop);
    ws.on('close', this.#onClose);
  }

  // ---- one connection ----
  // The socket listeners are shared by every connection (no closures per socket): they find the
  // connection's state in `#sockets`.

  /** A socket closed: forgotten, and its session told (once it exists). */
  #closed(ws: WebSocket): void {
    const conn = this.#sockets.get(ws);
    this.#sockets.delete(ws);
    if (conn == null || conn.closed) return;
    conn.closed = true;
    this.metrics.connections.dec();
    deliver(conn, Session.socketClosed);
  }

  #frame(ws: WebSocket, data: RawData, isBinary: boolean): void {
    const conn = (ws as Tagged)[CONN];
    if (conn == null) return;
    this.metrics.framesIn.inc();
    if (isBinary) return deliver(conn, Session.binary);
    const bytes = data as Buffer;
    const maxFrameBytes = this.#deps.options.ws.maxFrameBytes;
    // Measured before parsing: an oversize frame is never decoded.
    const result = bytes.byteLength > maxFrameBytes ? this.#tooLarge : parseFrame(bytes, maxFrameBytes);
    const pid = conn.pid;
    if (pid !== undefined) {
      // An authenticated, idle session runs inline handlers at once (see FrameHandlers.register). Its
      // direct path is looked up once (a session keeps the one it made at its first authentication).
      const d = conn.direct ?? (conn.direct = this.#direct.get(pid));
      if (d !== undefined && pid.alive) {
        if (!d.frame(result)) Session.frame(pid, result, true);
      } else Session.frame(pid, result);
    } else deliver(conn, (p) => Session.frame(p, result));
  }

  #accept(ws: WebSocket, ip: string): void {
    if (this.#closing || this.#sup === undefined) {
      this.#track(ws, null);
      ws.close(CLOSE_CODES.goingAway, CLOSE_REASONS.serverShutdown);
      return;
    }
    const conn = new Connection();
    this.#track(ws, conn);
    this.metrics.connections.inc();
    ws.on('message', this.#onMessage);
    ws.pause();

    const args: SessionArgs = { env: this.#env, socket: wireSocket(ws), ip };
    DynamicSupervisor.startChild(this.#sup, args).then(
      (p) => {
        if (p === undefined) throw new Error('session start ignored');
        conn.pid = p;
        const pending = conn.pending;
        conn.pending = undefined;
        if (pending !== undefined) for (const fn of pending) fn(p);
        this.#deps.system.onExit(p, (reason) => {
          if (ws.readyState !== WebSocket.OPEN) return;
          const c = closeFrameFor(reason);
          ws.close(c.code, c.reason);
        });
        if (!conn.closed) ws.resume();
      },
      (e: unknown) => {
        conn.pending = undefined;
        conn.failed = true;
        if (!this.#closing) this.#deps.log.error({ err: e }, 'ws_session_start_failed');
        if (ws.readyState === WebSocket.OPEN) ws.close(this.#closing ? CLOSE_CODES.goingAway : CLOSE_CODES.internal, this.#closing ? CLOSE_REASONS.serverShutdown : CLOSE_REASONS.internalError);
      },
    );
  }

  // ---- revocation ----

  #revoke(r: Revocation): void {
    this.#revocations.record(r);
    this.groups.broadcast(playerGroup(r.playerId), revokeMessage(r.familyId));
  }
}

function noop(): void {}

/**
 * The connection's state, also kept on its socket object so a frame finds it without a map lookup
 * (`#sockets` is for iterating; every lookup is a probe into a map of every socket).
 */
const CONN: unique symbol = Symbol('hajime.gateway.connection');
type Tagged = WebSocket & { [CONN]?: Connection | null };

/** An accepted connection, as its socket listeners see it. */
class Connection {
  /** The session, once started. */
  pid: Pid | undefined = undefined;
  /** The session's direct path, once it has authenticated and a frame has looked it up. */
  direct: DirectPath | undefined = undefined;
  /** What arrived before the session existed, delivered in order once it does. */
  pending: ((p: Pid) => void)[] | undefined = undefined;
  /** The session could not start: later frames go nowhere. */
  failed = false;
  closed = false;
}

/** Hands `fn` the session, now or (in arrival order) once it has started. */
function deliver(conn: Connection, fn: (p: Pid) => void): void {
  if (conn.pid !== undefined) fn(conn.pid);
  else if (!conn.failed) (conn.pending ??= []).push(fn);
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

class WsWireSocket implements WireSocket {
  /** The TCP socket under `ws` (per-message deflate is off, so ws's sender never holds frames back). */
  readonly #raw: Duplex | undefined;
  constructor(readonly ws: WebSocket) {
    const raw = (ws as unknown as { _socket?: Duplex })._socket;
    this.#raw = raw !== undefined && typeof raw.write === 'function' ? raw : undefined;
  }
  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }
  send(text: string): void {
    this.ws.send(text);
  }
  sendFrame(frame: Buffer, text: string): void {
    const raw = this.#raw;
    if (raw !== undefined && !raw.destroyed) raw.write(frame);
    else this.ws.send(text);
  }
}

function wireSocket(ws: WebSocket): WireSocket {
  return new WsWireSocket(ws);
}
