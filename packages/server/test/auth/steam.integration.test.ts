// Steam sign-in end to end against a fake Steam Web API on loopback, through createServer (which builds the
// verifier from options.auth.steam), and createSteamVerifier alone for configuration checks.
import t from 'tap';
import { createSteamVerifier, type ApiError } from '../../src/index.js';
import { testServer, testStorage, uniqueName } from '../helpers.js';
import { deadUrl, startFakeSteam, STEAM_APP_ID, STEAM_KEY, steamTicket } from './fakes.js';

t.test('POST /auth/oauth with provider steam', async (t) => {
  const storage = await testStorage(t);
  const steam = await startFakeSteam(t);
  const server = await testServer(t, storage, { auth: { steam: { apiKey: STEAM_KEY, appId: STEAM_APP_ID, apiBaseUrl: steam.apiBaseUrl } } });
  const app = server.app;
  const post = (url: string, payload: object, token?: string) => app.inject({ method: 'POST', url, payload, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  const oauth = (token: string) => post('/api/v1/auth/oauth', { provider: 'steam', token });
  let nextId = 76561197960287930n;
  const player = (extra: { personaname?: string; vacbanned?: boolean; publisherbanned?: boolean; ownersteamid?: string } = {}) => {
    const ticket = steamTicket();
    const steamid = String(nextId++);
    steam.tickets.set(ticket, { steamid, ...extra });
    return { ticket, steamid };
  };

  t.test('a valid ticket creates a player named after the persona; the next sign-in resumes it', async (t) => {
    const { ticket, steamid } = player({ personaname: 'Gabe', vacbanned: true, ownersteamid: '76561190000000001' });
    const first = await oauth(ticket.toUpperCase());
    t.equal(first.statusCode, 200, 'hex is case-insensitive');
    const body = first.json();
    t.equal(body.created, true);
    t.match(body.username, new RegExp(`^steam_${steamid.slice(0, 8)}_\\d{4}$`));
    const profile = await app.inject({ method: 'GET', url: `/api/v1/players/${body.player_id}`, headers: { authorization: `Bearer ${body.access_token}` } });
    t.equal(profile.json().display_name, 'Gabe');
    const [identity] = await storage.players.listIdentities(body.player_id);
    t.match(identity, { provider: 'steam', provider_uid: steamid, provider_display_name: 'Gabe' });
    t.same(identity!.provider_metadata, { vac_banned: true, publisher_banned: false, owner_steamid: '76561190000000001' }, 'the ban verdicts and the family-sharing owner are recorded');

    const call = steam.calls.auth.at(-1)!;
    t.equal(call.get('key'), STEAM_KEY, 'the key arrives intact: every URL part is encoded');
    t.equal(call.get('appid'), STEAM_APP_ID);
    t.equal(call.get('ticket'), ticket.toUpperCase());
    t.equal(steam.calls.summaries.at(-1)!.get('steamids'), steamid);

    const again = await oauth(ticket);
    t.equal(again.json().player_id, body.player_id);
    t.equal(again.json().created, undefined);
  });

  t.test('a ticket Steam rejects is 401 auth.invalid_provider_token with Steam error code', async (t) => {
    const res = await oauth(steamTicket());
    t.equal(res.statusCode, 401);
    t.match(res.json(), { error: { code: 'auth.invalid_provider_token', details: { provider: 'steam', reason: 'ticket_rejected', steam_error: 101 } } });
    t.notOk(JSON.stringify(res.json()).includes('Invalid ticket'), "Steam's prose is not passed on");
  });

  t.test('malformed tickets are 422 validation_failed and never reach Steam', async (t) => {
    const before = steam.calls.auth.length;
    for (const bad of ['not-hex!', 'abc xyz', '0x1234', 'a'.repeat(4097)]) {
      const res = await oauth(bad);
      t.equal(res.statusCode, 422, bad.slice(0, 12));
      t.match(res.json(), { error: { code: 'validation_failed', details: { fields: { token: /hex/ } } } });
    }
    t.equal(steam.calls.auth.length, before);
    const longest = 'ab'.repeat(2048);
    t.equal((await oauth(longest)).json().error.code, 'auth.invalid_provider_token', '4096 hex characters are still accepted');
  });

  t.test('sign-in works without a persona name when GetPlayerSummaries fails', async (t) => {
    steam.summariesUp = false;
    t.teardown(() => {
      steam.summariesUp = true;
    });
    const { ticket } = player({ personaname: 'Unseen' });
    const res = await oauth(ticket);
    t.equal(res.statusCode, 200);
    const profile = await app.inject({ method: 'GET', url: `/api/v1/players/${res.json().player_id}`, headers: { authorization: `Bearer ${res.json().access_token}` } });
    t.equal(profile.json().display_name, null);
  });

  t.test('links Steam to a password account', async (t) => {
    const alice = (await post('/api/v1/auth/register', { username: uniqueName('alice'), password: 'password1' })).json();
    const { ticket, steamid } = player({ personaname: 'Alice on Steam' });
    const linked = await post('/api/v1/auth/link', { provider: 'steam', token: ticket }, alice.access_token);
    t.same(linked.json(), { provider: 'steam', provider_uid: steamid, linked: true });
    t.equal((await oauth(ticket)).json().player_id, alice.player_id);
    const bob = (await post('/api/v1/auth/register', { username: uniqueName('bob'), password: 'password1' })).json();
    const taken = await post('/api/v1/auth/link', { provider: 'steam', token: ticket }, bob.access_token);
    t.equal(taken.statusCode, 409);
    t.equal(taken.json().error.code, 'auth.provider_already_linked');
  });

  t.test('Steam refusing the key or unreachable is 503 service_unavailable', async (t) => {
    const wrongKey = await testServer(t, storage, { auth: { steam: { apiKey: 'wrong', appId: STEAM_APP_ID, apiBaseUrl: steam.apiBaseUrl } } });
    const r1 = await wrongKey.app.inject({ method: 'POST', url: '/api/v1/auth/oauth', payload: { provider: 'steam', token: player().ticket } });
    t.equal(r1.statusCode, 503);
    t.match(r1.json(), { error: { code: 'service_unavailable', details: { provider: 'steam', reason: 'steam_error', status: 403 } } });
    const gone = await testServer(t, storage, { auth: { steam: { apiKey: STEAM_KEY, appId: STEAM_APP_ID, apiBaseUrl: await deadUrl(t) } } });
    const r2 = await gone.app.inject({ method: 'POST', url: '/api/v1/auth/oauth', payload: { provider: 'steam', token: player().ticket } });
    t.equal(r2.statusCode, 503);
    t.match(r2.json(), { error: { code: 'service_unavailable', details: { provider: 'steam', reason: 'steam_unreachable' } } });
  });

  t.test('an OIDC provider is unsupported when only Steam is configured', async (t) => {
    const res = await post('/api/v1/auth/oauth', { provider: 'google', token: 'a.b.c' });
    t.equal(res.statusCode, 400);
    t.equal(res.json().error.code, 'auth.unsupported_provider');
  });
});

t.test('createSteamVerifier', async (t) => {
  t.test('configuration is checked at once', async (t) => {
    t.throws(() => createSteamVerifier({ apiKey: '', appId: '480' }), /apiKey is required/);
    t.throws(() => createSteamVerifier({ apiKey: 'k', appId: 'spacewar' }), /appId must be a numeric/);
    t.throws(() => createSteamVerifier({ apiKey: 'k', appId: '480', apiBaseUrl: 'http://api.steampowered.com' }), /apiBaseUrl must be an https URL/);
    t.doesNotThrow(() => createSteamVerifier({ apiKey: 'k', appId: '480' }));
  });

  t.test('sends the web API identity when configured', async (t) => {
    const steam = await startFakeSteam(t);
    const v = createSteamVerifier({ apiKey: STEAM_KEY, appId: STEAM_APP_ID, apiBaseUrl: `${steam.apiBaseUrl}/`, identity: 'hajime auth' });
    const ticket = steamTicket();
    steam.tickets.set(ticket, { steamid: '76561197960287999' });
    const id = await v.verify(ticket);
    t.same(id, { provider: 'steam', provider_uid: '76561197960287999', metadata: { vac_banned: false, publisher_banned: false } });
    t.equal(steam.calls.auth.at(-1)!.get('identity'), 'hajime auth');
    const err = await v.verify('zz').catch((e: ApiError) => e);
    t.match(err, { code: 'validation_failed', status: 422 });
  });
});
