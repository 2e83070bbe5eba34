/**
 * Friends and groups (asobi §2.13). Friendship rows are directional: the row `(player_id, friend_id)` is
 * `player_id`'s stance towards `friend_id` (`pending` request, `accepted` friend, `blocked`). Accepting a
 * request sets both rows `accepted`, so friendship is mutual and `friendsOf` reads one side; blocking sets
 * the blocker's row `blocked` and drops the blocked player's request or friendship row, which is what
 * `isBlocked(sender, recipient)` checks (asobi's DM check). Groups have members with ranked roles; the
 * rank rules are pure functions (`canKick`, `canSetRole`, ...) the game layer reuses, and every membership
 * change locks the group row, so `max_members` holds under concurrent joins.
 */
import type { Driver, Queryable } from '../driver.js';
import { StorageError, isStorageError } from '../errors.js';
import { newId, type GroupId, type PlayerId } from '../ids.js';
import { METADATA_MAX_BYTES, bool, int, invalid, limit, object, oneOf, optText, text, uuid } from '../internal/validate.js';

// ---- friendships ---------------------------------------------------------------------------------------

export const FRIENDSHIP_STATUSES = ['pending', 'accepted', 'blocked'] as const;
export type FriendshipStatus = (typeof FRIENDSHIP_STATUSES)[number];

export interface Friendship {
  readonly id: string;
  /** Whose stance this row is. */
  readonly player_id: PlayerId;
  readonly friend_id: PlayerId;
  readonly status: FriendshipStatus;
  readonly inserted_at: Date;
  readonly updated_at: Date;
}

export interface ListFriendsOptions {
  /** Only rows of this status. */
  readonly status?: FriendshipStatus;
  /** Default 50, at most 500. */
  readonly limit?: number;
  /**
   * `outgoing` (default, asobi's `GET /friends`): my rows. `incoming`: other players' `pending` and
   * `accepted` rows naming me (friend requests), never their blocks, and none from players I blocked.
   */
  readonly direction?: 'outgoing' | 'incoming';
}

// ---- groups and role rules -----------------------------------------------------------------------------

