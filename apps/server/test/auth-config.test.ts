// Third-party sign-in settings of the reference release: HAJIME_OIDC_<PROVIDER>_* and HAJIME_STEAM_*
// parsed and validated, and handed to the server (a bad issuer stops start-up with exit code 2).
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'main.js');

t.test('OIDC and Steam settings from the environment', async (t) => {
  t.same(loadConfig({}).oidc, {}, 'none by default');
  t.equal(loadConfig({}).steam, undefined);
  const c = loadConfig({
    HAJIME_OIDC_GOOGLE_CLIENT_ID: 'g.apps',
    HAJIME_OIDC_MICROSOFT_CLIENT_ID: 'ms-app',
    HAJIME_OIDC_MICROSOFT_ISSUER: 'https://login.microsoftonline.com/tenant/v2.0',
    HAJIME_OIDC_MICROSOFT_JWKS_URL: 'https://login.microsoftonline.com/tenant/discovery/v2.0/keys',
    HAJIME_STEAM_API_KEY: 'key',
    HAJIME_STEAM_APP_ID: '480',
  });
  t.same(c.oidc, {
    google: { issuer: 'https://accounts.google.com', clientId: 'g.apps' },
    microsoft: { issuer: 'https://login.microsoftonline.com/tenant/v2.0', clientId: 'ms-app', jwksUrl: 'https://login.microsoftonline.com/tenant/discovery/v2.0/keys' },
  }, 'google gets its fixed issuer; microsoft takes the tenant issuer given');
  t.same(c.steam, { apiKey: 'key', appId: '480' });
  t.throws(() => loadConfig({ HAJIME_OIDC_DISCORD_CLIENT_ID: 'd' }), /HAJIME_OIDC_DISCORD_ISSUER/, 'a provider without a fixed issuer needs one');
  t.throws(() => loadConfig({ HAJIME_OIDC_APPLE_ISSUER: 'https://appleid.apple.com' }), /HAJIME_OIDC_APPLE_CLIENT_ID/, 'an issuer without a client id is a mistake');
  t.throws(() => loadConfig({ HAJIME_STEAM_API_KEY: 'key' }), /HAJIME_STEAM_APP_ID/);
});

t.test('a provider setting the server refuses stops start-up with exit code 2 and says why', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hajime-auth-config-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', NODE_OPTIONS: '', HAJIME_DATA_DIR: join(dir, 'data'), HAJIME_GAME_DIR: 'none', HAJIME_OIDC_GOOGLE_CLIENT_ID: 'g.apps', HAJIME_OIDC_GOOGLE_ISSUER: 'http://issuer.example.com' };
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  t.equal(code, 2, 'exit code 2 (configuration)');
  t.match(out, /config_invalid/, 'logged as a configuration error');
  t.match(out, /https/, 'naming the https rule');
});
