/**
 * `LuaHostServices`: the port through which Lua's `game.bots.*`, `game.economy.*`, `game.leaderboard.*`,
 * `game.notify*`, `game.storage.*` and `game.chat.send` reach the server's services. Every part is
 * optional: a call whose part is absent answers `{error = "not_available"}`. Calls are synchronous from
 * Lua's side: an adapter answers from what it has, or accepts the work and returns a promise (Lua then
 * gets `{ok = "pending"}`; a rejection is logged).
 */

/** Who is calling: the match (and its mode). */
export interface HostCallContext {
  readonly matchId: string;
  readonly mode: string;
}

/** A wrapped answer, as Lua sees it: `{ok = value}` or `{error = "reason"}`. */
export type HostResult = { readonly ok: unknown } | { readonly error: string };
export type HostAnswer<T = HostResult> = T | Promise<T>;

export interface LuaHostServices {
  readonly bots?: {
    add(ctx: HostCallContext, name: string): HostAnswer;
    remove(ctx: HostCallContext, nameOrId: string): HostAnswer;
  };
  readonly economy?: {
    grant(ctx: HostCallContext, playerId: string, currency: string, amount: number, reason?: string): HostAnswer;
    debit(ctx: HostCallContext, playerId: string, currency: string, amount: number, reason?: string): HostAnswer;
    balance(ctx: HostCallContext, playerId: string): HostAnswer;
    purchase(ctx: HostCallContext, playerId: string, listingId: string): HostAnswer;
  };
  readonly leaderboard?: {
    submit(ctx: HostCallContext, board: string, playerId: string, score: number): HostAnswer<boolean>;
    top(ctx: HostCallContext, board: string, n: number): HostAnswer;
    rank(ctx: HostCallContext, board: string, playerId: string): HostAnswer;
    around(ctx: HostCallContext, board: string, playerId: string, n: number): HostAnswer;
  };
  readonly notify?: {
    notify(ctx: HostCallContext, playerId: string, type: string, subject: string, data?: unknown): HostAnswer;
    notifyMany(ctx: HostCallContext, playerIds: readonly string[], type: string, subject: string, data?: unknown): HostAnswer;
  };
  readonly storage?: {
    get(ctx: HostCallContext, collection: string, key: string): HostAnswer;
    set(ctx: HostCallContext, collection: string, key: string, value: unknown): HostAnswer;
    playerGet(ctx: HostCallContext, playerId: string, collection: string, key: string): HostAnswer;
    playerSet(ctx: HostCallContext, playerId: string, collection: string, key: string, value: unknown): HostAnswer;
  };
  readonly chat?: {
    send(ctx: HostCallContext, channel: string, sender: string, content: string): HostAnswer<boolean>;
  };
}
