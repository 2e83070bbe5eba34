/**
 * Lua match engines in worker threads: `createLuaModes(dir, { workers: n })` runs each match's engine in
 * one of n workers (assigned when the match starts), so Lua callbacks of different matches run on
 * different cores while the match servers, sockets and storage stay on the main thread. Each behaviour
 * method becomes one message and one reply (a tick is one: the queued inputs, `tick`, every view and
 * `vote_requested`); `game.*` calls come back recorded and are carried out here, in order, before the
 * result is used (see `messages.ts`). Sync-only parts of the contract: `getState`/`getSharedState` answer
 * the views the last tick built, `voteRequested` what the worker answered right after that tick, and
 * `phases` runs in a main-thread engine that is released at once.
 *
 * The main thread holds such a match's state as its JSON text (`{lua_state}`: cheap to pass between
 * threads and to snapshot, never looked into here), and sends the roster only when it changed.
 *
 * A worker that dies fails the calls in flight (the match processes crash and restart from their
 * snapshots) and is started again for the next call; its matches send their state along again.
 */
import { Worker } from 'node:worker_threads';
import { isPushable, PUSH_DEPTH_MAX } from '@hajime/lua';
import { RawJson } from '@hajime/protocol';
import { finished, refuse, rejectInput, type Finished, type JoinCtx, type MatchApi, type MatchBehaviour, type MatchConfig, type Refusal } from '../../match/behaviour.js';
import type { PhaseDef } from '../../phase/types.js';
import type { VoteRequest, VoteResult } from '../../vote/types.js';
import type { BridgeLog } from '../bridge.js';
import type { HostCallContext, LuaHostServices } from '../host-services.js';
import type { ApiView, CallResult, MatchCall, ReplyBatch, RequestBatch, WorkerData, WorkerModesOptions, WorkerOp, WorkerReply, WorkerRequest, WorkerState } from './messages.js';

type LuaState = WorkerState | Record<string, unknown>;

const SERVICE_METHODS: Readonly<Record<string, readonly string[]>> = {
  bots: ['add', 'remove'],
  economy: ['grant', 'debit', 'balance', 'purchase'],
  leaderboard: ['submit', 'top', 'rank', 'around'],
  notify: ['notify', 'notifyMany'],
  storage: ['get', 'set', 'playerGet', 'playerSet'],
  chat: ['send'],
};

interface Slot {
  worker: Worker | undefined;
  ready: Promise<Worker> | undefined;
  /** Requests of this turn of the event loop, sent as one batch (in order) at its end. */
  outbox: WorkerRequest[];
  readonly pending: Map<number, { resolve: (r: { result: CallResult; calls: readonly MatchCall[] }) => void; reject: (e: Error) => void }>;
}

/** What the main thread keeps per match. */
interface MatchRecord {
  readonly slot: Slot;
  /** The state object the worker handed back last (sent again only when the match's state is another). */
  last: unknown;
  /** The roster as last sent to the worker. */
  roster: readonly string[] | undefined;
  inputs: unknown[];
  views: Map<string, RawJson>;
  shared: RawJson | undefined;
  vote: unknown;
  /** The state the views and the vote were built from. */
  viewsOf: unknown;
}

class NeedState extends Error {}

export class LuaWorkerPool {
  readonly #slots: Slot[];
  readonly #matches = new Map<string, MatchRecord>();
  readonly #data: WorkerData;
  readonly #services: LuaHostServices;
  readonly #log: BridgeLog;
  #next = 0;
  #ids = 0;
  #closed = false;

  constructor(size: number, dir: string, options: WorkerModesOptions, services: LuaHostServices, log: BridgeLog) {
    this.#slots = Array.from({ length: size }, () => ({ worker: undefined, ready: undefined, outbox: [], pending: new Map() }));
    const parts: Record<string, string[]> = {};
    for (const [part, methods] of Object.entries(SERVICE_METHODS)) {
      const svc = (services as Record<string, Record<string, unknown> | undefined>)[part];
      if (svc !== undefined) parts[part] = methods.filter((m) => typeof svc[m] === 'function');
    }
    this.#data = { dir, options, services: parts };
    this.#services = services;
    this.#log = log;
  }

