/**
 * Requests waiting for their replies: each gets the next `cid` ("1", "2", ... as strings, for the life of
 * the socket client), a timeout on the injected clock, and is settled by the frame that echoes its cid,
 * in whatever order replies come. An `error` or `rpc.error` reply rejects with a {@link HajimeSocketError}.
 */
import type { ClientClock, ClientTimer } from '../clock.js';
import { HajimeClientError, HajimeSocketError, type WireErrorCode } from '../errors.js';
import type { ServerFrame } from './frames.js';

interface Pending {
  readonly type: string;
  readonly resolve: (payload: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: ClientTimer;
}

/** The error a refusing reply stands for: the shared error object's code, else the flat reason. */
export function socketErrorOf(frame: ServerFrame, requestType: string): HajimeSocketError {
  const p = frame.payload as { reason?: unknown; error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined;
  const e = p?.error;
  const code: WireErrorCode = typeof e?.code === 'string' ? e.code : typeof p?.reason === 'string' ? p.reason : 'internal';
  const reason = frame.type === 'error' && typeof p?.reason === 'string' ? p.reason : undefined;
  return new HajimeSocketError(
    frame.type === 'rpc.error' ? 'rpc.error' : 'error',
    requestType,
    {
      code,
      ...(typeof e?.message === 'string' ? { message: e.message } : {}),
      ...(typeof e?.details === 'object' && e.details !== null && !Array.isArray(e.details) ? { details: e.details as Record<string, unknown> } : {}),
    },
    reason,
  );
}

export class PendingRequests {
  readonly #clock: ClientClock;
  readonly #pending = new Map<string, Pending>();
  #lastCid = 0;

  constructor(clock: ClientClock) {
    this.#clock = clock;
  }

  /**
   * Registers a request and hands its cid to `transmit`, which sends the frame (false: it could not, and
   * the request rejects with `CLI_ERR_NOT_CONNECTED`). Resolves with the reply's payload.
   */
  start(type: string, timeoutMs: number, transmit: (cid: string) => boolean): Promise<unknown> {
    const cid = String(++this.#lastCid);
    return new Promise((resolve, reject) => {
      const timer = this.#clock.setTimer(() => {
        this.#pending.delete(cid);
        reject(new HajimeClientError('CLI_ERR_TIMEOUT', { type, cid, timeoutMs }));
      }, timeoutMs);
      this.#pending.set(cid, { type, resolve, reject, timer });
      if (!transmit(cid)) this.#settle(cid, () => reject(new HajimeClientError('CLI_ERR_NOT_CONNECTED', { type })));
    });
  }

  /** Settles the request `frame` replies to; false when no request waits for its cid (a push, or too late). */
  reply(frame: ServerFrame): boolean {
    const cid = frame.cid;
    const p = cid === undefined ? undefined : this.#pending.get(cid);
    if (p === undefined) return false;
    this.#settle(cid as string, () => (frame.type === 'error' || frame.type === 'rpc.error' ? p.reject(socketErrorOf(frame, p.type)) : p.resolve(frame.payload)));
    return true;
  }

  /** Rejects every waiting request with `error`. */
  rejectAll(error: unknown): void {
    const all = [...this.#pending.keys()];
    for (const cid of all) {
      const p = this.#pending.get(cid);
      if (p !== undefined) this.#settle(cid, () => p.reject(error));
    }
  }

  #settle(cid: string, settle: () => void): void {
    const p = this.#pending.get(cid);
    if (p === undefined) return;
    this.#pending.delete(cid);
    this.#clock.clearTimer(p.timer);
    settle();
  }
}
