/**
 * The bot process (asobi §2.25): one GenServer per bot, joined into its match as an ordinary player with
 * its own pid as the connection, so it receives `match.state` through the {@link Delivery} exactly as a
 * session does (`decodePush` turns the delivery's push message back into a frame). On a fixed think loop
 * (default every 100 ms, on the process clock) it turns the last state into an input and sends it as a
 * `match.input`: the built-in boon pick first, nothing in `voting`/`vote_pending` phases, else the bot
 * script's `think(bot_id, state)`, or the default AI when there is no script or `think` fails (logged at
 * most once a minute per bot; after an overrun of its budget the script rests for `scriptBackoffMs`). On `match.vote_start` it votes for a random option 1-4 s later. It stops
 * when its match finishes or goes away (a match restarted after a crash keeps it, when the match's
 * delivery is wrapped by `botDelivery`), and leaves its match when it is stopped.
 *
 * Only `Bots` starts and stops it.
 */
import { noreply, ok, stop, isDownMessage, type GenServerBehaviour, type HandlerResult, type Logger, type ProcessContext, type TimerRef } from '@hajime/actor';
import type { LuaRuntime } from '@hajime/lua';
import { RawJson, type OutboundFrame } from '@hajime/protocol';
import { isGameError } from '../errors.js';
import { builtinInput, defaultAi, inputSuppressed, type AiMemory } from './default-ai.js';
import { BotScript, type BotScriptOptions, type BotScriptSource } from './bot-script.js';

/** The part of `Matches` a bot uses. */
export interface BotMatches {
  join(matchId: string, playerId: string, session: import('@hajime/actor').Pid, ctx?: unknown): Promise<unknown>;
  input(playerId: string, input: unknown): boolean;
  leave(playerId: string): Promise<boolean>;
  whereis(matchId: string): import('@hajime/actor').Pid | undefined;
  matchOf(playerId: string): string | undefined;
}

/** What every bot process of one `Bots` shares. */
export interface BotEnv {
  readonly matches: BotMatches;
  /** The frame a delivery push message carries, or undefined for any other message. */
  readonly decodePush: (msg: unknown) => OutboundFrame<string, unknown> | undefined;
  /** Casts a vote (the `Votes` service's `cast`); none: bots do not vote. */
  readonly castVote: ((voteId: string, playerId: string, optionId: string) => Promise<unknown>) | undefined;
  /** The bot script of a mode (none: the default AI). May throw (a missing file). */
  readonly script: (mode: string) => BotScriptSource | undefined;
  readonly runtime: LuaRuntime | undefined;
  readonly random: () => number;
  readonly log: Logger;
  readonly thinkIntervalMs: number;
  readonly failureLogIntervalMs: number;
  /** After a `think` overran its budget (time or memory), the default AI plays for this long, ms. */
  readonly scriptBackoffMs: number;
  readonly voteDelayMs: { readonly min: number; readonly max: number };
  readonly scriptOptions: BotScriptOptions;
  /** Told when a bot process ends (bookkeeping). */
  readonly exited: (botId: string) => void;
}

export interface BotArgs {
  readonly id: string;
  readonly name: string;
  readonly matchId: string;
  readonly mode: string;
  readonly env: BotEnv;
}

interface State {
  readonly args: BotArgs;
  script: BotScript | undefined;
  latest: unknown;
  readonly memory: AiMemory;
  thinkTimer: TimerRef | undefined;
  lastFailureLogMs: number | undefined;
  /** The script is not called before this time (it overran its budget). */
  scriptPausedUntilMs: number;
  lastBoon: string | undefined;
  ended: boolean;
  joinAttempts: number;
}

const THINK = Object.freeze({ $: 'hajime.bot.think' as const });
const RECHECK = Object.freeze({ $: 'hajime.bot.recheck' as const });
const JOIN = Object.freeze({ $: 'hajime.bot.join' as const });
/** A bot added while its match is still starting (`game.bots.add` in `init`) tries to join this often. */
export const BOT_JOIN_RETRY = Object.freeze({ attempts: 5, delayMs: 200 });
/** After its match process went down, a bot looks again this long later (a restarted match keeps it). */
export const BOT_RECHECK_MS = 500;
interface VoteNow {
  readonly $: 'hajime.bot.vote';
  readonly voteId: string;
  readonly optionId: string;
}
const isVoteNow = (m: unknown): m is VoteNow => typeof m === 'object' && m !== null && (m as { $?: unknown }).$ === 'hajime.bot.vote';

function loadScript(s: State): void {
  const { env, mode, id } = s.args;
  if (env.runtime === undefined) return;
  let src: BotScriptSource | undefined;
  try {
    src = env.script(mode);
  } catch (e) {
    env.log.warn({ bot_id: id, mode, err: e instanceof Error ? e.message : String(e) }, 'bot_script_unavailable');
    return;
  }
  if (src === undefined) return;
  s.script = new BotScript(env.runtime, src, env.scriptOptions);
}