  /** Starts every worker and waits until each has loaded the game (a broken script rejects). */
  async start(): Promise<void> {
    await Promise.all(this.#slots.map((s) => this.#worker(s)));
  }

  /** Matches with an engine in a worker. */
  get matches(): number {
    return this.#matches.size;
  }

  /** Asks every worker to apply changed files now (their watchers do it on their own otherwise). */
  reload(files?: readonly string[]): void {
    for (const s of this.#slots) if (s.worker !== undefined) this.#post(s, s.worker, { type: 'reload', ...(files === undefined ? {} : { files }) });
  }

  /** Stops worker `index` as a crash would (its calls in flight fail; it starts again on the next call). */
  async kill(index: number): Promise<void> {
    await this.#slots[index]?.worker?.terminate();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#slots.map(async (s) => s.worker?.terminate()));
  }

  /** The behaviour of `mode`: every callback a message to the match's worker. */
  behaviour(mode: string, shared: boolean, local: MatchBehaviour<LuaState, unknown>): MatchBehaviour<LuaState, unknown> {
    const call = (match: MatchApi, op: WorkerOp, state: unknown): Promise<CallResult> => this.#call(match, mode, op, state);
    const stateOf = (r: CallResult, fallback: LuaState): LuaState => (r.state ?? fallback) as LuaState;
    const b: MatchBehaviour<LuaState, unknown> = {
      init: async (config: MatchConfig, match: MatchApi) => {
        this.#forget(match.id);
        return stateOf(await call(match, { op: 'init', config: { ...config } }, undefined), {});
      },
      join: async (playerId: string, state: LuaState, ctx: JoinCtx, match: MatchApi): Promise<LuaState | Refusal> => {
        const r = await call(match, { op: 'join', playerId, ctx: { ...ctx } }, state);
        return r.refused !== undefined ? refuse(r.refused) : stateOf(r, state);
      },
      leave: async (playerId: string, state: LuaState, match: MatchApi) => {
        this.#matches.get(match.id)?.views.delete(playerId);
        return stateOf(await call(match, { op: 'leave', playerId }, state), state);
      },
      handleInput: (playerId: string, input: unknown, state: LuaState, match: MatchApi) => {
        // plain data only (a frame's input always is), as in the main thread
        if (!isPushable(input)) return rejectInput(`input nested deeper than ${PUSH_DEPTH_MAX} levels`, { module: 'lua', script: mode });
        this.#record(match.id).inputs.push(playerId, input);
        return state;
      },
      tick: async (state: LuaState, match: MatchApi): Promise<LuaState | Finished<LuaState>> => {
        const rec = this.#record(match.id);
        const inputs = rec.inputs;
        rec.inputs = [];
        const players = match.players;
        const r = await call(match, { op: 'tick', inputs }, state);
        const next = stateOf(r, state);
        if (r.finished !== undefined) return finished(r.finished, next);
        if (r.shared !== undefined) rec.shared = new RawJson(r.shared);
        r.views?.forEach((v, i) => {
          if (v !== undefined) rec.views.set(players[i]!, new RawJson(v));
        });
        rec.vote = r.vote;
        rec.viewsOf = next;
        return next;
      },
      voteRequested: (state: LuaState, match: MatchApi) => {
        const rec = this.#matches.get(match.id);
        return rec !== undefined && rec.viewsOf === state ? (rec.vote as VoteRequest | undefined) : undefined;
      },
      voteResolved: async (template: string, result: VoteResult, state: LuaState, match: MatchApi) => stateOf(await call(match, { op: 'vote_resolved', template, result }, state), state),
      phases: (config: MatchConfig): readonly PhaseDef[] => {
        // sync: from a main-thread engine, released at once
        if (local.phases === undefined) return [];
        try {
          return local.phases(config);
        } finally {
          local.dispose?.(config.match_id);
        }
      },
      onPhaseStarted: async (phase: string, state: LuaState, match: MatchApi) => stateOf(await call(match, { op: 'phase_started', phase }, state), state),
      onPhaseEnded: async (phase: string, state: LuaState, match: MatchApi) => stateOf(await call(match, { op: 'phase_ended', phase }, state), state),
      dispose: (matchId: string) => {
        const rec = this.#matches.get(matchId);
        this.#matches.delete(matchId);
        if (rec?.slot.worker !== undefined) this.#post(rec.slot, rec.slot.worker, { type: 'dispose', matchId, mode });
      },
    };
    const view = (key: string | undefined, match: MatchApi): RawJson => {
      const rec = this.#matches.get(match.id);
      const v = key === undefined ? rec?.shared : rec?.views.get(key);
      return v ?? EMPTY_VIEW;
    };
    if (shared) b.getSharedState = (_state, match) => view(undefined, match);
    else b.getState = (playerId, _state, match) => view(playerId, match);
    return b;
  }

  #record(matchId: string): MatchRecord {
    let rec = this.#matches.get(matchId);
    if (rec === undefined) {
      const slot = this.#slots[this.#next++ % this.#slots.length]!;
      rec = { slot, last: undefined, roster: undefined, inputs: [], views: new Map(), shared: undefined, vote: undefined, viewsOf: undefined };
      this.#matches.set(matchId, rec);
    }
    return rec;
  }

  #forget(matchId: string): void {
    const rec = this.#matches.get(matchId);
    if (rec !== undefined) {
      rec.last = undefined;
      rec.roster = undefined;
    }
  }

