// HajimeClient end to end over REST: a real server (createServer) listening on loopback, real storage,
// real fetch. Sign-in flows, token refresh (single flight, replay once, never for /auth/), guests, providers,
// profiles, erasure, and error codes surfacing as HajimeApiError.code.
import { SimulatedClock } from '@hajime/actor';
import t from 'tap';
import { GuestDevice, HajimeApiError, HajimeClient, isHajimeError, memoryStore, type Tokens } from '../src/index.js';
import { countingFetch, fakeProviders, listeningServer, testStorage, uniqueName } from './helpers.js';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

t.test('HajimeClient over REST', async (t) => {
  const storage = await testStorage(t);
  const { baseUrl } = await listeningServer(t, storage, {}, { identities: fakeProviders });

  t.test('register → profile → update → refresh → logout, with onTokens told of each change', async (t) => {
    const seen: (Tokens | null)[] = [];
    const client = new HajimeClient({ baseUrl, onTokens: (tokens) => seen.push(tokens) });
    const username = uniqueName('alice');
    const reg = await client.auth.register({ username, password: 'correct horse', display_name: 'Alice' });
    t.match(reg, { username, player_id: /^[0-9a-f-]{36}$/, access_token: /^[A-Za-z0-9_-]{43}$/ });
    t.same(seen, [{ accessToken: reg.access_token, refreshToken: reg.refresh_token }]);
    t.same(client.tokens, { accessToken: reg.access_token, refreshToken: reg.refresh_token });

    const login = await client.auth.login({ username, password: 'correct horse' });
    t.equal(login.player_id, reg.player_id);
    t.equal(client.accessToken, login.access_token, 'login replaced the tokens');

    const profile = await client.players.get(login.player_id);
    t.match(profile, { id: login.player_id, username, display_name: 'Alice', avatar_url: null, metadata: {} });
    t.notOk('hashed_password' in profile);
    const updated = await client.players.update(login.player_id, { display_name: 'Alice A.', metadata: { color: 'teal' } });
    t.match(updated, { display_name: 'Alice A.', metadata: { color: 'teal' } });

    const before = client.refreshToken;
    const rotated = await client.auth.refresh();
    t.not(rotated.refreshToken, before, 'refresh tokens rotate');
    t.same(client.tokens, rotated);
    t.same(seen.at(-1), rotated);
    t.equal((await client.players.get(login.player_id)).display_name, 'Alice A.', 'the new access token works');

    const spent = new HajimeClient({ baseUrl, accessToken: 'x', refreshToken: before! });
    t.match(await rejection(spent.auth.refresh()), { code: 'unauthenticated', status: 401 }, 'the old refresh token is spent');

    const oldAccess = client.accessToken!;
    t.same(await client.auth.logout(), { success: true });
    t.equal(client.tokens, undefined);
    t.equal(seen.at(-1), null, 'onTokens(null) on logout');
    const revoked = new HajimeClient({ baseUrl, accessToken: oldAccess });
    t.match(await rejection(revoked.players.get(login.player_id)), { code: 'unauthenticated', status: 401 }, 'logout revoked the access token');
    t.match(await rejection(new HajimeClient({ baseUrl, refreshToken: rotated.refreshToken }).auth.refresh()), { code: 'unauthenticated' }, 'and the refresh family');
  });

  t.test('error codes surface as HajimeApiError with status, code and details', async (t) => {
    const client = new HajimeClient({ baseUrl });
    const username = uniqueName('bob');
    const bob = await client.auth.register({ username, password: 'password1' });
    const taken = await rejection(new HajimeClient({ baseUrl }).auth.register({ username, password: 'password1' }));
    t.ok(taken instanceof HajimeApiError);
    t.match(taken, { status: 409, code: 'auth.username_taken' });
    const short = await rejection(client.auth.register({ username: uniqueName(), password: 'short' }));
    t.match(short, { status: 422, code: 'validation_failed', details: { fields: { password: String } } });
    t.match(await rejection(client.auth.login({ username, password: 'wrong-one' })), { status: 401, code: 'auth.invalid_credentials' });
    t.same(client.tokens, { accessToken: bob.access_token, refreshToken: bob.refresh_token }, 'a failed sign-in keeps the session');
    t.match(await rejection(client.players.get('00000000-0000-7000-8000-000000000000')), { status: 404, code: 'player.not_found' });
    const other = await new HajimeClient({ baseUrl }).auth.register({ username: uniqueName(), password: 'password1' });
    t.match(await rejection(client.players.update(other.player_id, { display_name: 'nope' })), { status: 403, code: 'forbidden' });
    t.ok(isHajimeError(await rejection(client.players.get('not-a-uuid')), 'validation_failed'));
    t.match(await rejection(new HajimeClient({ baseUrl }).players.get(bob.player_id)), { status: 401, code: 'unauthenticated' }, 'no token, no refresh token: the 401 as is');
  });

  t.test('an expired access token: several concurrent requests trigger exactly one refresh, then each is replayed once', async (t) => {
    const clock = new SimulatedClock({ epochStartMs: Date.now() });
    const { baseUrl: timedUrl } = await listeningServer(t, storage, { clock });
    const counter = countingFetch();
    const seen: (Tokens | null)[] = [];
    const client = new HajimeClient({ baseUrl: timedUrl, fetch: counter.fetch, onTokens: (tk) => seen.push(tk) });
    const me = await client.auth.register({ username: uniqueName('carol'), password: 'password1' });
    const expired = client.accessToken;
    await clock.advance(61 * 60_000); // access tokens live 60 min, refresh tokens 30 days
    const profiles = await Promise.all(Array.from({ length: 5 }, () => client.players.get(me.player_id)));
    t.ok(profiles.every((p) => p.id === me.player_id), 'every request succeeded');
    t.equal(counter.count('/auth/refresh'), 1, 'one refresh for five 401s');
    t.equal(counter.count(`/players/${me.player_id}`), 10, 'each request sent twice: the 401, then the replay');
    t.not(client.accessToken, expired);
    t.equal(seen.length, 2, 'onTokens: the sign-in, then the one refresh');
  });

  t.test('a revoked access token refreshes once too; a dead refresh token ends the session for every waiting request', async (t) => {
    const counter = countingFetch();
    const seen: (Tokens | null)[] = [];
    const client = new HajimeClient({ baseUrl, fetch: counter.fetch, onTokens: (tk) => seen.push(tk) });
    const me = await client.auth.register({ username: uniqueName('dave'), password: 'password1' });
    // Another device logs this access token out (no refresh token given: the family lives on).
    await new HajimeClient({ baseUrl, accessToken: client.accessToken! }).auth.logout();
    const results = await Promise.all([client.players.get(me.player_id), client.players.get(me.player_id), client.players.update(me.player_id, { display_name: 'D' })]);
    t.equal(results[2].display_name, 'D');
    t.equal(counter.count('/auth/refresh'), 1);

    // Now the whole family is revoked: the refresh itself is refused.
    await new HajimeClient({ baseUrl, refreshToken: client.refreshToken! }).auth.logout();
    const failures = await Promise.all([1, 2, 3].map(() => rejection(client.players.get(me.player_id))));
    for (const e of failures) t.match(e, { code: 'unauthenticated', status: 401 });
    t.equal(counter.count('/auth/refresh'), 2, 'one more refresh for three requests');
    t.equal(client.tokens, undefined, 'the dead session was forgotten');
    t.equal(seen.at(-1), null, 'and onTokens(null) told');
    t.equal(seen.filter((s) => s === null).length, 1, 'once');
    t.ok(isHajimeError(await rejection(client.auth.refresh()), 'CLI_ERR_NOT_AUTHENTICATED'), 'nothing left to refresh with');
  });

  t.test('/auth/ paths are never refreshed and replayed', async (t) => {
    const counter = countingFetch();
    const guest = new HajimeClient({ baseUrl, fetch: counter.fetch, guestStore: memoryStore() });
    await guest.auth.guestDevice();
    await new HajimeClient({ baseUrl, accessToken: guest.accessToken! }).auth.logout();
    t.match(await rejection(guest.auth.upgradeGuest({ username: uniqueName(), password: 'password1' })), { code: 'unauthenticated', status: 401 });
    t.match(await rejection(guest.auth.link({ provider: 'google', token: 'ok:x' })), { code: 'unauthenticated' });
    t.equal(counter.count('/auth/refresh'), 0);
    t.ok(guest.tokens, 'and the tokens are kept');
  });

  t.test('a client built from a refresh token alone gets an access token on first use', async (t) => {
    const first = new HajimeClient({ baseUrl });
    const me = await first.auth.register({ username: uniqueName('erin'), password: 'password1' });
    const counter = countingFetch();
    const later = new HajimeClient({ baseUrl, refreshToken: first.refreshToken!, fetch: counter.fetch });
    t.equal((await later.players.get(me.player_id)).id, me.player_id);
    t.equal(counter.count('/auth/refresh'), 1);
  });

  t.test('guest devices: create, resume from the stored credentials, upgrade keeps the player id', async (t) => {
    const store = memoryStore();
    const phone = new HajimeClient({ baseUrl, guestStore: store });
    const first = await phone.auth.guestDevice();
    t.match(first, { guest: true, created: true, username: /^guest_[0-9a-f]{16}$/ });
    const creds = await phone.device.load();
    t.ok(creds, 'the credentials were stored');

    const relaunched = new HajimeClient({ baseUrl, guestStore: store });
    const resumed = await relaunched.auth.guestDevice();
    t.equal(resumed.player_id, first.player_id, 'same player on the same device');
    t.equal(resumed.created, undefined);
    t.equal(resumed.guest, true);

    const stolen = { device_id: creds!.device_id, device_secret: GuestDevice.generate().device_secret };
    t.match(await rejection(new HajimeClient({ baseUrl }).auth.guest(stolen)), { status: 401, code: 'guest.invalid_credentials' });

    const name = uniqueName('upgraded');
    const up = await relaunched.auth.upgradeGuest({ username: name, password: 'a strong one' });
    t.match(up, { player_id: first.player_id, username: name, upgraded: true });
    t.equal(relaunched.accessToken, up.access_token, 'the new pair is stored');
    t.equal((await relaunched.players.get(first.player_id)).username, name);
    t.match(await rejection(phone.players.get(first.player_id)), { code: 'unauthenticated' }, 'the guest sessions were revoked (and could not be refreshed)');
    t.equal((await new HajimeClient({ baseUrl }).auth.login({ username: name, password: 'a strong one' })).player_id, first.player_id);
    t.match(await rejection(relaunched.auth.upgradeGuest({ username: uniqueName(), password: 'password1' })), { status: 409, code: 'guest.already_upgraded' });
    await relaunched.device.clear();
    t.equal(await relaunched.device.load(), undefined);
  });

  t.test('guest sign-in refused when the server disables guests: guest.disabled', async (t) => {
    const { baseUrl: noGuests } = await listeningServer(t, storage, { auth: { guest: { enabled: false } } });
    t.match(await rejection(new HajimeClient({ baseUrl: noGuests, guestStore: memoryStore() }).auth.guestDevice()), { status: 403, code: 'guest.disabled' });
  });

  t.test('providers: oauth creates then signs in; link, unlink and their refusals', async (t) => {
    const client = new HajimeClient({ baseUrl });
    const uid = uniqueName('g');
    const created = await client.auth.oauth({ provider: 'google', token: `ok:${uid}` });
    t.match(created, { created: true, username: /^google_/ });
    const again = await new HajimeClient({ baseUrl }).auth.oauth({ provider: 'google', token: `ok:${uid}` });
    t.equal(again.player_id, created.player_id);
    t.equal(again.created, undefined);
    t.match(await rejection(client.auth.oauth({ provider: 'google', token: 'forged' })), { status: 401, code: 'auth.invalid_provider_token' });
    t.match(await rejection(client.auth.unlink('google')), { status: 422, code: 'auth.last_auth_method' });

    const pw = new HajimeClient({ baseUrl });
    await pw.auth.register({ username: uniqueName('frank'), password: 'password1' });
    const steamId = uniqueName('s');
    t.same(await pw.auth.link({ provider: 'steam', token: `ok:${steamId}` }), { provider: 'steam', provider_uid: steamId, linked: true });
    t.match(await rejection(client.auth.link({ provider: 'steam', token: `ok:${steamId}` })), { status: 409, code: 'auth.provider_already_linked' });
    t.same(await pw.auth.unlink('steam'), { success: true });
    t.match(await rejection(pw.auth.unlink('steam')), { status: 404, code: 'auth.identity_not_found' });
  });

  t.test('eraseSelf: a password account confirms with its password; the session ends', async (t) => {
    const seen: (Tokens | null)[] = [];
    const client = new HajimeClient({ baseUrl, onTokens: (tk) => seen.push(tk) });
    const me = await client.auth.register({ username: uniqueName('gone'), password: 'password1' });
    t.match(await rejection(client.players.eraseSelf({ password: 'wrong-one' })), { status: 403, code: 'player.confirmation_failed' });
    t.match(await rejection(client.players.eraseSelf()), { status: 403, code: 'player.confirmation_failed' });
    t.same(await client.players.eraseSelf({ password: 'password1' }), { deleted: true });
    t.equal(client.tokens, undefined);
    t.equal(seen.at(-1), null);
    const other = new HajimeClient({ baseUrl });
    await other.auth.register({ username: uniqueName(), password: 'password1' });
    t.match(await rejection(other.players.get(me.player_id)), { status: 404, code: 'player.not_found' });

    const guest = new HajimeClient({ baseUrl, guestStore: memoryStore() });
    await guest.auth.guestDevice();
    t.same(await guest.players.eraseSelf(), { deleted: true }, 'guests confirm with nothing');
  });

  t.test('request() reaches routes no module covers yet, with the same auth and errors', async (t) => {
    const client = new HajimeClient({ baseUrl });
    const me = await client.auth.register({ username: uniqueName('henry'), password: 'password1' });
    t.match(await client.request({ method: 'GET', path: `/players/${me.player_id}` }), { id: me.player_id });
    t.match(await rejection(client.request({ method: 'GET', path: '/no/such/route' })), { status: 404, code: 'not_found' });
  });
});
