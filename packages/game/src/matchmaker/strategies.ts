/**
 * The built-in matchmaking strategies (asobi §2.6) as pure functions, the query wrapper that makes any
 * strategy respect ticket queries, and the guard that keeps a player out of a group twice. The matchmaker
 * process calls {@link resolveStrategy} for a mode and runs the result on the mode's waiting tickets.
 */
import type { MatchmakerStrategy, StrategyContext, StrategyResult, Ticket } from './strategy.js';
import { accepts, MATCH_ALL, parseQuery, preference, type Query } from './query.js';

/** `skill_based` defaults (asobi): skill when absent, base window, widening per 5 s of waiting. */
export const SKILL_DEFAULTS = Object.freeze({ skill: 1000, skill_window: 200, skill_expand_rate: 50 });

/**
 * `fill` (asobi's default): first come, first served; groups of exactly `matchSize` in submission order,
 * the remainder waits.
 *
 * @example
 * fill(tickets, { matchSize: 2, config: {}, now }); // [t0,t1], [t2,t3]; t4 unmatched
 */
export const fill: MatchmakerStrategy = (tickets, ctx) => {
  const size = ctx.matchSize;
  const groups: Ticket[][] = [];
  const full = size > 0 ? Math.floor(tickets.length / size) * size : 0;
  for (let i = 0; i < full; i += size) groups.push(tickets.slice(i, i + size));
  return { groups, unmatched: tickets.slice(full) };
};

/** A ticket's skill: `properties.skill` when an integer, else 1000. */
export function skillOf(t: Ticket): number {
  const s = t.properties['skill'];
  return typeof s === 'number' && Number.isInteger(s) ? s : SKILL_DEFAULTS.skill;
}

function numberConfig(config: Readonly<Record<string, unknown>>, key: string, fallback: number): number {
  const v = config[key];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;
}

/**
 * `skill_based` (asobi): sorts by skill (stable), then scans consecutive windows of `matchSize`. A window
 * is a group when `|skill(first) - skill(last)| <= skill_window + floor(wait_s / 5) * skill_expand_rate`,
 * `wait_s` being the first (lowest-skill) ticket's whole seconds of waiting; otherwise that first ticket
 * stays unmatched and the scan slides by one. Config: `skill_window` (200), `skill_expand_rate` (50).
 *
 * @example
 * skillBased(tickets, { matchSize: 2, config: { skill_window: 100 }, now });
 */
export const skillBased: MatchmakerStrategy = (tickets, ctx) => {
  const size = ctx.matchSize;
  const window = numberConfig(ctx.config, 'skill_window', SKILL_DEFAULTS.skill_window);
  const rate = numberConfig(ctx.config, 'skill_expand_rate', SKILL_DEFAULTS.skill_expand_rate);
  const sorted = tickets
    .map((t, i) => ({ t, i, s: skillOf(t) }))
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .map((x) => x.t);
  const groups: Ticket[][] = [];
  const unmatched: Ticket[] = [];
  let i = 0;
  while (size > 0 && i + size <= sorted.length) {
    const first = sorted[i]!;
    const last = sorted[i + size - 1]!;
    const waitS = Math.max(0, Math.floor((ctx.now - first.submitted_at) / 1000));
    const allowed = window + Math.floor(waitS / 5) * rate;
    if (Math.abs(skillOf(last) - skillOf(first)) <= allowed) {
      groups.push(sorted.slice(i, i + size));
      i += size;
    } else {
      unmatched.push(first);
      i++;
    }
  }
  unmatched.push(...sorted.slice(i));
  return { groups, unmatched };
};

/** Parses a ticket's query; a ticket whose query does not parse accepts nobody. */
function queryOf(t: Ticket, cache: Map<string, Query | null>): Query | null {
  if (t.query === undefined) return MATCH_ALL;
  let q = cache.get(t.query);
  if (q === undefined) {
    try {
      q = parseQuery(t.query);
    } catch {
      q = null;
    }
    cache.set(t.query, q);
  }
  return q;
}

/**
 * Wraps a strategy so it only groups tickets whose queries accept each other (each ticket's query accepts
 * the other's properties). Tickets without a query skip the wrapper's work entirely (the inner strategy
 * sees the same input). Otherwise tickets are put, in submission order, into buckets of mutually
 * compatible tickets (a ticket joins the compatible bucket where its and the members' bare *should* terms
 * hold most often, the earliest on a tie, else opens a new one); the inner strategy runs on each bucket;
 * the tickets left over are bucketed again and the inner strategy re-run, until a round forms no group.
 * A ticket with an unparsable query is never grouped. On by default for `fill` and `skill_based`.
 *
 * @example
 * const regional = withQuery(myStrategy);
 */