  async #call(match: MatchApi, mode: string, op: WorkerOp, state: unknown): Promise<CallResult> {
    const rec = this.#record(match.id);
    let send = !(op.op === 'init' || (rec.last !== undefined && state === rec.last));
    let roster = sameRoster(rec.roster, match.players) ? undefined : (rec.roster = [...match.players]);
    for (let attempt = 0; ; attempt++) {
      const api: ApiView = roster === undefined ? { id: match.id, mode, tick: match.tick, now: match.now() } : { id: match.id, mode, tick: match.tick, now: match.now(), players: roster };
      try {
        const { result, calls } = await this.#send(rec.slot, op, api, !send && op.op !== 'init', send && op.op !== 'init' ? asWorkerState(state) : undefined);
        this.#apply(match, mode, calls);
        if (result.state !== undefined) rec.last = result.state;
        return result;
      } catch (e) {
        if (e instanceof NeedState && attempt === 0) {
          // the worker was started again: it has not seen this match's state or roster
          send = true;
          roster = rec.roster = [...match.players];
          continue;
        }
        throw e;
      }
    }
  }

  /** Carries out what a callback did, in order. */
  #apply(match: MatchApi, mode: string, calls: readonly MatchCall[]): void {
    const ctx: HostCallContext = { matchId: match.id, mode };
    for (const c of calls) {
      try {
        switch (c[0]) {
          case 'broadcast':
            match.broadcast(c[1], c[2]);
            break;
          case 'send':
            match.send(c[1], c[2], c[3]);
            break;
          case 'sendMessage':
            match.sendMessage(c[1], c[2], c[3]);
            break;
          case 'setJoinable':
            match.setJoinable(c[1]);
            break;
          case 'phaseEvent':
            match.phaseEvent(c[1]);
            break;
          case 'log':
            match.log(c[1], c[2], c[3]);
            break;
          case 'rejectedInput':
            match.rejectedInput?.(c[1], rejectInput(c[2].reason, c[2]));
            break;
          case 'service': {
            const svc = (this.#services as Record<string, Record<string, (...a: unknown[]) => unknown> | undefined>)[c[1]];
            const r = svc?.[c[2]]?.(ctx, ...c[3]);
            if (r !== null && typeof r === 'object' && typeof (r as { then?: unknown }).then === 'function') {
              (r as Promise<unknown>).then(undefined, (e: unknown) => this.#log('warn', 'lua_host_call_failed', { match_id: match.id, mode, call: `${c[1]}.${c[2]}`, err: e instanceof Error ? e.message : String(e) }));
            }
            break;
          }
        }
      } catch (e) {
        this.#log('warn', 'lua_host_call_failed', { match_id: match.id, mode, call: c[0], err: e instanceof Error ? e.message : String(e) });
      }
    }
  }

  #send(slot: Slot, op: WorkerOp, api: ApiView, same: boolean, state: WorkerState | undefined): Promise<{ result: CallResult; calls: readonly MatchCall[] }> {
    const w = slot.worker;
    // not started (or started again) yet: once it is up
    if (w === undefined) return this.#worker(slot).then(() => this.#send(slot, op, api, same, state));
    const id = ++this.#ids;
    const m = (state === undefined ? { type: 'call', id, ...op, api, same } : { type: 'call', id, ...op, api, same, state }) as WorkerRequest;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      this.#post(slot, w, m);
    });
  }

  /** Queues `m` for `w`; the turn's requests leave together when the event loop gets to its check phase. */
  #post(slot: Slot, w: Worker, m: WorkerRequest): void {
    slot.outbox.push(m);
    if (slot.outbox.length > 1) return;
    setImmediate(() => {
      const items = slot.outbox;
      slot.outbox = [];
      if (slot.worker === w) w.postMessage({ type: 'batch', items } satisfies RequestBatch);
      else for (const it of items) if (it.type === 'call') this.#settle(slot, { type: 'error', id: it.id, message: 'the Lua worker stopped' });
    });
  }

  #settle(slot: Slot, m: WorkerReply): void {
    if (m.type !== 'reply' && m.type !== 'error') return;
    const p = slot.pending.get(m.id);
    slot.pending.delete(m.id);
    if (p === undefined) return;
    if (m.type === 'reply') p.resolve({ result: m.result, calls: m.calls });
    else p.reject(m.needState === true ? new NeedState(m.message) : new Error(m.message));
  }

  #worker(slot: Slot): Promise<Worker> {
    if (this.#closed) return Promise.reject(new Error('the Lua worker pool is closed'));
    if (slot.ready !== undefined) return slot.ready;
    const ready: Promise<Worker> = new Promise<Worker>((resolve, reject) => {
      const w = new Worker(new URL('./lua-worker.js', import.meta.url), { workerData: this.#data });
      let up = false;
      w.on('message', (m: WorkerReply | ReplyBatch) => {
        switch (m.type) {
          case 'batch':
            for (const r of m.replies) this.#settle(slot, r);
            return;
          case 'ready':
            up = true;
            slot.worker = w;
            resolve(w);
            return;
          case 'failed':
            reject(new Error(m.message));
            return;
          case 'log':
            this.#log(m.level, m.msg, m.fields);
            return;
          case 'reply':
          case 'error':
            this.#settle(slot, m);
            return;
        }
      });
      const gone = (why: unknown): void => {
        if (!up) reject(why instanceof Error ? why : new Error(String(why)));
        if (slot.ready !== ready) return; // an earlier worker of this slot, already replaced
        slot.worker = undefined;
        slot.ready = undefined;
        for (const p of slot.pending.values()) p.reject(new Error('the Lua worker stopped'));
        slot.pending.clear();
        if (!this.#closed) this.#log('error', 'lua_worker_stopped', { reason: why instanceof Error ? why.message : String(why) });
      };
      w.on('error', gone);
      w.on('exit', (code) => gone(`exit code ${code}`));
    });
    slot.ready = ready;
    return ready;
  }
}

const EMPTY_VIEW = new RawJson('{}');

function sameRoster(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The state as the worker takes it: its JSON text (a state from elsewhere, a snapshot of plain data, is encoded). */
function asWorkerState(state: unknown): WorkerState {
  if (typeof state === 'object' && state !== null && typeof (state as WorkerState).lua_state === 'string') return state as WorkerState;
  return { lua_state: JSON.stringify(state ?? {}) };
}
