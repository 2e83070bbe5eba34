/**
 * `/api/v1/friends` and `/api/v1/groups` (asobi-reference.md §2.13, §3.2). Friendship rows are
 * directional (`pending` | `accepted` | `blocked`); a friend request notifies the recipient (type
 * `friend_request`, pushed live as `notification.new`) unless they blocked the requester or still have an
 * unread request notification from them. Groups have ranked roles (owner > admin > moderator > member);
 * the rank rules live in @hajime/storage (`canKick`, `canSetRole`, `canUpdateGroup`) and are checked
 * under the group's row lock, so every refusal arrives here as a StorageError and is answered with its wire
 * code (`social.*`, `forbidden` with `details.reason`). See guides/social.md.
 */
import { FRIENDSHIP_STATUSES, GROUP_ROLES, GROUP_MAX_MEMBERS_LIMIT, type Friendship, type FriendshipStatus, type Group, type GroupMember, type GroupPatch, type GroupRole, type NewGroup } from '@hajime/storage';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { me } from '../hooks.js';
import { createNotifier } from '../notifier.js';

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const uuid = { type: 'string', pattern: UUID } as const;
const security = [{ bearer: [] }];
const success = { type: 'object', properties: { success: { type: 'boolean' } }, required: ['success'] } as const;

/** The notification type a friend request creates for its recipient. */
export const FRIEND_REQUEST_NOTIFICATION = 'friend_request';

// ---- wire shapes ---------------------------------------------------------------------------------------

export const friendshipSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    player_id: { type: 'string' },
    friend_id: { type: 'string' },
    status: { type: 'string', enum: [...FRIENDSHIP_STATUSES] },
    inserted_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
  required: ['id', 'player_id', 'friend_id', 'status'],
} as const;

export const groupSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    description: { type: ['string', 'null'] },
    max_members: { type: 'integer' },
    open: { type: 'boolean' },
    creator_id: { type: ['string', 'null'] },
    metadata: { type: 'object', additionalProperties: true },
    inserted_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
  required: ['id', 'name', 'max_members', 'open'],
} as const;

export const memberSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    group_id: { type: 'string' },
    player_id: { type: 'string' },
    role: { type: 'string', enum: [...GROUP_ROLES] },
    joined_at: { type: 'string' },
  },
  required: ['group_id', 'player_id', 'role'],
} as const;

export function friendshipJson(f: Friendship): Record<string, unknown> {
  return { id: f.id, player_id: f.player_id, friend_id: f.friend_id, status: f.status, inserted_at: f.inserted_at.toISOString(), updated_at: f.updated_at.toISOString() };
}

export function groupJson(g: Group): Record<string, unknown> {
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    max_members: g.max_members,
    open: g.open,
    creator_id: g.creator_id,
    metadata: g.metadata,
    inserted_at: g.inserted_at.toISOString(),
    updated_at: g.updated_at.toISOString(),
  };
}

export function memberJson(m: GroupMember): Record<string, unknown> {
  return { id: m.id, group_id: m.group_id, player_id: m.player_id, role: m.role, joined_at: m.joined_at.toISOString() };
}

// Group fields a body may carry (create and update); the storage re-checks sizes in bytes.
const groupFields = {
  name: { type: 'string', minLength: 2, maxLength: 64 },
  description: { type: ['string', 'null'], maxLength: 1024 },
  max_members: { type: 'integer', minimum: 1, maximum: GROUP_MAX_MEMBERS_LIMIT },
  open: { type: 'boolean' },
  metadata: { type: 'object', additionalProperties: true },
} as const;

type GroupBody = { name?: string; description?: string | null; max_members?: number; open?: boolean; metadata?: Record<string, unknown> };

/** Only the fields present, so `exactOptionalPropertyTypes` holds and absent fields stay unchanged. */
function groupPatch(body: GroupBody): GroupPatch {
  return {
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.description === undefined ? {} : { description: body.description }),
    ...(body.max_members === undefined ? {} : { max_members: body.max_members }),
    ...(body.open === undefined ? {} : { open: body.open }),
    ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
  };
}

function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name]!.toLowerCase();
}

