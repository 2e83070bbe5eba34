// OIDC sign-in end to end against a fake issuer on loopback: /auth/oauth, /auth/link, /auth/unlink through
// createServer (which builds the verifier from options.auth.providers), and createOidcVerifier alone for
// discovery caching, retry pauses and the injected clock.
import { SimulatedClock } from '@hajime/actor';
import type { Storage } from '@hajime/storage';
import t from 'tap';
import { createIdentityVerifier, createOidcVerifier, createServer, type ApiError } from '../../src/index.js';
import { testServer, testStorage, uniqueName } from '../helpers.js';
import { CLIENT_ID, deadUrl, startFakeIssuer } from './fakes.js';

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected a rejection');
}

t.test('POST /auth/oauth with an OIDC provider', async (t) => {
  const storage = await testStorage(t);
  const idp = await startFakeIssuer(t);
  const down = await deadUrl(t);
  const server = await testServer(t, storage, {
    auth: { providers: { google: { issuer: idp.issuer, clientId: CLIENT_ID }, apple: { issuer: down, clientId: CLIENT_ID } } },
  });
  const app = server.app;
  const post = (url: string, payload: object, token?: string) => app.inject({ method: 'POST', url, payload, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  const oauth = (token: string, provider = 'google') => post('/api/v1/auth/oauth', { provider, token });

  t.test('first sign-in creates a player with a generated username; the next one resumes it', async (t) => {
    const sub = `1098${Date.now()}`;
    const first = await oauth(await idp.sign(sub));
    t.equal(first.statusCode, 200);
    const body = first.json();
    t.equal(body.created, true);
    t.match(body.username, /^google_[a-z0-9]{1,8}_\d{4}$/);
    t.same(Object.keys(body).sort(), ['access_token', 'created', 'player_id', 'refresh_token', 'username']);
    const profile = await app.inject({ method: 'GET', url: `/api/v1/players/${body.player_id}`, headers: { authorization: `Bearer ${body.access_token}` } });
    t.equal(profile.json().display_name, `Player ${sub}`, 'the name claim becomes the display name');
    const [identity] = await storage.players.listIdentities(body.player_id);
    t.match(identity, { provider: 'google', provider_uid: sub, provider_email: `${sub}@example.test`, provider_metadata: { issuer: idp.issuer, email_verified: true } });

    const again = await oauth(await idp.sign(sub, { key: 'ec' }));
    t.equal(again.statusCode, 200, 'ES256 tokens verify too');
    t.equal(again.json().player_id, body.player_id);
    t.equal(again.json().created, undefined, 'created only the first time');
    t.not(again.json().access_token, body.access_token);
  });

  t.test('tokens that do not verify are 401 auth.invalid_provider_token with a reason and without the token', async (t) => {
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, Promise<string> | string, string]> = [
      ['wrong audience', idp.sign('a1', { claims: { aud: 'someone-elses-client' } }), 'wrong_audience'],
      ['wrong issuer', idp.sign('a2', { claims: { iss: 'https://evil.example' } }), 'wrong_issuer'],
      ['expired', idp.sign('a3', { claims: { iat: now - 7200, exp: now - 3600 } }), 'expired'],
      ['not yet valid', idp.sign('a4', { claims: { nbf: now + 3600 } }), 'not_yet_valid'],
      ['bad signature', idp.sign('a5', { key: 'rogue' }), 'bad_signature'],
      ['unknown kid', idp.sign('a6', { key: 'rogue', kid: 'not-published' }), 'unknown_key'],
      ['alg none', idp.unsigned('a7'), 'alg_not_allowed'],
      ['HS256', idp.hs256('a8'), 'alg_not_allowed'],
      ['no sub', idp.sign('a9', { claims: { sub: undefined } }), 'missing_claim'],
      ['not a JWT', 'definitely-not-a-jwt', 'malformed'],
      ['garbled JWT', 'aaa.bbb.ccc', 'malformed'],
    ];
    for (const [what, tokenP, reason] of cases) {
      const token = await tokenP;
      const res = await oauth(token);
      t.equal(res.statusCode, 401, what);
      t.match(res.json(), { error: { code: 'auth.invalid_provider_token', details: { provider: 'google', reason } } }, what);
      t.notOk(res.body.includes(token), `${what}: the token is not echoed`);
    }
    t.equal(await storage.players.findIdentity('google', 'a1'), undefined, 'nothing was created');
  });

  t.test('a provider that is not configured is 400 auth.unsupported_provider', async (t) => {
    const res = await oauth(await idp.sign('u1'), 'microsoft');
    t.equal(res.statusCode, 400);
    t.match(res.json(), { error: { code: 'auth.unsupported_provider', details: { provider: 'microsoft' } } });
    const steam = await oauth('abcdef', 'steam');
    t.equal(steam.json().error.code, 'auth.unsupported_provider');
  });

  t.test('an unreachable issuer is 503 service_unavailable', async (t) => {
    const res = await oauth(await idp.sign('u2'), 'apple');
    t.equal(res.statusCode, 503);
    t.match(res.json(), { error: { code: 'service_unavailable', details: { provider: 'apple', reason: 'issuer_unreachable' } } });
  });

  t.test('the issuer JWKS is discovered once and cached', async (t) => {
    const before = { discovery: idp.hits.get('/.well-known/openid-configuration') ?? 0, jwks: idp.hits.get('/jwks') ?? 0 };
    for (let i = 0; i < 3; i++) t.equal((await oauth(await idp.sign(`cached${i}`))).statusCode, 200);
    t.equal(idp.hits.get('/.well-known/openid-configuration'), before.discovery, 'no new discovery');
    t.equal(idp.hits.get('/jwks'), before.jwks, 'no new JWKS fetch');
    t.equal(before.discovery, 1);
  });

  t.test('registration closed: new identities are refused, known ones still sign in', async (t) => {
    const sub = `known${Date.now()}`;
    const created = await oauth(await idp.sign(sub));
    const closed = await testServer(t, storage, { auth: { registration: 'closed', providers: { google: { issuer: idp.issuer, clientId: CLIENT_ID } } } });
    const known = await closed.app.inject({ method: 'POST', url: '/api/v1/auth/oauth', payload: { provider: 'google', token: await idp.sign(sub) } });
    t.equal(known.json().player_id, created.json().player_id);
    const fresh = await closed.app.inject({ method: 'POST', url: '/api/v1/auth/oauth', payload: { provider: 'google', token: await idp.sign(`new${Date.now()}`) } });
    t.equal(fresh.statusCode, 403);
    t.equal(fresh.json().error.code, 'auth.registration_closed');
  });

  t.test('a banned player cannot sign in with a provider', async (t) => {
    const sub = `banned${Date.now()}`;
    const created = await oauth(await idp.sign(sub));
    await storage.players.setBanned(created.json().player_id, new Date());
    const res = await oauth(await idp.sign(sub));
    t.equal(res.statusCode, 403);
    t.match(res.json(), { error: { code: 'forbidden', details: { reason: 'banned' } } });
  });
});

t.test('POST /auth/link and DELETE /auth/unlink', async (t) => {
  const storage = await testStorage(t);
  const idp = await startFakeIssuer(t);
  const server = await testServer(t, storage, { auth: { providers: { google: { issuer: idp.issuer, clientId: CLIENT_ID } } } });
  const app = server.app;
  const post = (url: string, payload: object, token?: string) => app.inject({ method: 'POST', url, payload, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  const unlink = (provider: string, token: string) => app.inject({ method: 'DELETE', url: `/api/v1/auth/unlink?provider=${provider}`, headers: { authorization: `Bearer ${token}` } });

  t.test('links a provider to a password account; the identity then signs in to that account', async (t) => {
    const alice = (await post('/api/v1/auth/register', { username: uniqueName('alice'), password: 'password1' })).json();
    const sub = `link${Date.now()}`;
    const linked = await post('/api/v1/auth/link', { provider: 'google', token: await idp.sign(sub) }, alice.access_token);
    t.equal(linked.statusCode, 200);
    t.same(linked.json(), { provider: 'google', provider_uid: sub, linked: true });
    const signIn = await post('/api/v1/auth/oauth', { provider: 'google', token: await idp.sign(sub) });
    t.equal(signIn.json().player_id, alice.player_id);
    t.equal(signIn.json().created, undefined);

    const bob = (await post('/api/v1/auth/register', { username: uniqueName('bob'), password: 'password1' })).json();
    const taken = await post('/api/v1/auth/link', { provider: 'google', token: await idp.sign(sub) }, bob.access_token);
    t.equal(taken.statusCode, 409);
    t.match(taken.json(), { error: { code: 'auth.provider_already_linked', details: { provider: 'google' } } });

    const bad = await post('/api/v1/auth/link', { provider: 'google', token: await idp.sign(sub, { claims: { aud: 'other' } }) }, bob.access_token);
    t.equal(bad.statusCode, 401);
    t.equal(bad.json().error.code, 'auth.invalid_provider_token');
    const unsupported = await post('/api/v1/auth/link', { provider: 'discord', token: await idp.sign(sub) }, bob.access_token);
    t.equal(unsupported.json().error.code, 'auth.unsupported_provider');
    const anonymous = await post('/api/v1/auth/link', { provider: 'google', token: await idp.sign(sub) });
    t.equal(anonymous.statusCode, 401, 'linking needs a session');

    const removed = await unlink('google', alice.access_token);
    t.equal(removed.statusCode, 200);
    t.same(removed.json(), { success: true });
    t.equal(await storage.players.findIdentity('google', sub), undefined);
    const again = await unlink('google', alice.access_token);
    t.equal(again.statusCode, 404);
    t.equal(again.json().error.code, 'auth.identity_not_found');
    const fresh = await post('/api/v1/auth/oauth', { provider: 'google', token: await idp.sign(sub) });
    t.equal(fresh.json().created, true, 'after unlinking, the identity is a stranger again');
    t.not(fresh.json().player_id, alice.player_id);
  });

  t.test('refuses to unlink the last way to sign in', async (t) => {
    const sub = `only${Date.now()}`;
    const p = (await post('/api/v1/auth/oauth', { provider: 'google', token: await idp.sign(sub) })).json();
    const res = await unlink('google', p.access_token);
    t.equal(res.statusCode, 422);
    t.equal(res.json().error.code, 'auth.last_auth_method');
    t.ok(await storage.players.findIdentity('google', sub), 'the identity is still linked');
  });
});

t.test('createOidcVerifier', async (t) => {
  t.test('a failed discovery is remembered for the retry pause, then tried again', async (t) => {
    const idp = await startFakeIssuer(t);
    const clock = new SimulatedClock({ epochStartMs: Date.now() });
    const v = createOidcVerifier('google', { issuer: idp.issuer, clientId: CLIENT_ID }, { clock, discoveryRetryMs: 5_000 });
    const nowSec = () => Math.floor(clock.epochMs() / 1000);
    idp.discoveryUp = false;
    const e1 = await rejection(v.verify(await idp.sign('r1', {}, nowSec())));
    t.match(e1, { code: 'service_unavailable', status: 503, details: { reason: 'discovery_failed', status: 500 } });
    idp.discoveryUp = true;
    const e2 = await rejection(v.verify(await idp.sign('r1', {}, nowSec())));
    t.equal(e2.code, 'service_unavailable', 'still failing fast inside the pause');
    t.equal(idp.hits.get('/.well-known/openid-configuration'), 1, 'without asking the issuer again');
    await clock.advance(5_000);
    const id = await v.verify(await idp.sign('r1', {}, nowSec()));
    t.match(id, { provider: 'google', provider_uid: 'r1', email: 'r1@example.test', display_name: 'Player r1' });
    t.equal(idp.hits.get('/.well-known/openid-configuration'), 2);
  });

  t.test('expiry follows the injected clock, with 30 s of tolerance', async (t) => {
    const idp = await startFakeIssuer(t);
    const clock = new SimulatedClock({ epochStartMs: Date.now() });
    const v = createOidcVerifier('google', { issuer: idp.issuer, clientId: CLIENT_ID }, { clock });
    const now = Math.floor(clock.epochMs() / 1000);
    const token = await idp.sign('c1', { claims: { exp: now + 60 } }, now);
    t.equal((await v.verify(token)).provider_uid, 'c1');
    await clock.advance(85_000);
    t.equal((await v.verify(token)).provider_uid, 'c1', 'inside the tolerance');
    await clock.advance(10_000);
    t.match(await rejection(v.verify(token)), { code: 'auth.invalid_provider_token', details: { reason: 'expired' } });
  });

  t.test('jwksUrl skips discovery; the issuer is still checked', async (t) => {
    const idp = await startFakeIssuer(t);
    const v = createOidcVerifier('microsoft', { issuer: idp.issuer, clientId: CLIENT_ID, jwksUrl: `${idp.issuer}/jwks` });
    t.equal((await v.verify(await idp.sign('j1'))).provider, 'microsoft');
    t.equal(idp.hits.get('/.well-known/openid-configuration'), undefined);
    t.match(await rejection(v.verify(await idp.sign('j2', { claims: { iss: 'https://other.example' } }))), { details: { reason: 'wrong_issuer' } });
  });

  t.test('a discovery document naming another issuer is refused', async (t) => {
    const idp = await startFakeIssuer(t);
    const v = createOidcVerifier('discord', { issuer: `${idp.issuer}/`, clientId: CLIENT_ID });
    t.match(await rejection(v.verify(await idp.sign('m1'))), { code: 'service_unavailable', details: { reason: 'discovery_issuer_mismatch' } });
  });

  t.test('unverified emails are not kept; long names are clipped to 64 bytes', async (t) => {
    const idp = await startFakeIssuer(t);
    const v = createOidcVerifier('apple', { issuer: idp.issuer, clientId: CLIENT_ID });
    const id = await v.verify(await idp.sign('e1', { claims: { email_verified: 'false', name: 'é'.repeat(40) } }));
    t.equal(id.email, undefined);
    t.equal(id.display_name, 'é'.repeat(32));
    t.match(id.metadata, { email_verified: false });
    const long = await rejection(v.verify(await idp.sign('x'.repeat(256))));
    t.match(long, { code: 'auth.invalid_provider_token', details: { reason: 'invalid_sub' } });
  });

  t.test('configuration is checked at once: https issuers (http only on loopback), a client id, known providers', async (t) => {
    t.throws(() => createOidcVerifier('google', { issuer: 'http://accounts.example.com', clientId: 'c' }), /auth\.providers\.google\.issuer must be an https URL/);
    t.throws(() => createOidcVerifier('google', { issuer: 'not a url', clientId: 'c' }), /absolute URL/);
    t.throws(() => createOidcVerifier('google', { issuer: 'https://accounts.google.com', clientId: '' }), /clientId is required/);
    t.throws(() => createOidcVerifier('google', { issuer: 'https://accounts.google.com', clientId: 'c', jwksUrl: 'http://keys.example.com/jwks' }), /jwksUrl must be an https URL/);
    t.doesNotThrow(() => createOidcVerifier('google', { issuer: 'https://accounts.google.com', clientId: 'c' }));
    t.doesNotThrow(() => createOidcVerifier('google', { issuer: 'http://localhost:9999', clientId: 'c' }));
    t.doesNotThrow(() => createOidcVerifier('google', { issuer: 'http://[::1]:9999', clientId: 'c' }));
    t.throws(() => createIdentityVerifier({ providers: { myspace: { issuer: 'https://myspace.example', clientId: 'c' } } as never }), /unknown provider/);
    t.equal(createIdentityVerifier({}).providers.length, 0);
    t.same(createIdentityVerifier({ providers: { google: { issuer: 'https://accounts.google.com', clientId: 'c' } }, steam: { apiKey: 'k', appId: '480' } }).providers, ['google', 'steam']);
    // createServer checks providers before it touches storage or starts anything.
    await t.rejects(
      createServer({ storage: {} as Storage, logger: false, auth: { providers: { google: { issuer: 'http://accounts.example.com', clientId: 'c' } } } }),
      /must be an https URL/,
      'createServer refuses a bad provider at boot, before starting anything',
    );
  });
});
