/**
 * The game plugin: matches, the matchmaker and votes of `@hajime/game`, on this server's actor system,
 * storage and WebSocket gateway. Give it your modes (a `MatchBehaviour` each, with its sizes and
 * flags); it registers the `match.*`, `matchmaker.*` and `vote.*` frames and the `/matches`,
 * `/matchmaker` and `/votes` routes, and stops everything when the server closes.
 * See guides/matches.md.
 *
 * @example
 * const server = await createServer({ storage }, {
 *   plugins: [createGamePlugin({ modes: { arena: { behaviour: arena, matchSize: 2, quickPlay: true, listed: true } } })],
 * });
 */
import { Bots, Matches, Matchmaker, ModeRegistry, Votes, botDelivery, type BotsDeps, type Delivery, type MatchesOptions, type MatchmakerOptions, type ModeConfig, type VotesDeps } from '@hajime/game';
import type { PlayerId } from '@hajime/storage';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { playerGroup, pushMessage, type PushMessage } from '../gateway/session.js';
import { registerMatchRoutes } from './matches.js';
import { registerMatchmakerRoutes } from './matchmaker.js';
import { registerVoteRoutes } from './votes.js';

export interface GamePluginOptions {
  /** The game modes by name (or a registry you keep to change modes at run time). */
  readonly modes: Readonly<Record<string, ModeConfig>> | ModeRegistry;
  /** Match runtime options (node cap, crash intensity). `dev` defaults to the server's `dev`. */
  readonly matches?: MatchesOptions;
  /** Matchmaker options (tick interval, ticket expiry, queue cap, start attempts). */
  readonly matchmaker?: MatchmakerOptions;
  /** Vote options: `templates` (vote_templates), `vetoTokensPerPlayer`, `frustrationBonus`, `maxOpenVotes`. */
  readonly votes?: Omit<VotesDeps, 'system' | 'store'>;
  /**
   * Bots: queue fill per mode (`botConfig`, a mode's `bots = {script, min_players, enabled}`), bot
   * scripts (`scripts`, run in `runtime`), options. Without them bots run the built-in AI and only come
   * when added (`game.bots.add`, `Bots.add`). See guides/lua-bots.md.
   */
  readonly bots?: Pick<BotsDeps, 'botConfig' | 'scripts' | 'runtime' | 'options' | 'random'>;
  /** Called once everything is started (to drive matches from server code, or in tests). */
  readonly onStart?: (game: GameRuntime) => void;
}

/** What the game plugin runs. */
export interface GameRuntime {
  readonly modes: ModeRegistry;
  readonly matches: Matches;
  readonly matchmaker: Matchmaker;
  readonly votes: Votes;
  readonly bots: Bots;
}

function decodePush(msg: unknown): { type: string; payload: unknown } | undefined {
  if (typeof msg !== 'object' || msg === null || (msg as { $?: unknown }).$ !== 'hajime.ws.push') return undefined;
  return JSON.parse((msg as PushMessage).text) as { type: string; payload: unknown };
}

/** The delivery port of `@hajime/game` over this server's gateway. */
export function gatewayDelivery(ctx: ServerContext): Delivery {
  const { gateway } = ctx;
  return {
    groups: gateway.groups,
    push: pushMessage,
    sessionsOf: (playerId) => gateway.groups.getMembers(playerGroup(playerId)),
    sendToPlayer: (playerId, f) => gateway.sendToPlayer(playerId, f),
    pushToGroup: (group, f) => gateway.pushToGroup(group, f),
  };
}

export function createGamePlugin(options: GamePluginOptions) {
  return async function gameRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
    const modes = options.modes instanceof ModeRegistry ? options.modes : new ModeRegistry(options.modes);
    let bots: Bots | undefined;
    // Bots count as connections of the match (so a match restarted after a crash keeps them).
    const delivery = botDelivery(gatewayDelivery(ctx), (id) => bots?.sessionOf(id));
    const votes = new Votes({ ...options.votes, system: ctx.system, store: ctx.storage.votes });
    const matches = new Matches({
      system: ctx.system,
      modes,
      delivery,
      records: ctx.storage.matches,
      votes,
      log: app.log,
      options: { dev: ctx.options.dev, ...options.matches },
    });
    const matchmaker = new Matchmaker({
      system: ctx.system,
      modes,
      // Never a match of bots only.
      startMatch: (mode, playerIds) => bots!.guardStartMatch((m, p) => matches.startWithPlayers(m, p))(mode, playerIds),
      notify: (playerId, f) => void delivery.sendToPlayer(playerId, f),
      ...(options.matchmaker === undefined ? {} : { options: options.matchmaker }),
    });
    bots = new Bots({
      ...options.bots,
      system: ctx.system,
      matches,
      modes,
      matchmaker,
      decodePush,
      castVote: (voteId, playerId, optionId) => votes.cast(voteId, playerId, optionId),
      log: app.log,
    });
    await votes.start();
    await matches.start();
    await matchmaker.start();
    await bots.start();
    ctx.services.bots = bots;
    // An erased or banned player leaves the queue and their match at once (not after a grace).
    const unsubscribe = ctx.auth.onRevoke((r) => {
      if (r.reason !== 'erased' && r.reason !== 'banned') return;
      void matchmaker.removePlayer(r.playerId).catch(() => undefined);
      void matches.leave(r.playerId).catch(() => undefined);
    });
    // Stop before the gateway ends its sessions (preClose runs before onClose): queue, matches, votes.
    app.addHook('preClose', async () => {
      unsubscribe();
      await bots!.stop();
      await matchmaker.stop();
      await matches.stop();
      await votes.stop();
    });
    registerMatchRoutes(app, ctx, matches);
    registerMatchmakerRoutes(app, ctx, matchmaker);
    registerVoteRoutes(app, ctx, {
      votes,
      // Players of the live match, or of its record once it finished.
      isParticipant: async (matchId, playerId) => matches.isPlayerIn(matchId, playerId) || ((await ctx.storage.matches.get(matchId).catch(() => undefined))?.players.includes(playerId as PlayerId) ?? false),
    });
    options.onStart?.({ modes, matches, matchmaker, votes, bots });
  };
}
