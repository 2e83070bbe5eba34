/**
 * The channel actor: one GenServer per live chat channel (`global:*`, `room:<group_id>`, `dm:<a>:<b>`).
 * Its members are session pids in one ProcessGroups group (`chat:<channel_id>`); the actor watches that
 * group, so a session that exits leaves by itself. A send is persisted through the {@link ChatStore}
 * port first, then kept in a ring buffer of the last `bufferSize` messages and broadcast once (encoded
 * once) to every member as `chat.message`. With no members for `idleStopMs` on the system clock the
 * actor stops (`normal`). Started by {@link Chat}; only the `Channel` client API below sends it messages.
 */
import { GenServer, noreply, ok, reply, samePid, stop, type ActorSystem, type Dest, type GenServerBehaviour, type GroupMonitorRef, type Pid, type PgEvent, type ProcessContext, type ProcessGroups, type TimerRef } from '@hajime/actor';
import { frame, type OutboundFrame } from '@hajime/protocol';
import type { ChannelType, ChatMessage, NewChatMessage } from '@hajime/storage';
import { pushMessage } from '../gateway/session.js';

/** What a channel needs from storage (the port; `storage.chat` is the adapter). */
export interface ChatStore {
  insert(input: NewChatMessage): Promise<ChatMessage>;
}

/** The ProcessGroups group holding a channel's member sessions. */
export function channelGroup(channelId: string): string {
  return `chat:${channelId}`;
}

/** Start arguments of one channel. */
export interface ChannelArgs {
  readonly id: string;
  readonly type: ChannelType;
  readonly store: ChatStore;
  /** The chat's member groups (shared by every channel of one server). */
  readonly groups: ProcessGroups<string>;
  /** Messages kept in memory (default 100). */
  readonly bufferSize: number;
  /** Stop after this long without members (default 60 000). */
  readonly idleStopMs: number;
}

/** One buffered message, as the wire shows it (`sent_at` in unix ms). */
export interface BufferedMessage {
  readonly id: string;
  readonly channel_id: string;
  readonly sender_id: string | null;
  readonly content: string;
  readonly sent_at: number;
}

/** What `Channel.stats` answers. */
export interface ChannelStats {
  readonly id: string;
  readonly members: number;
  readonly buffered: number;
  /** True while the idle-stop timer runs. */
  readonly idle: boolean;
}

/** How the stored message reaches its audience: members get `chat.message`; a DM's recipient gets `dm.message`. */
export type Delivery = { readonly to: 'members' } | { readonly to: 'player'; readonly playerId: string; readonly sendToPlayer: (playerId: string, f: OutboundFrame<string, unknown>) => number };

type ChannelCall =
  | { readonly type: 'join'; readonly pid: Pid }
  | { readonly type: 'leave'; readonly pid: Pid }
  | { readonly type: 'send'; readonly sender_id: string | null; readonly content: string; readonly delivery: Delivery }
  | { readonly type: 'recent'; readonly limit: number }
  | { readonly type: 'stats' };

const IDLE = Object.freeze({ type: 'idle_stop' as const });

interface ChannelState {
  readonly id: string;
  readonly type: ChannelType;
  readonly store: ChatStore;
  readonly groups: ProcessGroups<string>;
  readonly group: string;
  readonly bufferSize: number;
  readonly idleStopMs: number;
  /** Ring buffer: `buffer[(head + i) % size]`, oldest first. */
  readonly buffer: (BufferedMessage | undefined)[];
  head: number;
  count: number;
  monitor: GroupMonitorRef | undefined;
  idleTimer: TimerRef | undefined;
}

function push(s: ChannelState, m: BufferedMessage): void {
  const size = s.bufferSize;
  if (s.count < size) {
    s.buffer[(s.head + s.count) % size] = m;
    s.count++;
  } else {
    s.buffer[s.head] = m;
    s.head = (s.head + 1) % size;
  }
}

/** The newest `limit` buffered messages, oldest first. */
function recent(s: ChannelState, limit: number): BufferedMessage[] {
  const n = Math.max(0, Math.min(limit, s.count));
  const out: BufferedMessage[] = [];
  for (let i = s.count - n; i < s.count; i++) out.push(s.buffer[(s.head + i) % s.bufferSize]!);
  return out;
}

function members(s: ChannelState): number {
  return s.groups.getMembers(s.group).length;
}

/** Starts the idle timer when the channel has no members, cancels it when it has some. */
function checkIdle(s: ChannelState, ctx: ProcessContext): void {
  const empty = members(s) === 0;
  if (empty && s.idleTimer === undefined) s.idleTimer = ctx.sendAfter(IDLE, s.idleStopMs);
  else if (!empty && s.idleTimer !== undefined) {
    ctx.cancelTimer(s.idleTimer);
    s.idleTimer = undefined;
  }
}

