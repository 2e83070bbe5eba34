import { randomBytes } from 'node:crypto';
import type { Suite } from './harness.js';
import { player } from './harness.js';

const tok = (): string => randomBytes(32).toString('base64url');
const HOUR = 3600_000;

export const tokensSuite: Suite = async (t, { storage }) => {
  t.test('stores only a hash and resolves live tokens with the ban state', async (t) => {
    const p = await player(storage);
    const now = new Date();
    const access = tok();
    await storage.tokens.issue({ user_id: p.id, token: access, context: 'access', expires_at: new Date(now.getTime() + HOUR) });
    const raw = await storage.driver.query<{ token: string }>('SELECT token FROM player_tokens WHERE user_id = $1', [p.id]);
    t.not(raw[0]!.token, access, 'the raw token is never stored');
    t.match(raw[0]!.token, /^[0-9a-f]{64}$/);
    const r = await storage.tokens.resolve(access, 'access', now);
    t.equal(r?.user_id, p.id);
    t.equal(r?.banned_at, null);
    t.equal(await storage.tokens.resolve(access, 'refresh', now), undefined, 'context matters');
    t.equal(await storage.tokens.resolve(access, 'access', new Date(now.getTime() + 2 * HOUR)), undefined, 'expired');
    t.equal(await storage.tokens.resolve('', 'access', now), undefined);
  });

  t.test('refresh tokens are single-use; reusing one burns the whole family', async (t) => {
    const p = await player(storage);
    const now = new Date();
    const family = '0190a0a0-0000-7000-8000-' + randomBytes(6).toString('hex');
    const r1 = tok();
    const a1 = tok();
    await storage.tokens.issue({ user_id: p.id, token: r1, context: 'refresh', family_id: family, expires_at: new Date(now.getTime() + 30 * 24 * HOUR) });
    await storage.tokens.issue({ user_id: p.id, token: a1, context: 'access', family_id: family, expires_at: new Date(now.getTime() + HOUR) });
    const first = await storage.tokens.useRefresh(r1, now);
    t.equal(first.ok, true);
    const r2 = tok();
    await storage.tokens.issue({ user_id: p.id, token: r2, context: 'refresh', family_id: family, expires_at: new Date(now.getTime() + 30 * 24 * HOUR) });
    t.same(await storage.tokens.useRefresh(r1, now), { ok: false, reason: 'reused' });
    t.equal(await storage.tokens.resolve(r2, 'refresh', now), undefined, 'the rotated token died with its family');
    t.equal(await storage.tokens.resolve(a1, 'access', now), undefined, 'and so did the access token');
    t.same(await storage.tokens.useRefresh(r2, now), { ok: false, reason: 'revoked' });
    t.same(await storage.tokens.useRefresh(tok(), now), { ok: false, reason: 'unknown' });
  });

  t.test('concurrent uses of one refresh token: exactly one wins', async (t) => {
    const p = await player(storage);
    const now = new Date();
    const r = tok();
    await storage.tokens.issue({ user_id: p.id, token: r, context: 'refresh', family_id: '0190a0a0-0000-7000-8000-' + randomBytes(6).toString('hex'), expires_at: new Date(now.getTime() + HOUR) });
    const results = await Promise.all(Array.from({ length: 20 }, () => storage.tokens.useRefresh(r, now)));
    t.equal(results.filter((x) => x.ok).length, 1);
  });

  t.test('revoke one token, all of a player, and expired cleanup', async (t) => {
    const p = await player(storage);
    const now = new Date();
    const a = tok();
    const b = tok();
    await storage.tokens.issue({ user_id: p.id, token: a, context: 'access', expires_at: new Date(now.getTime() + HOUR) });
    await storage.tokens.issue({ user_id: p.id, token: b, context: 'access', expires_at: new Date(now.getTime() + HOUR) });
    t.ok(await storage.tokens.revoke(a, 'access', now));
    t.equal(await storage.tokens.resolve(a, 'access', now), undefined);
    t.ok(await storage.tokens.resolve(b, 'access', now));
    t.equal(await storage.tokens.revokeAllForPlayer(p.id, now), 1);
    t.equal(await storage.tokens.resolve(b, 'access', now), undefined);
    t.ok((await storage.tokens.deleteExpired(new Date(now.getTime() + 2 * HOUR))) >= 2);
    await t.rejects(storage.tokens.issue({ user_id: p.id, token: 'short', context: 'access', expires_at: now }), { code: 'STO_ERR_INVALID_INPUT' });
    await t.rejects(storage.tokens.issue({ user_id: '00000000-0000-7000-8000-000000000000', token: tok(), context: 'access', expires_at: now }), { code: 'STO_ERR_NOT_FOUND' });
  });
};
