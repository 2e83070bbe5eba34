/**
 * A Lua worker thread: the game folder loaded with `createLuaModes` (its own Lua runtime, engines and
 * watcher), running the match callbacks the main thread sends (see `messages.ts`). `game.*` calls act on
 * a recording `MatchApi` and a recording service port: they are checked here as on the main thread
 * (`game.broadcast` of a reserved event still answers `{error = "invalid_event"}`), recorded, and sent
 * back with the result to be carried out there. Service calls answer `{ok = "pending"}` here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RawJson } from '@hajime/protocol';
import { isFinished, isInputRejected, isRefusal, type InputRejected, type MatchApi, type MatchBehaviour, type MatchConfig } from '../../match/behaviour.js';
import { customFrame } from '../../match/match-state.js';
import { createLuaModes, type LuaModes } from '../lua-modes.js';
import { isTextState } from '../bridge.js';
import type { HostCallContext, LuaHostServices } from '../host-services.js';
import type { ApiView, CallResult, MatchCall, ReplyBatch, RequestBatch, WorkerCall, WorkerData, WorkerReply, WorkerRequest, WorkerState } from './messages.js';

const port = parentPort;
if (port === null) throw new Error('lua-worker runs in a worker thread');
const data = workerData as WorkerData;

let calls: MatchCall[] = [];
const post = (m: WorkerReply): void => port.postMessage(m);

const PENDING = Object.freeze({ ok: 'pending' });
/** The service port: every method the main thread has, recorded and answered `{ok = "pending"}`. */
function recordingServices(parts: Readonly<Record<string, readonly string[]>>): LuaHostServices {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [part, methods] of Object.entries(parts)) {
    const p: Record<string, unknown> = {};
    for (const m of methods) {
      p[m] = (_ctx: HostCallContext, ...args: unknown[]) => {
        calls.push(['service', part, m, args]);
        return PENDING;
      };
    }
    out[part] = p;
  }
  return out as LuaHostServices;
}

/**
 * What a callback sees of its match: one per match, kept between calls (the roster as last sent, since
 * the main thread sends it again only when it changes; tick and clock as of the call), recording what
 * the callback does to the match into `calls`.
 */
class RecordingApi implements MatchApi {
  tick = 0;
  nowMs = 0;
  constructor(
    readonly id: string,
    public mode: string,
    public players: readonly string[],
  ) {}
  now(): number {
    return this.nowMs;
  }
  broadcast(event: string, payload: unknown): void {
    customFrame(event, payload); // the same checks (and errors) as the match's own
    calls.push(['broadcast', event, payload]);
  }
  send(playerId: string, event: string, payload: unknown): void {
    customFrame(event, payload);
    calls.push(['send', playerId, event, payload]);
  }
  sendMessage(playerId: string, message: unknown, module?: string): void {
    calls.push(['sendMessage', playerId, message, module]);
  }
  setJoinable(joinable: boolean): void {
    calls.push(['setJoinable', joinable]);
  }
  startVote(): Promise<string> {
    return Promise.reject(new Error('votes are started through vote_requested'));
  }
  phaseEvent(name: string): void {
    calls.push(['phaseEvent', name]);
  }
  log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void {
    calls.push(['log', level, msg, fields]);
  }
  rejectedInput(playerId: string, r: InputRejected): void {
    calls.push(['rejectedInput', playerId, { reason: r.reason, ...(r.module === undefined ? {} : { module: r.module }), ...(r.script === undefined ? {} : { script: r.script }) }]);
  }
}

const apis = new Map<string, RecordingApi>();

function recordingApi(v: ApiView): MatchApi {
  let api = apis.get(v.id);
  if (v.players !== undefined) {
    if (api === undefined) apis.set(v.id, (api = new RecordingApi(v.id, v.mode, v.players)));
    else api.players = v.players;
  } else if (api === undefined) {
    // started again since the main thread last sent it: ask for it (with the state)
    throw Object.assign(new Error('roster unknown'), { needState: true });
  }
  api.mode = v.mode;
  api.tick = v.tick;
  api.nowMs = v.now;
  return api;
}

/** The state each match's callbacks last returned (the main thread sends it again only when it differs). */
const states = new Map<string, unknown>();