function decide(s: State, nowMs: number): Record<string, unknown> | undefined {
  const { id, env } = s.args;
  const state = s.latest;
  if (inputSuppressed(state)) return undefined;
  const boon = builtinInput(state);
  if (boon !== undefined) {
    const key = JSON.stringify(boon);
    if (key === s.lastBoon) return undefined;
    s.lastBoon = key;
    return boon;
  }
  if (s.script !== undefined && nowMs >= s.scriptPausedUntilMs) {
    const r = s.script.think(id, state);
    if (r.ok) return r.value;
    // An overrun costs the node its budget on every call: let the default AI play for a while.
    if (r.kind === 'timeout' || r.kind === 'memory') s.scriptPausedUntilMs = nowMs + env.scriptBackoffMs;
    if (s.lastFailureLogMs === undefined || nowMs - s.lastFailureLogMs >= env.failureLogIntervalMs) {
      s.lastFailureLogMs = nowMs;
      env.log.warn({ bot_id: id, match_id: s.args.matchId, mode: s.args.mode, kind: r.kind, where: r.where, detail: r.message.slice(0, 300) }, 'bot_think_failed');
    }
  }
  return defaultAi(id, state, { nowMs, random: env.random, memory: s.memory });
}

function onFrame(s: State, f: OutboundFrame<string, unknown>, ctx: ProcessContext): boolean {
  const { env } = s.args;
  switch (f.type) {
    case 'match.state':
      // a Lua view arrives as JSON text, as a client would get it
      s.latest = f.payload instanceof RawJson ? (JSON.parse(f.payload.json) as unknown) : f.payload;
      return true;
    case 'match.vote_start': {
      const p = f.payload as { vote_id?: unknown; options?: unknown };
      if (env.castVote === undefined || typeof p.vote_id !== 'string' || !Array.isArray(p.options) || p.options.length === 0) return true;
      const pick = p.options[Math.floor(env.random() * p.options.length)] as unknown;
      const optionId = typeof pick === 'string' ? pick : typeof pick === 'object' && pick !== null ? (pick as { id?: unknown }).id : undefined;
      if (typeof optionId !== 'string') return true;
      const delay = env.voteDelayMs.min + env.random() * (env.voteDelayMs.max - env.voteDelayMs.min);
      ctx.sendAfter({ $: 'hajime.bot.vote', voteId: p.vote_id, optionId } satisfies VoteNow, Math.round(delay));
      return true;
    }
    case 'match.finished':
      return false;
    default:
      return true;
  }
}

async function join(s: State, ctx: ProcessContext): Promise<HandlerResult<State, 'join'>> {
  const { env, matchId, id } = s.args;
  s.joinAttempts += 1;
  try {
    await env.matches.join(matchId, id, ctx.self);
  } catch (e) {
    if (isGameError(e, 'match_not_found') && s.joinAttempts < BOT_JOIN_RETRY.attempts) {
      ctx.sendAfter(JOIN, BOT_JOIN_RETRY.delayMs);
      return noreply(s);
    }
    env.log.warn({ bot_id: id, match_id: matchId, reason: isGameError(e) ? e.reason : String(e) }, 'bot_join_failed');
    s.ended = true;
    return stop('normal', s);
  }
  const pid = env.matches.whereis(matchId);
  if (pid === undefined) {
    s.ended = true;
    return stop('normal', s);
  }
  ctx.monitor(pid);
  s.thinkTimer = ctx.sendInterval(THINK, env.thinkIntervalMs);
  return noreply(s);
}

export const BotServer: GenServerBehaviour<State, BotArgs, never, never, unknown, 'join'> = {
  init(args) {
    return ok<State, 'join'>(
      { args, script: undefined, latest: undefined, memory: {}, thinkTimer: undefined, lastFailureLogMs: undefined, scriptPausedUntilMs: 0, lastBoon: undefined, ended: false, joinAttempts: 0 },
      { continue: 'join' },
    );
  },

  handleContinue(_c, s, ctx) {
    loadScript(s);
    return join(s, ctx);
  },

  handleInfo(msg, s, ctx) {
    const { env, id } = s.args;
    if (msg === JOIN) return join(s, ctx);
    if (msg === THINK) {
      if (s.latest === undefined) return noreply(s);
      const input = decide(s, ctx.system.clock.now());
      if (input !== undefined) env.matches.input(id, input);
      return noreply(s);
    }
    if (isVoteNow(msg)) {
      void env.castVote?.(msg.voteId, id, msg.optionId).catch((e: unknown) => env.log.debug({ bot_id: id, vote_id: msg.voteId, reason: isGameError(e) ? e.reason : String(e) }, 'bot_vote_failed'));
      return noreply(s);
    }
    if (isDownMessage(msg)) {
      // The match process is gone: finished (the bot stops), or crashed and being restarted by its
      // supervisor (the bot stays if the restarted match still has it).
      ctx.sendAfter(RECHECK, BOT_RECHECK_MS);
      return noreply(s);
    }
    if (msg === RECHECK) {
      const pid = env.matches.whereis(s.args.matchId);
      if (pid !== undefined && pid.alive && env.matches.matchOf(id) === s.args.matchId) {
        ctx.monitor(pid);
        return noreply(s);
      }
      s.ended = true;
      return stop('normal', s);
    }
    const f = env.decodePush(msg);
    if (f !== undefined && !onFrame(s, f, ctx)) {
      s.ended = true;
      return stop('normal', s);
    }
    return noreply(s);
  },

  terminate(_reason, s) {
    const { env, id } = s.args;
    s.script?.close();
    s.script = undefined;
    // Removed (not ended with its match): leave now, so a reconnect policy never keeps a bot's slot.
    if (!s.ended) void env.matches.leave(id).catch(() => false);
    env.exited(id);
  },
};
