/**
 * The REST modules of the batteries (asobi-reference.md §3.2): `client.economy` (wallets, ledger, store,
 * inventory), `client.social` (friends, groups), `client.notifications`, `client.saves`,
 * `client.storage` (key/value objects) and `client.rpc`. Rows come back with the wire field names;
 * timestamps are ISO 8601 strings. Every refusal is a `HajimeApiError` with the wire code.
 */
import { seg, type RestTransport } from './transport.js';

type Row = Record<string, unknown>;

export interface Wallet {
  readonly currency: string;
  readonly balance: number;
}

/** `client.economy` */
export class EconomyApi {
  constructor(private readonly http: RestTransport) {}
  /** Your wallets. */
  async wallets(): Promise<Wallet[]> {
    return (await this.http.request<{ wallets: Wallet[] }>({ method: 'GET', path: '/wallets' })).wallets;
  }
  /** Your ledger rows of one currency, newest first. */
  async history(currency: string, options: { limit?: number } = {}): Promise<Row[]> {
    return (await this.http.request<{ transactions: Row[] }>({ method: 'GET', path: `/wallets/${seg(currency)}/history`, ...(options.limit === undefined ? {} : { query: { limit: options.limit } }) })).transactions;
  }
  /** Listings on sale now. */
  async store(options: { currency?: string } = {}): Promise<Row[]> {
    return (await this.http.request<{ listings: Row[] }>({ method: 'GET', path: '/store', ...(options.currency === undefined ? {} : { query: { currency: options.currency } }) })).listings;
  }
  /** Buys one unit; pass an idempotency key to make a retry safe. Errors: `economy.insufficient_funds`, `economy.listing_inactive`. */
  purchase(listingId: string, options: { idempotencyKey?: string } = {}): Promise<{ success: true; item: Row }> {
    return this.http.request({ method: 'POST', path: '/store/purchase', body: { listing_id: listingId, ...(options.idempotencyKey === undefined ? {} : { idempotency_key: options.idempotencyKey }) } });
  }
  /** Your items, newest first. */
  async inventory(options: { limit?: number } = {}): Promise<Row[]> {
    return (await this.http.request<{ items: Row[] }>({ method: 'GET', path: '/inventory', ...(options.limit === undefined ? {} : { query: { limit: options.limit } }) })).items;
  }
  /** Uses up `quantity` of an item stack. */
  consume(itemId: string, quantity: number): Promise<{ success: true; remaining_quantity: number }> {
    return this.http.request({ method: 'POST', path: '/inventory/consume', body: { item_id: itemId, quantity } });
  }
}

/** `client.social` */
export class SocialApi {
  constructor(private readonly http: RestTransport) {}
  async friends(options: { status?: 'pending' | 'accepted' | 'blocked'; limit?: number; direction?: 'outgoing' | 'incoming' } = {}): Promise<Row[]> {
    const query: Record<string, string | number> = {};
    if (options.status !== undefined) query['status'] = options.status;
    if (options.limit !== undefined) query['limit'] = options.limit;
    if (options.direction !== undefined) query['direction'] = options.direction;
    return (await this.http.request<{ friends: Row[] }>({ method: 'GET', path: '/friends', query })).friends;
  }
  /** Sends a friend request (the recipient gets a notification). */
  addFriend(friendId: string): Promise<Row> {
    return this.http.request({ method: 'POST', path: '/friends', body: { friend_id: friendId } });
  }
  /** Accepts or blocks the request `friendId` sent you. */
  setFriendStatus(friendId: string, status: 'accepted' | 'blocked'): Promise<Row> {
    return this.http.request({ method: 'PUT', path: `/friends/${seg(friendId)}`, body: { status } });
  }
  removeFriend(friendId: string): Promise<{ success: true }> {
    return this.http.request({ method: 'DELETE', path: `/friends/${seg(friendId)}` });
  }
  createGroup(group: { name: string; description?: string; max_members?: number; open?: boolean; metadata?: Row }): Promise<Row> {
    return this.http.request({ method: 'POST', path: '/groups', body: group });
  }
  group(groupId: string): Promise<Row> {
    return this.http.request({ method: 'GET', path: `/groups/${seg(groupId)}` });
  }
  updateGroup(groupId: string, patch: Row): Promise<Row> {
    return this.http.request({ method: 'PUT', path: `/groups/${seg(groupId)}`, body: patch });
  }
  joinGroup(groupId: string): Promise<{ success: true; group_id: string }> {
    return this.http.request({ method: 'POST', path: `/groups/${seg(groupId)}/join` });
  }
  leaveGroup(groupId: string): Promise<{ success: true; group_id: string }> {
    return this.http.request({ method: 'POST', path: `/groups/${seg(groupId)}/leave` });
  }
  async members(groupId: string, options: { limit?: number } = {}): Promise<Row[]> {
    return (await this.http.request<{ members: Row[] }>({ method: 'GET', path: `/groups/${seg(groupId)}/members`, ...(options.limit === undefined ? {} : { query: { limit: options.limit } }) })).members;
  }
  setRole(groupId: string, playerId: string, role: 'admin' | 'moderator' | 'member'): Promise<Row> {
    return this.http.request({ method: 'PUT', path: `/groups/${seg(groupId)}/members/${seg(playerId)}/role`, body: { role } });
  }
  kick(groupId: string, playerId: string): Promise<{ success: true }> {
    return this.http.request({ method: 'DELETE', path: `/groups/${seg(groupId)}/members/${seg(playerId)}` });
  }
}