function isPg(m: unknown): m is PgEvent<string> {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'pg';
}

export const ChannelServer: GenServerBehaviour<ChannelState, ChannelArgs, ChannelCall, never, unknown, never> = {
  init(args, ctx) {
    const s: ChannelState = {
      id: args.id,
      type: args.type,
      store: args.store,
      groups: args.groups,
      group: channelGroup(args.id),
      bufferSize: Math.max(1, args.bufferSize),
      idleStopMs: args.idleStopMs,
      buffer: new Array<BufferedMessage | undefined>(Math.max(1, args.bufferSize)),
      head: 0,
      count: 0,
      monitor: undefined,
      idleTimer: undefined,
    };
    s.monitor = args.groups.monitor(ctx.self, s.group).ref;
    checkIdle(s, ctx);
    return ok(s);
  },

  async handleCall(msg, _from, s, ctx) {
    switch (msg.type) {
      case 'join':
        if (!s.groups.getMembers(s.group).some((p) => samePid(p, msg.pid))) s.groups.join(s.group, msg.pid);
        checkIdle(s, ctx);
        return reply(true, s);
      case 'leave': {
        const left = s.groups.leave(s.group, msg.pid);
        checkIdle(s, ctx);
        return reply(left, s);
      }
      case 'send': {
        let row: ChatMessage;
        try {
          row = await s.store.insert({ channel_type: s.type, channel_id: s.id, sender_id: msg.sender_id, content: msg.content });
        } catch (e) {
          // A refused or failed write is the sender's answer, not the channel's crash: nothing is buffered or sent.
          return reply({ failed: e }, s);
        }
        const m: BufferedMessage = { id: row.id, channel_id: s.id, sender_id: row.sender_id, content: row.content, sent_at: toMs(row.sent_at) };
        push(s, m);
        const payload = { channel_id: s.id, sender_id: m.sender_id ?? '', content: m.content, sent_at: m.sent_at };
        let delivered: number;
        if (msg.delivery.to === 'members') delivered = s.groups.broadcast(s.group, pushMessage(frame('chat.message', payload)));
        else delivered = msg.delivery.sendToPlayer(msg.delivery.playerId, frame('dm.message', payload));
        return reply({ message: m, delivered }, s);
      }
      case 'recent':
        return reply(recent(s, msg.limit), s);
      case 'stats':
        return reply({ id: s.id, members: members(s), buffered: s.count, idle: s.idleTimer !== undefined } satisfies ChannelStats, s);
    }
  },

  handleInfo(msg, s, ctx) {
    if (msg === IDLE) {
      s.idleTimer = undefined;
      if (members(s) === 0) return stop('normal', s);
      return noreply(s);
    }
    if (isPg(msg) && msg.ref === s.monitor) checkIdle(s, ctx);
    return noreply(s);
  },
};

function toMs(d: Date | string | number): number {
  return d instanceof Date ? d.getTime() : new Date(d).getTime();
}

/** One send's answer: the stored message and how many connections it reached. */
export interface SendReply {
  readonly message: BufferedMessage;
  readonly delivered: number;
}

type CallOptions = { readonly system?: ActorSystem; readonly timeoutMs?: number };

function call<R>(ref: Dest, msg: ChannelCall, o: CallOptions): Promise<R> {
  return GenServer.call<R>(ref, msg, o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }, o.system);
}

/** The client API of a channel actor. */
export const Channel = {
  /** Adds a session pid to the channel's members (once; joining again is a no-op). */
  join: (ref: Dest, pid: Pid, o: CallOptions = {}): Promise<boolean> => call(ref, { type: 'join', pid }, o),
  /** Removes a session pid; false if it was not a member. */
  leave: (ref: Dest, pid: Pid, o: CallOptions = {}): Promise<boolean> => call(ref, { type: 'leave', pid }, o),
  /** Persists, buffers and delivers one message (content already validated); rejects with the store's error when the write fails. */
  send: async (ref: Dest, sender_id: string | null, content: string, delivery: Delivery, o: CallOptions = {}): Promise<SendReply> => {
    const r = await call<SendReply | { failed: unknown }>(ref, { type: 'send', sender_id, content, delivery }, o);
    if ('failed' in r) throw r.failed;
    return r;
  },
  /** The newest `limit` buffered messages, oldest first. */
  recent: (ref: Dest, limit: number, o: CallOptions = {}): Promise<BufferedMessage[]> => call(ref, { type: 'recent', limit }, o),
  stats: (ref: Dest, o: CallOptions = {}): Promise<ChannelStats> => call(ref, { type: 'stats' }, o),
};
