/**
 * Options of `Bots` (asobi §2.25 timings): typed, defaults written once, validated and frozen.
 */
import { BOT_SCRIPT_DEFAULTS, type BotScriptOptions } from './bot-script.js';

export interface BotsOptions {
  /** How often queue fill runs, ms (default 8000). */
  readonly fillIntervalMs?: number;
  /** How often matches are swept for bots without a process, ms (default 2000). */
  readonly sweepIntervalMs?: number;
  /** A bot's think loop, ms (default 100). */
  readonly thinkIntervalMs?: number;
  /** Bots per match (default 64). */
  readonly maxBotsPerMatch?: number;
  /** Highest queue-fill target (default 64). */
  readonly maxFillTarget?: number;
  /** A failing bot script is logged at most once per bot per this window, ms (default 60 000). */
  readonly failureLogIntervalMs?: number;
  /** After a bot's `think` overran its time or memory budget, the default AI plays this long before the script is tried again, ms (default 10 000). */
  readonly scriptBackoffMs?: number;
  /** A bot votes this long after `vote_start`, ms (default 1000..4000). */
  readonly voteDelayMinMs?: number;
  readonly voteDelayMaxMs?: number;
  /** Limits of bot scripts: `thinkTimeLimitMs` (50), `thinkInstructions` (5 000 000), `memoryMaxBytes` (16 MiB). */
  readonly script?: BotScriptOptions;
}

export const BOTS_DEFAULTS = Object.freeze({
  fillIntervalMs: 8_000,
  sweepIntervalMs: 2_000,
  thinkIntervalMs: 100,
  maxBotsPerMatch: 64,
  maxFillTarget: 64,
  failureLogIntervalMs: 60_000,
  scriptBackoffMs: 10_000,
  voteDelayMinMs: 1_000,
  voteDelayMaxMs: 4_000,
});

export type ResolvedBotsOptions = typeof BOTS_DEFAULTS & { readonly script: BotScriptOptions };

/** Applies the defaults; throws a TypeError naming a bad option. */
export function resolveBotsOptions(o: BotsOptions = {}): ResolvedBotsOptions {
  const out: Record<string, unknown> = { ...BOTS_DEFAULTS };
  for (const key of Object.keys(BOTS_DEFAULTS) as (keyof typeof BOTS_DEFAULTS)[]) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new TypeError(`bots option ${key} must be an integer ≥ 1 (got ${String(v)})`);
    out[key] = v;
  }
  if ((out['voteDelayMaxMs'] as number) < (out['voteDelayMinMs'] as number)) throw new TypeError('bots option voteDelayMaxMs must be ≥ voteDelayMinMs');
  const script: Record<string, number> = {};
  for (const [key, v] of Object.entries(o.script ?? {})) {
    if (v === undefined) continue;
    if (!(key in BOT_SCRIPT_DEFAULTS) || key === 'loadInstructions') throw new TypeError(`unknown bots option script.${key}`);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new TypeError(`bots option script.${key} must be an integer ≥ 1 (got ${String(v)})`);
    script[key] = v;
  }
  return Object.freeze({ ...(out as typeof BOTS_DEFAULTS), script: Object.freeze(script) as BotScriptOptions });
}