/** `client.notifications` */
export class NotificationsApi {
  constructor(private readonly http: RestTransport) {}
  async list(options: { limit?: number; read?: boolean } = {}): Promise<Row[]> {
    const query: Record<string, string | number> = {};
    if (options.limit !== undefined) query['limit'] = options.limit;
    if (options.read !== undefined) query['read'] = String(options.read);
    return (await this.http.request<{ notifications: Row[] }>({ method: 'GET', path: '/notifications', query })).notifications;
  }
  markRead(id: string): Promise<Row> {
    return this.http.request({ method: 'PUT', path: `/notifications/${seg(id)}/read` });
  }
  delete(id: string): Promise<{ success: true }> {
    return this.http.request({ method: 'DELETE', path: `/notifications/${seg(id)}` });
  }
}

/** `client.saves`: cloud save slots with optimistic concurrency (`save.version_conflict`). */
export class SavesApi {
  constructor(private readonly http: RestTransport) {}
  async list(): Promise<{ slot: string; version: number; updated_at: string }[]> {
    return (await this.http.request<{ saves: { slot: string; version: number; updated_at: string }[] }>({ method: 'GET', path: '/saves' })).saves;
  }
  get(slot: string): Promise<{ slot: string; data: unknown; version: number; updated_at: string }> {
    return this.http.request({ method: 'GET', path: `/saves/${seg(slot)}` });
  }
  put(slot: string, data: unknown, options: { version?: number } = {}): Promise<{ slot: string; data: unknown; version: number; updated_at: string }> {
    return this.http.request({ method: 'PUT', path: `/saves/${seg(slot)}`, body: { data, ...(options.version === undefined ? {} : { version: options.version }) } });
  }
}

/** `client.storage`: your key/value objects (and public ones). */
export class StorageApi {
  constructor(private readonly http: RestTransport) {}
  async list(collection: string, options: { limit?: number } = {}): Promise<Row[]> {
    return (await this.http.request<{ objects: Row[] }>({ method: 'GET', path: `/storage/${seg(collection)}`, ...(options.limit === undefined ? {} : { query: { limit: options.limit } }) })).objects;
  }
  get(collection: string, key: string): Promise<Row> {
    return this.http.request({ method: 'GET', path: `/storage/${seg(collection)}/${seg(key)}` });
  }
  put(collection: string, key: string, value: unknown, options: { version?: number; read_perm?: 'public' | 'owner'; write_perm?: 'public' | 'owner' } = {}): Promise<Row> {
    return this.http.request({ method: 'PUT', path: `/storage/${seg(collection)}/${seg(key)}`, body: { value, ...options } });
  }
  delete(collection: string, key: string): Promise<{ success: true }> {
    return this.http.request({ method: 'DELETE', path: `/storage/${seg(collection)}/${seg(key)}` });
  }
}

