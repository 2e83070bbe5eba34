/**
 * What every plugin of one server shares: options, storage, the actor system, auth, rate limiters,
 * metrics and the WebSocket gateway. Passed to plugins explicitly (no module state); also reachable as
 * `fastify.hajime`.
 */
import type { ActorSystem } from '@hajime/actor';
import type { Storage } from '@hajime/storage';
import type { Registry } from 'prom-client';
import type { AuthService, Principal } from './auth/auth-service.js';
import type { IdentityVerifier } from './auth/identity-verifier.js';
import type { Gateway } from './gateway/gateway.js';
import type { SlidingWindowLimiter } from './internal/sliding-window.js';
import type { RateLimitGroup, ResolvedOptions } from './options.js';
import type { RpcRegistry } from './rpc/registry.js';
import type { Leaderboards } from './leaderboards/leaderboards.js';
import type { Chat } from './chat/chat.js';
import type { Tournaments } from './tournaments/tournaments.js';
import type { Bots } from '@hajime/game';

/** Live services a plugin started, for other plugins (and Lua's `game.*`) to use; set when started. */
export interface ServerServices {
  leaderboards?: Leaderboards;
  chat?: Chat;
  tournaments?: Tournaments;
  /** The game plugin's bots (for Lua's `game.bots.*`). */
  bots?: Bots;
}

export interface ServerContext {
  readonly options: ResolvedOptions;
  readonly storage: Storage;
  readonly system: ActorSystem;
  readonly auth: AuthService;
  readonly identities: IdentityVerifier;
  readonly limiters: Readonly<Record<RateLimitGroup, SlidingWindowLimiter>>;
  readonly metrics: Registry;
  /** The WebSocket gateway: `registerFrameHandler(type, handler)`, `sendToPlayer(playerId, frame)`. */
  readonly gateway: Gateway;
  /** The RPC registry: `registerRpc(name, handler, { paramsSchema })`; called over `rpc.call` and `POST /rpc/:method`. */
  readonly rpc: RpcRegistry;
  /** Services started by plugins (`leaderboards`, `chat`), present once their plugin ran. */
  readonly services: ServerServices;
}

declare module 'fastify' {
  interface FastifyInstance {
    hajime: ServerContext;
  }
  interface FastifyContextConfig {
    /** Rate limit group (default `api` under /api/v1). */
    rateLimit?: RateLimitGroup | false;
    /** Require a bearer token. */
    auth?: boolean;
  }
  interface FastifyRequest {
    /** Set by the `authenticate` hook on authenticated routes. */
    principal: Principal | null;
  }
}