function run(lua: LuaModes, c: WorkerCall): CallResult {
  const mode = lua.modes[c.api.mode];
  if (mode === undefined) throw new Error(`no Lua mode "${c.api.mode}"`);
  const b = mode.behaviour as MatchBehaviour<unknown, unknown>;
  const now = <T>(v: T | Promise<T>): T => {
    // the behaviours here are the in-thread Lua ones, which answer at once
    if (v instanceof Promise) throw new Error('a Lua callback answered a promise');
    return v;
  };
  const api = recordingApi(c.api);
  const id = c.api.id;
  const keep = (state: unknown): WorkerState => {
    states.set(id, state);
    return isTextState(state) ? state : { lua_state: JSON.stringify(state ?? {}) };
  };
  if (c.op === 'init') return { state: keep(now(b.init(c.config as unknown as MatchConfig, api))) };
  // a state from the main thread is its JSON text: the behaviour copies it into the engine as it is
  let state: unknown = c.state;
  if (c.same) {
    if (!states.has(id)) throw Object.assign(new Error('state unknown'), { needState: true });
    state = states.get(id);
  }
  switch (c.op) {
    case 'join': {
      const r = now(b.join(c.playerId, state, c.ctx as Record<string, string>, api));
      return isRefusal(r) ? { refused: r.reason } : { state: keep(r) };
    }
    case 'leave':
      return { state: keep(now(b.leave(c.playerId, state, api))) };
    case 'vote_resolved':
      return { state: keep(b.voteResolved === undefined ? state : now(b.voteResolved(c.template, c.result as never, state, api))) };
    case 'phase_started':
      return { state: keep(b.onPhaseStarted === undefined ? state : now(b.onPhaseStarted(c.phase, state, api))) };
    case 'phase_ended':
      return { state: keep(b.onPhaseEnded === undefined ? state : now(b.onPhaseEnded(c.phase, state, api))) };
    case 'tick': {
      const inputs = c.inputs;
      for (let i = 0; i + 1 < inputs.length; i += 2) {
        const playerId = inputs[i] as string;
        const r = now(b.handleInput(playerId, inputs[i + 1], state, api));
        if (isInputRejected(r)) api.rejectedInput?.(playerId, r);
        else state = r;
      }
      const r = b.tick === undefined ? state : now(b.tick(state, api));
      const next = isFinished(r) ? r.state : r;
      const out: { -readonly [K in keyof CallResult]: CallResult[K] } = { state: keep(next) };
      if (isFinished(r)) {
        out.finished = r.result;
        return out;
      }
      if (b.getSharedState !== undefined) {
        const v = textOf(b.getSharedState(next, api));
        if (v !== undefined) out.shared = v;
      }
      else if (b.getState !== undefined) out.views = api.players.map((p) => textOf(b.getState!(p, next, api)));
      if (b.voteRequested !== undefined) out.vote = b.voteRequested(next, api) ?? undefined;
      return out;
    }
  }
}

function textOf(view: unknown): string | undefined {
  if (view instanceof RawJson) return view.json;
  return view === undefined ? undefined : JSON.stringify(view);
}

async function main(): Promise<void> {
  let lua: LuaModes;
  try {
    lua = await createLuaModes(data.dir, {
      ...data.options,
      // ticks write the state's JSON text straight from the engine's heap: it only crosses back
      textState: true,
      services: recordingServices(data.services),
      log: (level, msg, fields) => post({ type: 'log', level, msg, fields }),
    });
  } catch (e) {
    post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  // calls run one after the other, each to its end (the callbacks answer at once): a batch is one synchronous pass
  const handle = (m: WorkerRequest, replies: WorkerReply[]): void => {
    if (m.type === 'dispose') {
      states.delete(m.matchId);
      apis.delete(m.matchId);
      lua.modes[m.mode]?.behaviour.dispose?.(m.matchId);
      return;
    }
    if (m.type === 'reload') {
      lua.reloader.reload(m.files);
      return;
    }
    calls = [];
    try {
      const result = run(lua, m);
      replies.push({ type: 'reply', id: m.id, result, calls });
    } catch (e) {
      replies.push({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e), ...((e as { needState?: boolean }).needState === true ? { needState: true } : {}) });
    }
  };
  // a batch's requests run in order (a match's calls never interleave), its replies go back as one
  port!.on('message', (b: RequestBatch) => {
    const replies: WorkerReply[] = [];
    for (const m of b.items) handle(m, replies);
    if (replies.length > 0) port!.postMessage({ type: 'batch', replies } satisfies ReplyBatch);
  });
  post({ type: 'ready' });
}

void main();
