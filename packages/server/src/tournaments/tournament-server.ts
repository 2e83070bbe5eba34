/**
 * The tournament actor: one GenServer per pending or active tournament, started by {@link Tournaments}
 * (at boot for every row not finished, and on `Tournaments.create`) under its DynamicSupervisor and
 * named in its Registry by tournament id. It hydrates the participants from storage in `init`, keeps
 * them in memory for the join pre-checks (the storage enforces `max_entries` and duplicates atomically
 * anyway), and drives the status on the system clock: pending → active at `start_at`, active →
 * finished at `end_at` (rewards paid first, then the row marked finished, then the actor stops
 * normally). A transition that fails (storage down) is retried every `retryMs`. Joins are serialised
 * through the actor, so a tournament's fee debits, joins and the final payout never interleave. Only the
 * `TournamentActor` client API below sends it messages.
 */
import { GenServer, ignore, noreply, ok, reply, stop, type ActorSystem, type Dest, type GenServerBehaviour, type ProcessContext, type TimerRef } from '@hajime/actor';
import type { Tournament, TournamentEntry, TournamentStatus } from '@hajime/storage';

/** Longest single timer; a later deadline is reached in hops (Node timers overflow past ~24.8 days). */
export const MAX_TIMER_MS = 24 * 60 * 60 * 1000;

/** What the actor needs from the service (the port; {@link Tournaments} is the adapter). */
export interface TournamentOps {
  get(id: string): Promise<Tournament | undefined>;
  participants(id: string): Promise<string[]>;
  setStatus(id: string, status: TournamentStatus): Promise<Tournament>;
  /** Debit the fee, join, refund on failure; the error is thrown as the wire error. */
  join(row: Tournament, playerId: string, participants: ReadonlySet<string>): Promise<TournamentEntry>;
  /** Pays the rewards (idempotent), returns how many payouts were made or replayed. */
  payRewards(row: Tournament, participants: ReadonlySet<string>): Promise<number>;
  logWarn(report: Record<string, unknown>): void;
}

export interface TournamentArgs {
  readonly id: string;
  readonly ops: TournamentOps;
  readonly retryMs: number;
}

interface TournamentState {
  readonly id: string;
  readonly ops: TournamentOps;
  readonly retryMs: number;
  row: Tournament;
  readonly participants: Set<string>;
  timer: TimerRef | undefined;
}

type TournamentCall = { readonly type: 'join'; readonly player_id: string } | { readonly type: 'row' } | { readonly type: 'participants' } | { readonly type: 'finish' };
type TournamentInfo = { readonly type: 'tick' };
const TICK: TournamentInfo = { type: 'tick' };

/** The reply to a join: the entry, or the error to rethrow in the caller. */
export type JoinReply = { readonly ok: TournamentEntry } | { readonly err: unknown };

function schedule(s: TournamentState, ctx: ProcessContext, delayMs?: number): void {
  if (s.timer !== undefined) ctx.cancelTimer(s.timer);
  s.timer = undefined;
  if (s.row.status === 'finished') return;
  const target = (s.row.status === 'pending' ? s.row.start_at : s.row.end_at).getTime();
  const wait = delayMs ?? target - ctx.system.clock.epochMs();
  if (wait <= 0) ctx.send(ctx.self, TICK);
  else s.timer = ctx.sendAfter(TICK, Math.min(wait, MAX_TIMER_MS));
}

/** Applies every transition that is due; true when the tournament is finished. */
async function advance(s: TournamentState, ctx: ProcessContext): Promise<boolean> {
  const now = ctx.system.clock.epochMs();
  if (s.row.status === 'pending' && now >= s.row.start_at.getTime()) s.row = await s.ops.setStatus(s.id, 'active');
  if (s.row.status === 'active' && now >= s.row.end_at.getTime()) await finish(s);
  return s.row.status === 'finished';
}

async function finish(s: TournamentState): Promise<void> {
  await s.ops.payRewards(s.row, s.participants);
  s.row = await s.ops.setStatus(s.id, 'finished');
}

export const TournamentServer: GenServerBehaviour<TournamentState, TournamentArgs, TournamentCall, never, unknown> = {
  async init(args, ctx) {
    const row = await args.ops.get(args.id);
    if (row === undefined || row.status === 'finished') return ignore();
    const s: TournamentState = { id: args.id, ops: args.ops, retryMs: args.retryMs, row, participants: new Set(await args.ops.participants(args.id)), timer: undefined };
    schedule(s, ctx);
    return ok(s);
  },

  async handleCall(msg, _from, s) {
    switch (msg.type) {
      case 'row':
        return reply(s.row, s);
      case 'participants':
        return reply([...s.participants], s);
      case 'join': {
        try {
          const entry = await s.ops.join(s.row, msg.player_id, s.participants);
          s.participants.add(entry.player_id);
          return reply({ ok: entry } satisfies JoinReply, s);
        } catch (err) {
          return reply({ err } satisfies JoinReply, s);
        }
      }
      case 'finish': {
        // A manual end (or a retry of one): pays (idempotently) and marks the row finished, whatever the clock says.
        try {
          await finish(s);
        } catch (err) {
          return reply({ err }, s);
        }
        return stop('normal', s, { reply: { ok: s.row } });
      }
    }
  },

  async handleInfo(msg, s, ctx) {
    if ((msg as TournamentInfo | undefined)?.type !== 'tick') return noreply(s);
    s.timer = undefined;
    try {
      if (await advance(s, ctx)) return stop('normal', s);
      schedule(s, ctx);
    } catch (e) {
      s.ops.logWarn({ report: 'tournament_transition_failed', tournament_id: s.id, status: s.row.status, error: e instanceof Error ? e.message : String(e) });
      schedule(s, ctx, s.retryMs);
    }
    return noreply(s);
  },
};

export interface TournamentCallOptions {
  readonly system?: ActorSystem;
  readonly timeoutMs?: number;
}

function callT<R>(ref: Dest, msg: TournamentCall, o: TournamentCallOptions): Promise<R> {
  return GenServer.call<R>(ref, msg, o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }, o.system);
}

/** The tournament actor's client API (inputs validated by {@link Tournaments}). */
export const TournamentActor = {
  /** Joins `playerId` (fee, join, refund on failure), serialised with the other joins and the finish. */
  join: (ref: Dest, playerId: string, o: TournamentCallOptions = {}): Promise<JoinReply> => callT(ref, { type: 'join', player_id: playerId }, o),
  /** The row as the actor last saw it. */
  row: (ref: Dest, o: TournamentCallOptions = {}): Promise<Tournament> => callT(ref, { type: 'row' }, o),
  /** The participant ids. */
  participants: (ref: Dest, o: TournamentCallOptions = {}): Promise<string[]> => callT(ref, { type: 'participants' }, o),
  /** Ends the tournament now (rewards paid idempotently); the actor stops after replying. */
  finish: (ref: Dest, o: TournamentCallOptions = {}): Promise<{ ok: Tournament } | { err: unknown }> => callT(ref, { type: 'finish' }, o),
} as const;
