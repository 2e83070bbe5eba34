import { GROUP_ROLES, ROLE_RANK, canKick, canManage, canPromote, canSetRole, canUpdateGroup } from '../../src/index.js';
import type { Suite } from './harness.js';
import { player } from './harness.js';

const NOBODY = '00000000-0000-7000-8000-000000000000';

export const socialSuite: Suite = async (t, { storage }) => {
  const social = storage.social;

  // ---- role rules (pure) -----------------------------------------------------------------------------

  t.test('role rules: ranks and every actor/target/new-role combination, against the spec table', async (t) => {
    t.same({ ...ROLE_RANK }, { owner: 100, admin: 75, moderator: 50, member: 0 });
    // Written out from the spec, not derived from the ranks: who may act on whom.
    const kick = new Set(['owner>admin', 'owner>moderator', 'owner>member', 'admin>moderator', 'admin>member', 'moderator>member']);
    const manage = kick; // "strictly greater rank" yields the same pairs
    const promote = new Set(['owner>admin', 'owner>moderator', 'owner>member', 'admin>moderator', 'admin>member']);
    const update = new Set(['owner', 'admin']);
    let allowedSetRole = 0;
    for (const a of GROUP_ROLES) {
      t.equal(canUpdateGroup(a), update.has(a), `update group as ${a}`);
      for (const b of GROUP_ROLES) {
        t.equal(canKick(a, b), kick.has(`${a}>${b}`), `${a} kicks ${b}`);
        t.equal(canManage(a, b), manage.has(`${a}>${b}`), `${a} manages ${b}`);
        t.equal(canPromote(a, b), promote.has(`${a}>${b}`), `${a} gives ${b}`);
        for (const n of GROUP_ROLES) {
          const expected = manage.has(`${a}>${b}`) && promote.has(`${a}>${n}`);
          t.equal(canSetRole(a, b, n), expected, `${a} sets ${b} to ${n}`);
          if (expected) allowedSetRole++;
        }
      }
    }
    t.equal(allowedSetRole, 13, 'owner: 3 targets x 3 roles; admin: 2 x 2');
    t.notOk(canSetRole('owner', 'admin', 'owner'), 'nobody is made owner');
    t.notOk(canSetRole('admin', 'admin', 'member'), 'an admin cannot demote another admin');
    t.notOk(canKick('moderator', 'moderator'), 'equal rank cannot kick');
  });

  // ---- friends ---------------------------------------------------------------------------------------

  t.test('requestFriend creates a pending row, is idempotent, refuses self and unknown players', async (t) => {
    const [a, b] = await Promise.all([player(storage), player(storage)]);
    const row = await social.requestFriend(a.id, b.id);
    t.match(row, { player_id: a.id, friend_id: b.id, status: 'pending' });
    t.ok(row.inserted_at instanceof Date);
    const again = await social.requestFriend(a.id, b.id.toUpperCase());
    t.equal(again.id, row.id, 're-add returns the same row');
    t.same((await social.listFriends(a.id)).map((f) => f.id), [row.id]);
    await t.rejects(social.requestFriend(a.id, a.id), { code: 'STO_ERR_CANNOT_FRIEND_SELF', wire: 'social.cannot_friend_self', status: 400 });
    await t.rejects(social.requestFriend(a.id, NOBODY), { code: 'STO_ERR_FRIEND_NOT_FOUND', wire: 'social.friend_not_found', status: 404 });
    await t.rejects(social.requestFriend(NOBODY, a.id), { code: 'STO_ERR_NOT_FOUND', details: { player_id: NOBODY } });
    await t.rejects(social.requestFriend('nope', a.id), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'player_id' } });
    await t.rejects(social.requestFriend(a.id, 42 as never), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'friend_id' } });
  });

  t.test('accepting makes both rows accepted: both list each other and friendsOf is symmetric', async (t) => {
    const [a, b, c] = await Promise.all([player(storage), player(storage), player(storage)]);
    await social.requestFriend(a.id, b.id);
    t.same((await social.listFriends(b.id, { direction: 'incoming' })).map((f) => f.player_id), [a.id], 'b sees the incoming request');
    t.same(await social.listFriends(b.id), [], "b has no row of its own yet");
    const mine = await social.setIncomingStatus(b.id, a.id, 'accepted');
    t.match(mine, { player_id: b.id, friend_id: a.id, status: 'accepted' }, "returns b's own row");
    t.same((await social.listFriends(a.id, { status: 'accepted' })).map((f) => f.friend_id), [b.id]);
    t.same((await social.listFriends(b.id, { status: 'accepted' })).map((f) => f.friend_id), [a.id]);
    t.same(await social.friendsOf(a.id), [b.id]);
    t.same(await social.friendsOf(b.id), [a.id]);
    t.same(await social.listFriends(a.id, { status: 'pending' }), []);
    const again = await social.setIncomingStatus(b.id, a.id, 'accepted');
    t.equal(again.id, mine.id, 'accepting twice is idempotent');
    await t.rejects(social.setIncomingStatus(c.id, a.id, 'accepted'), { code: 'STO_ERR_FRIENDSHIP_NOT_FOUND', wire: 'social.friendship_not_found', status: 404 }, 'no request to accept');
    await t.rejects(social.setIncomingStatus(b.id, a.id, 'pending' as never), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'status' } });
    await t.rejects(social.setIncomingStatus(b.id, b.id, 'accepted'), { code: 'STO_ERR_CANNOT_FRIEND_SELF' });
    await t.rejects(social.listFriends(a.id, { status: 'friends' as never }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'status' } });
    await t.rejects(social.listFriends(a.id, { limit: 0 }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'limit' } });
    await t.rejects(social.listFriends(a.id, { direction: 'sideways' as never }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'direction' } });
  });

  t.test('blocking: isBlocked(blocked, blocker) is true, the friendship ends, the block survives re-requests', async (t) => {
    const [a, b] = await Promise.all([player(storage), player(storage)]);
    await social.requestFriend(a.id, b.id);
    await social.setIncomingStatus(b.id, a.id, 'accepted');
    t.equal(await social.isBlocked(a.id, b.id), false);
    const row = await social.setIncomingStatus(b.id, a.id, 'blocked');
    t.match(row, { player_id: b.id, friend_id: a.id, status: 'blocked' });
    t.equal(await social.isBlocked(a.id, b.id), true, 'b blocked a: a cannot message b');
    t.equal(await social.isBlocked(b.id, a.id), false, 'the block is one-way');
    t.same(await social.friendsOf(a.id), [], 'a no longer sees b as a friend (no presence leak)');
    t.same(await social.friendsOf(b.id), []);
    t.same(await social.listFriends(a.id), [], "a's accepted row is gone");
    t.same((await social.listFriends(b.id, { status: 'blocked' })).map((f) => f.friend_id), [a.id], "b's block list");
    // a asks again: a pending row appears, but b does not see requests from players b blocked.
    t.equal((await social.requestFriend(a.id, b.id)).status, 'pending');
    t.same(await social.listFriends(b.id, { direction: 'incoming' }), []);
    t.equal((await social.requestFriend(b.id, a.id)).status, 'blocked', "b re-adding a returns b's blocked row unchanged");
    // Unblocking is removing b's own row; a's pending request then shows.
    await social.removeFriend(b.id, a.id);
    t.equal(await social.isBlocked(a.id, b.id), false);
    t.same((await social.listFriends(b.id, { direction: 'incoming' })).map((f) => f.status), ['pending']);
  });

  t.test('blocking works without a request; an unknown player cannot be blocked', async (t) => {
    const [a, b] = await Promise.all([player(storage), player(storage)]);
    await social.setIncomingStatus(a.id, b.id, 'blocked');
    t.equal(await social.isBlocked(b.id, a.id), true);
    await t.rejects(social.setIncomingStatus(a.id, NOBODY, 'blocked'), { code: 'STO_ERR_FRIEND_NOT_FOUND' });
    // b's block of a is b's own and stays when a blocks b back; a cannot accept a blocker.
    await social.setIncomingStatus(b.id, a.id, 'blocked');
    t.equal(await social.isBlocked(a.id, b.id), true);
    t.equal(await social.isBlocked(b.id, a.id), true);
    await t.rejects(social.setIncomingStatus(a.id, b.id, 'accepted'), { code: 'STO_ERR_FRIENDSHIP_NOT_FOUND' });
    t.same(await social.listFriends(a.id, { direction: 'incoming', status: 'blocked' }), [], 'incoming never reveals a block');
    await t.rejects(social.isBlocked('x', a.id), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'sender' } });
  });

  t.test('removeFriend: cancels a request or ends a friendship on both sides; missing row is coded', async (t) => {
    const [a, b, c] = await Promise.all([player(storage), player(storage), player(storage)]);
    await social.requestFriend(a.id, c.id);
    await social.removeFriend(a.id, c.id);
    t.same(await social.listFriends(a.id), [], 'request cancelled');
    await social.requestFriend(a.id, b.id);
    await social.setIncomingStatus(b.id, a.id, 'accepted');
    await social.removeFriend(a.id, b.id);
    t.same(await social.friendsOf(a.id), []);
    t.same(await social.friendsOf(b.id), [], 'the mirrored row went too');
    await t.rejects(social.removeFriend(a.id, b.id), { code: 'STO_ERR_FRIENDSHIP_NOT_FOUND' });
    await t.rejects(social.removeFriend(a.id, a.id), { code: 'STO_ERR_CANNOT_FRIEND_SELF' });
  });

  t.test('crossed requests accepted concurrently by both sides end as one mutual friendship', async (t) => {
    const pairs = await Promise.all(Array.from({ length: 5 }, async () => [await player(storage), await player(storage)] as const));
    for (const [a, b] of pairs) {
      await social.requestFriend(a.id, b.id);
      await social.requestFriend(b.id, a.id);
    }
    const results = await Promise.allSettled(pairs.flatMap(([a, b]) => [social.setIncomingStatus(a.id, b.id, 'accepted'), social.setIncomingStatus(b.id, a.id, 'accepted')]));
    t.same(results.filter((r) => r.status === 'rejected'), [], 'no deadlock, no error');
    for (const [a, b] of pairs) {
      t.same(await social.friendsOf(a.id), [b.id]);
      t.same(await social.friendsOf(b.id), [a.id]);
    }
  });

  // ---- groups ----------------------------------------------------------------------------------------

  t.test('createGroup: defaults, the creator is owner, getGroup, groupsOf', async (t) => {
    const owner = await player(storage);
    const g = await social.createGroup(owner.id, { name: 'Night Owls', description: 'late', metadata: { tag: 'NO' } });
    t.match(g, { name: 'Night Owls', description: 'late', max_members: 50, open: false, creator_id: owner.id, metadata: { tag: 'NO' } });
    t.same(await social.getGroup(g.id), g);
    t.equal(await social.getGroup(NOBODY), undefined);
    t.same((await social.members(g.id)).map((m) => [m.player_id, m.role]), [[owner.id, 'owner']]);
    t.match(await social.groupsOf(owner.id), [{ id: g.id, name: 'Night Owls', role: 'owner' }]);
    t.match(await social.member(g.id, owner.id), { role: 'owner' });
    t.equal(await social.member(g.id, NOBODY), undefined);
  });

  t.test('createGroup and updateGroup: bad input is coded, and nothing is written', async (t) => {
    const p = await player(storage);
    await t.rejects(social.createGroup(p.id, { name: 'x' }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'name' } });
    await t.rejects(social.createGroup(p.id, { name: 'n'.repeat(65) }), { code: 'STO_ERR_TOO_LARGE', details: { field: 'name' } });
    t.equal((await social.createGroup(p.id, { name: '夜'.repeat(64) })).name.length, 64, '64 characters, 192 bytes, is fine');
    await t.rejects(social.createGroup(p.id, { name: 42 as never }), { code: 'STO_ERR_INVALID_INPUT' });
    await t.rejects(social.createGroup(p.id, { name: 'ok', max_members: 0 }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'max_members' } });
    await t.rejects(social.createGroup(p.id, { name: 'ok', max_members: 1.5 }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'max_members' } });
    await t.rejects(social.createGroup(p.id, { name: 'ok', open: 'yes' as never }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'open' } });
    await t.rejects(social.createGroup(p.id, { name: 'ok', description: 'd'.repeat(1025) }), { code: 'STO_ERR_TOO_LARGE' });
    await t.rejects(social.createGroup(p.id, { name: 'ok', metadata: { big: 'x'.repeat(20_000) } }), { code: 'STO_ERR_TOO_LARGE' });
    await t.rejects(social.createGroup(p.id, { name: 'ok', metadata: [] as never }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'metadata' } });
    await t.rejects(social.createGroup(NOBODY, { name: 'ok' }), { code: 'STO_ERR_NOT_FOUND', details: { player_id: NOBODY } });
    t.equal((await social.groupsOf(p.id)).length, 1, 'only the valid group exists');
    const g = (await social.groupsOf(p.id))[0]!;
    await t.rejects(social.updateGroup(p.id, g.id, { name: '' }), { code: 'STO_ERR_INVALID_INPUT' });
    await t.rejects(social.updateGroup(p.id, NOBODY, { open: true }), { code: 'STO_ERR_GROUP_NOT_FOUND', wire: 'social.group_not_found', status: 404 });
    await t.rejects(social.getGroup('nope'), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'group_id' } });
  });

  t.test('updateGroup needs admin or owner', async (t) => {
    const [owner, admin, mod, member, outsider] = await Promise.all(Array.from({ length: 5 }, () => player(storage)));
    const g = await social.createGroup(owner.id, { name: 'Guild', open: true });
    for (const p of [admin, mod, member]) await social.joinGroup(g.id, p.id);
    await social.setRole(owner.id, g.id, admin.id, 'admin');
    await social.setRole(owner.id, g.id, mod.id, 'moderator');
    const u = await social.updateGroup(admin.id, g.id, { description: 'by admin', max_members: 10, metadata: { v: 2 } });
    t.match(u, { name: 'Guild', description: 'by admin', max_members: 10, metadata: { v: 2 } });
    t.ok(u.updated_at.getTime() >= g.updated_at.getTime());
    t.match(await social.updateGroup(owner.id, g.id, { name: 'Guild II', open: false, description: null }), { name: 'Guild II', open: false, description: null });
    await t.rejects(social.updateGroup(mod.id, g.id, { name: 'Mine' }), { code: 'STO_ERR_FORBIDDEN', wire: 'forbidden', details: { reason: 'rank' } });
    await t.rejects(social.updateGroup(member.id, g.id, { name: 'Mine' }), { code: 'STO_ERR_FORBIDDEN' });
    await t.rejects(social.updateGroup(outsider.id, g.id, { name: 'Mine' }), { code: 'STO_ERR_FORBIDDEN', details: { reason: 'not_a_member' } });
    t.equal((await social.getGroup(g.id))?.name, 'Guild II');
  });

  t.test('joinGroup: closed, full and already-member are coded, in that order of precedence', async (t) => {
    const [owner, a, b, c] = await Promise.all(Array.from({ length: 4 }, () => player(storage)));
    const closed = await social.createGroup(owner.id, { name: 'Closed' });
    await t.rejects(social.joinGroup(closed.id, a.id), { code: 'STO_ERR_GROUP_CLOSED', wire: 'social.group_closed', status: 403 });
    await t.rejects(social.joinGroup(closed.id, owner.id), { code: 'STO_ERR_ALREADY_MEMBER', wire: 'social.already_member', status: 409 });
    const small = await social.createGroup(owner.id, { name: 'Small', open: true, max_members: 2 });
    t.match(await social.joinGroup(small.id, a.id), { group_id: small.id, player_id: a.id, role: 'member' });
    await t.rejects(social.joinGroup(small.id, a.id), { code: 'STO_ERR_ALREADY_MEMBER' });
    await t.rejects(social.joinGroup(small.id, b.id), { code: 'STO_ERR_GROUP_FULL', wire: 'social.group_full', status: 409, details: { max_members: 2 } });
    await t.rejects(social.joinGroup(NOBODY, c.id), { code: 'STO_ERR_GROUP_NOT_FOUND' });
    const open = await social.createGroup(owner.id, { name: 'Open', open: true });
    await t.rejects(social.joinGroup(open.id, NOBODY), { code: 'STO_ERR_NOT_FOUND', details: { player_id: NOBODY } });
    await t.rejects(social.joinGroup(open.id, 'x'), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'player_id' } });
  });

  t.test('20 concurrent joins to a group of max_members 5: exactly 5 members', async (t) => {
    const owner = await player(storage);
    const g = await social.createGroup(owner.id, { name: 'Race', open: true, max_members: 5 });
    const joiners = await Promise.all(Array.from({ length: 20 }, () => player(storage, 'joiner')));
    const results = await Promise.allSettled(joiners.map((p) => social.joinGroup(g.id, p.id)));
    t.equal(results.filter((r) => r.status === 'fulfilled').length, 4, 'the owner holds the fifth seat');
    const codes = new Set(results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as { code: string }).code));
    t.same([...codes], ['STO_ERR_GROUP_FULL']);
    t.equal((await social.members(g.id)).length, 5);
    // The same player racing itself joins once.
    const g2 = await social.createGroup(owner.id, { name: 'Twice', open: true });
    const p = await player(storage);
    const twice = await Promise.allSettled(Array.from({ length: 5 }, () => social.joinGroup(g2.id, p.id)));
    t.equal(twice.filter((r) => r.status === 'fulfilled').length, 1);
    t.equal((await social.members(g2.id)).length, 2);
  });

  t.test('setRole and kick follow the rank rules; non-members and unknown roles are coded', async (t) => {
    const [owner, admin, mod, member, other, outsider] = await Promise.all(Array.from({ length: 6 }, () => player(storage)));
    const g = await social.createGroup(owner.id, { name: 'Ranks', open: true });
    for (const p of [admin, mod, member, other]) await social.joinGroup(g.id, p.id);
    t.match(await social.setRole(owner.id, g.id, admin.id, 'admin'), { player_id: admin.id, role: 'admin' });
    t.match(await social.setRole(admin.id, g.id, mod.id, 'moderator'), { role: 'moderator' });
    await t.rejects(social.setRole(admin.id, g.id, member.id, 'admin'), { code: 'STO_ERR_FORBIDDEN', details: { reason: 'rank' } }, 'admin cannot make an admin');
    await t.rejects(social.setRole(owner.id, g.id, member.id, 'owner'), { code: 'STO_ERR_FORBIDDEN' }, 'nobody is made owner');
    await t.rejects(social.setRole(mod.id, g.id, member.id, 'member'), { code: 'STO_ERR_FORBIDDEN' }, 'moderators do not set roles');
    await t.rejects(social.setRole(admin.id, g.id, owner.id, 'member'), { code: 'STO_ERR_FORBIDDEN' }, 'cannot demote a higher rank');
    await t.rejects(social.setRole(admin.id, g.id, admin.id, 'moderator'), { code: 'STO_ERR_FORBIDDEN' }, 'cannot change own role');
    await t.rejects(social.setRole(outsider.id, g.id, member.id, 'moderator'), { code: 'STO_ERR_FORBIDDEN', details: { reason: 'not_a_member' } });
    await t.rejects(social.setRole(owner.id, g.id, outsider.id, 'moderator'), { code: 'STO_ERR_MEMBER_NOT_FOUND', wire: 'social.member_not_found', status: 404 });
    await t.rejects(social.setRole(owner.id, g.id, member.id, 'king' as never), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'role' } });
    await t.rejects(social.setRole(owner.id, NOBODY, member.id, 'moderator'), { code: 'STO_ERR_GROUP_NOT_FOUND' });
    t.match(await social.setRole(owner.id, g.id, mod.id, 'member'), { role: 'member' }, 'owner demotes');
    await social.setRole(owner.id, g.id, mod.id, 'moderator');
    // Kicks.
    await t.rejects(social.kick(member.id, g.id, other.id), { code: 'STO_ERR_FORBIDDEN' }, 'members cannot kick');
    await t.rejects(social.kick(mod.id, g.id, admin.id), { code: 'STO_ERR_FORBIDDEN' }, 'cannot kick a higher rank');
    await t.rejects(social.kick(admin.id, g.id, owner.id), { code: 'STO_ERR_FORBIDDEN' });
    await t.rejects(social.kick(mod.id, g.id, outsider.id), { code: 'STO_ERR_MEMBER_NOT_FOUND' });
    await social.kick(mod.id, g.id, other.id);
    await social.kick(admin.id, g.id, mod.id);
    await social.kick(owner.id, g.id, admin.id);
    t.same((await social.members(g.id)).map((m) => m.player_id), [owner.id, member.id]);
    t.same(await social.groupsOf(other.id), []);
  });

  t.test('members: ordered by rank then join time, limited; unknown group is coded', async (t) => {
    const [owner, a, b, c] = await Promise.all(Array.from({ length: 4 }, () => player(storage)));
    const g = await social.createGroup(owner.id, { name: 'Order', open: true });
    for (const p of [a, b, c]) await social.joinGroup(g.id, p.id);
    await social.setRole(owner.id, g.id, c.id, 'admin');
    await social.setRole(owner.id, g.id, b.id, 'moderator');
    t.same((await social.members(g.id)).map((m) => m.player_id), [owner.id, c.id, b.id, a.id]);
    t.same((await social.members(g.id, { limit: 2 })).map((m) => m.role), ['owner', 'admin']);
    await t.rejects(social.members(NOBODY), { code: 'STO_ERR_GROUP_NOT_FOUND' });
    await t.rejects(social.members(g.id, { limit: 501 }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'limit' } });
  });

  t.test('leaveGroup: ownership passes to the highest rank, then the oldest; the last one out deletes the group', async (t) => {
    const [owner, a, b, outsider] = await Promise.all(Array.from({ length: 4 }, () => player(storage)));
    const g = await social.createGroup(owner.id, { name: 'Heirs', open: true });
    await social.joinGroup(g.id, a.id);
    await social.joinGroup(g.id, b.id);
    await social.setRole(owner.id, g.id, b.id, 'moderator');
    t.equal(await social.leaveGroup(g.id, outsider.id), false, 'not a member');
    t.equal(await social.leaveGroup(g.id, owner.id), true);
    t.match(await social.member(g.id, b.id), { role: 'owner' }, 'the moderator outranks the older member');
    t.equal(await social.leaveGroup(g.id, b.id), true);
    t.match(await social.member(g.id, a.id), { role: 'owner' });
    t.equal(await social.leaveGroup(g.id, a.id), true);
    t.equal(await social.getGroup(g.id), undefined, 'an empty group is deleted');
    await t.rejects(social.leaveGroup(g.id, a.id), { code: 'STO_ERR_GROUP_NOT_FOUND' });
    const g2 = await social.createGroup(owner.id, { name: 'Stay', open: true });
    await social.joinGroup(g2.id, a.id);
    t.equal(await social.leaveGroup(g2.id, a.id), true);
    t.match(await social.members(g2.id), [{ player_id: owner.id, role: 'owner' }], 'a member leaving changes nobody else');
  });
};
