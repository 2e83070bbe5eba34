/**
 * A Lua mode as a {@link MatchBehaviour}: each callback calls the function of the same meaning in the
 * match's own engine. Conventions (asobi §2.24): `join` returning `nil, reason` (or nothing) refuses;
 * `tick` setting `state._finished = true` (and `state._result`) ends the match; `get_state(player_id,
 * state)` per player, or `get_state(state)` once per tick with `state_strategy = "shared"`. A failing or
 * overrunning callback never throws: its result is discarded and the previous state kept (a failed `join`
 * refuses with `script_error`; a failed `handle_input` rejects the input with the script's file:line, so
 * dev mode sends `module.error`).
 *
 * The state stays resident in the engine between callbacks; JS gets a plain copy (read from the heap)
 * after `init`, `join`, `leave`, `tick` and the vote/phase hooks. A tick is one crossing into Lua:
 * `handleInput` only queues the input, and `tick` runs the queued inputs, `tick` and every view in one
 * `ScriptEngine.step` on the resident state. Callbacks of a step change the state in place, so when one
 * fails the state of the last tick is put back and the inputs before the failed one are replayed with
 * `game.*` calls muted (each callback is all-or-nothing, as in the reference); a failed input is reported
 * through `MatchApi.rejectedInput` (`module.error` in dev mode). Views come back as JSON text
 * ({@link RawJson}) that the frame encoder sends as it is.
 */
import type { PhaseDef } from '../phase/types.js';
import type { VoteRequest, VoteResult } from '../vote/types.js';
import { finished, refuse, rejectInput, type Finished, type InputRejected, type JoinCtx, type MatchApi, type MatchBehaviour, type MatchConfig, type Refusal } from '../match/behaviour.js';
import { RawJson } from '@hajime/protocol';
import { isPushable, PUSH_DEPTH_MAX, type LuaFailure, type StepResult } from '@hajime/lua';
import { isTextState, plainState, STATE_SLOT, type Entry, type LuaBridge, type LuaCallback } from './bridge.js';

const EMPTY_VIEW = new RawJson('{}');

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

/**
 * `textState`: a tick hands the state out as its JSON text (`{lua_state}`, see {@link LuaTextState}),
 * written straight from the engine's heap, for a host that only passes it on (a worker thread): no JS
 * copy of the state is built. The other callbacks still hand out plain data; either kind is taken back.
 */
