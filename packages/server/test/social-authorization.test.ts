// Authorization for the friends, groups and notifications routes: the SOCIAL_ROWS of the matrix list
// exactly these routes and pass the matrix's checks (no token, forged token, another player's token, own
// token), and, with real resources the matrix cannot create, another player's token never changes the
// victim's group, memberships or notifications.
import t from 'tap';
import { NOBODY, SOCIAL_PLUGINS, SOCIAL_ROWS } from './matrix/social.js';
import type { Actor } from './matrix/types.js';
import { testServer, testStorage } from './helpers.js';
import { registerActor } from './matrix/harness.js';

t.test('social authorization', async (t) => {
  const storage = await testStorage(t);
  const server = await testServer(t, storage, {}, { plugins: SOCIAL_PLUGINS });
  const app = server.app;
  const register = (): Promise<Actor> => registerActor(app);
  const call = (p: Actor, method: string, url: string, payload?: object) =>
    app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers: { authorization: `Bearer ${p.token}` }, ...(payload === undefined ? {} : { payload }) });

  t.test('SOCIAL_ROWS are exactly the social and notifications routes', async (t) => {
    const doc = (await app.inject('/docs/json')).json() as { paths: Record<string, Record<string, { tags?: string[] }>> };
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => op.tags?.some((tag) => tag === 'social' || tag === 'notifications'))
        .map(([m]) => `${m.toUpperCase()} ${path}`),
    );
    t.same(routes.slice().sort(), Object.keys(SOCIAL_ROWS).sort());
  });

  // The matrix's own checks, as authorization.test.ts runs them once the rows are merged into MATRIX.
  for (const [route, c] of Object.entries(SOCIAL_ROWS)) {
    t.test(`${route} (${c.access})`, async (t) => {
      const victim = await register();
      const attacker = await register();
      const before = (await storage.players.get(victim.id))!;
      const anon = await app.inject({ ...c.request(victim, victim) } as never);
      t.equal(anon.statusCode, 401, 'no token: 401');
      t.equal(anon.json().error.code, 'unauthenticated');
      const forged = await app.inject({ ...c.request(victim, victim), headers: { authorization: 'Bearer not-a-real-token-not-a-real-token-xx' } } as never);
      t.equal(forged.statusCode, 401, 'forged token: 401');
      const other = await app.inject({ ...c.request(attacker, victim), headers: { authorization: `Bearer ${attacker.token}` } } as never);
      if (c.access === 'owner') t.equal(other.statusCode, 403, "another player's token: 403");
      else t.not(other.statusCode, 401, "another player's token is a valid session");
      if (c.untouched === 'profile') t.same(await storage.players.get(victim.id), before, "the victim's row is untouched");
      const own = await app.inject({ ...c.request(victim, victim), headers: { authorization: `Bearer ${victim.token}` } } as never);
      t.not(own.statusCode, 401, 'own token: authenticated');
      t.not(own.statusCode, 403, 'own token: allowed');
    });
  }

  t.test("another player's token never changes the victim's group or members", async (t) => {
    const victim = await register();
    const member = await register();
    const attacker = await register();
    const group = (await call(victim, 'POST', '/groups', { name: 'Victim group', open: true })).json();
    await call(member, 'POST', `/groups/${group.id}/join`);
    await call(attacker, 'POST', `/groups/${group.id}/join`);
    const snapshot = async () => ({ group: await storage.social.getGroup(group.id), members: await storage.social.members(group.id) });
    const before = await snapshot();

    const attempts = [
      ['PUT', `/groups/${group.id}`, { name: 'Hijacked', open: false }],
      ['PUT', `/groups/${group.id}/members/${victim.id}/role`, { role: 'member' }],
      ['PUT', `/groups/${group.id}/members/${attacker.id}/role`, { role: 'admin' }],
      ['PUT', `/groups/${group.id}/members/${member.id}/role`, { role: 'moderator' }],
      ['DELETE', `/groups/${group.id}/members/${victim.id}`, undefined],
      ['DELETE', `/groups/${group.id}/members/${member.id}`, undefined],
    ] as const;
    for (const [method, url, payload] of attempts) {
      const res = await call(attacker, method, url, payload);
      t.equal(res.statusCode, 403, `a plain member: ${method} ${url}`);
      t.equal(res.json().error.code, 'forbidden');
    }
    await call(attacker, 'POST', `/groups/${group.id}/leave`);
    const afterLeaving = (await storage.social.members(group.id)).length;
    for (const [method, url, payload] of attempts) {
      const res = await call(attacker, method, url, payload);
      t.equal(res.statusCode, 403, `an outsider: ${method} ${url}`);
      t.match(res.json().error, { code: 'forbidden', details: { reason: 'not_a_member' } });
    }
    const after = await snapshot();
    t.same(after.group, before.group, 'the group row is untouched');
    t.equal(after.members.length, afterLeaving);
    t.same(
      after.members.map((m) => [m.player_id, m.role]),
      before.members.filter((m) => m.player_id !== attacker.id).map((m) => [m.player_id, m.role]),
      'only the attacker left, by leaving',
    );
    const closed = (await call(victim, 'POST', '/groups', { name: 'Closed group' })).json();
    t.equal((await call(attacker, 'POST', `/groups/${closed.id}/join`)).json().error.code, 'social.group_closed', 'a closed group cannot be joined uninvited');
  });

  t.test("another player's token never reads, marks or deletes the victim's notifications", async (t) => {
    const victim = await register();
    const attacker = await register();
    const note = await storage.notifications.send(victim.id, { type: 'private', subject: 'for the victim only' });
    for (const [method, url] of [
      ['PUT', `/notifications/${note.id}/read`],
      ['DELETE', `/notifications/${note.id}`],
    ] as const) {
      const res = await call(attacker, method, url);
      t.equal(res.statusCode, 403, `${method} ${url}`);
      t.equal(res.json().error.code, 'forbidden');
    }
    t.same((await call(attacker, 'GET', '/notifications')).json().notifications, [], "the attacker's list holds only their own");
    t.same(await storage.notifications.list(victim.id), [note], 'unread and still there');
  });

  t.test("another player's token acts on the attacker's own friendship rows only", async (t) => {
    const victim = await register();
    const attacker = await register();
    const friend = await register();
    await call(victim, 'POST', '/friends', { friend_id: friend.id });
    const mine = async () => (await call(victim, 'GET', '/friends')).json().friends;
    const before = await mine();
    t.equal((await call(attacker, 'DELETE', `/friends/${friend.id}`)).json().error.code, 'social.friendship_not_found', "the victim's request is not the attacker's to cancel");
    t.equal((await call(attacker, 'PUT', `/friends/${friend.id}`, { status: 'accepted' })).json().error.code, 'social.friendship_not_found', 'nor to accept for the friend');
    t.same(await mine(), before);
    t.equal((await call(attacker, 'GET', `/friends?direction=incoming`)).json().friends.length, 0, "the attacker does not see the victim's requests");
    t.equal((await call(attacker, 'PUT', `/friends/${NOBODY}`, { status: 'accepted' })).statusCode, 404);
  });
});
