/**
 * `Bots`: the bots of one node (asobi §2.25). One supervised process per bot (`bot-server.ts`), joined
 * into its match as an ordinary player; not counted online (a bot has no gateway session). Bots come from
 *
 * - **queue fill**: a mode's `bots = {script, min_players, enabled}` (see {@link BotsDeps.botConfig}).
 *   Every `fillIntervalMs` (8 s) the spawner looks at each mode with someone queued in the matchmaker and
 *   queues bots up to the target (`min_players`, default the mode's `match_size`, clamped to 64 and to
 *   `max_players`); bot tickets of a mode nobody real waits in any more are withdrawn. The match start
 *   wrapped by {@link Bots.guardStartMatch} refuses a group of bots only (never a bot-only match) and
 *   starts the bot processes of a new match at once; a sweep every `sweepIntervalMs` (2 s) starts any
 *   that are still missing.
 * - **scripts**: `game.bots.add(name)` / `game.bots.remove(name_or_id)` of a Lua match, through
 *   {@link Bots.services} (a `LuaHostServices.bots`), in waiting or running matches, 64 per match.
 *
 * @example
 * const bots = new Bots({ system, matches, matchmaker, modes, runtime, decodePush,
 *   botConfig: (mode) => lua.game.modes[mode]?.shape.bots, scripts: luaBotScripts(lua.game),
 *   castVote: (v, p, o) => votes.cast(v, p, o) });
 * await bots.start();
 * const matchmaker = new Matchmaker({ ..., startMatch: bots.guardStartMatch((mode, ids) => matches.startWithPlayers(mode, ids)) });
 */
import { DynamicSupervisor, GenServer, noreply, ok, consoleLogger, isActorError, type ActorSystem, type GenServerBehaviour, type Logger, type Pid } from '@hajime/actor';
import type { LuaRuntime, BotsConfig } from '@hajime/lua';
import type { OutboundFrame } from '@hajime/protocol';
import { GameError, isGameError } from '../errors.js';
import type { LuaHostServices } from '../lua/host-services.js';
import { createBotServices } from './bot-services.js';
import { resolveBotsOptions, type BotsOptions, type ResolvedBotsOptions } from './bots-options.js';
import type { ModeRegistry } from '../modes.js';
import type { StartMatch, ModeStats, AddReply } from '../matchmaker/matchmaker-server.js';
import type { TicketInput } from '../matchmaker/matchmaker.js';
import { BOT_NAME_LIMITS, DEFAULT_BOT_NAMES, botId, botNameAt, isBotId, validBotName } from './bot-id.js';
import { BotScript, type BotScriptSource } from './bot-script.js';
import { BotServer, type BotArgs, type BotEnv, type BotMatches } from './bot-server.js';

/** Every reason `game.bots.add/remove` answers `{error = reason}` with (besides argument errors). */
export const BOT_REASONS = Object.freeze(['invalid_bot_name', 'too_many_bots', 'match_not_found', 'bot_not_found', 'not_available'] as const);
/** The reason a bot-only group is refused by {@link Bots.guardStartMatch} (the matchmaker retries and drops it). */
export const BOT_ONLY_MATCH = 'bot_only_match';

/** The part of the matchmaker queue fill uses (`Matchmaker` fits). */
export interface BotQueue {
  add(playerId: string, input?: TicketInput): Promise<AddReply>;
  remove(ticketId: string, playerId: string): Promise<void>;
  get(ticketId: string, playerId: string): Promise<unknown>;
  stats(): Promise<Record<string, ModeStats>>;
}

export interface BotsDeps {
  readonly system: ActorSystem;
  /** The node's matches (`Matches` fits). */
  readonly matches: BotMatches & { matchOf(playerId: string): string | undefined; readonly directory: { entries(): Iterable<{ readonly match_id: string; readonly mode: string; readonly status: string; readonly players: readonly string[] }> } };
  /** The frame carried by a delivery push message (the server's: parse `msg.text` of a `hajime.ws.push`). */
  readonly decodePush: (msg: unknown) => OutboundFrame<string, unknown> | undefined;
  /** The mode table (sizes for queue fill). */
  readonly modes: ModeRegistry;
  /** The matchmaker, for queue fill (none: no queue fill). */
  readonly matchmaker?: BotQueue;
  /** A mode's `bots` table (Lua: `lua.game.modes[mode]?.shape.bots`); undefined: no queue fill for it. */
  readonly botConfig?: (mode: string) => BotsConfig | undefined;
  /** A mode's bot script (see `luaBotScripts`); undefined: the default AI. */
  readonly scripts?: (mode: string) => BotScriptSource | undefined;
  /** The Lua runtime bot engines are created in (none: every bot runs the default AI). */
  readonly runtime?: LuaRuntime;
  /** Casts a bot's vote (`votes.cast`); none: bots do not vote. */
  readonly castVote?: (voteId: string, playerId: string, optionId: string) => Promise<unknown>;
  readonly log?: Logger;
  /** Randomness (names' discriminators, AI jitter, vote picks); default `Math.random`. */
  readonly random?: () => number;
  readonly options?: BotsOptions;
}

