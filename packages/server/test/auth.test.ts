import t from 'tap';
import { deviceSecret, testServer, testStorage, uniqueName } from './helpers.js';

t.test('auth over REST', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage);
  const app = server.app;
  const post = (url: string, payload?: unknown, token?: string) =>
    app.inject({ method: 'POST', url, ...(payload === undefined ? {} : { payload: payload as object }), headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

  t.test('register → login → refresh (rotating, single use) → logout', async (t) => {
    const username = uniqueName('alice');
    const reg = await post('/api/v1/auth/register', { username, password: 'correct horse', display_name: 'Alice' });
    t.equal(reg.statusCode, 200);
    const r = reg.json();
    t.same(Object.keys(r).sort(), ['access_token', 'player_id', 'refresh_token', 'username']);
    t.equal(r.username, username);
    t.match(r.access_token, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');

    const login = await post('/api/v1/auth/login', { username, password: 'correct horse' });
    t.equal(login.statusCode, 200);
    t.equal(login.json().player_id, r.player_id);

    const me = await app.inject({ method: 'GET', url: `/api/v1/players/${r.player_id}`, headers: { authorization: `Bearer ${login.json().access_token}` } });
    t.equal(me.statusCode, 200);
    t.equal(me.json().display_name, 'Alice');
    t.notOk('hashed_password' in me.json(), 'no password hash in profiles');

    const refreshed = await post('/api/v1/auth/refresh', { refresh_token: login.json().refresh_token });
    t.equal(refreshed.statusCode, 200);
    t.same(Object.keys(refreshed.json()).sort(), ['access_token', 'refresh_token']);
    const again = await post('/api/v1/auth/refresh', { refresh_token: login.json().refresh_token });
    t.equal(again.statusCode, 401, 'a refresh token works once');
    t.match(again.json(), { error: { code: 'unauthenticated', details: { reason: 'refresh_token_reused' } } });
    const burnt = await post('/api/v1/auth/refresh', { refresh_token: refreshed.json().refresh_token });
    t.equal(burnt.statusCode, 401, 'reuse burned the whole family');
    const oldAccess = await app.inject({ method: 'GET', url: `/api/v1/players/${r.player_id}`, headers: { authorization: `Bearer ${refreshed.json().access_token}` } });
    t.equal(oldAccess.statusCode, 401, 'including its access tokens, at once on this node');

    const fresh = await post('/api/v1/auth/login', { username, password: 'correct horse' });
    const out = await post('/api/v1/auth/logout', { refresh_token: fresh.json().refresh_token }, fresh.json().access_token);
    t.same(out.json(), { success: true });
    t.equal((await post('/api/v1/auth/refresh', { refresh_token: fresh.json().refresh_token })).statusCode, 401);
    const after = await app.inject({ method: 'GET', url: `/api/v1/players/${r.player_id}`, headers: { authorization: `Bearer ${fresh.json().access_token}` } });
    t.equal(after.statusCode, 401);
    t.same((await post('/api/v1/auth/logout', {})).json(), { success: true }, 'logout always succeeds');
    t.same((await post('/api/v1/auth/logout')).json(), { success: true });
  });

  t.test('register and login errors are coded', async (t) => {
    const username = uniqueName('bob');
    await post('/api/v1/auth/register', { username, password: 'password1' });
    const taken = await post('/api/v1/auth/register', { username, password: 'password1' });
    t.equal(taken.statusCode, 409);
    t.equal(taken.json().error.code, 'auth.username_taken');
    const short = await post('/api/v1/auth/register', { username: uniqueName(), password: 'short' });
    t.equal(short.statusCode, 422);
    t.match(short.json(), { error: { code: 'validation_failed', details: { fields: { password: /at least/ } } }, fields: { password: /at least/ } });
    const badName = await post('/api/v1/auth/register', { username: 'a b', password: 'password1' });
    t.equal(badName.statusCode, 422);
    t.ok(badName.json().error.details.fields.username);
    const missing = await post('/api/v1/auth/register', { password: 'password1' });
    t.equal(missing.statusCode, 422);
    t.ok(missing.json().error.details.fields.username);
    const wrong = await post('/api/v1/auth/login', { username, password: 'nope-nope' });
    t.equal(wrong.statusCode, 401);
    t.equal(wrong.json().error.code, 'auth.invalid_credentials');
    const nobody = await post('/api/v1/auth/login', { username: uniqueName('ghost'), password: 'nope-nope' });
    t.equal(nobody.json().error.code, 'auth.invalid_credentials', 'unknown users look like wrong passwords');
    const badJson = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: '{"username":', headers: { 'content-type': 'application/json' } });
    t.equal(badJson.statusCode, 400);
    t.equal(badJson.json().error.code, 'invalid_json');
  });

  t.test('guest: create, resume, wrong secret, upgrade keeps the player id and revokes old sessions', async (t) => {
    const device_id = uniqueName('device');
    const device_secret = deviceSecret();
    const first = await post('/api/v1/auth/guest', { device_id, device_secret });
    t.equal(first.statusCode, 200);
    t.match(first.json(), { guest: true, created: true, username: /^guest_[0-9a-f]{16}$/ });
    const resume = await post('/api/v1/auth/guest', { device_id, device_secret });
    t.equal(resume.json().player_id, first.json().player_id);
    t.equal(resume.json().created, undefined, 'created only the first time');
    t.equal(resume.json().guest, true);
    const wrong = await post('/api/v1/auth/guest', { device_id, device_secret: deviceSecret() });
    t.equal(wrong.statusCode, 401);
    const weak = await post('/api/v1/auth/guest', { device_id, device_secret: Buffer.alloc(8).toString('base64') });
    t.equal(weak.statusCode, 422);

    const name = uniqueName('upgraded');
    const up = await post('/api/v1/auth/guest/upgrade', { username: name, password: 'a strong one' }, resume.json().access_token);
    t.equal(up.statusCode, 200);
    t.match(up.json(), { player_id: first.json().player_id, username: name, upgraded: true });
    const old = await app.inject({ method: 'GET', url: `/api/v1/players/${first.json().player_id}`, headers: { authorization: `Bearer ${resume.json().access_token}` } });
    t.equal(old.statusCode, 401, 'the guest sessions were revoked');
    const fresh = await app.inject({ method: 'GET', url: `/api/v1/players/${first.json().player_id}`, headers: { authorization: `Bearer ${up.json().access_token}` } });
    t.equal(fresh.statusCode, 200, 'the new pair works at once');
    t.equal((await post('/api/v1/auth/guest', { device_id, device_secret })).statusCode, 200, 'the device verifier was deleted: the device starts a new guest');
    const login = await post('/api/v1/auth/login', { username: name, password: 'a strong one' });
    t.equal(login.json().player_id, first.json().player_id);
    const twice = await post('/api/v1/auth/guest/upgrade', { username: uniqueName(), password: 'a strong one' }, login.json().access_token);
    t.equal(twice.json().error.code, 'guest.already_upgraded');
  });

  t.test('providers: unsupported until configured; unlink refuses unknown identities', async (t) => {
    const oauth = await post('/api/v1/auth/oauth', { provider: 'google', token: 'x' });
    t.equal(oauth.statusCode, 400);
    t.equal(oauth.json().error.code, 'auth.unsupported_provider');
    const badProvider = await post('/api/v1/auth/oauth', { provider: 'myspace', token: 'x' });
    t.equal(badProvider.statusCode, 422);
    const reg = await post('/api/v1/auth/register', { username: uniqueName(), password: 'password1' });
    const un = await app.inject({ method: 'DELETE', url: '/api/v1/auth/unlink?provider=google', headers: { authorization: `Bearer ${reg.json().access_token}` } });
    t.equal(un.statusCode, 404);
    t.equal(un.json().error.code, 'auth.identity_not_found');
  });

  t.test('registration postures', async (t) => {
    const closed = await testServer(t, storage, { auth: { registration: 'closed' } });
    const r1 = await closed.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username: uniqueName(), password: 'password1' } });
    t.equal(r1.json().error.code, 'auth.registration_closed');
    const oauthOnly = await testServer(t, storage, { auth: { registration: 'oauth_only' } });
    const r2 = await oauthOnly.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username: uniqueName(), password: 'password1' } });
    t.equal(r2.json().error.code, 'auth.password_registration_disabled');
    const guestClosed = await closed.app.inject({ method: 'POST', url: '/api/v1/auth/guest', payload: { device_id: uniqueName('d'), device_secret: deviceSecret() } });
    t.equal(guestClosed.json().error.code, 'auth.registration_closed', 'closed means no new guests either');
    const guestUp = await oauthOnly.app.inject({ method: 'POST', url: '/api/v1/auth/guest', payload: { device_id: uniqueName('d'), device_secret: deviceSecret() } });
    t.equal(guestUp.statusCode, 200, 'oauth_only still allows guests');
    const upgrade = await oauthOnly.app.inject({ method: 'POST', url: '/api/v1/auth/guest/upgrade', payload: { username: uniqueName(), password: 'password1' }, headers: { authorization: `Bearer ${guestUp.json().access_token}` } });
    t.equal(upgrade.json().error.code, 'auth.password_registration_disabled', 'but not turning them into password accounts');
    const noGuests = await testServer(t, storage, { auth: { guest: { enabled: false } } });
    const r3 = await noGuests.app.inject({ method: 'POST', url: '/api/v1/auth/guest', payload: { device_id: 'd', device_secret: deviceSecret() } });
    t.equal(r3.statusCode, 403);
    t.equal(r3.json().error.code, 'guest.disabled');
  });

  t.test('bans are enforced at the token check', async (t) => {
    const reg = await post('/api/v1/auth/register', { username: uniqueName(), password: 'password1' });
    const other = await testServer(t, storage);
    await storage.players.setBanned(reg.json().player_id, new Date());
    const res = await other.app.inject({ method: 'GET', url: `/api/v1/players/${reg.json().player_id}`, headers: { authorization: `Bearer ${reg.json().access_token}` } });
    t.equal(res.statusCode, 403);
    t.match(res.json(), { error: { code: 'forbidden', details: { reason: 'banned' } } });
    const login = await other.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: reg.json().username, password: 'password1' } });
    t.equal(login.statusCode, 403);
  });
});