// ---- the plugin ----------------------------------------------------------------------------------------

export async function socialPlugin(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { storage } = ctx;
  const notifier = createNotifier(ctx, app.log);

  /**
   * Notifies `friendId` of my pending request. Skipped when they blocked me (they never see my requests)
   * or when an unread request notification from me is still in their list (re-sending is not a way to
   * spam). Failures are logged, never answered: the request itself was stored.
   */
  async function notifyRequest(request: FastifyRequest, from: string, row: Friendship): Promise<void> {
    try {
      if (await storage.social.isBlocked(from, row.friend_id)) return;
      const unread = await storage.notifications.list(row.friend_id, { read: false, limit: 200 });
      if (unread.some((n) => n.type === FRIEND_REQUEST_NOTIFICATION && n.content['from_player_id'] === from)) return;
      const sender = await storage.players.get(from);
      await notifier.send(row.friend_id, {
        type: FRIEND_REQUEST_NOTIFICATION,
        subject: 'New friend request',
        content: { from_player_id: from, from_username: sender?.username ?? null, from_display_name: sender?.display_name ?? null, friendship_id: row.id },
      });
    } catch (err) {
      request.log.warn({ err, friend_id: row.friend_id }, 'friend request notification failed');
    }
  }

  // ---- friends -----------------------------------------------------------------------------------------

  app.get(
    '/friends',
    {
      config: { auth: true },
      schema: {
        tags: ['social'],
        summary: 'Your friendship rows (outgoing by default; `direction=incoming` lists requests to you), newest first',
        security,
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: [...FRIENDSHIP_STATUSES] },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            direction: { type: 'string', enum: ['outgoing', 'incoming'], default: 'outgoing' },
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { friends: { type: 'array', items: friendshipSchema } }, required: ['friends'] } },
      },
    },
    async (request) => {
      const q = request.query as { status?: FriendshipStatus; limit: number; direction: 'outgoing' | 'incoming' };
      const rows = await storage.social.listFriends(me(request), { limit: q.limit, direction: q.direction, ...(q.status === undefined ? {} : { status: q.status }) });
      return { friends: rows.map(friendshipJson) };
    },
  );

  app.post(
    '/friends',
    {
      config: { auth: true },
      schema: {
        tags: ['social'],
        summary: 'Send a friend request (idempotent: an existing row is returned unchanged); notifies the recipient',
        security,
        body: { type: 'object', required: ['friend_id'], properties: { friend_id: uuid } },
        response: { 200: friendshipSchema },
      },
    },
    async (request) => {
      const player = me(request);
      const { friend_id } = request.body as { friend_id: string };
      const row = await storage.social.requestFriend(player, friend_id);
      if (row.status === 'pending') await notifyRequest(request, player, row);
      return friendshipJson(row);
    },
  );

  const friendParams = { type: 'object', required: ['friend_id'], properties: { friend_id: uuid } } as const;

  app.put(
    '/friends/:friend_id',
    {
      config: { auth: true },
      schema: {
        tags: ['social'],
        summary: "Answer a player's request to you: `accepted` (both become friends) or `blocked` (anyone can be blocked)",
        security,
        params: friendParams,
        body: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['accepted', 'blocked'] } } },
        response: { 200: friendshipSchema },
      },
    },
    async (request) => {
      const { status } = request.body as { status: 'accepted' | 'blocked' };
      return friendshipJson(await storage.social.setIncomingStatus(me(request), param(request, 'friend_id'), status));
    },
  );

  app.delete(
    '/friends/:friend_id',
    {
      config: { auth: true },
      schema: {
        tags: ['social'],
        summary: 'Remove your row towards a player: cancel a request, unfriend (both sides), or unblock',
        security,
        params: friendParams,
        response: { 200: success },
      },
    },
    async (request) => {
      await storage.social.removeFriend(me(request), param(request, 'friend_id'));
      return { success: true };
    },
  );

  // ---- groups ------------------------------------------------------------------------------------------

  const groupParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;
  const memberParams = { type: 'object', required: ['id', 'player_id'], properties: { id: uuid, player_id: uuid } } as const;

  app.post(
    '/groups',
    {
      config: { auth: true },
      schema: {
        tags: ['social'],
        summary: 'Create a group; you become its owner',
        security,
        body: { type: 'object', required: ['name'], properties: groupFields },
        response: { 200: groupSchema },
      },
    },
    async (request) => {
      const body = request.body as GroupBody & { name: string };
      const input: NewGroup = { ...groupPatch(body), name: body.name };
      return groupJson(await storage.social.createGroup(me(request), input));
    },
  );

  app.get(
    '/groups/:id',
    { config: { auth: true }, schema: { tags: ['social'], summary: 'One group', security, params: groupParams, response: { 200: groupSchema } } },
    async (request) => {
      const id = param(request, 'id');
      const g = await storage.social.getGroup(id);
      if (g === undefined) throw new ApiError('social.group_not_found', { group_id: id });
      return groupJson(g);
    },
  );

  app.put(
    '/groups/:id',
    {
      config: { auth: true },
      schema: {
        tags: ['social'],
        summary: "Update a group's name, description, max_members, open or metadata (admin or owner)",
        security,
        params: groupParams,
        body: { type: 'object', properties: groupFields },
        response: { 200: groupSchema },
      },
    },
    async (request) => groupJson(await storage.social.updateGroup(me(request), param(request, 'id'), groupPatch(request.body as GroupBody))),
  );

  app.post(
    '/groups/:id/join',
    {
      config: { auth: true },
      schema: {
        tags: ['social'],
        summary: 'Join an open group as a member',
        security,
        params: groupParams,
        response: { 200: { type: 'object', properties: { success: { type: 'boolean' }, group_id: { type: 'string' } }, required: ['success', 'group_id'] } },
      },
    },
    async (request) => {
      const id = param(request, 'id');
      await storage.social.joinGroup(id, me(request));
      return { success: true, group_id: id };
    },
  );

  app.post(
    '/groups/:id/leave',
    {
      config: { auth: true },
      schema: {
        tags: ['social'],
        summary: 'Leave a group (idempotent); an owner leaving hands the group to the highest-ranked, longest-standing member',
        security,
        params: groupParams,
        response: { 200: { type: 'object', properties: { success: { type: 'boolean' }, group_id: { type: 'string' } }, required: ['success', 'group_id'] } },
      },
    },
    async (request) => {
      const id = param(request, 'id');
      await storage.social.leaveGroup(id, me(request));
      return { success: true, group_id: id };
    },
  );

  app.get(
    '/groups/:id/members',
    {
      config: { auth: true },
      schema: {
        tags: ['social'],
        summary: 'Members by rank (owner first), then join time',
        security,
        params: groupParams,
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } }, additionalProperties: false },
        response: { 200: { type: 'object', properties: { members: { type: 'array', items: memberSchema } }, required: ['members'] } },
      },
    },
    async (request) => {
      const { limit } = request.query as { limit: number };
      return { members: (await storage.social.members(param(request, 'id'), { limit })).map(memberJson) };
    },
  );

  app.put(
    '/groups/:id/members/:player_id/role',
    {
      config: { auth: true },
      schema: {
        tags: ['social'],
        summary: "Set a member's role: you must outrank their current role and the new one, be admin or owner, and never hand out owner",
        security,
        params: memberParams,
        body: { type: 'object', required: ['role'], properties: { role: { type: 'string', enum: [...GROUP_ROLES] } } },
        response: { 200: memberSchema },
      },
    },
    async (request) => {
      const { role } = request.body as { role: GroupRole };
      return memberJson(await storage.social.setRole(me(request), param(request, 'id'), param(request, 'player_id'), role));
    },
  );

  app.delete(
    '/groups/:id/members/:player_id',
    {
      config: { auth: true },
      schema: {
        tags: ['social'],
        summary: 'Kick a member: you must be a moderator or above and outrank them',
        security,
        params: memberParams,
        response: { 200: success },
      },
    },
    async (request) => {
      await storage.social.kick(me(request), param(request, 'id'), param(request, 'player_id'));
      return { success: true };
    },
  );
}
