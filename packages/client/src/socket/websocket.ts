/**
 * Which WebSocket the socket client opens: the one passed in options, else the platform's global
 * `WebSocket` (browsers, Deno, Bun, Node ≥ 22), else the `ws` package, imported lazily the first time a
 * socket connects (Node 20). `ws` is an optional peer dependency: browser bundles never load it.
 */
import { HajimeClientError } from '../errors.js';

/**
 * The part of the WebSocket API the SDK uses; the DOM `WebSocket` and the `ws` package's class both fit
 * (event parameters are `any` so that either class's event types are accepted).
 */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** The `readyState` of an open WebSocket. */
export const OPEN = 1;

/** The WebSocket class to use: `given`, the global one, or `ws` (loaded on first use). */
export async function resolveWebSocket(given: WebSocketConstructor | undefined): Promise<WebSocketConstructor> {
  if (given !== undefined) return given;
  const global = (globalThis as { WebSocket?: unknown }).WebSocket;
  if (typeof global === 'function') return global as WebSocketConstructor;
  // A variable specifier keeps bundlers from resolving `ws` into browser builds.
  const specifier = 'ws';
  let mod: { WebSocket?: unknown; default?: unknown };
  try {
    mod = (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as typeof mod;
  } catch (cause) {
    throw new HajimeClientError('CLI_ERR_NO_WEBSOCKET', {}, { cause });
  }
  const ctor = mod.WebSocket ?? mod.default;
  if (typeof ctor !== 'function') throw new HajimeClientError('CLI_ERR_NO_WEBSOCKET');
  return ctor as WebSocketConstructor;
}
