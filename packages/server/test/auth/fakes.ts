// Local stand-ins for identity providers, on loopback with port 0: an OIDC issuer (discovery document,
// JWKS, RSA and EC signing keys, a rogue key that is not published) and the two Steam Web API endpoints.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import type { Test } from 'tap';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

async function listen(t: Test, handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => handler(req, res, new URL(req.url ?? '/', 'http://127.0.0.1')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  t.teardown(() => stop(server));
  return { server, url: `http://127.0.0.1:${port}` };
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A URL on loopback where nothing listens (a server was bound there and closed). */
export async function deadUrl(t: Test): Promise<string> {
  const { server, url } = await listen(t, () => undefined);
  await stop(server);
  return url;
}

export const CLIENT_ID = 'hajime-test-client';

export interface SignOptions {
  /** Claims to add or override (`undefined` removes a default claim). */
  readonly claims?: Record<string, unknown>;
  /** Which key signs: the published RSA (default) or EC key, or a rogue RSA key that is not in the JWKS. */
  readonly key?: 'rsa' | 'ec' | 'rogue';
  /** Overrides the `kid` header (default: the key's own, `rsa-1` for the rogue key too). */
  readonly kid?: string;
}

export interface FakeIssuer {
  /** Base URL, which is also the issuer identifier. */
  readonly issuer: string;
  /** How many times each path was requested. */
  readonly hits: Map<string, number>;
  /** When false, discovery answers 500. */
  discoveryUp: boolean;
  /** A signed ID token for `sub` (default claims: iss, aud = CLIENT_ID, sub, iat now, exp in 10 min, name, email). */
  sign(sub: string, options?: SignOptions, nowSec?: number): Promise<string>;
  /** An unsigned (`alg: none`) token with the same default claims. */
  unsigned(sub: string, nowSec?: number): string;
  /** An HS256 token (symmetric algorithms are refused). */
  hs256(sub: string): Promise<string>;
}

export async function startFakeIssuer(t: Test): Promise<FakeIssuer> {
  const rsa = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  const rogue = await generateKeyPair('RS256');
  const jwks = { keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' }, { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' }] };
  const hits = new Map<string, number>();
  let issuer = '';
  const state = { discoveryUp: true };
  const { url } = await listen(t, (_req, res, u) => {
    hits.set(u.pathname, (hits.get(u.pathname) ?? 0) + 1);
    if (u.pathname === '/.well-known/openid-configuration') {
      if (!state.discoveryUp) return json(res, 500, { error: 'down' });
      return json(res, 200, { issuer, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ['RS256', 'ES256'] });
    }
    if (u.pathname === '/jwks') return json(res, 200, jwks);
    json(res, 404, {});
  });
  issuer = url;

  function claims(sub: string, nowSec: number, extra: Record<string, unknown> = {}): JWTPayload {
    const base: Record<string, unknown> = { iss: issuer, aud: CLIENT_ID, sub, iat: nowSec, exp: nowSec + 600, name: `Player ${sub}`, email: `${sub}@example.test`, email_verified: true };
    for (const [k, v] of Object.entries(extra)) {
      if (v === undefined) delete base[k];
      else base[k] = v;
    }
    return base as JWTPayload;
  }

  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

  return {
    issuer,
    hits,
    get discoveryUp() {
      return state.discoveryUp;
    },
    set discoveryUp(v: boolean) {
      state.discoveryUp = v;
    },
    async sign(sub, options = {}, nowSec = Math.floor(Date.now() / 1000)) {
      const which = options.key ?? 'rsa';
      const key = which === 'ec' ? ec.privateKey : which === 'rogue' ? rogue.privateKey : rsa.privateKey;
      const alg = which === 'ec' ? 'ES256' : 'RS256';
      const kid = options.kid ?? (which === 'ec' ? 'ec-1' : 'rsa-1');
      return new SignJWT(claims(sub, nowSec, options.claims)).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(key);
    },
    unsigned(sub, nowSec = Math.floor(Date.now() / 1000)) {
      return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims(sub, nowSec))}.`;
    },
    async hs256(sub) {
      return new SignJWT(claims(sub, Math.floor(Date.now() / 1000))).setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' }).sign(randomBytes(32));
    },
  };
}

export const STEAM_KEY = 'steam key&=+/?';
export const STEAM_APP_ID = '480';

export interface SteamPlayer {
  readonly steamid: string;
  readonly personaname?: string;
  readonly vacbanned?: boolean;
  readonly publisherbanned?: boolean;
  readonly ownersteamid?: string;
}

export interface FakeSteam {
  /** The API base to configure (`apiBaseUrl`), with a path prefix to check URL joining. */
  readonly apiBaseUrl: string;
  /** Query strings the fake received, per endpoint, decoded. */
  readonly calls: { auth: URLSearchParams[]; summaries: URLSearchParams[] };
  /** Tickets the fake accepts (case-insensitive hex) and whom they belong to. */
  readonly tickets: Map<string, SteamPlayer>;
  /** When false, GetPlayerSummaries answers 500. */
  summariesUp: boolean;
}

export async function startFakeSteam(t: Test): Promise<FakeSteam> {
  const tickets = new Map<string, SteamPlayer>();
  const calls = { auth: [] as URLSearchParams[], summaries: [] as URLSearchParams[] };
  const state = { summariesUp: true };
  const { url } = await listen(t, (_req, res, u) => {
    const q = u.searchParams;
    if (u.pathname === '/steam/ISteamUserAuth/AuthenticateUserTicket/v1/') {
      calls.auth.push(q);
      if (q.get('key') !== STEAM_KEY) {
        res.writeHead(403, { 'content-type': 'text/html' });
        return res.end('<html><body>Forbidden</body></html>');
      }
      const player = q.get('appid') === STEAM_APP_ID ? tickets.get((q.get('ticket') ?? '').toLowerCase()) : undefined;
      if (player === undefined) return json(res, 200, { response: { error: { errorcode: 101, errordesc: 'Invalid ticket' } } });
      return json(res, 200, {
        response: { params: { result: 'OK', steamid: player.steamid, ownersteamid: player.ownersteamid ?? player.steamid, vacbanned: player.vacbanned ?? false, publisherbanned: player.publisherbanned ?? false } },
      });
    }
    if (u.pathname === '/steam/ISteamUser/GetPlayerSummaries/v2/') {
      calls.summaries.push(q);
      if (!state.summariesUp || q.get('key') !== STEAM_KEY) return json(res, 500, {});
      const ids = (q.get('steamids') ?? '').split(',');
      const players = [...tickets.values()].filter((p) => ids.includes(p.steamid) && p.personaname !== undefined).map((p) => ({ steamid: p.steamid, personaname: p.personaname }));
      return json(res, 200, { response: { players } });
    }
    json(res, 404, {});
  });
  return {
    apiBaseUrl: `${url}/steam`,
    calls,
    tickets,
    get summariesUp() {
      return state.summariesUp;
    },
    set summariesUp(v: boolean) {
      state.summariesUp = v;
    },
  };
}

/** A random hex ticket (what a Steam client hands the game). */
export function steamTicket(bytes = 64): string {
  return randomBytes(bytes).toString('hex');
}
