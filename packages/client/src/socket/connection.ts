/**
 * One WebSocket connection, from opening to its end. The socket client makes a new one per (re)connect
 * and drops it whole when it ends, so a late event from an old connection can never reach the new one.
 */
import { HajimeClientError } from '../errors.js';
import { OPEN, type WebSocketConstructor, type WebSocketLike } from './websocket.js';

/** The close code reported when a connection was lost without a close frame. */
export const ABNORMAL_CLOSURE = 1006;

const noop = (): void => {};

export interface ConnectionHandlers {
  /** A text frame arrived. */
  frame(text: string): void;
  /** The peer or the network closed an open connection (not called after {@link Connection.abort}). */
  closed(code: number, reason: string): void;
}

export class Connection {
  readonly #ws: WebSocketLike;
  readonly #opened: Promise<void>;
  #rejectOpen: ((e: unknown) => void) | undefined;
  #ended = false;

  /** Starts opening `url` (throws `CLI_ERR_NETWORK` when the URL is refused at once). Await {@link opened} before sending. */
  constructor(ctor: WebSocketConstructor, url: string, handlers: ConnectionHandlers) {
    let ws: WebSocketLike;
    try {
      ws = new ctor(url);
    } catch (cause) {
      throw new HajimeClientError('CLI_ERR_NETWORK', { url }, { cause });
    }
    this.#ws = ws;
    this.#opened = new Promise<void>((resolve, reject) => {
      this.#rejectOpen = reject;
      ws.onopen = () => {
        this.#rejectOpen = undefined;
        resolve();
      };
    });
    this.#opened.catch(noop);
    ws.onmessage = (event: { data?: unknown }) => {
      if (typeof event.data === 'string') handlers.frame(event.data);
      // Binary frames only come with the binary wire, which this client never asks for.
    };
    ws.onerror = noop; // a close event follows
    ws.onclose = (event: { code?: unknown; reason?: unknown }) => {
      const code = typeof event.code === 'number' ? event.code : ABNORMAL_CLOSURE;
      const reason = typeof event.reason === 'string' ? event.reason : '';
      this.#end();
      if (this.#rejectOpen !== undefined) {
        this.#rejectOpen(new HajimeClientError('CLI_ERR_NETWORK', { url, closeCode: code, closeReason: reason }));
        this.#rejectOpen = undefined;
        return;
      }
      handlers.closed(code, reason);
    };
  }

  /** Resolves once the connection is open; rejects if it closes first or is aborted. */
  get opened(): Promise<void> {
    return this.#opened;
  }

  get isOpen(): boolean {
    return !this.#ended && this.#ws.readyState === OPEN;
  }

  /** Sends a text frame; false when the connection is not open. */
  send(text: string): boolean {
    if (!this.isOpen) return false;
    this.#ws.send(text);
    return true;
  }

  /**
   * Ends the connection from this side, silently: no `closed` call; a pending `opened` rejects with `error`.
   * `hard` drops it without a closing handshake (for a connection already known to be dead).
   */
  abort(error: unknown, options: { readonly code?: number; readonly reason?: string; readonly hard?: boolean } = {}): void {
    if (this.#ended) return;
    this.#end();
    this.#rejectOpen?.(error);
    this.#rejectOpen = undefined;
    const ws = this.#ws as WebSocketLike & { terminate?: () => void };
    try {
      if (ws.readyState === OPEN && options.hard !== true) ws.close(options.code ?? 1000, options.reason ?? '');
      else if (typeof ws.terminate === 'function') ws.terminate();
      else ws.close();
    } catch {
      // Already closing.
    }
  }

  #end(): void {
    this.#ended = true;
    const ws = this.#ws;
    ws.onopen = null;
    ws.onmessage = null;
    ws.onclose = null;
    ws.onerror = noop; // `ws` throws on an error event nobody listens to
  }
}
