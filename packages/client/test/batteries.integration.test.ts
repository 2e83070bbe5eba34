// The battery modules of HajimeClient end to end: economy, social, notifications, saves, storage, RPC,
// against a real server on real storage, every module used with its happy path and a coded refusal.
import t from 'tap';
import { HajimeClient, isHajimeError } from '../src/index.js';
import { listeningServer, testStorage, uniqueName } from './helpers.js';

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isHajimeError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a refusal');
}

t.test('HajimeClient battery modules', async (t) => {
  const storage = await testStorage(t);
  const { baseUrl, server } = await listeningServer(t, storage);
  const signUp = async (): Promise<{ client: HajimeClient; id: string }> => {
    const client = new HajimeClient({ baseUrl });
    const r = await client.auth.register({ username: uniqueName('b'), password: 'correct horse' });
    return { client, id: r.player_id };
  };

  t.test('economy: wallets, store, purchase, inventory, consume, history', async (t) => {
    const { client, id } = await signUp();
    await storage.economy.grant(id, 'gold', 100, { reason: 'welcome' });
    const def = await storage.economy.upsertItemDef({ slug: uniqueName('potion').toLowerCase(), name: 'Potion' });
    const currency = uniqueName('c').slice(0, 20);
    await storage.economy.grant(id, currency, 30);
    const listing = await storage.economy.createListing({ item_def_id: def.id, currency, price: 25 });
    t.same(await client.economy.wallets(), [{ currency, balance: 30 }, { currency: 'gold', balance: 100 }].sort((a, b) => a.currency.localeCompare(b.currency)));
    t.ok((await client.economy.store({ currency })).some((l) => l['id'] === listing.id));
    const bought = await client.economy.purchase(listing.id, { idempotencyKey: 'k1' });
    t.equal(bought.success, true);
    t.equal((await client.economy.purchase(listing.id, { idempotencyKey: 'k1' })).item['id'], bought.item['id'], 'a retry is the same purchase');
    t.equal(await refusal(client.economy.purchase(listing.id)), 'economy.insufficient_funds');
    const items = await client.economy.inventory();
    t.equal(items.length, 1);
    t.same(await client.economy.consume(String(items[0]!['id']), 1), { success: true, remaining_quantity: 0 });
    t.equal(await refusal(client.economy.consume(String(items[0]!['id']), 1)), 'inventory.item_not_found');
    t.same((await client.economy.history(currency)).map((r) => r['amount']), [-25, 30]);
  });

  t.test('social and notifications: request → notified → accept; groups with roles', async (t) => {
    const alice = await signUp();
    const bob = await signUp();
    await alice.client.social.addFriend(bob.id);
    const inbox = await bob.client.notifications.list({ read: false });
    t.equal(inbox[0]?.['type'], 'friend_request');
    t.equal((await bob.client.notifications.markRead(String(inbox[0]!['id'])))['read'], true);
    t.same(await bob.client.notifications.delete(String(inbox[0]!['id'])), { success: true });
    t.equal((await bob.client.social.setFriendStatus(alice.id, 'accepted'))['status'], 'accepted');
    t.ok((await alice.client.social.friends({ status: 'accepted' })).some((f) => f['friend_id'] === bob.id));
    t.equal(await refusal(alice.client.social.addFriend(alice.id)), 'social.cannot_friend_self');

    const group = await alice.client.social.createGroup({ name: uniqueName('Guild'), open: true });
    const gid = String(group['id']);
    t.same(await bob.client.social.joinGroup(gid), { success: true, group_id: gid });
    t.equal(await refusal(bob.client.social.joinGroup(gid)), 'social.already_member');
    t.equal((await alice.client.social.members(gid)).length, 2);
    t.equal((await alice.client.social.setRole(gid, bob.id, 'moderator'))['role'], 'moderator');
    t.equal(await refusal(bob.client.social.updateGroup(gid, { description: 'mine now' })), 'forbidden');
    t.same(await alice.client.social.kick(gid, bob.id), { success: true });
    t.equal((await alice.client.social.group(gid))['id'], gid);
    t.same(await alice.client.social.removeFriend(bob.id), { success: true });
  });

  t.test('saves and storage objects', async (t) => {
    const { client } = await signUp();
    const first = await client.saves.put('slot1', { level: 3 });
    t.equal(first.version, 1);
    t.equal((await client.saves.put('slot1', { level: 4 }, { version: 1 })).version, 2);
    t.equal(await refusal(client.saves.put('slot1', { level: 5 }, { version: 1 })), 'save.version_conflict');
    t.same((await client.saves.get('slot1')).data, { level: 4 });
    t.same((await client.saves.list()).map((s) => s.slot), ['slot1']);
    t.equal(await refusal(client.saves.get('empty')), 'save.not_found');

    await client.storage.put('settings', 'audio', { volume: 7 }, { read_perm: 'owner' });
    t.same((await client.storage.get('settings', 'audio'))['value'], { volume: 7 });
    t.equal((await client.storage.list('settings')).length, 1);
    t.same(await client.storage.delete('settings', 'audio'), { success: true });
    t.equal(await refusal(client.storage.get('settings', 'audio')), 'storage.not_found');
  });

  t.test('rpc over REST', async (t) => {
    server.context.rpc.registerRpc('add', async (params) => ({ sum: Number(params['a']) + Number(params['b']) }));
    const { client } = await signUp();
    t.same(await client.rpc.call('add', { a: 2, b: 3 }), { sum: 5 });
    t.equal(await refusal(client.rpc.call('nope')), 'rpc.unknown_method');
  });
});
