/**
 * Chat, direct messages and presence (asobi-reference.md §2.11, §2.12, §3.2, §4.3, §4.4). `chatPlugin`
 * answers the `chat.join`, `chat.leave`, `chat.send` and `dm.send` frames through a {@link Chat} (one
 * actor per live channel) and serves `GET /chat/:channel_id/history`, `POST /dm` and
 * `GET /dm/:player_id/history`. `presencePlugin` replaces the default `presence.update` handler with one
 * that also pushes `presence.changed` to online friends (a Hajime addition). Both are default plugins of
 * `createServer` (`options.chat: false` / `options.presence: false` leave one out); a
 * `createChatPlugin({...})` passed in `extras.plugins` replaces the default chat plugin.
 * See guides/chat.md and guides/presence.md.
 */
import { frame } from '@hajime/protocol';
import { CHAT_HISTORY_DEFAULT_LIMIT, CHAT_HISTORY_MAX_LIMIT, dmChannelId, type ChatMessage } from '@hajime/storage';
import type { FastifyInstance } from 'fastify';
import { parseChannel } from '../chat/acl.js';
import { Chat, type ChatOptions } from '../chat/chat.js';
import { Presence } from '../chat/presence.js';
import type { ServerContext } from '../context.js';
import { FrameRefusal } from '../gateway/frame-handlers.js';
import { me } from '../hooks.js';

const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const security = [{ bearer: [] }];

/** One stored message on the REST wire (`sent_at` an ISO date-time, millisecond precision). */
export const chatMessageSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    channel_id: { type: 'string' },
    sender_id: { type: ['string', 'null'] },
    content: { type: 'string' },
    sent_at: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'channel_id', 'sender_id', 'content', 'sent_at'],
} as const;

export interface ChatMessageJson {
  readonly id: string;
  readonly channel_id: string;
  readonly sender_id: string | null;
  readonly content: string;
  readonly sent_at: string;
}

/** The REST form of a stored message. */
export function chatMessageOut(m: ChatMessage): ChatMessageJson {
  const at = m.sent_at instanceof Date ? m.sent_at : new Date(m.sent_at as unknown as string);
  return { id: m.id, channel_id: m.channel_id, sender_id: m.sender_id, content: m.content, sent_at: at.toISOString() };
}

export interface ChatPluginOptions extends ChatOptions {
  /** Called once the plugin's `Chat` is started (to send from server code, or to inspect it in tests). */
  readonly onStart?: (chat: Chat) => void;
}

const historyQuery = { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: CHAT_HISTORY_MAX_LIMIT, default: CHAT_HISTORY_DEFAULT_LIMIT } } } as const;

/**
 * The chat plugin with `options` (buffer size, idle stop, channel cap). It creates a `Chat` on the
 * server's actor system and storage, registers the four frame handlers and the three routes, and stops
 * every channel when the server closes.
 *
 * @example
 * // Replaces the default chat plugin (same name), e.g. to stop idle channels sooner.
 * const server = await createServer({ storage }, { plugins: [createChatPlugin({ idleStopMs: 30_000 })] });
 */
