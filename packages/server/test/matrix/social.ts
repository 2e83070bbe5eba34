// Rows of the authorization matrix for the friends, groups and notifications routes.
//
// Who may call what:
// - "self": the route acts on the caller's own rows only (their friendship rows, their memberships, their
//   notifications). Another player's token acts on *its own* rows, never the victim's: a friend request
//   to the victim creates the attacker's row (and a notification for the victim, which is the point of
//   a request); accepting/blocking/removing only touch the pair's rows as the friendship rules say.
//   Notification ids of another player answer 403 `forbidden` (asobi; social-authorization.test.ts).
// - "authenticated": any signed-in player may read (a group, its members).
// - role-checked (group update, set role, kick): any signed-in player may call them; the group's rank
//   rules decide (403 `forbidden`, `details.reason` `not_a_member` or `rank`). The matrix runner cannot
//   create the victim's group, so these rows are marked "authenticated" here and the attacker-versus-
//   victim's-group cases run with real groups in social-authorization.test.ts.
import { notificationsPlugin, socialPlugin, type DomainPlugin } from '../../src/index.js';
import type { Case } from './types.js';

/** A well-formed id no row has. */
export const NOBODY = '00000000-0000-4000-8000-000000000000';

export const SOCIAL_ROWS: Record<string, Case> = {
  'GET /api/v1/friends': { access: 'self', request: () => ({ method: 'GET', url: '/api/v1/friends' }) },
  'POST /api/v1/friends': { access: 'self', request: (_c, target) => ({ method: 'POST', url: '/api/v1/friends', payload: { friend_id: target.id } }), untouched: 'profile' },
  'PUT /api/v1/friends/{friend_id}': { access: 'self', request: (_c, target) => ({ method: 'PUT', url: `/api/v1/friends/${target.id}`, payload: { status: 'accepted' } }), untouched: 'profile' },
  'DELETE /api/v1/friends/{friend_id}': { access: 'self', request: (_c, target) => ({ method: 'DELETE', url: `/api/v1/friends/${target.id}` }), untouched: 'profile' },
  'POST /api/v1/groups': { access: 'self', request: () => ({ method: 'POST', url: '/api/v1/groups', payload: { name: 'Matrix group' } }) },
  'GET /api/v1/groups/{id}': { access: 'authenticated', request: () => ({ method: 'GET', url: `/api/v1/groups/${NOBODY}` }) },
  // role-checked (admin+)
  'PUT /api/v1/groups/{id}': { access: 'authenticated', request: () => ({ method: 'PUT', url: `/api/v1/groups/${NOBODY}`, payload: { name: 'Renamed' } }), untouched: 'profile' },
  'POST /api/v1/groups/{id}/join': { access: 'self', request: () => ({ method: 'POST', url: `/api/v1/groups/${NOBODY}/join` }) },
  'POST /api/v1/groups/{id}/leave': { access: 'self', request: () => ({ method: 'POST', url: `/api/v1/groups/${NOBODY}/leave` }) },
  'GET /api/v1/groups/{id}/members': { access: 'authenticated', request: () => ({ method: 'GET', url: `/api/v1/groups/${NOBODY}/members` }) },
  // role-checked (admin+, outranks the target and the new role)
  'PUT /api/v1/groups/{id}/members/{player_id}/role': {
    access: 'authenticated',
    request: (_c, target) => ({ method: 'PUT', url: `/api/v1/groups/${NOBODY}/members/${target.id}/role`, payload: { role: 'admin' } }),
    untouched: 'profile',
  },
  // role-checked (moderator+, outranks the target)
  'DELETE /api/v1/groups/{id}/members/{player_id}': { access: 'authenticated', request: (_c, target) => ({ method: 'DELETE', url: `/api/v1/groups/${NOBODY}/members/${target.id}` }), untouched: 'profile' },
  'GET /api/v1/notifications': { access: 'self', request: () => ({ method: 'GET', url: '/api/v1/notifications' }) },
  // the caller's own notification only; another player's is 403 forbidden
  'PUT /api/v1/notifications/{id}/read': { access: 'self', request: () => ({ method: 'PUT', url: `/api/v1/notifications/${NOBODY}/read` }) },
  'DELETE /api/v1/notifications/{id}': { access: 'self', request: () => ({ method: 'DELETE', url: `/api/v1/notifications/${NOBODY}` }) },
};

/** Registers `plugin` unless a server already has its routes (once createServer lists it by default). */
function once(plugin: DomainPlugin, probe: string): DomainPlugin {
  return async (app, ctx) => {
    if (!app.hasRoute({ method: 'GET', url: probe })) await plugin(app, ctx);
  };
}

/** The plugins these rows need, for `testServer(t, storage, {}, { plugins: SOCIAL_PLUGINS })`. */
export const SOCIAL_PLUGINS: readonly DomainPlugin[] = [once(socialPlugin, '/api/v1/friends'), once(notificationsPlugin, '/api/v1/notifications')];
