/**
 * Steam session-ticket verification through the Steam Web API: `ISteamUserAuth/AuthenticateUserTicket/v1`
 * with the publisher key, the app id and the hex ticket the game client got from Steam. The player's
 * provider uid is the `steamid` Steam answers; the persona name comes from `ISteamUser/GetPlayerSummaries/v2`
 * (best effort: sign-in never fails because of it); the VAC and publisher ban verdicts are kept in the
 * identity's metadata.
 *
 * A malformed ticket is 422 `validation_failed`; a ticket Steam rejects is 401
 * `auth.invalid_provider_token` (`details.reason: ticket_rejected`, Steam's numeric `errorcode` in
 * `details.steam_error`); Steam unreachable, or refusing our key, is 503 `service_unavailable`.
 */
import { ApiError } from '../api-error.js';
import { clipUtf8, getJson, secureUrl, type FetchLike } from '../internal/outbound-http.js';
import type { SteamOptions } from '../options.js';
import type { VerifiedIdentity } from './identity-verifier.js';

/** Steam's Web API (the default `apiBaseUrl`). */
export const STEAM_API_BASE_URL = 'https://api.steampowered.com';

/** The longest ticket accepted, in hex characters (asobi's bound: 4096 bytes as sent). */
export const STEAM_TICKET_MAX_BYTES = 4096;

const TICKET_RE = /^[0-9a-fA-F]+$/;
const STEAMID_RE = /^[0-9]{1,20}$/;
const DISPLAY_NAME_MAX_BYTES = 64;

export interface SteamVerifierSettings {
  /** `fetch` used for the Web API (default: the global one). */
  readonly fetch?: FetchLike;
  /** Timeout of each Web API request (default 5000 ms). */
  readonly timeoutMs?: number;
}

/** Verifies Steam session tickets. */
export interface SteamVerifier {
  readonly provider: 'steam';
  verify(ticket: string): Promise<VerifiedIdentity>;
}

function unavailable(reason: string, extra: Record<string, unknown> = {}): ApiError {
  return new ApiError('service_unavailable', { provider: 'steam', reason, ...extra });
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/**
 * A Steam verifier. Validates the configuration at once (throws an Error naming the bad option):
 * `apiKey` set, `appId` numeric, `apiBaseUrl` https (plain http only for a loopback host).
 *
 * @example
 * const steam = createSteamVerifier({ apiKey: process.env.STEAM_KEY!, appId: '480' });
 * const id = await steam.verify(hexTicket); // { provider: 'steam', provider_uid: '7656119...', display_name, metadata }
 */
export function createSteamVerifier(options: SteamOptions, settings: SteamVerifierSettings = {}): SteamVerifier {
  if (typeof options !== 'object' || options === null) throw new Error('option auth.steam must be an object');
  if (typeof options.apiKey !== 'string' || options.apiKey === '') throw new Error('option auth.steam.apiKey is required');
  if (typeof options.appId !== 'string' || !/^[0-9]{1,10}$/.test(options.appId)) throw new Error('option auth.steam.appId must be a numeric Steam app id');
  const base = secureUrl('auth.steam.apiBaseUrl', options.apiBaseUrl ?? STEAM_API_BASE_URL);
  const identity = options.identity;
  if (identity !== undefined && (typeof identity !== 'string' || identity === '')) throw new Error('option auth.steam.identity must be a non-empty string');
  const basePath = base.pathname.endsWith('/') ? base.href : `${base.href}/`;
  const fetchImpl: FetchLike = settings.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = settings.timeoutMs ?? 5_000;

  /** A Web API URL; `URLSearchParams` percent-encodes every part. */
  function endpoint(path: string, params: Record<string, string>): URL {
    const url = new URL(path, basePath);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url;
  }

  async function personaName(steamid: string): Promise<string | undefined> {
    const r = await getJson(fetchImpl, endpoint('ISteamUser/GetPlayerSummaries/v2/', { key: options.apiKey, steamids: steamid }), timeoutMs);
    if (!r.ok) return undefined;
    const players = record(record(r.body)?.['response'])?.['players'];
    if (!Array.isArray(players)) return undefined;
    const me = players.map(record).find((p) => p?.['steamid'] === steamid);
    const name = me?.['personaname'];
    if (typeof name !== 'string') return undefined;
    const clipped = clipUtf8(name, DISPLAY_NAME_MAX_BYTES).trim();
    return clipped === '' ? undefined : clipped;
  }

  return Object.freeze({
    provider: 'steam' as const,
    async verify(ticket: string): Promise<VerifiedIdentity> {
      if (typeof ticket !== 'string' || !TICKET_RE.test(ticket) || ticket.length > STEAM_TICKET_MAX_BYTES) {
        throw new ApiError('validation_failed', { fields: { token: `a hex Steam session ticket of at most ${STEAM_TICKET_MAX_BYTES} characters` } });
      }
      const params: Record<string, string> = { key: options.apiKey, appid: options.appId, ticket };
      if (identity !== undefined) params['identity'] = identity;
      const r = await getJson(fetchImpl, endpoint('ISteamUserAuth/AuthenticateUserTicket/v1/', params), timeoutMs);
      if (!r.ok) {
        if (r.failure === 'unreachable' || r.failure === 'timeout') throw unavailable('steam_unreachable');
        // Steam answers 401/403 to a bad publisher key: the operator's problem, not the player's.
        throw unavailable('steam_error', r.status === undefined ? {} : { status: r.status });
      }
      const response = record(record(r.body)?.['response']);
      if (response === undefined) throw unavailable('steam_bad_response');
      const error = record(response['error']);
      if (error !== undefined) {
        const code = error['errorcode'];
        throw new ApiError('auth.invalid_provider_token', { provider: 'steam', reason: 'ticket_rejected', ...(typeof code === 'number' ? { steam_error: code } : {}) });
      }
      const p = record(response['params']);
      if (p === undefined) throw unavailable('steam_bad_response');
      if (p['result'] !== 'OK') throw new ApiError('auth.invalid_provider_token', { provider: 'steam', reason: 'ticket_rejected' });
      const steamid = p['steamid'];
      if (typeof steamid !== 'string' || !STEAMID_RE.test(steamid)) throw unavailable('steam_bad_response');
      const metadata: Record<string, unknown> = { vac_banned: p['vacbanned'] === true, publisher_banned: p['publisherbanned'] === true };
      const owner = p['ownersteamid'];
      if (typeof owner === 'string' && STEAMID_RE.test(owner) && owner !== steamid) metadata['owner_steamid'] = owner;
      const name = await personaName(steamid);
      return { provider: 'steam', provider_uid: steamid, ...(name === undefined ? {} : { display_name: name }), metadata };
    },
  });
}
