/**
 * `Chat`: the chat of one server. It owns a SupervisedPool of channel actors (a DynamicSupervisor, and a
 * Registry naming them by channel id) and the ProcessGroups scope holding their members (session pids). A channel starts on
 * first use (a join, a send, a DM) and stops itself after `idleStopMs` without members. The service
 * checks channel ids, access (acl.ts), content and blocks, and turns actor failures into wire codes.
 * No module state: create one per server.
 *
 * @example
 * const chat = new Chat({ system, store: storage.chat, social: storage.social, sendToPlayer: (p, f) => gateway.sendToPlayer(p, f) });
 * await chat.start();
 * await chat.join('global:lobby', playerId, session.pid);
 * await chat.send('global:lobby', playerId, 'hello');
 */
import { ProcessGroups, SupervisedPool, isProcessGone, type ActorSystem, type Pid } from '@hajime/actor';
import type { OutboundFrame } from '@hajime/protocol';
import { dmChannelId } from '@hajime/storage';
import { ApiError } from '../api-error.js';
import { checkAccess, checkChannelContent, checkDmContent, parseChannel, recipientOf, type MembershipLookup, type ParsedChannel } from './acl.js';
import { Channel, ChannelServer, channelGroup, type BufferedMessage, type ChannelArgs, type ChannelStats, type ChatStore, type SendReply } from './channel-server.js';

/** Defaults of {@link ChatOptions}. */
export const CHAT_DEFAULTS = Object.freeze({ bufferSize: 100, idleStopMs: 60_000, maxChannels: 100_000 });

export interface ChatOptions {
  /** Messages each live channel keeps in memory (default 100). */
  readonly bufferSize?: number;
  /** A channel without members stops after this long (default 60 000 ms, system clock). */
  readonly idleStopMs?: number;
  /** Live channels at most (default 100 000); past it a new channel answers `not_ready`. */
  readonly maxChannels?: number;
}

/** What the chat needs from the social graph (`storage.social` fits). */
export interface ChatSocial extends MembershipLookup {
  isBlocked(sender: string, recipient: string): Promise<boolean>;
}

export interface ChatDeps {
  readonly system: ActorSystem;
  /** Usually `storage.chat`. */
  readonly store: ChatStore;
  /** Usually `storage.social`. */
  readonly social: ChatSocial;
  /** Pushes a frame to every connection of a player; returns how many (usually `gateway.sendToPlayer`). */
  readonly sendToPlayer: (playerId: string, f: OutboundFrame<string, unknown>) => number;
  /** Looks up a DM's recipient (`storage.players`); without it, DMs to unknown ids are stored unchecked. */
  readonly players?: { get(id: string): Promise<unknown> };
  readonly options?: ChatOptions;
}

/** A DM's answer. */
export interface DmResult {
  readonly channel_id: string;
  readonly message: BufferedMessage;
  /** Connections of the recipient it reached (0 when offline; it is stored anyway). */
  readonly delivered: number;
}

function positive(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < 1) throw new TypeError(`chat option ${name} must be a positive integer`);
  return v;
}

export class Chat {
  /** Member groups: `chat:<channel_id>` holds the session pids joined to that channel. */
  readonly groups: ProcessGroups<string>;
  readonly options: Readonly<Required<ChatOptions>>;
  readonly #deps: ChatDeps;
  /** One channel process per live channel id. */
  readonly #channels: SupervisedPool<string, ChannelArgs>;