/** `client.rpc`: server-registered methods over REST (`socket.rpc` does the same over the WebSocket). */
export class RpcApi {
  constructor(private readonly http: RestTransport) {}
  /** Calls `method`; resolves with its result, rejects with the method's error code. */
  async call<R = unknown>(method: string, params: Row = {}): Promise<R> {
    const r = await this.http.request<{ type: 'rpc.ok'; payload: { result: R } }>({ method: 'POST', path: `/rpc/${seg(method)}`, body: { params } });
    return r.payload.result;
  }
}

/** `client.leaderboards` */
export class LeaderboardsApi {
  constructor(private readonly http: RestTransport) {}
  /** The best entries of a board, ranked. */
  async top(boardId: string, options: { limit?: number } = {}): Promise<Row[]> {
    return (await this.http.request<{ entries: Row[] }>({ method: 'GET', path: `/leaderboards/${seg(boardId)}`, ...(options.limit === undefined ? {} : { query: { limit: options.limit } }) })).entries;
  }
  /** Entries around a player (`range` either side). */
  async around(boardId: string, playerId: string, options: { range?: number } = {}): Promise<Row[]> {
    return (await this.http.request<{ entries: Row[] }>({ method: 'GET', path: `/leaderboards/${seg(boardId)}/around/${seg(playerId)}`, ...(options.range === undefined ? {} : { query: { range: options.range } }) })).entries;
  }
  /** Submits your score (boards refuse client submits unless the server allows them: `leaderboard.client_submit_disabled`). */
  submit(boardId: string, score: number, options: { subScore?: number } = {}): Promise<Row> {
    return this.http.request({ method: 'POST', path: `/leaderboards/${seg(boardId)}`, body: { score, ...(options.subScore === undefined ? {} : { sub_score: options.subScore }) } });
  }
}

/** `client.chat`: history and direct messages over REST (live chat goes over the socket: `chat.join`, `chat.send`). */
export class ChatApi {
  constructor(private readonly http: RestTransport) {}
  /** A channel's history (members only). */
  async history(channelId: string, options: { limit?: number } = {}): Promise<Row[]> {
    return (await this.http.request<{ messages: Row[] }>({ method: 'GET', path: `/chat/${seg(channelId)}/history`, ...(options.limit === undefined ? {} : { query: { limit: options.limit } }) })).messages;
  }
  /** Sends a direct message. */
  sendDm(recipientId: string, content: string): Promise<{ success: true; channel_id: string }> {
    return this.http.request({ method: 'POST', path: '/dm', body: { recipient_id: recipientId, content } });
  }
  /** The DM history with a player. */
  dmHistory(playerId: string, options: { limit?: number } = {}): Promise<{ messages: Row[]; channel_id: string }> {
    return this.http.request({ method: 'GET', path: `/dm/${seg(playerId)}/history`, ...(options.limit === undefined ? {} : { query: { limit: options.limit } }) });
  }
}

/** `client.tournaments` */
export class TournamentsApi {
  constructor(private readonly http: RestTransport) {}
  async list(options: { status?: 'pending' | 'active' | 'finished'; limit?: number } = {}): Promise<Row[]> {
    const query: Record<string, string | number> = {};
    if (options.status !== undefined) query['status'] = options.status;
    if (options.limit !== undefined) query['limit'] = options.limit;
    return (await this.http.request<{ tournaments: Row[] }>({ method: 'GET', path: '/tournaments', query })).tournaments;
  }
  get(id: string): Promise<Row> {
    return this.http.request({ method: 'GET', path: `/tournaments/${seg(id)}` });
  }
  /** Joins (paying the entry fee, if any). Errors: `tournament.full`, `tournament.already_joined`, `tournament.closed`, `economy.insufficient_funds`. */
  join(id: string): Promise<{ success: true; tournament_id: string }> {
    return this.http.request({ method: 'POST', path: `/tournaments/${seg(id)}/join` });
  }
}
