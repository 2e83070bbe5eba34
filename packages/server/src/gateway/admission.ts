/**
 * Who may open a WebSocket: the client IP an upgrade request counts against (X-Forwarded-For honoured
 * only from trusted proxies, the same rule as Fastify's `trustProxy`) and the Origin allowlist (exact
 * match; a request without Origin, as from native game clients, always passes; a malformed list fails
 * closed).
 */
import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

/** Fastify's `trustProxy` option. */
export type TrustProxy = boolean | string | number | readonly string[];

type TrustFn = (addr: string, hop: number) => boolean;

/** Compiles a `trustProxy` option to a trust function, as Fastify does; undefined when nothing is trusted. */
export function compileTrust(trust: TrustProxy): TrustFn | undefined {
  if (trust === false) return undefined;
  if (trust === true) return () => true;
  if (typeof trust === 'number') return (_addr, hop) => hop < trust;
  if (typeof trust === 'string') return proxyAddr.compile(trust.split(',').map((s) => s.trim()));
  return proxyAddr.compile([...trust]);
}

/** The client address of an upgrade request. */
export function clientIp(request: IncomingMessage, trust: TrustFn | undefined): string {
  if (trust === undefined) return request.socket.remoteAddress ?? 'unknown';
  return proxyAddr(request, trust);
}

/**
 * Whether an upgrade with this `Origin` header may proceed. `allowlist` undefined: any origin. An absent
 * Origin always passes. A list with anything but non-empty strings in it refuses every Origin.
 */
export function originAllowed(origin: string | string[] | undefined, allowlist: readonly unknown[] | undefined): boolean {
  if (allowlist === undefined || origin === undefined) return true;
  if (typeof origin !== 'string') return false;
  let ok = false;
  for (const entry of allowlist) {
    if (typeof entry !== 'string' || entry.length === 0) return false;
    if (entry === origin) ok = true;
  }
  return ok;
}
