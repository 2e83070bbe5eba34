import type { Suite } from './harness.js';
import { player, unique } from './harness.js';

export const playersSuite: Suite = async (t, { storage }) => {
  t.test('create, get, getByUsername, update', async (t) => {
    const name = unique('alice');
    const p = await storage.players.create({ username: name, display_name: 'Alice', metadata: { lang: 'en' } });
    t.match(p.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/, 'a UUIDv7');
    t.equal(p.username, name);
    t.same(p.metadata, { lang: 'en' });
    t.ok(p.inserted_at instanceof Date);
    t.equal((await storage.players.get(p.id))?.display_name, 'Alice');
    t.equal((await storage.players.getByUsername(name))?.id, p.id);
    const u = await storage.players.update(p.id, { display_name: 'Al', metadata: { lang: 'fr' } });
    t.equal(u.display_name, 'Al');
    t.same(u.metadata, { lang: 'fr' });
    t.equal(await storage.players.get('00000000-0000-7000-8000-000000000000'), undefined);
  });

  t.test('a taken username is STO_ERR_USERNAME_TAKEN', async (t) => {
    const p = await player(storage);
    await t.rejects(storage.players.create({ username: p.username }), { code: 'STO_ERR_USERNAME_TAKEN', wire: 'auth.username_taken', status: 409 });
  });

  t.test('bad input is a coded error, never a driver error', async (t) => {
    await t.rejects(storage.players.create({ username: 'x' }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'username' } });
    await t.rejects(storage.players.create({ username: 'has space' }), { code: 'STO_ERR_INVALID_INPUT' });
    await t.rejects(storage.players.create({ username: 42 as never }), { code: 'STO_ERR_INVALID_INPUT' });
    await t.rejects(storage.players.create({ username: unique('m'), metadata: { big: 'x'.repeat(20_000) } }), { code: 'STO_ERR_TOO_LARGE' });
    await t.rejects(storage.players.create({ username: unique('m'), metadata: [] as never }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'metadata' } });
    await t.rejects(storage.players.create({ username: unique('m'), display_name: 'a\u0000b' }), { code: 'STO_ERR_INVALID_INPUT' });
    await t.rejects(storage.players.get('not-a-uuid'), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'id' } });
    await t.rejects(storage.players.update('00000000-0000-7000-8000-000000000000', { display_name: 'x' }), { code: 'STO_ERR_NOT_FOUND' });
    await t.rejects(storage.players.require('00000000-0000-7000-8000-000000000000'), { code: 'STO_ERR_NOT_FOUND' });
  });

  t.test('identities: link, find, list, unlink; a linked identity cannot be linked twice', async (t) => {
    const p = await player(storage);
    const uid = unique('device');
    const id = await storage.players.addIdentity(p.id, { provider: 'guest', provider_uid: uid, provider_metadata: { verifier: 'abc', salt: 's' } });
    t.equal(id.player_id, p.id);
    t.same((await storage.players.findIdentity('guest', uid))?.provider_metadata, { verifier: 'abc', salt: 's' });
    const other = await player(storage);
    await t.rejects(storage.players.addIdentity(other.id, { provider: 'guest', provider_uid: uid }), { code: 'STO_ERR_IDENTITY_TAKEN' });
    await t.rejects(storage.players.addIdentity('00000000-0000-7000-8000-000000000000', { provider: 'google', provider_uid: unique('g') }), { code: 'STO_ERR_NOT_FOUND' });
    await storage.players.setIdentityMetadata(id.id, { verifier: 'new' });
    t.same((await storage.players.listIdentities(p.id)).map((i) => i.provider_metadata), [{ verifier: 'new' }]);
    t.ok((await storage.players.countByProvider('guest')) >= 1);
    t.equal(await storage.players.removeIdentity(p.id, 'guest'), true);
    t.equal(await storage.players.removeIdentity(p.id, 'guest'), false);
  });

  t.test('password, rename, ban', async (t) => {
    const p = await player(storage);
    await storage.players.setPassword(p.id, 'scrypt$hash');
    t.equal((await storage.players.get(p.id))?.hashed_password, 'scrypt$hash');
    const name = unique('renamed');
    await storage.players.rename(p.id, name);
    const q = await player(storage);
    await t.rejects(storage.players.rename(q.id, name), { code: 'STO_ERR_USERNAME_TAKEN' });
    const when = new Date('2026-01-02T03:04:05Z');
    await storage.players.setBanned(p.id, when);
    t.same((await storage.players.get(p.id))?.banned_at, when);
  });

  t.test('stats default, then follow asobi rules for winners and losers', async (t) => {
    const p = await player(storage);
    t.same(await storage.stats.get(p.id), { player_id: p.id, games_played: 0, wins: 0, losses: 0, rating: 1500, rating_deviation: 350, metadata: {}, updated_at: null });
  });
};
