/**
 * What a match advances besides the game: its phases (the pure engine of `phase/engine.ts`, ticked with the
 * roster) and the reconnect grace of its players (`timer/reconnect.ts`). The match server calls these from
 * its tick, its joins and its connection monitors; nothing here is a process.
 *
 * - Phases: `phase_started` / `phase_ended` call `onPhaseStarted` / `onPhaseEnded`; when the last phase
 *   ends the match finishes with `{status: 'phases_complete'}`. Listings carry the `phase` block.
 * - Reconnect: without a policy a player's last connection dropping is a leave. With one, the slot is
 *   kept for `grace_period` (`onReconnect` tells the game `grace_started`, `player_reconnected`,
 *   `grace_expired`); `during_grace: 'removed'` calls `leave` at once and `join` again on return;
 *   `on_expire` `remove`/`kick` leave, `forfeit` leaves and counts the player in the record as a loser,
 *   `ai_takeover` keeps the player in the roster; `pause_match` pauses the match while anyone is in grace.
 */
import { createPhases, pausePhases, phaseEvent, resumePhases, tickPhases } from '../phase/engine.js';
import type { PhaseEvent, PhasesState } from '../phase/types.js';
import { createReconnect, disconnected, forgetPlayer, reconnected, shouldPause, tickReconnect, type ReconnectEvent } from '../timer/reconnect.js';
import { isRefusal } from './behaviour.js';
import { isThenable, publish, type Snapshot, type State } from './match-state.js';

/** Builds the phase engine and reconnect state of a new match. */
export function initProgress(s: State, now: number): void {
  const defs = s.behaviour.phases?.(s.config);
  if (defs !== undefined && defs.length > 0) s.phases = createPhases(defs, now);
  if (s.mode.reconnect !== undefined) s.reconnect = createReconnect(s.mode.reconnect);
}

/** Restores them from a snapshot (phase definitions are rebuilt from `phases(config)`). */
export function restoreProgress(s: State, snap: Snapshot): void {
  if (snap.phases !== null) {
    const defs = s.behaviour.phases?.(s.config) ?? [];
    s.phases = { ...snap.phases, defs } as PhasesState;
  }
  if (snap.reconnect !== null) s.reconnect = snap.reconnect;
  else if (s.mode.reconnect !== undefined) s.reconnect = createReconnect(s.mode.reconnect);
  s.forfeited = [...snap.forfeited];
}

/** The snapshot fields of the progress. */
export function snapshotProgress(s: State): Pick<Snapshot, 'phases' | 'reconnect' | 'forfeited'> {
  let phases: Snapshot['phases'] = null;
  if (s.phases !== undefined) {
    const { defs: _defs, ...rest } = s.phases;
    phases = rest;
  }
  return { phases, reconnect: s.reconnect ?? null, forfeited: s.forfeited };
}

async function applyPhaseEvents(s: State, events: readonly PhaseEvent[]): Promise<boolean> {
  const b = s.behaviour;
  let complete = false;
  for (const e of events) {
    if (e.type === 'phase_started' && b.onPhaseStarted !== undefined) {
      const r = b.onPhaseStarted(e.phase, s.game, s.api);
      s.game = isThenable(r) ? await r : r;
    } else if (e.type === 'phase_ended' && b.onPhaseEnded !== undefined) {
      const r = b.onPhaseEnded(e.phase, s.game, s.api);
      s.game = isThenable(r) ? await r : r;
    } else if (e.type === 'all_phases_complete') complete = true;
  }
  if (events.length > 0) publish(s);
  return complete;
}

/**
 * Advances the phases by one tick (queued phase events first). Resolves true when every phase is
 * complete (the match then finishes).
 */
export async function tickProgressPhases(s: State, now: number): Promise<boolean> {
  if (s.phases === undefined) return false;
  let complete = false;
  for (const name of s.phaseEvents.splice(0)) {
    const r = phaseEvent(s.phases, name, now);
    s.phases = r.state;
    complete = (await applyPhaseEvents(s, r.events)) || complete;
  }
  const r = tickPhases(s.phases, { now, players: s.players.length, maxPlayers: s.mode.maxPlayers, allReady: false });
  s.phases = r.state;
  return (await applyPhaseEvents(s, r.events)) || complete;
}

async function tellGame(s: State, e: ReconnectEvent): Promise<void> {
  if (s.behaviour.onReconnect === undefined) return;
  const r = s.behaviour.onReconnect(e, s.game, s.api);
  s.game = isThenable(r) ? await r : r;
}

async function applyGrace(s: State, events: readonly ReconnectEvent[], leave: (id: string) => Promise<void>): Promise<void> {
  for (const e of events) {
    await tellGame(s, e);
    if (e.type === 'grace_started' && e.during_grace === 'removed') {
      const r = s.behaviour.leave(e.player_id, s.game, s.api);
      s.game = isThenable(r) ? await r : r;
    }
    if (e.type === 'grace_expired' && e.action !== 'ai_takeover') {
      if (e.action === 'forfeit' && !s.forfeited.includes(e.player_id)) s.forfeited = [...s.forfeited, e.player_id];
      if (s.reconnect !== undefined) s.reconnect = forgetPlayer(s.reconnect, e.player_id);
      await leave(e.player_id);
    }
  }
  syncGracePause(s);
}

/** Pauses or resumes the phases for `pause_match` graces (the tick keeps running to expire graces). */
function syncGracePause(s: State): void {
  const want = s.reconnect !== undefined && shouldPause(s.reconnect) && (s.status === 'running' || s.pausedForGrace);
  const now = s.ctx.system.clock.now();
  if (want && !s.pausedForGrace) {
    s.pausedForGrace = true;
    s.status = 'paused';
    if (s.phases !== undefined) s.phases = pausePhases(s.phases, now);
    publish(s);
  } else if (!want && s.pausedForGrace) {
    s.pausedForGrace = false;
    if (s.status === 'paused') s.status = 'running';
    if (s.phases !== undefined) s.phases = resumePhases(s.phases, now);
    publish(s);
  }
}

/**
 * The last connection of a roster player dropped. True when the player keeps the slot (a grace began);
 * false when the caller should remove the player (no policy, or no offline time left, handled here).
 */
export async function playerDropped(s: State, playerId: string, leave: (id: string) => Promise<void>): Promise<boolean> {
  if (s.reconnect === undefined || s.status === 'waiting') return false;
  const r = disconnected(s.reconnect, playerId, s.ctx.system.clock.now());
  s.reconnect = r.state;
  await applyGrace(s, r.events, leave);
  return s.players.includes(playerId);
}

/** A roster player attached a connection again: ends their grace (`player_reconnected`). */
export async function playerReturned(s: State, playerId: string, leave: (id: string) => Promise<void>): Promise<void> {
  if (s.reconnect === undefined) return;
  const r = reconnected(s.reconnect, playerId, s.ctx.system.clock.now());
  s.reconnect = r.state;
  for (const e of r.events) {
    if (e.type === 'player_reconnected' && s.mode.reconnect?.during_grace === 'removed') {
      const j = s.behaviour.join(playerId, s.game, {}, s.api);
      const v = isThenable(j) ? await j : j;
      if (!isRefusal(v)) s.game = v;
    }
  }
  await applyGrace(s, r.events, leave);
}

/** Expires graces that ran out (every tick, paused or not). */
export async function tickGrace(s: State, leave: (id: string) => Promise<void>): Promise<void> {
  if (s.reconnect === undefined) return;
  const r = tickReconnect(s.reconnect, s.ctx.system.clock.now());
  s.reconnect = r.state;
  await applyGrace(s, r.events, leave);
}
