/**
 * `Matchmaker`: the matchmaking service of one server (asobi §2.6, plus ticket queries). It validates
 * inputs (mode name, flat bounded properties, query) and talks to the one matchmaker process
 * (`matchmaker-server.ts`), which owns the queue and ticks on the system clock. No module state: create one
 * per server. Refusals are `GameError`s with flat reasons: `unknown_mode`, `queue_full`, `not_found`,
 * `not_owner`, `invalid_properties`, `invalid_query`, `not_started`.
 *
 * @example
 * const mm = new Matchmaker({ system, modes, startMatch: (mode, players) => matches.start(mode, players), notify: (p, f) => gateway.sendToPlayer(p, f) });
 * await mm.start();
 * const { ticket_id } = await mm.add(playerId, { mode: 'arena', properties: { skill: 1200, region: 'eu' }, query: '+region:eu' });
 */
import { GenServer, type ActorSystem, type Pid } from '@hajime/actor';
import { GameError } from '../errors.js';
import type { ModeRegistry } from '../modes.js';
import {
  MatchmakerServer,
  resolveMatchmakerOptions,
  type AddReply,
  type MatchmakerOptions,
  type ModeStats,
  type Notify,
  type ResolvedMatchmakerOptions,
  type StartMatch,
  type TicketView,
} from './matchmaker-server.js';
import { validateProperties } from './properties.js';
import { validateQuery } from './query.js';

export interface MatchmakerDeps {
  readonly system: ActorSystem;
  readonly modes: ModeRegistry;
  /** Starts a match of `mode` with these players joined; rejects when it cannot (the group is retried). */
  readonly startMatch: StartMatch;
  /** Pushes `match.matched`, `match.matchmaker_expired`, `match.matchmaker_failed` to a player. */
  readonly notify: Notify;
  readonly options?: MatchmakerOptions;
  /** Ticket id generator (default `crypto.randomUUID`). */
  readonly newId?: () => string;
}

/** What a player submits. */
export interface TicketInput {
  /** Default `"default"`. */
  readonly mode?: string;
  /** Flat, bounded (see `PROPERTY_LIMITS`); default `{}`. */
  readonly properties?: unknown;
  /** A query on the other players' properties (see guides/matchmaking.md); default none. */
  readonly query?: unknown;
}

/** Every refusal reason of the matchmaker (GameError reasons; each is listed in guides/matchmaking.md). */
export const MATCHMAKER_REASONS = Object.freeze(['unknown_mode', 'queue_full', 'not_found', 'not_owner', 'invalid_properties', 'invalid_query', 'not_started'] as const);
/** Every `match.matchmaker_failed` reason. */
export const MATCHMAKER_FAILED_REASONS = Object.freeze(['match_start_failed', 'no_game_module'] as const);

const MODE_NAME_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

export class Matchmaker {
  readonly options: ResolvedMatchmakerOptions;
  readonly #deps: MatchmakerDeps;
  #pid: Pid | undefined;

  constructor(deps: MatchmakerDeps) {
    this.options = resolveMatchmakerOptions(deps.options);
    this.#deps = deps;
  }

  /** Starts the matchmaker process (idempotent). */
  async start(): Promise<void> {
    if (this.#pid !== undefined && this.#deps.system.isAlive(this.#pid)) return;
    const { system, modes, startMatch, notify, newId } = this.#deps;
    this.#pid = await MatchmakerServer.start(system, { modes, startMatch, notify, options: this.options, ...(newId === undefined ? {} : { newId }) });
  }

  /** Stops the process; every waiting ticket is dropped (nothing is persisted). */
  async stop(): Promise<void> {
    const pid = this.#pid;
    this.#pid = undefined;
    if (pid !== undefined && this.#deps.system.isAlive(pid)) await GenServer.stop(pid).catch(() => undefined);
  }

  #ref(): Pid {
    if (this.#pid === undefined) throw new GameError('not_started');
    return this.#pid;
  }

  /**
   * Queues `playerId` in a mode. One ticket per (player, mode): a re-add answers the existing ticket with
   * `already_queued: true` (its first `submitted_at`, properties and query are kept).
   */
  async add(playerId: string, input: TicketInput = {}): Promise<AddReply> {
    const mode = input.mode ?? 'default';
    if (typeof mode !== 'string' || !MODE_NAME_RE.test(mode)) throw new GameError('unknown_mode', { mode: typeof mode === 'string' ? mode.slice(0, 64) : null });
    const properties = validateProperties(input.properties);
    const query = validateQuery(input.query);
    return MatchmakerServer.add(this.#ref(), { player_id: playerId, mode, properties, query });
  }

  /** Cancels a ticket (`not_found`, `not_owner`). */
  async remove(ticketId: string, playerId: string): Promise<void> {
    await MatchmakerServer.remove(this.#ref(), ticketId, playerId);
  }

  /** A ticket, for its owner only (`not_found`, `not_owner`). */
  get(ticketId: string, playerId: string): Promise<TicketView> {
    return MatchmakerServer.get(this.#ref(), ticketId, playerId);
  }

  /** Drops every ticket of a player (erasure, disconnect); returns how many. */
  removePlayer(playerId: string): Promise<number> {
    return MatchmakerServer.removePlayer(this.#ref(), playerId);
  }

  /** Per-mode `{waiting, oldest_wait_ms, average_wait_ms}` of live tickets (pending and matching). */
  stats(): Promise<Record<string, ModeStats>> {
    return MatchmakerServer.stats(this.#ref());
  }

  /** Runs one matchmaking round now, besides the periodic tick. */
  async tick(): Promise<void> {
    await MatchmakerServer.tick(this.#ref());
  }
}