export function createChatPlugin(options: ChatPluginOptions = {}) {
  return async function chatRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
    const { onStart, ...chatOptions } = options;
    const { gateway, storage } = ctx;
    const chat = new Chat({
      system: ctx.system,
      store: storage.chat,
      social: storage.social,
      players: storage.players,
      sendToPlayer: (playerId, f) => gateway.sendToPlayer(playerId, f),
      options: chatOptions,
    });
    await chat.start();
    ctx.services.chat = chat;
    app.addHook('onClose', async () => chat.stop());
    onStart?.(chat);

    // ---- frames ----

    gateway.registerFrameHandler('chat.join', async ({ payload, session }) => {
      const id = payload.channel_id;
      const channel = await chat.authorize(id, session.playerId);
      const fresh = !session.channels.has(id);
      if (fresh && !session.joinChannel(id)) throw new FrameRefusal('too_many_channels', { limit: ctx.options.ws.maxChatChannels });
      try {
        await chat.enter(channel, session.pid);
      } catch (e) {
        if (fresh) session.leaveChannel(id);
        throw e;
      }
      return frame('chat.joined', { channel_id: id });
    });

    gateway.registerFrameHandler('chat.leave', async ({ payload, session }) => {
      const id = payload.channel_id;
      if (session.leaveChannel(id)) await chat.leave(id, session.pid);
      return frame('chat.left', { channel_id: id });
    });

    gateway.registerFrameHandler('chat.send', async ({ payload, session }) => {
      const id = parseChannel(payload.channel_id).id;
      if (!session.channels.has(id)) throw new FrameRefusal('not_authorized', { reason: 'not_joined', channel_id: id });
      await chat.send(id, session.playerId, payload.content);
    });

    gateway.registerFrameHandler('dm.send', async ({ payload, session }) => {
      const r = await chat.sendDm(session.playerId, payload.recipient_id, payload.content);
      return frame('dm.sent', { channel_id: r.channel_id });
    });

    // ---- REST ----

    app.get(
      '/chat/:channel_id/history',
      {
        config: { auth: true },
        schema: {
          tags: ['chat'],
          summary: "A channel's latest messages, oldest first (members only)",
          description: 'Anyone signed in reads `global:*`; `room:<group_id>` needs group membership; `dm:<a>:<b>` is for its two players.',
          security,
          params: { type: 'object', required: ['channel_id'], properties: { channel_id: { type: 'string', minLength: 1, maxLength: 1024 } } },
          querystring: historyQuery,
          response: { 200: { type: 'object', properties: { messages: { type: 'array', items: chatMessageSchema } }, required: ['messages'] } },
        },
      },
      async (request) => {
        const { channel_id } = request.params as { channel_id: string };
        const { limit } = request.query as { limit: number };
        const channel = await chat.authorize(channel_id, me(request));
        const rows = await storage.chat.history(channel.id, { limit });
        return { messages: rows.reverse().map(chatMessageOut) };
      },
    );

    app.post(
      '/dm',
      {
        config: { auth: true },
        schema: {
          tags: ['chat'],
          summary: 'Send a direct message (pushed live as dm.message, stored either way)',
          security,
          body: {
            type: 'object',
            required: ['recipient_id', 'content'],
            properties: { recipient_id: { type: 'string', pattern: UUID_PATTERN }, content: {} },
          },
          response: { 200: { type: 'object', properties: { success: { type: 'boolean' }, channel_id: { type: 'string' } }, required: ['success', 'channel_id'] } },
        },
      },
      async (request) => {
        const body = request.body as { recipient_id: string; content: unknown };
        const r = await chat.sendDm(me(request), body.recipient_id, body.content);
        return { success: true, channel_id: r.channel_id };
      },
    );

    app.get(
      '/dm/:player_id/history',
      {
        config: { auth: true },
        schema: {
          tags: ['chat'],
          summary: 'Your direct messages with one player, oldest first',
          security,
          params: { type: 'object', required: ['player_id'], properties: { player_id: { type: 'string', pattern: UUID_PATTERN } } },
          querystring: historyQuery,
          response: {
            200: { type: 'object', properties: { messages: { type: 'array', items: chatMessageSchema }, channel_id: { type: 'string' } }, required: ['messages', 'channel_id'] },
          },
        },
      },
      async (request) => {
        const { player_id } = request.params as { player_id: string };
        const { limit } = request.query as { limit: number };
        const channel_id = dmChannelId(me(request), player_id);
        const rows = await storage.chat.history(channel_id, { limit });
        return { messages: rows.reverse().map(chatMessageOut), channel_id };
      },
    );
  };
}

/** The chat plugin with the defaults (100-message buffers, 60 s idle stop). */
export const chatPlugin = createChatPlugin();

/**
 * Presence: replaces the gateway's `presence.update` handler with {@link Presence.handler}, which also
 * pushes `presence.changed {player_id, status}` to the player's online friends.
 */
export async function presencePlugin(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const presence = new Presence({
    friendsOf: (playerId) => ctx.storage.social.friendsOf(playerId),
    gateway: ctx.gateway,
    onError: (err) => app.log.warn({ err }, 'presence_fanout_failed'),
  });
  ctx.gateway.registerFrameHandler('presence.update', presence.handler, { replace: true });
}
