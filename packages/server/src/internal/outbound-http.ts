/**
 * Outbound HTTP to identity providers (OIDC issuers, the Steam Web API): the URL policy (https, or plain
 * http only to a loopback host, for tests and local fakes) and a JSON GET with a timeout that tells
 * "could not reach it" apart from "it answered something unusable".
 */

/** The slice of `fetch` the verifiers use (injectable in tests). */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** True for `localhost`, `*.localhost`, `127.0.0.0/8` and `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Parses an operator-configured URL and enforces the policy: https always; plain http only when the host
 * is loopback. Throws an Error naming the option otherwise (at boot, never at request time).
 */
export function secureUrl(option: string, value: unknown): URL {
  if (typeof value !== 'string' || value === '') throw new Error(`option ${option} must be a URL`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`option ${option} must be an absolute URL`);
  }
  if (url.username !== '' || url.password !== '') throw new Error(`option ${option} must not carry credentials`);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new Error(`option ${option} must be an https URL (plain http is allowed only for a loopback host)`);
}

export type JsonResult =
  | { readonly ok: true; readonly status: number; readonly body: unknown }
  | { readonly ok: false; readonly failure: 'unreachable' | 'timeout' | 'http_status' | 'invalid_json'; readonly status?: number };

/** GETs `url` and parses JSON; never throws. Redirects are not followed (they count as `http_status`). */
export async function getJson(fetchImpl: FetchLike, url: URL, timeoutMs: number): Promise<JsonResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetchImpl(url, { method: 'GET', redirect: 'manual', signal, headers: { accept: 'application/json' } });
  } catch (e) {
    return { ok: false, failure: signal.aborted || (e as { name?: unknown } | null)?.name === 'TimeoutError' ? 'timeout' : 'unreachable' };
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, failure: 'http_status', status: response.status };
  }
  try {
    return { ok: true, status: response.status, body: await response.json() };
  } catch {
    return { ok: false, failure: signal.aborted ? 'timeout' : 'invalid_json', status: response.status };
  }
}

/** Cuts `s` to at most `maxBytes` of UTF-8 without splitting a character; drops NULs. */
export function clipUtf8(s: string, maxBytes: number): string {
  const clean = s.replace(/\u0000/g, '');
  if (Buffer.byteLength(clean, 'utf8') <= maxBytes) return clean;
  let out = '';
  let used = 0;
  for (const ch of clean) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (used + n > maxBytes) break;
    out += ch;
    used += n;
  }
  return out;
}
