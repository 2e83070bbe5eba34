/**
 * The bridge core shared by every Lua mode of one `createLuaModes`: one engine per match (created in
 * `init`, or lazily on the first callback after a crash restart, closed in `dispose`), looked up by match
 * id; every call under its callback's instruction budget; failures logged once per (script, callback)
 * per window with file:line, never thrown.
 */
import { ScriptEngine, type CallOptions, type LuaGame, type LuaResult, type StepRequest, type StepResult } from '@hajime/lua';
import type { RawJson } from '@hajime/protocol';
import type { MatchApi } from '../match/behaviour.js';
import { createGameApi } from './host-api.js';
import type { LuaHostServices } from './host-services.js';
import { OncePerWindow, PerSecond } from './limits.js';

/** The Lua match callbacks. */
export type LuaCallback = 'init' | 'join' | 'leave' | 'handle_input' | 'tick' | 'get_state' | 'vote_requested' | 'vote_resolved' | 'phases' | 'on_phase_started' | 'on_phase_ended';

/** Instruction budgets per callback (a count hook; about 3 ns per instruction here). */
export const LUA_CALLBACK_BUDGETS: Readonly<Record<LuaCallback, number>> = Object.freeze({
  init: 50_000_000,
  join: 5_000_000,
  leave: 5_000_000,
  handle_input: 2_000_000,
  tick: 20_000_000,
  get_state: 2_000_000,
  vote_requested: 5_000_000,
  vote_resolved: 5_000_000,
  phases: 10_000_000,
  on_phase_started: 5_000_000,
  on_phase_ended: 5_000_000,
});

/** CPU time limits per callback, ms (asobi's per-callback budgets; `handle_input` bounded too). */
export const LUA_CALLBACK_TIME_LIMITS_MS: Readonly<Record<LuaCallback, number>> = Object.freeze({
  init: 1000,
  join: 200,
  leave: 200,
  handle_input: 100,
  tick: 500,
  get_state: 100,
  vote_requested: 200,
  vote_resolved: 200,
  phases: 1000,
  on_phase_started: 200,
  on_phase_ended: 200,
});

export type BridgeLog = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>) => void;

export interface BridgeOptions {
  readonly budgets: Readonly<Record<LuaCallback, number>>;
  readonly timeLimitsMs: Readonly<Record<LuaCallback, number>>;
  readonly services: LuaHostServices;
  readonly errorWindowMs: number;
  readonly logPerMatchPerSecond: number;
  readonly logPerNodePerSecond: number;
  readonly log: BridgeLog;
  readonly now: () => number;
}

/**
 * A state held as its JSON text (`{lua_state}`): what a mode built with `textState` hands out, and what
 * the main thread keeps of a match whose engine is in a worker (cheap to pass between threads and to
 * snapshot; never looked into on the way).
 */
export interface LuaTextState {
  readonly lua_state: string;
}

export function isTextState(v: unknown): v is LuaTextState {
  return typeof v === 'object' && v !== null && typeof (v as LuaTextState).lua_state === 'string';
}

/** The state as plain data to copy into an engine (a text state parsed; anything not a table: `{}`). */
export function plainState(state: unknown): object {
  if (isTextState(state)) {
    const v: unknown = JSON.parse(state.lua_state);
    return typeof v === 'object' && v !== null ? v : {};
  }
  return typeof state === 'object' && state !== null ? state : {};
}

/** The resident game state of a match engine. */
export const STATE_SLOT = 'state';
const STATE_REF = ScriptEngine.slot(STATE_SLOT);

export interface Entry {
  readonly engine: ScriptEngine;
  readonly mode: string;
  api: MatchApi | undefined;
  /** The last good view of each player, and the shared view (JSON text). */
  readonly views: Map<string, RawJson>;
  shared: RawJson | undefined;
  /** The state the views of the last step were built from (views are reused only for this very state). */
  viewsOf: unknown;
  /** Inputs accepted since the last tick, as flat pairs (player id, input). */
  pending: unknown[];
  /** Replaying inputs that already ran: `game.*` calls do nothing. */
  muted: boolean;
  /**
   * The JS state last handed to the match server. The Lua side keeps the state resident; a callback
   * given this very object uses the resident copy, any other object (a snapshot after a restart) is
   * copied in first.
   */
  lastJs: unknown;
}

export class LuaBridge {
  readonly game: LuaGame;
  readonly #o: BridgeOptions;
  readonly #matches = new Map<string, Entry>();
  readonly #errors: OncePerWindow;
  readonly #nodeLog: PerSecond;
  readonly #stepLimits: StepRequest['limits'];