/** One live (or starting) bot. */
export interface BotInfo {
  readonly id: string;
  readonly name: string;
  readonly matchId: string;
  readonly mode: string;
  readonly pid: Pid | undefined;
}

interface Queued {
  readonly id: string;
  readonly name: string;
  readonly mode: string;
  readonly ticketId: string;
}

const FILL = Object.freeze({ $: 'hajime.bots.fill' as const });
const SWEEP = Object.freeze({ $: 'hajime.bots.sweep' as const });

/** The spawner: runs queue fill and the sweep on the system clock, one round at a time. */
const Spawner: GenServerBehaviour<Bots, Bots> = {
  init(bots, ctx) {
    ctx.sendInterval(FILL, bots.options.fillIntervalMs);
    ctx.sendInterval(SWEEP, bots.options.sweepIntervalMs);
    return ok(bots);
  },
  async handleInfo(msg, bots) {
    try {
      if (msg === FILL) await bots.fill();
      if (msg === SWEEP) await bots.sweep();
    } catch (e) {
      bots.log.error({ err: e }, 'bots_round_failed');
    }
    return noreply(bots);
  },
};

export class Bots {
  readonly options: ResolvedBotsOptions;
  readonly log: Logger;
  readonly #deps: BotsDeps;
  readonly #env: BotEnv;
  readonly #random: () => number;
  /** Live and starting bots by id. */
  readonly #bots = new Map<string, BotInfo>();
  /** Queue-fill bots waiting in the matchmaker, by id. */
  readonly #queued = new Map<string, Queued>();
  /** Bots removed on purpose: the sweep never restarts them. */
  readonly #removed = new Set<string>();
  #sup: Pid | undefined;
  #services: NonNullable<LuaHostServices['bots']> | undefined;
  #spawner: Pid | undefined;

