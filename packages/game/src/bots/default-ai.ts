/**
 * The built-in bot AI (asobi §2.25), pure functions over the state a client sees:
 *
 * - {@link defaultAi}: chase the nearest living enemy (by `players[*].x/y/hp`; `players` a map by id or a
 *   list of `{id, x, y, hp}`), shoot within 200 units with aim jitter, wander when there is nobody to
 *   chase (or the bot cannot find itself in the state). Used when a mode has no bot script, or its
 *   `think` fails, overruns or is missing.
 * - {@link builtinInput}: the boon pick (`state.phase == "boon_pick"` → the first of `state.boon_offers`).
 * - {@link inputSuppressed}: phases `voting` / `vote_pending` send no input.
 *
 * Inputs are `{dx, dy, shoot, aim_x?, aim_y?}` (dx, dy in -1..1, a unit vector or zero).
 */

export const DEFAULT_AI = Object.freeze({ shootRange: 200, aimJitter: 24, wanderMinMs: 1_000, wanderMaxMs: 2_500 });

/** What the default AI remembers between two thinks of one bot (its wander heading). */
export interface AiMemory {
  wander?: { readonly dx: number; readonly dy: number; readonly untilMs: number };
}

export interface AiContext {
  readonly nowMs: number;
  readonly random: () => number;
  readonly memory: AiMemory;
}

interface Body {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly hp: number | undefined;
}

function bodyOf(id: string, v: unknown): Body | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o['x'] !== 'number' || typeof o['y'] !== 'number' || !Number.isFinite(o['x']) || !Number.isFinite(o['y'])) return undefined;
  return { id, x: o['x'], y: o['y'], hp: typeof o['hp'] === 'number' ? o['hp'] : undefined };
}

/** The bodies in `state.players` (a map by id, or a list of objects with `id`). */
export function bodiesOf(state: unknown): Body[] {
  if (typeof state !== 'object' || state === null) return [];
  const players = (state as Record<string, unknown>)['players'];
  const out: Body[] = [];
  if (Array.isArray(players)) {
    for (const p of players) {
      const id = typeof p === 'object' && p !== null ? (p as Record<string, unknown>)['id'] : undefined;
      const b = typeof id === 'string' ? bodyOf(id, p) : undefined;
      if (b !== undefined) out.push(b);
    }
  } else if (typeof players === 'object' && players !== null) {
    for (const [id, p] of Object.entries(players)) {
      const b = bodyOf(id, p);
      if (b !== undefined) out.push(b);
    }
  }
  return out;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function wander(ctx: AiContext): Record<string, unknown> {
  const w = ctx.memory.wander;
  if (w === undefined || ctx.nowMs >= w.untilMs) {
    const angle = ctx.random() * 2 * Math.PI;
    const span = DEFAULT_AI.wanderMaxMs - DEFAULT_AI.wanderMinMs;
    ctx.memory.wander = { dx: round(Math.cos(angle)), dy: round(Math.sin(angle)), untilMs: ctx.nowMs + DEFAULT_AI.wanderMinMs + ctx.random() * span };
  }
  return { dx: ctx.memory.wander!.dx, dy: ctx.memory.wander!.dy, shoot: false };
}

/**
 * The default AI's input for `botId` given `state`.
 *
 * @example
 * defaultAi('bot_Spark_00aa11', { players: { bot_Spark_00aa11: { x: 0, y: 0, hp: 10 }, p1: { x: 100, y: 0, hp: 5 } } }, ctx);
 * // { dx: 1, dy: 0, shoot: true, aim_x: ~100, aim_y: ~0 }
 */
export function defaultAi(botId: string, state: unknown, ctx: AiContext): Record<string, unknown> {
  const bodies = bodiesOf(state);
  const me = bodies.find((b) => b.id === botId);
  if (me === undefined || (me.hp !== undefined && me.hp <= 0)) return wander(ctx);
  let best: Body | undefined;
  let bestD = Infinity;
  for (const b of bodies) {
    if (b.id === botId || (b.hp !== undefined && b.hp <= 0)) continue;
    const d = Math.hypot(b.x - me.x, b.y - me.y);
    if (d < bestD) {
      bestD = d;
      best = b;
    }
  }
  if (best === undefined) return wander(ctx);
  delete ctx.memory.wander;
  const dx = bestD === 0 ? 0 : round((best.x - me.x) / bestD);
  const dy = bestD === 0 ? 0 : round((best.y - me.y) / bestD);
  if (bestD > DEFAULT_AI.shootRange) return { dx, dy, shoot: false };
  const jitter = () => (ctx.random() * 2 - 1) * DEFAULT_AI.aimJitter;
  return { dx, dy, shoot: true, aim_x: round(best.x + jitter()), aim_y: round(best.y + jitter()) };
}

/** Phases in which a bot sends no input (a vote is on). */
export const SUPPRESSING_PHASES = Object.freeze(['voting', 'vote_pending']);

/** True when the state's `phase` suppresses input. */
export function inputSuppressed(state: unknown): boolean {
  const phase = typeof state === 'object' && state !== null ? (state as Record<string, unknown>)['phase'] : undefined;
  return typeof phase === 'string' && SUPPRESSING_PHASES.includes(phase);
}

/**
 * The built-in boon pick: in phase `boon_pick` with offers, `{type: "boon_pick", boon: <first offer>}`
 * (an offer's `id` when it is a table with one). Undefined otherwise.
 */
export function builtinInput(state: unknown): Record<string, unknown> | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const s = state as Record<string, unknown>;
  if (s['phase'] !== 'boon_pick') return undefined;
  const offers = s['boon_offers'];
  const first = Array.isArray(offers) ? offers[0] : undefined;
  if (first === undefined || first === null) return undefined;
  const boon = typeof first === 'object' && 'id' in first ? (first as Record<string, unknown>)['id'] : first;
  return { type: 'boon_pick', boon };
}