  constructor(game: LuaGame, options: BridgeOptions) {
    this.game = game;
    this.#o = options;
    this.#errors = new OncePerWindow(options.errorWindowMs);
    this.#nodeLog = new PerSecond(options.logPerNodePerSecond);
    const b = options.budgets;
    const ms = options.timeLimitsMs;
    this.#stepLimits = {
      input: { instructions: b.handle_input, timeLimitMs: ms.handle_input },
      tick: { instructions: b.tick, timeLimitMs: ms.tick },
      view: { instructions: b.get_state, timeLimitMs: ms.get_state },
    };
  }

  /** Match ids with a live engine. */
  get engines(): number {
    return this.#matches.size;
  }

  /** The script of `mode` (relative path), for messages. */
  scriptOf(mode: string): string {
    return this.game.modes[mode]?.relFile ?? `${mode}.lua`;
  }

  /** A fresh engine for `matchId` (closing one it may have had). */
  fresh(matchId: string, mode: string): Entry | undefined {
    this.release(matchId);
    return this.entry(matchId, mode);
  }

  /** The engine of `matchId`, created when missing (a crash restart); undefined when the script cannot run now. */
  entry(matchId: string, mode: string): Entry | undefined {
    const e = this.#matches.get(matchId);
    if (e !== undefined) return e;
    const holder: { entry?: Entry } = {};
    const gameApi = createGameApi({
      matchId,
      mode,
      current: () => holder.entry?.api,
      services: this.#o.services,
      matchLog: new PerSecond(this.#o.logPerMatchPerSecond),
      nodeLog: this.#nodeLog,
      now: this.#o.now,
      report: (msg, fields) => this.#o.log('warn', msg, { match_id: matchId, mode, ...fields }),
      muted: () => holder.entry?.muted === true,
    });
    let engine: ScriptEngine;
    try {
      engine = this.game.createEngine(mode, { game: gameApi });
    } catch (err) {
      this.#failure(matchId, mode, 'load', { ok: false, kind: 'runtime_error', message: err instanceof Error ? err.message : String(err) });
      return undefined;
    }
    const entry: Entry = { engine, mode, api: undefined, views: new Map(), shared: undefined, viewsOf: undefined, pending: [], muted: false, lastJs: undefined };
    holder.entry = entry;
    this.#matches.set(matchId, entry);
    return entry;
  }

  /** Closes the engine of `matchId`. */
  release(matchId: string): void {
    const e = this.#matches.get(matchId);
    if (e === undefined) return;
    this.#matches.delete(matchId);
    this.game.releaseEngine(e.engine);
  }

  /** Whether the match's script defines `cb` now. */
  defines(e: Entry, cb: LuaCallback): boolean {
    return e.engine.typeOf(cb) === 'function';
  }

  /** The argument standing for `state`: the resident state, synced first when `state` is not the one last handed out. */
  stateArg(e: Entry, state: unknown): unknown {
    if (state !== e.lastJs) {
      const r = e.engine.setSlot(STATE_SLOT, plainState(state));
      if (!r.ok) return state;
      e.lastJs = state;
    }
    return STATE_REF;
  }

  /** Calls `cb` with `args` under its budget, with `api` as the match `game.*` acts on; failures are logged (rate limited). */
  call(matchId: string, e: Entry, cb: LuaCallback, args: readonly unknown[], api: MatchApi | undefined, options: Omit<CallOptions, 'instructions' | 'timeLimitMs'> = {}): LuaResult<unknown[]> {
    const before = e.api;
    e.api = api;
    try {
      const r = e.engine.call(cb, args, { ...options, instructions: this.#o.budgets[cb], timeLimitMs: this.#o.timeLimitsMs[cb] });
      if (!r.ok) this.#failure(matchId, e.mode, cb, r, api);
      return r;
    } finally {
      e.api = before;
    }
  }

  /** One tick in one crossing (see `ScriptEngine.step`) under the callbacks' budgets, with `api` as the match `game.*` acts on. */
  step(e: Entry, req: Omit<StepRequest, 'limits'>, api: MatchApi | undefined): StepResult {
    const before = e.api;
    e.api = api;
    try {
      return e.engine.step({ ...req, limits: this.#stepLimits });
    } finally {
      e.api = before;
    }
  }


  /** A failure the script made in `cb` (logged once per script+callback per window). */
  fail(matchId: string, mode: string, cb: string, message: string, api?: MatchApi): void {
    this.#failure(matchId, mode, cb, { ok: false, kind: 'runtime_error', message }, api);
  }

  /** A failure with its kind and place (from a step). */
  failed(matchId: string, mode: string, cb: string, f: { readonly kind: string; readonly message: string; readonly where?: string }, api?: MatchApi): void {
    this.#failure(matchId, mode, cb, f, api);
  }


  close(): void {
    for (const id of [...this.#matches.keys()]) this.release(id);
  }

  #failure(matchId: string, mode: string, cb: string, r: { readonly ok?: false; readonly kind: string; readonly message: string; readonly where?: string }, api?: MatchApi): void {
    const script = this.scriptOf(mode);
    const suppressed = this.#errors.hit(`${script}\u0000${cb}`, this.#o.now());
    if (suppressed === undefined) return;
    const fields = {
      callback: cb,
      script: r.where ?? script,
      reason_class: r.kind,
      detail: r.message.slice(0, 500),
      suppressed_since_last: suppressed,
    };
    if (api !== undefined) api.log('error', 'lua_callback_failed', fields);
    else this.#o.log('error', 'lua_callback_failed', { match_id: matchId, mode, ...fields });
  }
}
