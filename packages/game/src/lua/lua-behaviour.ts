/**
 * A Lua mode as a {@link MatchBehaviour}: each callback calls the function of the same meaning in the
 * match's own engine. Conventions (asobi §2.24): `join` returning `nil, reason` (or nothing) refuses;
 * `tick` setting `state._finished = true` (and `state._result`) ends the match; `get_state(player_id,
 * state)` per player, or `get_state(state)` once per tick with `state_strategy = "shared"`. A failing or
 * overrunning callback never throws: its result is discarded and the previous state kept (a failed `join`
 * refuses with `script_error`; a failed `handle_input` rejects the input with the script's file:line, so
 * dev mode sends `module.error`).
 */
import type { PhaseDef } from '../phase/types.js';
import type { VoteRequest, VoteResult } from '../vote/types.js';
import { finished, refuse, rejectInput, type Finished, type InputRejected, type JoinCtx, type MatchApi, type MatchBehaviour, type MatchConfig, type Refusal } from '../match/behaviour.js';
import type { LuaBridge, LuaCallback } from './bridge.js';

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

  /** Calls a callback that returns the state; the previous state on failure or a non-table result. */
  const stateCall = (match: MatchApi, cb: LuaCallback, args: readonly unknown[], state: LuaState): LuaState => {
    const e = bridge.entry(match.id, mode);
    if (e === undefined) return state;
    const r = bridge.call(match.id, e, cb, args, match);
    if (!r.ok) return state;
    const next = r.value[0];
    if (next === undefined) return state;
    if (!isTable(next)) {
      bridge.fail(match.id, mode, cb, `${cb} must return the state table (got ${typeof next})`, match);
      return state;
    }
    return next;
  };

  const b: MatchBehaviour<LuaState, unknown> = {
    init(config: MatchConfig, match: MatchApi): LuaState {
      const e = bridge.fresh(match.id, mode);
      if (e === undefined) return {};
      const r = bridge.call(match.id, e, 'init', [config], match);
      if (!r.ok) return {};
      const s = r.value[0];
      if (!isTable(s)) {
        bridge.fail(match.id, mode, 'init', `init must return the state table (got ${typeof s})`, match);
        return {};
      }
      return s;
    },

    join(playerId: string, state: LuaState, ctx: JoinCtx, match: MatchApi): LuaState | Refusal {
      const e = bridge.entry(match.id, mode);
      if (e === undefined) return refuse('script_error');
      const r = bridge.call(match.id, e, 'join', [playerId, state, ctx], match);
      if (!r.ok) return refuse('script_error');
      const [next, reason] = r.value;
      if (isTable(next)) return next;
      if (next === undefined) return refuse(typeof reason === 'string' ? reason : 'refused');
      bridge.fail(match.id, mode, 'join', `join must return the state table or nil, reason (got ${typeof next})`, match);
      return refuse('script_error');
    },

    leave(playerId: string, state: LuaState, match: MatchApi): LuaState {
      bridge.entry(match.id, mode)?.views.delete(playerId);
      return stateCall(match, 'leave', [playerId, state], state);
    },

    handleInput(playerId: string, input: unknown, state: LuaState, match: MatchApi): LuaState | InputRejected {
      const e = bridge.entry(match.id, mode);
      if (e === undefined) return rejectInput('script_unavailable', { module: 'lua', script: script() });
      const r = bridge.call(match.id, e, 'handle_input', [playerId, input, state], match);
      if (!r.ok) return rejectInput(r.kind === 'timeout' ? `instruction budget exceeded` : r.message, { module: 'lua', script: r.where ?? script() });
      const next = r.value[0];
      if (next === undefined) return state;
      if (!isTable(next)) {
        bridge.fail(match.id, mode, 'handle_input', `handle_input must return the state table (got ${typeof next})`, match);
        return rejectInput('handle_input must return the state table', { module: 'lua', script: script() });
      }
      return next;
    },

    tick(state: LuaState, match: MatchApi): LuaState | Finished<LuaState> {
      const next = stateCall(match, 'tick', [state], state);
      if (next !== state && next['_finished'] === true) {
        const result = next['_result'];
        return finished(isTable(result) && !Array.isArray(result) ? result : {}, next);
      }
      return next;
    },

    voteRequested(state: LuaState, match: MatchApi): VoteRequest | undefined {
      const e = bridge.entry(match.id, mode);
      if (e === undefined || !bridge.defines(e, 'vote_requested')) return undefined;
      const r = bridge.call(match.id, e, 'vote_requested', [state], match);
      if (!r.ok) return undefined;
      const v = r.value[0];
      if (!isTable(v)) return undefined;
      const options = asList(v['options']);
      return (options === undefined ? v : { ...v, options }) as unknown as VoteRequest;
    },

    voteResolved(template: string, result: VoteResult, state: LuaState, match: MatchApi): LuaState {
      const e = bridge.entry(match.id, mode);
      if (e === undefined || !bridge.defines(e, 'vote_resolved')) return state;
      return stateCall(match, 'vote_resolved', [template, result, state], state);
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
      const e = bridge.entry(match.id, mode);
      if (e === undefined || !bridge.defines(e, 'on_phase_started')) return state;
      return stateCall(match, 'on_phase_started', [phase, state], state);
    },

    onPhaseEnded(phase: string, state: LuaState, match: MatchApi): LuaState {
      const e = bridge.entry(match.id, mode);
      if (e === undefined || !bridge.defines(e, 'on_phase_ended')) return state;
      return stateCall(match, 'on_phase_ended', [phase, state], state);
    },

    dispose(matchId: string): void {
      bridge.release(matchId);
    },
  };

  const view = (match: MatchApi, key: string, args: readonly unknown[]): unknown => {
    const e = bridge.entry(match.id, mode);
    if (e === undefined) return {};
    const r = bridge.call(match.id, e, 'get_state', args, match);
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
  if (shared) b.getSharedState = (state, match) => view(match, '', [state]);
  else b.getState = (playerId, state, match) => view(match, playerId, [playerId, state]);
  return b;
}
