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
import { Matches, ModeRegistry, type Delivery, type MatchesOptions, type ModeConfig } from '@hajime/game';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { playerGroup, pushMessage } from '../gateway/session.js';
import { registerMatchRoutes } from './matches.js';

export interface GamePluginOptions {
  /** The game modes by name (or a registry you keep to change modes at run time). */
  readonly modes: Readonly<Record<string, ModeConfig>> | ModeRegistry;
  /** Match runtime options (node cap, crash intensity). `dev` defaults to the server's `dev`. */
  readonly matches?: MatchesOptions;
  /** Called once everything is started (to drive matches from server code, or in tests). */
  readonly onStart?: (game: GameRuntime) => void;
}

/** What the game plugin runs. */
export interface GameRuntime {
  readonly modes: ModeRegistry;
  readonly matches: Matches;
}

/** The delivery port of `@hajime/game` over this server's gateway. */
export function gatewayDelivery(ctx: ServerContext): Delivery {
  const { gateway } = ctx;
  return {
    groups: gateway.groups,
    push: pushMessage,
    sessionsOf: (playerId) => gateway.groups.getMembers(playerGroup(playerId)),
    sendToPlayer: (playerId, f) => gateway.sendToPlayer(playerId, f),
  };
}

export function createGamePlugin(options: GamePluginOptions) {
  return async function gameRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
    const modes = options.modes instanceof ModeRegistry ? options.modes : new ModeRegistry(options.modes);
    const matches = new Matches({
      system: ctx.system,
      modes,
      delivery: gatewayDelivery(ctx),
      records: ctx.storage.matches,
      log: app.log,
      options: { dev: ctx.options.dev, ...options.matches },
    });
    await matches.start();
    // Stop the matches before the gateway ends its sessions (preClose runs before onClose).
    app.addHook('preClose', async () => matches.stop());
    registerMatchRoutes(app, ctx, matches);
    options.onStart?.({ modes, matches });
  };
}