export function luaBehaviour(bridge: LuaBridge, mode: string, shared: boolean, textState = false): MatchBehaviour<LuaState, unknown> {
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

  /**
   * One tick: the queued inputs, `tick` and the views in one step; on a failure, the last good state back,
   * the inputs before the failed one replayed (muted), and on without the failed part.
   */
  const runStep = (match: MatchApi, e: Entry, state: LuaState): LuaState => {
    bridge.stateArg(e, state);
    const good = e.lastJs as LuaState;
    let inputs = e.pending;
    e.pending = [];
    let tick = true;
    let careful = false;
    const views = shared ? 'shared' : 'players';
    const players = shared ? [] : match.players;
    const reject = (playerId: unknown, f: LuaFailure): void => {
      bridge.failed(match.id, mode, 'handle_input', f, match);
      if (typeof playerId === 'string') match.rejectedInput?.(playerId, rejectInput(f.kind === 'timeout' ? 'instruction budget exceeded' : f.message, { module: 'lua', script: f.where ?? script() }));
    };
    // inputs applied on top of `good` so far (their game.* calls made): replayed, muted, after each restore
    let done: unknown[] = [];
    const rebuild = (): void => {
      restore(e, good);
      if (!replay(match, e, done).ok) {
        restore(e, good); // not deterministic: the last good state
        done = [];
      }
    };
    for (;;) {
      const r = bridge.step(e, { inputs, tick, views, players, careful, stateAs: textState ? 'json' : 'data' }, match);
      if (r.ok) {
        keepViews(match, e, r, players);
        const next = textState ? { lua_state: r.state as string } : r.state;
        e.lastJs = next;
        e.viewsOf = next;
        return next as LuaState;
      }
      rebuild();
      if (r.callback === 'state' && !careful) {
        // a callback left something that is not plain data in the state: run again checking each one
        careful = true;
        continue;
      }
      if (r.callback !== 'handle_input' && r.callback !== 'tick') {
        bridge.failed(match.id, mode, 'tick', r.failure, match);
        restore(e, good);
        return good; // the runner itself failed: this tick is dropped
      }
      // the inputs whose callbacks ran before the failure, re-applied checked and muted (their game.*
      // calls already happened): an earlier one may have broken the state the failed callback saw
      const at = r.callback === 'handle_input' ? (r.input - 1) * 2 : inputs.length;
      const ran = inputs.slice(0, at);
      const again = replay(match, e, ran);
      if (!again.ok && again.callback === 'handle_input') {
        const j = (again.input - 1) * 2;
        reject(ran[j], again.failure);
        rebuild();
        const before = ran.slice(0, j);
        if (replay(match, e, before).ok) done = [...done, ...before];
        else rebuild();
        inputs = [...ran.slice(j + 2), ...inputs.slice(at)];
        continue;
      }
      if (again.ok) done = [...done, ...ran];
      else rebuild();
      if (r.callback === 'handle_input') {
        reject(inputs[at], r.failure);
        inputs = inputs.slice(at + 2);
      } else {
        bridge.failed(match.id, mode, 'tick', r.failure, match);
        inputs = [];
        tick = false;
      }
    }
  };

  /** Runs `inputs` again with `game.*` muted and the state checked after each. */
  const replay = (match: MatchApi, e: Entry, inputs: unknown[]): StepResult => {
    if (inputs.length === 0) return { ok: true, state: undefined, views: [] };
    e.muted = true;
    try {
      return bridge.step(e, { inputs, tick: false, views: 'none', careful: true }, match);
    } finally {
      e.muted = false;
    }
  };

  const restore = (e: Entry, good: LuaState): void => {
    e.engine.setSlot(STATE_SLOT, plainState(good));
    e.lastJs = good;
  };

  const keepViews = (match: MatchApi, e: Entry, r: Extract<StepResult, { ok: true }>, players: readonly string[]): void => {
    if (r.viewFailure !== undefined) bridge.failed(match.id, mode, 'get_state', r.viewFailure, match);
    if (shared) {
      const v = r.views[0];
      if (v !== undefined) e.shared = new RawJson(v);
      return;
    }
    for (let i = 0; i < players.length; i++) {
      const v = r.views[i];
      if (v !== undefined) e.views.set(players[i]!, new RawJson(v));
    }
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
      // handed to Lua as plain data (a frame's JSON always is, unless nested absurdly deep)
      if (!isPushable(input)) return rejectInput(`input nested deeper than ${PUSH_DEPTH_MAX} levels`, { module: 'lua', script: script() });
      // applied by the next tick's step, in arrival order
      e.pending.push(playerId, input);
      return state;
    },

    tick(state: LuaState, match: MatchApi): LuaState | Finished<LuaState> {
      const e = bridge.entry(match.id, mode);
      if (e === undefined) return state;
      const next = runStep(match, e, state);
      // a text state is looked into only when it may say so
      const data = isTextState(next) ? (next.lua_state.includes('"_finished":true') ? (plainState(next) as LuaState) : undefined) : next;
      if (data !== undefined && data['_finished'] === true) {
        const result = data['_result'];
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

  const view = (match: MatchApi, state: LuaState, key: string, args: (st: unknown) => readonly unknown[]): RawJson => {
    const e = bridge.entry(match.id, mode);
    if (e === undefined) return EMPTY_VIEW;
    const last = key === '' ? e.shared : e.views.get(key);
    // built by this tick's step from this very state
    if (state === e.viewsOf && last !== undefined) return last;
    const r = bridge.call(match.id, e, 'get_state', args(bridge.stateArg(e, state)), match, { shareSlots: true, json: true });
    if (!r.ok) return last ?? EMPTY_VIEW;
    const v = r.value[0] as string;
    if (v.charCodeAt(0) !== 123 && v.charCodeAt(0) !== 91) {
      bridge.fail(match.id, mode, 'get_state', `get_state must return a table (got ${v === 'null' ? 'nil' : 'a ' + (v.startsWith('"') ? 'string' : 'value')})`, match);
      return last ?? EMPTY_VIEW;
    }
    const out = new RawJson(v);
    if (key === '') e.shared = out;
    else e.views.set(key, out);
    return out;
  };
  if (shared) b.getSharedState = (state, match) => view(match, state, '', (st) => [st]);
  else b.getState = (playerId, state, match) => view(match, state, playerId, (st) => [playerId, st]);
  return b;
}
