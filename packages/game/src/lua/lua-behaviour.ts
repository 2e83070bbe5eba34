/**
 * A Lua mode as a {@link MatchBehaviour}: each callback calls the function of the same meaning in the
 * match's own engine. Conventions (asobi §2.24): `join` returning `nil, reason` (or nothing) refuses;
 * `tick` setting `state._finished = true` (and `state._result`) ends the match; `get_state(player_id,
 * state)` per player, or `get_state(state)` once per tick with `state_strategy = "shared"`. A failing or
 * overrunning callback never throws: its result is discarded and the previous state kept (a failed `join`
 * refuses with `script_error`; a failed `handle_input` rejects the input with the script's file:line, so
 * dev mode sends `module.error`).
 *
 * The state stays resident in the engine between callbacks (each callback gets a copy, so a failure
 * leaves it untouched); JS gets a plain copy after `init`, `join`, `leave`, `tick` and the vote/phase
 * hooks. `handle_input` hands back the last JS copy (the next `tick` brings it up to date), so a tick of
 * N inputs crosses the state from Lua to JS once.
 */
import type { PhaseDef } from '../phase/types.js';
import type { VoteRequest, VoteResult } from '../vote/types.js';
import { finished, refuse, rejectInput, type Finished, type InputRejected, type JoinCtx, type MatchApi, type MatchBehaviour, type MatchConfig, type Refusal } from '../match/behaviour.js';
import { STATE_SLOT, type Entry, type LuaBridge, type LuaCallback } from './bridge.js';

/** The game state of a Lua match: the table the script returns, as plain data. */
export type LuaState = Record<string, unknown>;

function isTable(v: unknown): v is LuaState {
  return typeof v === 'object' && v !== null;
}

/** A Lua table as a JS list: arrays as they are, `{}` (an empty table) as `[]`, anything else undefined. */
function asList(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (isTable(v) && Object.keys(v).length === 0) return [];
  return undefined;
}