export const GROUP_ROLES = ['owner', 'admin', 'moderator', 'member'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

/** Role ranks: a role manages only strictly lower ranks. */
export const ROLE_RANK: Readonly<Record<GroupRole, number>> = Object.freeze({ owner: 100, admin: 75, moderator: 50, member: 0 });

/** True when `actor` outranks `target` (the base rule for acting on another member). */
export function canManage(actor: GroupRole, target: GroupRole): boolean {
  return ROLE_RANK[actor] > ROLE_RANK[target];
}

/** Kick: the actor is at least a moderator and outranks the target. */
export function canKick(actor: GroupRole, target: GroupRole): boolean {
  return ROLE_RANK[actor] >= ROLE_RANK.moderator && ROLE_RANK[actor] > ROLE_RANK[target];
}

/** Promote (give `newRole`): the actor is at least an admin, outranks `newRole`, and nobody is made owner. */
export function canPromote(actor: GroupRole, newRole: GroupRole): boolean {
  return ROLE_RANK[actor] >= ROLE_RANK.admin && ROLE_RANK[actor] > ROLE_RANK[newRole] && newRole !== 'owner';
}

/**
 * Set a member's role (promotion or demotion): the actor must manage the target's current role and be
 * allowed to give `newRole`. An owner can make a member admin; an admin can make a member moderator but
 * never touch another admin; nobody changes their own role or hands out `owner`.
 *
 * @example canSetRole('admin', 'member', 'moderator') // true
 */
export function canSetRole(actor: GroupRole, target: GroupRole, newRole: GroupRole): boolean {
  return canManage(actor, target) && canPromote(actor, newRole);
}

/** Update the group's name, description, size, openness or metadata: admin or owner. */
export function canUpdateGroup(actor: GroupRole): boolean {
  return ROLE_RANK[actor] >= ROLE_RANK.admin;
}

/** SQL for a member's rank, built once from {@link ROLE_RANK}. */
const RANK_SQL = `CASE role ${GROUP_ROLES.map((r) => `WHEN '${r}' THEN ${ROLE_RANK[r]}`).join(' ')} END`;

export interface Group {
  readonly id: GroupId;
  readonly name: string;
  readonly description: string | null;
  readonly max_members: number;
  readonly open: boolean;
  /** Null once the creator's account was erased. */
  readonly creator_id: PlayerId | null;
  readonly metadata: Record<string, unknown>;
  readonly inserted_at: Date;
  readonly updated_at: Date;
}

export interface GroupMember {
  readonly id: string;
  readonly group_id: GroupId;
  readonly player_id: PlayerId;
  readonly role: GroupRole;
  readonly joined_at: Date;
}

/** A group as listed for one member: the group row plus that member's `role` and `joined_at`. */
export interface GroupMembership extends Group {
  readonly role: GroupRole;
  readonly joined_at: Date;
}

export interface NewGroup {
  /** 2..64 characters. */
  readonly name: string;
  /** At most 1024 bytes. */
  readonly description?: string | null;
  /** 1..100,000; default 50. */
  readonly max_members?: number;
  /** Open groups can be joined by anyone; default false. */
  readonly open?: boolean;
  /** At most 16 KiB of JSON. */
  readonly metadata?: Record<string, unknown>;
}

/** The fields {@link SocialRepo.updateGroup} may change; absent ones stay. */
export type GroupPatch = Partial<NewGroup>;

/** Group size bounds. */
export const GROUP_DEFAULT_MAX_MEMBERS = 50;
export const GROUP_MAX_MEMBERS_LIMIT = 100_000;

function groupName(v: unknown): string {
  const s = text('name', v, { min: 1, max: 256 });
  const chars = [...s].length;
  if (chars < 2) throw invalid('name', 'must be at least 2 characters');
  if (chars > 64) throw new StorageError('STO_ERR_TOO_LARGE', { details: { field: 'name', limitChars: 64 } });
  return s;
}

function maxMembers(v: unknown): number {
  return int('max_members', v, { min: 1, max: GROUP_MAX_MEMBERS_LIMIT });
}

function groupNotFound(groupId: string): StorageError {
  return new StorageError('STO_ERR_GROUP_NOT_FOUND', { details: { group_id: groupId } });
}

function forbidden(details: Record<string, unknown>): StorageError {
  return new StorageError('STO_ERR_FORBIDDEN', { details });
}

/** Locks the group row for a membership change (serialising them per group) or fails with GROUP_NOT_FOUND. */
async function lockGroup(tx: Queryable, groupId: string): Promise<Group> {
  const [g] = await tx.query<Group & Record<string, unknown>>('SELECT * FROM groups WHERE id = $1 FOR NO KEY UPDATE', [groupId]);
  if (g === undefined) throw groupNotFound(groupId);
  return g;
}

async function memberRow(tx: Queryable, groupId: string, playerId: string): Promise<GroupMember | undefined> {
  const [m] = await tx.query<GroupMember & Record<string, unknown>>('SELECT * FROM group_members WHERE group_id = $1 AND player_id = $2', [groupId, playerId]);
  return m;
}

/** The actor's and target's rows, inside a transaction holding the group lock. */
async function actorAndTarget(tx: Queryable, groupId: string, actorId: string, targetId: string): Promise<{ actor: GroupMember; target: GroupMember }> {
  await lockGroup(tx, groupId);
  const actor = await memberRow(tx, groupId, actorId);
  if (actor === undefined) throw forbidden({ group_id: groupId, reason: 'not_a_member' });
  const target = await memberRow(tx, groupId, targetId);
  if (target === undefined) throw new StorageError('STO_ERR_MEMBER_NOT_FOUND', { details: { group_id: groupId, player_id: targetId } });
  return { actor, target };
}

export class SocialRepo {
  constructor(protected readonly db: Driver) {}

  // ---- friends -----------------------------------------------------------------------------------------

  /**
   * Sends a friend request: creates my `pending` row towards `friendId`. Idempotent: if I already have a
   * row towards them (pending, accepted, or blocked by me) it is returned unchanged.
   * `STO_ERR_CANNOT_FRIEND_SELF`; `STO_ERR_FRIEND_NOT_FOUND` for an unknown friend.
   *
   * @example const row = await storage.social.requestFriend(me, them); // row.status === 'pending'
   */
  async requestFriend(playerId: string, friendId: string): Promise<Friendship> {
    const [me, friend] = this.#pair(playerId, friendId);
    try {
      const [row] = await this.db.query<Friendship & Record<string, unknown>>(
        `INSERT INTO friendships (id, player_id, friend_id, status) VALUES ($1, $2, $3, 'pending')
         ON CONFLICT (player_id, friend_id) DO UPDATE SET status = friendships.status
         RETURNING *`,
        [newId(), me, friend],
      );
      return row!;
    } catch (e) {
      throw this.#friendFk(e, me, friend);
    }
  }

  /**
   * Answers the incoming request of `friendId` (their row naming me):
   * - `accepted`: their row becomes `accepted` and my row towards them is created or set `accepted`, so
   *   both list each other as friends and `friendsOf` is symmetric. Needs their pending (or accepted)
   *   row, else `STO_ERR_FRIENDSHIP_NOT_FOUND` (also when they blocked me: nothing to accept).
   * - `blocked`: my row towards them becomes `blocked` (created if missing, so anyone can be blocked,
   *   request or not) and their pending/accepted row naming me is deleted: the request is refused or the
   *   friendship ends, and `isBlocked(friendId, me)` is true. Their own block of me, if any, stays.
   *
   * Returns my row towards them. `STO_ERR_CANNOT_FRIEND_SELF`; `STO_ERR_FRIEND_NOT_FOUND` for an unknown
   * player; `STO_ERR_INVALID_INPUT` for another status.
   */
  async setIncomingStatus(me: string, friendId: string, status: 'accepted' | 'blocked'): Promise<Friendship> {
    const [mine, theirs] = this.#pair(me, friendId);
    const s = oneOf('status', status, ['accepted', 'blocked'] as const);
    try {
      return await this.db.transaction(async (tx) => {
        const rows = await this.#lockPair(tx, mine, theirs);
        const incoming = rows.find((r) => r.player_id === theirs);
        if (s === 'accepted') {
          if (incoming === undefined || incoming.status === 'blocked') {
            throw new StorageError('STO_ERR_FRIENDSHIP_NOT_FOUND', { details: { player_id: theirs, friend_id: mine } });
          }
          if (incoming.status !== 'accepted') await tx.query(`UPDATE friendships SET status = 'accepted', updated_at = now() WHERE id = $1`, [incoming.id]);
        } else if (incoming !== undefined && incoming.status !== 'blocked') {
          await tx.query('DELETE FROM friendships WHERE id = $1', [incoming.id]);
        }
        const [row] = await tx.query<Friendship & Record<string, unknown>>(
          `INSERT INTO friendships (id, player_id, friend_id, status) VALUES ($1, $2, $3, $4)
           ON CONFLICT (player_id, friend_id) DO UPDATE SET status = EXCLUDED.status,
             updated_at = CASE WHEN friendships.status = EXCLUDED.status THEN friendships.updated_at ELSE now() END
           RETURNING *`,
          [newId(), mine, theirs, s],
        );
        return row!;
      });
    } catch (e) {
      throw this.#friendFk(e, mine, theirs);
    }
  }

  /**
   * Removes my row towards `friendId`: cancels my request, unblocks them, or ends the friendship (then
   * their mirrored `accepted` row goes too, so neither lists the other). Their block of me, if any, is
   * theirs and stays. `STO_ERR_FRIENDSHIP_NOT_FOUND` when I have no row towards them.
   */
  async removeFriend(me: string, friendId: string): Promise<void> {
    const [mine, theirs] = this.#pair(me, friendId);
    await this.db.transaction(async (tx) => {
      const rows = await this.#lockPair(tx, mine, theirs);
      const own = rows.find((r) => r.player_id === mine);
      if (own === undefined) throw new StorageError('STO_ERR_FRIENDSHIP_NOT_FOUND', { details: { player_id: mine, friend_id: theirs } });
      await tx.query('DELETE FROM friendships WHERE id = $1', [own.id]);
      const reverse = rows.find((r) => r.player_id === theirs);
      if (own.status === 'accepted' && reverse?.status === 'accepted') await tx.query('DELETE FROM friendships WHERE id = $1', [reverse.id]);
    });
  }

  /**
   * My friendship rows, newest first (default 50, at most 500), optionally of one status; see
   * {@link ListFriendsOptions.direction} for incoming requests.
   */
  async listFriends(me: string, options: ListFriendsOptions = {}): Promise<Friendship[]> {
    const pid = uuid('player_id', me);
    const direction = oneOf('direction', options.direction ?? 'outgoing', ['outgoing', 'incoming'] as const);
    const params: unknown[] = [pid, limit(options.limit, 50, 500)];
    let where: string;
    if (direction === 'outgoing') {
      where = 'f.player_id = $1';
    } else {
      where = `f.friend_id = $1 AND f.status <> 'blocked' AND NOT EXISTS (
        SELECT 1 FROM friendships b WHERE b.player_id = $1 AND b.friend_id = f.player_id AND b.status = 'blocked')`;
    }
    if (options.status !== undefined) {
      params.push(oneOf('status', options.status, FRIENDSHIP_STATUSES));
      where += ` AND f.status = $${params.length}`;
    }
    return this.db.query<Friendship & Record<string, unknown>>(`SELECT f.* FROM friendships f WHERE ${where} ORDER BY f.inserted_at DESC, f.id DESC LIMIT $2`, params);
  }

  /** True when `recipient` has blocked `sender` (the DM check: `dm.blocked`). False for the same id twice. */
  async isBlocked(sender: string, recipient: string): Promise<boolean> {
    const [row] = await this.db.query<{ blocked: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM friendships WHERE player_id = $1 AND friend_id = $2 AND status = 'blocked') AS blocked`,
      [uuid('recipient', recipient), uuid('sender', sender)],
    );
    return row!.blocked;
  }

  /** The ids of a player's accepted friends, for presence fan-out (unpaged, ordered by id). */
  async friendsOf(playerId: string): Promise<PlayerId[]> {
    const rows = await this.db.query<{ friend_id: PlayerId }>(`SELECT friend_id FROM friendships WHERE player_id = $1 AND status = 'accepted' ORDER BY friend_id`, [
      uuid('player_id', playerId),
    ]);
    return rows.map((r) => r.friend_id);
  }

  #pair(me: string, friendId: string): [string, string] {
    const a = uuid('player_id', me);
    const b = uuid('friend_id', friendId);
    if (a === b) throw new StorageError('STO_ERR_CANNOT_FRIEND_SELF', { details: { player_id: a } });
    return [a, b];
  }

  /** Locks both directions' rows (those that exist) in one fixed order, so crossed answers never deadlock. */
  async #lockPair(tx: Queryable, a: string, b: string): Promise<Friendship[]> {
    return tx.query<Friendship & Record<string, unknown>>(
      `SELECT * FROM friendships WHERE (player_id = $1 AND friend_id = $2) OR (player_id = $2 AND friend_id = $1) ORDER BY player_id FOR UPDATE`,
      [a, b],
    );
  }

  #friendFk(e: unknown, me: string, friend: string): unknown {
    if (isStorageError(e, 'STO_ERR_NOT_FOUND')) {
      const c = e.details?.['constraint'];
      if (c === 'friendships_friend_id_fkey') return new StorageError('STO_ERR_FRIEND_NOT_FOUND', { details: { friend_id: friend } });
      if (c === 'friendships_player_id_fkey') return new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: me } });
    }
    return e;
  }

  // ---- groups ------------------------------------------------------------------------------------------

  /**
   * Creates a group; the creator becomes its `owner` in the same transaction.
   * `STO_ERR_NOT_FOUND` for an unknown creator; bad fields are `STO_ERR_INVALID_INPUT`/`STO_ERR_TOO_LARGE`.
   *
   * @example const g = await storage.social.createGroup(me, { name: 'Night Owls', open: true });
   */
  async createGroup(creatorId: string, input: NewGroup): Promise<Group> {
    const creator = uuid('creator_id', creatorId);
    const params = [
      newId<GroupId>(),
      groupName(input.name),
      optText('description', input.description, { max: 1024 }),
      maxMembers(input.max_members ?? GROUP_DEFAULT_MAX_MEMBERS),
      bool('open', input.open ?? false),
      creator,
      object('metadata', input.metadata ?? {}, METADATA_MAX_BYTES),
    ];
    try {
      return await this.db.transaction(async (tx) => {
        const [g] = await tx.query<Group & Record<string, unknown>>(
          `INSERT INTO groups (id, name, description, max_members, open, creator_id, metadata)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING *`,
          params,
        );
        await tx.query(`INSERT INTO group_members (id, group_id, player_id, role) VALUES ($1, $2, $3, 'owner')`, [newId(), g!.id, creator]);
        return g!;
      });
    } catch (e) {
      if (isStorageError(e, 'STO_ERR_NOT_FOUND')) throw new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: creator } });
      throw e;
    }
  }

  /** One group, or undefined. */
  async getGroup(groupId: string): Promise<Group | undefined> {
    const [g] = await this.db.query<Group & Record<string, unknown>>('SELECT * FROM groups WHERE id = $1', [uuid('group_id', groupId)]);
    return g;
  }

  /**
   * Updates the given fields; the actor must be an admin or the owner (`STO_ERR_FORBIDDEN`, also for a
   * non-member). Lowering `max_members` below the member count keeps everyone but refuses new joins.
   * `STO_ERR_GROUP_NOT_FOUND`.
   */
  async updateGroup(actorId: string, groupId: string, patch: GroupPatch): Promise<Group> {
    const actor = uuid('actor_id', actorId);
    const gid = uuid('group_id', groupId);
    const sets: string[] = [];
    const params: unknown[] = [gid];
    const set = (column: string, value: unknown, cast = ''): void => {
      params.push(value);
      sets.push(`${column} = $${params.length}${cast}`);
    };
    if (patch.name !== undefined) set('name', groupName(patch.name));
    if (patch.description !== undefined) set('description', optText('description', patch.description, { max: 1024 }));
    if (patch.max_members !== undefined) set('max_members', maxMembers(patch.max_members));
    if (patch.open !== undefined) set('open', bool('open', patch.open));
    if (patch.metadata !== undefined) set('metadata', object('metadata', patch.metadata, METADATA_MAX_BYTES), '::jsonb');
    return this.db.transaction(async (tx) => {
      await lockGroup(tx, gid);
      const m = await memberRow(tx, gid, actor);
      if (m === undefined) throw forbidden({ group_id: gid, reason: 'not_a_member' });
      if (!canUpdateGroup(m.role)) throw forbidden({ group_id: gid, reason: 'rank', role: m.role });
      const [g] = await tx.query<Group & Record<string, unknown>>(`UPDATE groups SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING *`, params);
      return g!;
    });
  }

  /**
   * Joins as `member`. Checked in order under the group lock: `STO_ERR_ALREADY_MEMBER`,
   * `STO_ERR_GROUP_CLOSED` (not open), `STO_ERR_GROUP_FULL` (exact under concurrent joins);
   * `STO_ERR_GROUP_NOT_FOUND`; `STO_ERR_NOT_FOUND` for an unknown player.
   */
  async joinGroup(groupId: string, playerId: string): Promise<GroupMember> {
    const gid = uuid('group_id', groupId);
    const pid = uuid('player_id', playerId);
    try {
      return await this.db.transaction(async (tx) => {
        const g = await lockGroup(tx, gid);
        if ((await memberRow(tx, gid, pid)) !== undefined) throw new StorageError('STO_ERR_ALREADY_MEMBER', { details: { group_id: gid, player_id: pid } });
        if (!g.open) throw new StorageError('STO_ERR_GROUP_CLOSED', { details: { group_id: gid } });
        const [c] = await tx.query<{ n: number }>('SELECT count(*)::int8 AS n FROM group_members WHERE group_id = $1', [gid]);
        if (c!.n >= g.max_members) throw new StorageError('STO_ERR_GROUP_FULL', { details: { group_id: gid, max_members: g.max_members } });
        const [m] = await tx.query<GroupMember & Record<string, unknown>>(
          `INSERT INTO group_members (id, group_id, player_id, role) VALUES ($1, $2, $3, 'member') RETURNING *`,
          [newId(), gid, pid],
        );
        return m!;
      });
    } catch (e) {
      if (isStorageError(e, 'STO_ERR_NOT_FOUND') && e.details?.['constraint'] === 'group_members_player_id_fkey') {
        throw new StorageError('STO_ERR_NOT_FOUND', { details: { player_id: pid } });
      }
      throw e;
    }
  }

  /**
   * Leaves the group; returns false when the player was not a member. When the owner leaves, the
   * highest-ranked longest-standing member becomes owner; when the last member leaves, the group is
   * deleted (a group never lingers without an owner). `STO_ERR_GROUP_NOT_FOUND`.
   */
  async leaveGroup(groupId: string, playerId: string): Promise<boolean> {
    const gid = uuid('group_id', groupId);
    const pid = uuid('player_id', playerId);
    return this.db.transaction(async (tx) => {
      await lockGroup(tx, gid);
      const [gone] = await tx.query<{ role: GroupRole }>('DELETE FROM group_members WHERE group_id = $1 AND player_id = $2 RETURNING role', [gid, pid]);
      if (gone === undefined) return false;
      if (gone.role === 'owner') {
        const [heir] = await tx.query<{ id: string }>(`SELECT id FROM group_members WHERE group_id = $1 ORDER BY ${RANK_SQL} DESC, joined_at, id LIMIT 1`, [gid]);
        if (heir === undefined) await tx.query('DELETE FROM groups WHERE id = $1', [gid]);
        else await tx.query(`UPDATE group_members SET role = 'owner' WHERE id = $1`, [heir.id]);
      }
      return true;
    });
  }

  /** Members by rank (owner first), then join time; default 100, at most 500. `STO_ERR_GROUP_NOT_FOUND`. */
  async members(groupId: string, options: { limit?: number } = {}): Promise<GroupMember[]> {
    const gid = uuid('group_id', groupId);
    const n = limit(options.limit, 100, 500);
    const rows = await this.db.query<GroupMember & Record<string, unknown>>(
      `SELECT * FROM group_members WHERE group_id = $1 ORDER BY ${RANK_SQL} DESC, joined_at, id LIMIT $2`,
      [gid, n],
    );
    if (rows.length === 0 && (await this.getGroup(gid)) === undefined) throw groupNotFound(gid);
    return rows;
  }

  /** One member's row, or undefined (e.g. the `room:<group_id>` chat check). */
  async member(groupId: string, playerId: string): Promise<GroupMember | undefined> {
    return memberRow(this.db, uuid('group_id', groupId), uuid('player_id', playerId));
  }

  /**
   * Gives `targetId` the role `role` if {@link canSetRole} allows it (else `STO_ERR_FORBIDDEN` with
   * `details.reason`). `STO_ERR_GROUP_NOT_FOUND`; `STO_ERR_MEMBER_NOT_FOUND` for a non-member target;
   * `STO_ERR_INVALID_INPUT` for an unknown role. Returns the updated member.
   */
  async setRole(actorId: string, groupId: string, targetId: string, role: GroupRole): Promise<GroupMember> {
    const actor = uuid('actor_id', actorId);
    const gid = uuid('group_id', groupId);
    const target = uuid('target_id', targetId);
    const r = oneOf('role', role, GROUP_ROLES);
    return this.db.transaction(async (tx) => {
      const m = await actorAndTarget(tx, gid, actor, target);
      if (!canSetRole(m.actor.role, m.target.role, r)) throw forbidden({ group_id: gid, reason: 'rank', role: m.actor.role, target_role: m.target.role, new_role: r });
      const [row] = await tx.query<GroupMember & Record<string, unknown>>('UPDATE group_members SET role = $2 WHERE id = $1 RETURNING *', [m.target.id, r]);
      return row!;
    });
  }

  /**
   * Removes `targetId` if {@link canKick} allows it (else `STO_ERR_FORBIDDEN`).
   * `STO_ERR_GROUP_NOT_FOUND`; `STO_ERR_MEMBER_NOT_FOUND` for a non-member target.
   */
  async kick(actorId: string, groupId: string, targetId: string): Promise<void> {
    const actor = uuid('actor_id', actorId);
    const gid = uuid('group_id', groupId);
    const target = uuid('target_id', targetId);
    await this.db.transaction(async (tx) => {
      const m = await actorAndTarget(tx, gid, actor, target);
      if (!canKick(m.actor.role, m.target.role)) throw forbidden({ group_id: gid, reason: 'rank', role: m.actor.role, target_role: m.target.role });
      await tx.query('DELETE FROM group_members WHERE id = $1', [m.target.id]);
    });
  }

  /** The groups a player belongs to, with their role, most recently joined first. */
  async groupsOf(playerId: string): Promise<GroupMembership[]> {
    return this.db.query<GroupMembership & Record<string, unknown>>(
      `SELECT g.*, m.role, m.joined_at FROM group_members m JOIN groups g ON g.id = m.group_id
        WHERE m.player_id = $1 ORDER BY m.joined_at DESC, g.id DESC`,
      [uuid('player_id', playerId)],
    );
  }
}