  constructor(deps: BotsDeps) {
    this.options = resolveBotsOptions(deps.options);
    this.#deps = deps;
    this.log = deps.log ?? deps.system.logger ?? consoleLogger;
    this.#random = deps.random ?? Math.random;
    this.#env = {
      matches: deps.matches,
      decodePush: deps.decodePush,
      castVote: deps.castVote,
      script: deps.scripts ?? (() => undefined),
      runtime: deps.runtime,
      random: this.#random,
      log: this.log,
      thinkIntervalMs: this.options.thinkIntervalMs,
      failureLogIntervalMs: this.options.failureLogIntervalMs,
      scriptBackoffMs: this.options.scriptBackoffMs,
      voteDelayMs: { min: this.options.voteDelayMinMs, max: this.options.voteDelayMaxMs },
      scriptOptions: this.options.script,
      exited: (id) => void this.#bots.delete(id),
    };
  }

  /** Starts the bot supervisor and the spawner (idempotent). */
  async start(): Promise<void> {
    if (this.#sup !== undefined) return;
    this.#sup = await DynamicSupervisor.start<BotArgs>(this.#deps.system, {
      template: GenServer.template(BotServer, { restart: 'temporary', shutdown: 1_000 }),
    });
    this.#spawner = await GenServer.start(this.#deps.system, Spawner, this);
  }

  /** Stops the spawner and every bot (they leave their matches), and withdraws queued bot tickets. */
  async stop(): Promise<void> {
    const { system } = this.#deps;
    const spawner = this.#spawner;
    const sup = this.#sup;
    this.#spawner = undefined;
    this.#sup = undefined;
    for (const pid of [spawner, sup]) {
      if (pid === undefined || !system.isAlive(pid)) continue;
      await GenServer.stop(pid, 'shutdown', system).catch(() => undefined);
    }
    const mm = this.#deps.matchmaker;
    for (const q of [...this.#queued.values()]) {
      this.#queued.delete(q.id);
      if (mm !== undefined) await mm.remove(q.ticketId, q.id).catch(() => undefined);
    }
    this.#bots.clear();
  }

  /** Live (and starting) bots. */
  get count(): number {
    return this.#bots.size;
  }

  /** Bots tickets waiting in the matchmaker. */
  get queued(): number {
    return this.#queued.size;
  }

  /** The process of a live bot (its connection, for `botDelivery`). */
  sessionOf(botId: string): Pid | undefined {
    return this.#bots.get(botId)?.pid;
  }

  /** The bots of a match. */
  botsIn(matchId: string): BotInfo[] {
    return [...this.#bots.values()].filter((b) => b.matchId === matchId);
  }

  /**
   * Adds a bot named `name` to the live match `matchId` (a scripted add); resolves with its id once its
   * process started (it then joins on its own). `invalid_bot_name`, `too_many_bots`, `match_not_found`.
   */
  async add(matchId: string, name: string, mode?: string): Promise<string> {
    const id = this.#reserve(matchId, name, mode);
    await this.#startProcess(this.#bots.get(id)!);
    return id;
  }

  /**
   * Stops a bot of `matchId` named `nameOrId` (or with that id): it leaves the match. Resolves with its
   * id; `bot_not_found`.
   */
  async remove(matchId: string, nameOrId: string): Promise<string> {
    const b = this.#find(matchId, nameOrId);
    if (b === undefined) throw new GameError('bot_not_found');
    await this.#stopBot(b);
    return b.id;
  }

  /** The `LuaHostServices.bots` part: `game.bots.add(name)` / `game.bots.remove(name_or_id)`. */
  services(): NonNullable<LuaHostServices['bots']> {
    return (this.#services ??= createBotServices(this));
  }

  /**
   * Wraps the matchmaker's `startMatch`: a group of bots only is refused (`bot_only_match`: the
   * matchmaker retries, then drops those tickets), and the bots of a started match get their processes
   * at once.
   */
  guardStartMatch(startMatch: StartMatch): StartMatch {
    return async (mode, playerIds) => {
      if (playerIds.length > 0 && playerIds.every(isBotId)) throw new GameError(BOT_ONLY_MATCH, { mode });
      const r = await startMatch(mode, playerIds);
      for (const p of playerIds) if (isBotId(p)) await this.#attach(r.match_id, mode, p);
      return r;
    };
  }

  /** One queue-fill round (the spawner runs it every `fillIntervalMs`). */
  async fill(): Promise<void> {
    const mm = this.#deps.matchmaker;
    const config = this.#deps.botConfig;
    if (mm === undefined || config === undefined) return;
    // 1. forget bot tickets that were matched (their bots get processes) or expired
    for (const q of [...this.#queued.values()]) {
      const matchId = this.#deps.matches.matchOf(q.id);
      if (matchId !== undefined) {
        this.#queued.delete(q.id);
        await this.#attach(matchId, q.mode, q.id);
        continue;
      }
      try {
        await mm.get(q.ticketId, q.id);
      } catch (e) {
        if (isGameError(e, 'not_found')) this.#queued.delete(q.id);
        else throw e;
      }
    }
    // 2. top up modes with real players waiting; withdraw bots from modes without
    const stats = await mm.stats();
    const modesWithBots = new Set([...this.#queued.values()].map((q) => q.mode));
    for (const mode of new Set([...Object.keys(stats), ...modesWithBots])) {
      const mine = [...this.#queued.values()].filter((q) => q.mode === mode);
      const waiting = stats[mode]?.waiting ?? 0;
      const real = waiting - mine.length;
      const cfg = config(mode);
      const m = this.#deps.modes.get(mode);
      if (real <= 0 || cfg === undefined || cfg.enabled === false || m === undefined) {
        for (const q of mine) {
          this.#queued.delete(q.id);
          await mm.remove(q.ticketId, q.id).catch(() => undefined);
        }
        continue;
      }
      const target = Math.min(cfg.minPlayers ?? m.matchSize, this.options.maxFillTarget, m.maxPlayers);
      const need = target - waiting;
      if (need <= 0) continue;
      const names = this.#namesOf(mode);
      for (let i = 0; i < need; i++) {
        const name = botNameAt(names, mine.length + i);
        const id = botId(name, this.#random);
        try {
          const t = await mm.add(id, { mode });
          this.#queued.set(id, { id, name, mode, ticketId: t.ticket_id });
        } catch (e) {
          this.log.warn({ mode, reason: isGameError(e) ? e.reason : String(e) }, 'bot_queue_failed');
          break;
        }
      }
      this.log.debug({ mode, added: need, target }, 'bots_queued');
    }
  }

  /**
   * The sweep (the spawner runs it every `sweepIntervalMs`): starts the processes of bots found in live
   * matches without one, and takes the bots out of started matches no real player is left in.
   */
  async sweep(): Promise<void> {
    for (const e of [...this.#deps.matches.directory.entries()]) {
      // Never a bot-only match: once no real player is left in a started match, its bots leave (and the
      // match ends, abandoned, with no record).
      if (e.status !== 'waiting' && e.players.length > 0 && e.players.every(isBotId)) {
        this.log.info({ match_id: e.match_id, mode: e.mode, bots: e.players.length }, 'bots_left_alone');
        for (const p of e.players) {
          const b = this.#bots.get(p);
          await this.#stopBot(b ?? { id: p, name: p, matchId: e.match_id, mode: e.mode, pid: undefined });
        }
        continue;
      }
      for (const p of e.players) if (isBotId(p) && !this.#bots.has(p) && !this.#removed.has(p)) await this.#attach(e.match_id, e.mode, p);
    }
  }

  // ---- internals ----

  #namesOf(mode: string): readonly string[] {
    const { runtime, scripts } = this.#deps;
    if (runtime === undefined || scripts === undefined) return DEFAULT_BOT_NAMES;
    let script: BotScript | undefined;
    try {
      const src = scripts(mode);
      if (src === undefined) return DEFAULT_BOT_NAMES;
      script = new BotScript(runtime, src, this.options.script);
      return script.names() ?? DEFAULT_BOT_NAMES;
    } catch {
      return DEFAULT_BOT_NAMES;
    } finally {
      script?.close();
    }
  }

  #live(b: BotInfo): boolean {
    return b.pid === undefined || b.pid.alive;
  }

  #find(matchId: string, nameOrId: string): BotInfo | undefined {
    const all = this.botsIn(matchId).filter((b) => this.#live(b));
    return all.find((b) => b.id === nameOrId) ?? all.find((b) => b.name === nameOrId);
  }

  /** Books a scripted bot (synchronous checks), returning its id. */
  #reserve(matchId: string, name: string, mode: string | undefined): string {
    if (!validBotName(name)) throw new GameError('invalid_bot_name', { max_chars: BOT_NAME_LIMITS.maxChars });
    if (this.#sup === undefined) throw new GameError('not_available', { feature: 'bots' });
    const entry = [...this.#deps.matches.directory.entries()].find((e) => e.match_id === matchId);
    const m = mode ?? entry?.mode;
    if (m === undefined) throw new GameError('match_not_found');
    for (const b of this.botsIn(matchId)) if (!this.#live(b)) this.#bots.delete(b.id);
    if (this.botsIn(matchId).length >= this.options.maxBotsPerMatch) throw new GameError('too_many_bots', { limit: this.options.maxBotsPerMatch });
    const id = botId(name, this.#random);
    this.#bots.set(id, { id, name, matchId, mode: m, pid: undefined });
    return id;
  }

  async #attach(matchId: string, mode: string, id: string): Promise<void> {
    if (this.#bots.has(id) || this.#sup === undefined) return;
    const q = this.#queued.get(id);
    this.#queued.delete(id);
    const name = q?.name ?? /^bot_(.*)_[0-9a-f]{6}$/.exec(id)?.[1] ?? id;
    const info: BotInfo = { id, name, matchId, mode, pid: undefined };
    this.#bots.set(id, info);
    await this.#startProcess(info);
  }

  async #startProcess(b: BotInfo): Promise<void> {
    try {
      const pid = await DynamicSupervisor.startChild<BotArgs>(this.#sup!, { id: b.id, name: b.name, matchId: b.matchId, mode: b.mode, env: this.#env }, this.#deps.system);
      if (pid === undefined) throw new Error('ignored');
      if (this.#bots.get(b.id) === b && pid.alive) this.#bots.set(b.id, { ...b, pid });
    } catch (e) {
      this.#bots.delete(b.id);
      this.log.error({ bot_id: b.id, match_id: b.matchId, err: e }, 'bot_start_failed');
      throw e;
    }
  }

  async #stopBot(b: BotInfo): Promise<void> {
    this.#bots.delete(b.id);
    this.#removed.add(b.id);
    if (this.#removed.size > 10_000) this.#removed.delete(this.#removed.values().next().value!);
    if (b.pid === undefined || !b.pid.alive) {
      await this.#deps.matches.leave(b.id).catch(() => false);
      return;
    }
    try {
      await GenServer.stop(b.pid, 'normal', this.#deps.system);
    } catch (e) {
      if (!isActorError(e)) throw e;
    }
  }

  /** @internal scripted add, synchronous part (the service answers before the process starts). */
  reserveScripted(matchId: string, name: string, mode: string): string {
    return this.#reserve(matchId, name, mode);
  }
  /** @internal */
  startReserved(id: string): Promise<void> {
    const b = this.#bots.get(id);
    return b === undefined ? Promise.resolve() : this.#startProcess(b);
  }
  /** @internal */
  findBot(matchId: string, nameOrId: string): BotInfo | undefined {
    return this.#find(matchId, nameOrId);
  }
  /** @internal */
  stopBot(b: BotInfo): Promise<void> {
    return this.#stopBot(b);
  }
}
