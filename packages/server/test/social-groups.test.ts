// The group routes end to end on real storage: create, read, update, join, leave, members, set role and
// kick, with the role rules checked for every (actor role, target role[, new role]) combination against a
// table written out by hand here (not computed by the rule functions under test).
import t from 'tap';
import type { GroupRole } from '@hajime/storage';
import { NOBODY, SOCIAL_PLUGINS } from './matrix/social.js';
import { testServer, testStorage, uniqueName } from './helpers.js';
import type { Actor } from './matrix/types.js';

const ROLES: readonly GroupRole[] = ['owner', 'admin', 'moderator', 'member'];

// Who may kick whom (asobi §2.13: moderator or above, and strictly outranks the target).
const KICK_ALLOWED = new Set(['owner>admin', 'owner>moderator', 'owner>member', 'admin>moderator', 'admin>member', 'moderator>member']);

// Who may give which role to whom (admin or above, outranks the target's role and the new role, never owner).
const SET_ROLE_ALLOWED = new Set([
  'owner>admin=admin',
  'owner>admin=moderator',
  'owner>admin=member',
  'owner>moderator=admin',
  'owner>moderator=moderator',
  'owner>moderator=member',
  'owner>member=admin',
  'owner>member=moderator',
  'owner>member=member',
  'admin>moderator=moderator',
  'admin>moderator=member',
  'admin>member=moderator',
  'admin>member=member',
]);

// Who may update the group itself: admin or owner.
const UPDATE_ALLOWED = new Set<GroupRole>(['owner', 'admin']);