  constructor(deps: ChatDeps) {
    this.#deps = deps;
    const o = deps.options ?? {};
    this.options = Object.freeze({
      bufferSize: positive('bufferSize', o.bufferSize, CHAT_DEFAULTS.bufferSize),
      idleStopMs: positive('idleStopMs', o.idleStopMs, CHAT_DEFAULTS.idleStopMs),
      maxChannels: positive('maxChannels', o.maxChannels, CHAT_DEFAULTS.maxChannels),
    });
    this.groups = new ProcessGroups<string>(deps.system);
    const maxChannels = this.options.maxChannels;
    this.#channels = new SupervisedPool<string, ChannelArgs>(deps.system, {
      behaviour: ChannelServer,
      restart: 'transient',
      keyOf: (a) => a.id,
      intensity: 100,
      periodMs: 10_000,
      maxChildren: maxChannels,
      notStarted: () => new ApiError('not_ready', { reason: 'chat_not_started' }),
      atCapacity: () => new ApiError('not_ready', { reason: 'chat_capacity_reached', max_channels: maxChannels }),
    });
  }

  /** Starts the channel supervisor (idempotent). Channels start on first use. */
  start(): Promise<void> {
    return this.#channels.start();
  }

  /** Stops every channel, then the supervisor. Idempotent. */
  stop(): Promise<void> {
    return this.#channels.stop();
  }

  /**
   * Checks that `playerId` may use `channelId` (see acl.ts): resolves with the parsed channel, or throws
   * `chat.invalid_channel_id` / `forbidden`.
   */
  async authorize(channelId: unknown, playerId: string): Promise<ParsedChannel> {
    const channel = parseChannel(channelId);
    await checkAccess(channel, playerId, this.#deps.social);
    return channel;
  }

  /** Adds the session `pid` of `playerId` to the channel's members (access checked first). */
  async join(channelId: string, playerId: string, pid: Pid): Promise<void> {
    await this.enter(await this.authorize(channelId, playerId), pid);
  }

  /** Adds `pid` to a channel that {@link authorize} already let its player use (one access lookup per join). */
  async enter(channel: ParsedChannel, pid: Pid): Promise<void> {
    await this.#with(channel, (ref) => Channel.join(ref, pid, { system: this.#deps.system }));
  }

  /** Removes `pid` from the channel's members; false when it was not a member or the channel is not live. */
  async leave(channelId: string, pid: Pid): Promise<boolean> {
    const ref = this.#channels.whereis(channelId);
    if (ref === undefined) return this.groups.leave(channelGroup(channelId), pid);
    try {
      return await Channel.leave(ref, pid, { system: this.#deps.system });
    } catch (e) {
      if (isProcessGone(e)) return this.groups.leave(channelGroup(channelId), pid);
      throw e;
    }
  }

  /**
   * Stores `content` on the channel and pushes `chat.message` to its members (the sender's sessions
   * included). Access and content are checked here (`chat.invalid_content` with `details.reason`);
   * the caller checks that the sender joined, when it should have.
   */
  async send(channelId: string, senderId: string, content: unknown): Promise<SendReply> {
    const text = checkChannelContent(content);
    const channel = await this.authorize(channelId, senderId);
    return this.#with(channel, (ref) => Channel.send(ref, senderId, text, { to: 'members' }, { system: this.#deps.system }));
  }

  /**
   * A direct message: stored on `dm:<a>:<b>` and pushed to the recipient's connections as `dm.message`
   * (stored anyway when offline). `dm.content_empty`, `dm.content_too_large`, `dm.blocked` (the recipient
   * blocked the sender), `validation_failed` for a bad recipient, `player.not_found` for an unknown one.
   */
  async sendDm(senderId: string, recipientId: unknown, content: unknown): Promise<DmResult> {
    const text = checkDmContent(content);
    const recipient = recipientOf(recipientId, senderId);
    if (this.#deps.players !== undefined && (await this.#deps.players.get(recipient)) === undefined) throw new ApiError('player.not_found', { player_id: recipient });
    if (await this.#deps.social.isBlocked(senderId, recipient)) throw new ApiError('dm.blocked', {});
    const id = dmChannelId(senderId, recipient);
    const channel = parseChannel(id);
    const sendToPlayer = this.#deps.sendToPlayer;
    const r = await this.#with(channel, (ref) => Channel.send(ref, senderId.toLowerCase(), text, { to: 'player', playerId: recipient, sendToPlayer }, { system: this.#deps.system }));
    return { channel_id: id, message: r.message, delivered: r.delivered };
  }

  /** The newest `limit` buffered messages of a live channel (oldest first); `[]` when it is not live. */
  async recent(channelId: string, limit: number = this.options.bufferSize): Promise<BufferedMessage[]> {
    const ref = this.#channels.whereis(channelId);
    if (ref === undefined) return [];
    return Channel.recent(ref, limit, { system: this.#deps.system });
  }

  /** Members, buffer fill and idleness of a live channel, or undefined. */
  async stats(channelId: string): Promise<ChannelStats | undefined> {
    const ref = this.#channels.whereis(channelId);
    return ref === undefined ? undefined : Channel.stats(ref, { system: this.#deps.system });
  }

  /** The pid of a live channel. */
  whereis(channelId: string): Pid | undefined {
    return this.#channels.whereis(channelId);
  }

  /** Ids of the live channels, sorted. */
  async liveChannels(): Promise<string[]> {
    return (await this.#channels.keys()).sort();
  }

  /** Runs `fn` against the channel's process, starting it if needed; retries once if it stopped meanwhile (idle). */
  #with<R>(channel: ParsedChannel, fn: (ref: Pid) => Promise<R>): Promise<R> {
    return this.#channels.withChild(channel.id, () => this.#argsOf(channel), fn);
  }

  #argsOf(channel: ParsedChannel): ChannelArgs {
    return { id: channel.id, type: channel.type, store: this.#deps.store, groups: this.groups, bufferSize: this.options.bufferSize, idleStopMs: this.options.idleStopMs };
  }
}