export function luaBehaviour(bridge: LuaBridge, mode: string, shared: boolean): MatchBehaviour<LuaState, unknown> {
  const script = () => bridge.scriptOf(mode);

  /**
   * Calls a callback whose first result is the next state (nil: unchanged) with the resident state in
   * place of `state`; returns the state as JS data (the previous one on failure).
   */
  const stateCall = (match: MatchApi, e: Entry, cb: LuaCallback, args: (st: unknown) => readonly unknown[], state: LuaState): { state: LuaState; rest: unknown[]; ok: boolean } => {
    const ref = bridge.stateArg(e, state);
    const r = bridge.call(match.id, e, cb, args(ref), match, { storeIn: STATE_SLOT });
    if (!r.ok) return { state, rest: [], ok: false };
    const [next, ...rest] = r.value;
    if (isTable(next)) {
      e.lastJs = next;
      return { state: next, rest, ok: true };
    }
    return { state: (e.lastJs as LuaState | undefined) ?? state, rest, ok: true };
  };

  const hook = (match: MatchApi, cb: LuaCallback, args: (st: unknown) => readonly unknown[], state: LuaState, optional: boolean): LuaState => {
    const e = bridge.entry(match.id, mode);
    if (e === undefined || (optional && !bridge.defines(e, cb))) return state;
    return stateCall(match, e, cb, args, state).state;
  };

  const b: MatchBehaviour<LuaState, unknown> = {
    init(config: MatchConfig, match: MatchApi): LuaState {
      const e = bridge.fresh(match.id, mode);
      if (e === undefined) return {};
      const r = bridge.call(match.id, e, 'init', [config], match, { storeIn: STATE_SLOT });
      const s = r.ok ? r.value[0] : undefined;
      if (!isTable(s)) {
        if (r.ok) bridge.fail(match.id, mode, 'init', 'init must return the state table (got nil)', match);
        e.engine.setSlot(STATE_SLOT, {});
        e.lastJs = {};
        return e.lastJs as LuaState;
      }
      e.lastJs = s;
      return s;
    },

    join(playerId: string, state: LuaState, ctx: JoinCtx, match: MatchApi): LuaState | Refusal {
      const e = bridge.entry(match.id, mode);
      if (e === undefined) return refuse('script_error');
      const ref = bridge.stateArg(e, state);
      const r = bridge.call(match.id, e, 'join', [playerId, ref, ctx], match, { storeIn: STATE_SLOT });
      if (!r.ok) return refuse('script_error');
      const [next, reason] = r.value;
      if (isTable(next)) {
        e.lastJs = next;
        return next;
      }
      return refuse(typeof reason === 'string' ? reason : 'refused');
    },

    leave(playerId: string, state: LuaState, match: MatchApi): LuaState {
      bridge.entry(match.id, mode)?.views.delete(playerId);
      return hook(match, 'leave', (st) => [playerId, st], state, false);
    },

    handleInput(playerId: string, input: unknown, state: LuaState, match: MatchApi): LuaState | InputRejected {
      const e = bridge.entry(match.id, mode);
      if (e === undefined) return rejectInput('script_unavailable', { module: 'lua', script: script() });
      const ref = bridge.stateArg(e, state);
      const r = bridge.call(match.id, e, 'handle_input', [playerId, input, ref], match, { storeIn: STATE_SLOT, skipFirst: true });
      if (!r.ok) return rejectInput(r.kind === 'timeout' ? 'instruction budget exceeded' : r.message, { module: 'lua', script: r.where ?? script() });
      return state;
    },

    tick(state: LuaState, match: MatchApi): LuaState | Finished<LuaState> {
      const e = bridge.entry(match.id, mode);
      if (e === undefined) return state;
      const { state: next, ok } = stateCall(match, e, 'tick', (st) => [st], state);
      // failed, or returned nil: inputs may have changed the resident state since JS last saw it
      if (!ok || next === state) return bridge.materialize(e, state) as LuaState;
      if (ok && next['_finished'] === true) {
        const result = next['_result'];
        return finished(isTable(result) && !Array.isArray(result) ? result : {}, next);
      }
      return next;
    },

    voteRequested(state: LuaState, match: MatchApi): VoteRequest | undefined {
      const e = bridge.entry(match.id, mode);
      if (e === undefined || !bridge.defines(e, 'vote_requested')) return undefined;
      const r = bridge.call(match.id, e, 'vote_requested', [bridge.stateArg(e, state)], match);
      if (!r.ok) return undefined;
      const v = r.value[0];
      if (!isTable(v)) return undefined;
      const options = asList(v['options']);
      return (options === undefined ? v : { ...v, options }) as unknown as VoteRequest;
    },

    voteResolved(template: string, result: VoteResult, state: LuaState, match: MatchApi): LuaState {
      return hook(match, 'vote_resolved', (st) => [template, result, st], state, true);
    },

    phases(config: MatchConfig): readonly PhaseDef[] {
      const e = bridge.entry(config.match_id, mode);
      if (e === undefined || !bridge.defines(e, 'phases')) return [];
      const r = bridge.call(config.match_id, e, 'phases', [config], undefined);
      if (!r.ok) return [];
      const list = asList(r.value[0]);
      if (list === undefined || !list.every((p) => isTable(p) && typeof p['name'] === 'string')) {
        bridge.fail(config.match_id, mode, 'phases', 'phases must return a list of {name = "...", duration = ms, ...}');
        return [];
      }
      return list as unknown as PhaseDef[];
    },

    onPhaseStarted(phase: string, state: LuaState, match: MatchApi): LuaState {
      return hook(match, 'on_phase_started', (st) => [phase, st], state, true);
    },

    onPhaseEnded(phase: string, state: LuaState, match: MatchApi): LuaState {
      return hook(match, 'on_phase_ended', (st) => [phase, st], state, true);
    },

    dispose(matchId: string): void {
      bridge.release(matchId);
    },
  };

  const view = (match: MatchApi, state: LuaState, key: string, args: (st: unknown) => readonly unknown[]): unknown => {
    const e = bridge.entry(match.id, mode);
    if (e === undefined) return {};
    const r = bridge.call(match.id, e, 'get_state', args(bridge.stateArg(e, state)), match, { shareSlots: true });
    const last = key === '' ? e.shared : e.views.get(key);
    if (!r.ok) return last ?? {};
    const v = r.value[0];
    if (!isTable(v)) {
      bridge.fail(match.id, mode, 'get_state', `get_state must return a table (got ${typeof v})`, match);
      return last ?? {};
    }
    if (key === '') e.shared = v;
    else e.views.set(key, v);
    return v;
  };
  if (shared) b.getSharedState = (state, match) => view(match, state, '', (st) => [st]);
  else b.getState = (playerId, state, match) => view(match, state, playerId, (st) => [playerId, st]);
  return b;
}