export function withQuery(inner: MatchmakerStrategy): MatchmakerStrategy {
  return (tickets, ctx) => {
    if (tickets.every((t) => t.query === undefined)) return inner(tickets, ctx);
    const cache = new Map<string, Query | null>();
    const order = new Map<string, number>(tickets.map((t, i) => [t.id, i]));
    const compatible = (a: Ticket, b: Ticket): boolean => {
      const qa = queryOf(a, cache);
      const qb = queryOf(b, cache);
      return qa !== null && qb !== null && accepts(qa, b.properties) && accepts(qb, a.properties);
    };
    const score = (a: Ticket, b: Ticket): number => preference(queryOf(a, cache) ?? MATCH_ALL, b.properties) + preference(queryOf(b, cache) ?? MATCH_ALL, a.properties);
    const groups: (readonly Ticket[])[] = [];
    let pool: readonly Ticket[] = tickets.filter((t) => queryOf(t, cache) !== null);
    const broken = tickets.filter((t) => queryOf(t, cache) === null);
    for (;;) {
      const buckets: Ticket[][] = [];
      for (const t of pool) {
        let best: Ticket[] | undefined;
        let bestScore = -1;
        for (const b of buckets) {
          if (!b.every((m) => compatible(t, m))) continue;
          const s = b.reduce((acc, m) => acc + score(t, m), 0);
          if (s > bestScore) {
            best = b;
            bestScore = s;
          }
        }
        if (best === undefined) buckets.push([t]);
        else best.push(t);
      }
      const left: Ticket[] = [];
      let formed = 0;
      for (const b of buckets) {
        const r = inner(b, ctx);
        groups.push(...r.groups);
        formed += r.groups.length;
        left.push(...r.unmatched);
      }
      left.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
      pool = left;
      if (formed === 0 || left.length === 0) break;
    }
    const unmatched = [...pool, ...broken].sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    return { groups, unmatched };
  };
}

/**
 * Keeps a strategy's answer honest: a group repeating a player (no self-matches), repeating a ticket,
 * holding a ticket that was not offered, or empty is dropped and its offered tickets go back to the
 * queue; a ticket the strategy neither grouped nor returned is returned. The result covers every offered
 * ticket exactly once.
 */
export function dropSelfMatches(offered: readonly Ticket[], result: StrategyResult): StrategyResult {
  const byId = new Map(offered.map((t) => [t.id, t]));
  const used = new Set<string>();
  const groups: (readonly Ticket[])[] = [];
  for (const g of result.groups) {
    const players = new Set(g.map((t) => t.player_id));
    const ids = new Set(g.map((t) => t.id));
    const valid = g.length > 0 && players.size === g.length && ids.size === g.length && g.every((t) => byId.has(t.id) && !used.has(t.id));
    if (!valid) continue;
    for (const t of g) used.add(t.id);
    groups.push(g.map((t) => byId.get(t.id)!));
  }
  const unmatched = offered.filter((t) => !used.has(t.id));
  return { groups, unmatched };
}

/** The strategy function of a mode's `strategy` setting: the built-ins wrapped with {@link withQuery}, custom ones as given. */
export function resolveStrategy(strategy: 'fill' | 'skill_based' | MatchmakerStrategy): MatchmakerStrategy {
  if (strategy === 'fill') return FILL_WITH_QUERY;
  if (strategy === 'skill_based') return SKILL_WITH_QUERY;
  return strategy;
}
const FILL_WITH_QUERY = withQuery(fill);
const SKILL_WITH_QUERY = withQuery(skillBased);

/** Runs `strategy` and returns a result that is safe to act on ({@link dropSelfMatches}); a throwing strategy forms no group. */
export function runStrategy(strategy: MatchmakerStrategy, tickets: readonly Ticket[], ctx: StrategyContext): StrategyResult {
  let r: StrategyResult;
  try {
    r = strategy(tickets, ctx);
  } catch {
    return { groups: [], unmatched: tickets };
  }
  if (typeof r !== 'object' || r === null || !Array.isArray(r.groups)) return { groups: [], unmatched: tickets };
  return dropSelfMatches(tickets, r);
}