t.test('group routes', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, {}, { plugins: SOCIAL_PLUGINS });
  const app = server.app;
  const player = async (): Promise<Actor> => {
    const username = uniqueName('g');
    const r = (await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username, password: 'password123' } })).json();
    return { id: r.player_id, token: r.access_token, username };
  };
  const call = (p: Actor, method: string, url: string, payload?: unknown) =>
    app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers: { authorization: `Bearer ${p.token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  const code = async (res: Promise<{ json(): { error?: { code: string } } }>) => (await res).json().error?.code;

  /** A fresh open group whose owner is `holders.owner[0]`, with one more player per extra role asked for. */
  async function groupWith(...extra: GroupRole[]): Promise<{ id: string; owner: Actor; holders: Record<string, Actor[]> }> {
    const owner = await player();
    const id = (await call(owner, 'POST', '/groups', { name: uniqueName('grp'), open: true })).json().id as string;
    const holders: Record<string, Actor[]> = { owner: [owner] };
    for (const role of extra) {
      const p = await player();
      const joined = await call(p, 'POST', `/groups/${id}/join`);
      if (joined.statusCode !== 200) throw new Error(`join failed: ${joined.body}`);
      if (role !== 'member') {
        const set = await call(owner, 'PUT', `/groups/${id}/members/${p.id}/role`, { role });
        if (set.statusCode !== 200) throw new Error(`set role failed: ${set.body}`);
      }
      (holders[role] ??= []).push(p);
    }
    return { id, owner, holders };
  }
  const roleOf = async (groupId: string, playerId: string) => (await storage.social.member(groupId, playerId))?.role;

  t.test('POST /groups creates the group with defaults; the creator is its owner', async (t) => {
    const a = await player();
    const res = await call(a, 'POST', '/groups', { name: 'Night Owls' });
    t.equal(res.statusCode, 200);
    const g = res.json();
    t.match(g, { id: String, name: 'Night Owls', description: null, max_members: 50, open: false, creator_id: a.id, metadata: {}, inserted_at: String, updated_at: String });
    t.match((await call(a, 'GET', `/groups/${g.id}/members`)).json().members, [{ group_id: g.id, player_id: a.id, role: 'owner', joined_at: String }]);
    const full = (await call(a, 'POST', '/groups', { name: 'Full', description: 'd', max_members: 3, open: true, metadata: { tag: 'x' } })).json();
    t.match(full, { name: 'Full', description: 'd', max_members: 3, open: true, metadata: { tag: 'x' } });
  });

  t.test('POST /groups refusals', async (t) => {
    const a = await player();
    for (const body of [{}, { name: 'x' }, { name: 'y'.repeat(65) }, { name: 'ok ok', max_members: 0 }, { name: 'ok ok', max_members: 100_001 }, { name: 'ok ok', open: 'yes' }, { name: 'ok ok', description: 'd'.repeat(1025) }]) {
      const res = await call(a, 'POST', '/groups', body);
      t.equal(res.statusCode, 422, JSON.stringify(body).slice(0, 60));
      t.equal(res.json().error.code, 'validation_failed');
    }
    const big = await call(a, 'POST', '/groups', { name: 'big metadata', metadata: { blob: 'x'.repeat(17 * 1024) } });
    t.equal(big.statusCode, 413, 'metadata over 16 KiB');
    t.equal(big.json().error.code, 'payload_too_large');
  });

  t.test('GET /groups/:id', async (t) => {
    const a = await player();
    const g = (await call(a, 'POST', '/groups', { name: 'Readers' })).json();
    const b = await player();
    t.same((await call(b, 'GET', `/groups/${g.id.toUpperCase()}`)).json(), g, 'any player reads any group');
    const missing = await call(b, 'GET', `/groups/${NOBODY}`);
    t.equal(missing.statusCode, 404);
    t.equal(missing.json().error.code, 'social.group_not_found');
    t.equal(await code(call(b, 'GET', '/groups/nope')), 'validation_failed');
  });

  t.test('join: open groups only, once, up to max_members', async (t) => {
    const owner = await player();
    const closed = (await call(owner, 'POST', '/groups', { name: 'Closed' })).json();
    const open = (await call(owner, 'POST', '/groups', { name: 'Open', open: true, max_members: 2 })).json();
    const [a, b] = [await player(), await player()];
    const refused = await call(a, 'POST', `/groups/${closed.id}/join`);
    t.equal(refused.statusCode, 403);
    t.equal(refused.json().error.code, 'social.group_closed');
    const joined = await call(a, 'POST', `/groups/${open.id}/join`);
    t.equal(joined.statusCode, 200);
    t.same(joined.json(), { success: true, group_id: open.id });
    const twice = await call(a, 'POST', `/groups/${open.id}/join`);
    t.equal(twice.statusCode, 409);
    t.equal(twice.json().error.code, 'social.already_member');
    const full = await call(b, 'POST', `/groups/${open.id}/join`);
    t.equal(full.statusCode, 409);
    t.equal(full.json().error.code, 'social.group_full');
    const missing = await call(b, 'POST', `/groups/${NOBODY}/join`);
    t.equal(missing.statusCode, 404);
    t.equal(missing.json().error.code, 'social.group_not_found');
  });

  t.test('concurrent joins never overfill a group', async (t) => {
    const owner = await player();
    const g = (await call(owner, 'POST', '/groups', { name: 'Race', open: true, max_members: 4 })).json();
    const joiners = await Promise.all(Array.from({ length: 8 }, () => player()));
    const results = await Promise.all(joiners.map((p) => call(p, 'POST', `/groups/${g.id}/join`)));
    t.equal(results.filter((r) => r.statusCode === 200).length, 3, 'three seats besides the owner');
    t.ok(results.filter((r) => r.statusCode !== 200).every((r) => r.json().error.code === 'social.group_full'));
    t.equal((await call(owner, 'GET', `/groups/${g.id}/members`)).json().members.length, 4);
  });

  t.test('leave: idempotent; the owner hands over; the last member deletes the group', async (t) => {
    const { id, owner, holders } = await groupWith('moderator', 'admin', 'member');
    const member = holders['member']![0]!;
    t.same((await call(member, 'POST', `/groups/${id}/leave`)).json(), { success: true, group_id: id });
    t.equal(await roleOf(id, member.id), undefined);
    const again = await call(member, 'POST', `/groups/${id}/leave`);
    t.equal(again.statusCode, 200, 'leaving a group you are not in is a no-op');
    t.same(again.json(), { success: true, group_id: id });

    await call(owner, 'POST', `/groups/${id}/leave`);
    t.equal(await roleOf(id, holders['admin']![0]!.id), 'owner', 'the admin outranks the older moderator and inherits');
    await call(holders['admin']![0]!, 'POST', `/groups/${id}/leave`);
    t.equal(await roleOf(id, holders['moderator']![0]!.id), 'owner');
    await call(holders['moderator']![0]!, 'POST', `/groups/${id}/leave`);
    t.equal(await code(call(owner, 'GET', `/groups/${id}`)), 'social.group_not_found', 'no members left: the group is gone');
    t.equal(await code(call(owner, 'POST', `/groups/${NOBODY}/leave`)), 'social.group_not_found');
  });

  t.test('GET /groups/:id/members: by rank then join time, with a limit', async (t) => {
    const { id, owner, holders } = await groupWith('member', 'moderator', 'admin');
    const members = (await call(owner, 'GET', `/groups/${id}/members`)).json().members as { player_id: string; role: string }[];
    t.same(
      members.map((m) => [m.role, m.player_id]),
      [['owner', owner.id], ['admin', holders['admin']![0]!.id], ['moderator', holders['moderator']![0]!.id], ['member', holders['member']![0]!.id]],
    );
    t.equal((await call(owner, 'GET', `/groups/${id}/members?limit=2`)).json().members.length, 2);
    const outsider = await player();
    t.equal((await call(outsider, 'GET', `/groups/${id}/members`)).statusCode, 200, 'any signed-in player may list members');
    t.equal(await code(call(owner, 'GET', `/groups/${NOBODY}/members`)), 'social.group_not_found');
    t.equal(await code(call(owner, 'GET', `/groups/${id}/members?limit=501`)), 'validation_failed');
  });

  t.test('kick: every actor role against every target role', async (t) => {
    for (const actor of ROLES) {
      for (const target of ROLES) {
        const key = `${actor}>${target}`;
        // Two holders when actor and target share a role (never oneself here: see below).
        const g = await groupWith(...[actor, target].filter((r) => r !== 'owner'));
        const a = g.holders[actor]![0]!;
        const victim = actor === target ? g.holders[target]![1] : g.holders[target]![0]!;
        if (victim === undefined) continue; // a second owner cannot exist
        const res = await call(a, 'DELETE', `/groups/${g.id}/members/${victim.id}`);
        if (KICK_ALLOWED.has(key)) {
          t.equal(res.statusCode, 200, `${key}: allowed`);
          t.same(res.json(), { success: true });
          t.equal(await roleOf(g.id, victim.id), undefined, `${key}: gone`);
        } else {
          t.equal(res.statusCode, 403, `${key}: refused`);
          t.match(res.json().error, { code: 'forbidden', details: { reason: 'rank' } });
          t.equal(await roleOf(g.id, victim.id), target, `${key}: still a ${target}`);
        }
      }
    }
  });

  t.test('set role: every actor role, target role and new role', async (t) => {
    for (const actor of ROLES) {
      for (const target of ROLES) {
        const g = await groupWith(...[actor, target].filter((r) => r !== 'owner'));
        const a = g.holders[actor]![0]!;
        const subject = actor === target ? g.holders[target]![1] : g.holders[target]![0]!;
        if (subject === undefined) continue;
        for (const role of ROLES) {
          const key = `${actor}>${target}=${role}`;
          const before = await roleOf(g.id, subject.id);
          const res = await call(a, 'PUT', `/groups/${g.id}/members/${subject.id}/role`, { role });
          if (SET_ROLE_ALLOWED.has(key)) {
            t.equal(res.statusCode, 200, `${key}: allowed`);
            t.match(res.json(), { group_id: g.id, player_id: subject.id, role });
            t.equal(await roleOf(g.id, subject.id), role);
            // Put the target back for the next new role.
            if (role !== target) await call(g.owner, 'PUT', `/groups/${g.id}/members/${subject.id}/role`, { role: target });
          } else {
            t.equal(res.statusCode, 403, `${key}: refused`);
            t.match(res.json().error, { code: 'forbidden', details: { reason: 'rank' } });
            t.equal(await roleOf(g.id, subject.id), before, `${key}: unchanged`);
          }
        }
      }
    }
  });

  t.test('nobody kicks themselves or changes their own role, and a member never becomes owner', async (t) => {
    const { id, owner, holders } = await groupWith('admin');
    const admin = holders['admin']![0]!;
    for (const p of [owner, admin]) {
      t.equal(await code(call(p, 'DELETE', `/groups/${id}/members/${p.id}`)), 'forbidden');
      t.equal(await code(call(p, 'PUT', `/groups/${id}/members/${p.id}/role`, { role: 'member' })), 'forbidden');
    }
    t.equal(await code(call(owner, 'PUT', `/groups/${id}/members/${admin.id}/role`, { role: 'owner' })), 'forbidden', 'ownership is never handed out');
    t.equal(await roleOf(id, owner.id), 'owner');
    t.equal(await roleOf(id, admin.id), 'admin');
  });

  t.test('update: owner and admin only; outsiders are refused as non-members', async (t) => {
    for (const role of ROLES) {
      const g = await groupWith(...(role === 'owner' ? [] : [role]));
      const a = g.holders[role]![0]!;
      const res = await call(a, 'PUT', `/groups/${g.id}`, { name: `renamed by ${role}`, description: 'new', open: false, max_members: 10, metadata: { v: 2 } });
      if (UPDATE_ALLOWED.has(role)) {
        t.equal(res.statusCode, 200, `${role}: allowed`);
        t.match(res.json(), { id: g.id, name: `renamed by ${role}`, description: 'new', open: false, max_members: 10, metadata: { v: 2 } });
      } else {
        t.equal(res.statusCode, 403, `${role}: refused`);
        t.match(res.json().error, { code: 'forbidden', details: { reason: 'rank' } });
        t.equal((await call(a, 'GET', `/groups/${g.id}`)).json().open, true, `${role}: unchanged`);
      }
    }
    const g = await groupWith();
    const outsider = await player();
    const res = await call(outsider, 'PUT', `/groups/${g.id}`, { name: 'hijacked' });
    t.equal(res.statusCode, 403);
    t.match(res.json().error, { code: 'forbidden', details: { reason: 'not_a_member' } });
    t.not((await call(outsider, 'GET', `/groups/${g.id}`)).json().name, 'hijacked');
  });

  t.test('update: partial patches keep the other fields; a smaller max_members keeps everyone but refuses joins', async (t) => {
    const { id, owner } = await groupWith('member', 'member');
    const before = (await call(owner, 'GET', `/groups/${id}`)).json();
    const after = (await call(owner, 'PUT', `/groups/${id}`, { max_members: 1 })).json();
    t.match(after, { name: before.name, open: true, max_members: 1, metadata: before.metadata });
    t.equal((await call(owner, 'GET', `/groups/${id}/members`)).json().members.length, 3, 'nobody is removed');
    t.equal(await code(call(await player(), 'POST', `/groups/${id}/join`)), 'social.group_full');
    t.equal(await code(call(owner, 'PUT', `/groups/${id}`, { name: 'x' })), 'validation_failed');
    t.equal(await code(call(owner, 'PUT', `/groups/${NOBODY}`, { name: 'xyz' })), 'social.group_not_found');
  });

  t.test('kick and set role refusals: unknown group, non-member actor, non-member target, bad role', async (t) => {
    const { id, owner, holders } = await groupWith('member');
    const member = holders['member']![0]!;
    const outsider = await player();
    t.equal(await code(call(owner, 'DELETE', `/groups/${NOBODY}/members/${member.id}`)), 'social.group_not_found');
    t.equal(await code(call(owner, 'PUT', `/groups/${NOBODY}/members/${member.id}/role`, { role: 'admin' })), 'social.group_not_found');
    const notMember = await call(outsider, 'DELETE', `/groups/${id}/members/${member.id}`);
    t.equal(notMember.statusCode, 403);
    t.match(notMember.json().error, { code: 'forbidden', details: { reason: 'not_a_member' } });
    t.match((await call(outsider, 'PUT', `/groups/${id}/members/${member.id}/role`, { role: 'admin' })).json().error, { code: 'forbidden', details: { reason: 'not_a_member' } });
    const noTarget = await call(owner, 'DELETE', `/groups/${id}/members/${outsider.id}`);
    t.equal(noTarget.statusCode, 404);
    t.equal(noTarget.json().error.code, 'social.member_not_found');
    t.equal(await code(call(owner, 'PUT', `/groups/${id}/members/${outsider.id}/role`, { role: 'admin' })), 'social.member_not_found');
    t.equal(await code(call(owner, 'PUT', `/groups/${id}/members/${member.id}/role`, { role: 'king' })), 'validation_failed');
    t.equal(await code(call(owner, 'DELETE', `/groups/${id}/members/nope`)), 'validation_failed');
    t.equal(await roleOf(id, member.id), 'member');
  });
});
