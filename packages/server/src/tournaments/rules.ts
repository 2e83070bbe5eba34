/**
 * Entry fees and rewards of a tournament (Hajime, beyond asobi §2.15, which stores them and never
 * enforces them). Both are plain JSON on the `tournaments` row:
 *
 * - `entry_fee`: `{currency, amount}` (amount a positive integer), or null/absent for a free tournament.
 * - `rewards`: an array of tiers, each `{rank, currency, amount}` (one rank) or `{from, to, currency,
 *   amount}` (ranks `from..to`, inclusive). A rank matching several tiers gets every one of them.
 *
 * Validated when a tournament is created through `Tournaments.create`; rows written elsewhere whose
 * fee or rewards do not parse are treated as free / without rewards (logged by the service).
 */
import { ApiError } from '../api-error.js';

export interface EntryFee {
  readonly currency: string;
  readonly amount: number;
}

export interface RewardTier {
  /** First rank (1-based) paid by this tier. */
  readonly from: number;
  /** Last rank, inclusive. */
  readonly to: number;
  readonly currency: string;
  readonly amount: number;
}

/** One payout: `amount` of `currency` to the player at `rank`, from tier `tier` (its index). */
export interface Payout {
  readonly player_id: string;
  readonly rank: number;
  readonly tier: number;
  readonly currency: string;
  readonly amount: number;
}

/** Highest rank a tier may name (standings are read from the board's top 100). */
export const REWARD_MAX_RANK = 100;
const CURRENCY_RE = /^[A-Za-z0-9_.-]{1,32}$/;

function bad(field: string, why: string): ApiError {
  return new ApiError('validation_failed', { field, why });
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function posInt(v: unknown, max = Number.MAX_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;
}

/** Parses an entry fee; undefined for a free tournament. `validation_failed` when malformed. */
export function parseEntryFee(v: unknown): EntryFee | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v) || typeof v['currency'] !== 'string' || !CURRENCY_RE.test(v['currency']) || !posInt(v['amount'])) {
    throw bad('entry_fee', '{currency, amount} with a positive integer amount, or null');
  }
  return { currency: v['currency'], amount: v['amount'] };
}

/** Parses reward tiers; `[]` without rewards. `validation_failed` when malformed. */
export function parseRewards(v: unknown): RewardTier[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > REWARD_MAX_RANK) throw bad('rewards', `an array of at most ${REWARD_MAX_RANK} tiers`);
  return v.map((t, i) => {
    const field = `rewards[${i}]`;
    if (!isObj(t) || typeof t['currency'] !== 'string' || !CURRENCY_RE.test(t['currency']) || !posInt(t['amount'])) throw bad(field, 'a tier with currency and a positive integer amount');
    if (t['rank'] !== undefined) {
      if (!posInt(t['rank'], REWARD_MAX_RANK)) throw bad(field, `rank must be an integer in 1..${REWARD_MAX_RANK}`);
      return { from: t['rank'], to: t['rank'], currency: t['currency'], amount: t['amount'] };
    }
    if (!posInt(t['from'], REWARD_MAX_RANK) || !posInt(t['to'], REWARD_MAX_RANK) || t['to'] < t['from']) throw bad(field, `rank, or from..to within 1..${REWARD_MAX_RANK}`);
    return { from: t['from'], to: t['to'], currency: t['currency'], amount: t['amount'] };
  });
}

/** The payouts for final `standings` (participants only, best first, with their 1-based rank). */
export function payoutsFor(tiers: readonly RewardTier[], standings: readonly { readonly player_id: string; readonly rank: number }[]): Payout[] {
  const out: Payout[] = [];
  for (const s of standings) {
    tiers.forEach((t, tier) => {
      if (s.rank >= t.from && s.rank <= t.to) out.push({ player_id: s.player_id, rank: s.rank, tier, currency: t.currency, amount: t.amount });
    });
  }
  return out;
}

/**
 * Idempotency key of a player's entry fee debit: `tournament:<id>:<player>`; after n-1 refunded attempts
 * (joins that failed after the debit), `tournament:<id>:<player>:<n>`.
 */
export const feeKey = (tournamentId: string, playerId: string, attempt = 1): string => `tournament:${tournamentId}:${playerId}${attempt === 1 ? '' : `:${attempt}`}`;
/** Idempotency key of the refund of fee attempt `attempt`: `tournament:<id>:<player>:refund[:<n>]`. */
export const refundKey = (tournamentId: string, playerId: string, attempt = 1): string => `tournament:${tournamentId}:${playerId}:refund${attempt === 1 ? '' : `:${attempt}`}`;
/** Idempotency key of one reward payout (keys are unique per wallet, so per player and currency). */
export const rewardKey = (tournamentId: string, tier: number): string => `tournament:${tournamentId}:reward:${tier}`;
