/**
 * The `game.*` host API of a Lua match engine (asobi §2.24 table): `game.id`, `game.log` (rate limited),
 * `game.broadcast`, `game.send`, `game.match.set_joinable`, and the service calls (`bots`, `economy`,
 * `leaderboard`, `notify`, `notify_many`, `storage`, `chat`) through the {@link LuaHostServices} port,
 * `{error = "not_available"}` where the port has no such part. No function ever throws into Lua: wrong
 * arity or types answer `{error = "expected game.x(a: string, ...)"}`, host failures `{error = reason}`.
 */
import { newId } from '@hajime/storage';
import { isGameError } from '../errors.js';
import type { MatchApi } from '../match/behaviour.js';
import type { HostAnswer, HostCallContext, HostResult, LuaHostServices } from './host-services.js';
import type { PerSecond } from './limits.js';

type ArgType = 'string' | 'number' | 'boolean' | 'table' | 'any' | 'strings';
interface Sig {
  readonly name: string;
  readonly args: readonly (readonly [string, ArgType])[];
  /** Arguments from this index on may be omitted. */
  readonly optionalFrom?: number;
}

const LOG_MESSAGE_MAX = 500;
const LOG_META_MAX_BYTES = 2048;
const MESSAGE_MAX_BYTES = 64 * 1024;
const LEVELS = { debug: 'debug', info: 'info', warn: 'warn', warning: 'warn', error: 'error' } as const;

function shape(sig: Sig): string {
  const opt = sig.optionalFrom ?? sig.args.length;
  const part = ([n, t]: readonly [string, ArgType]) => `${n}: ${t === 'strings' ? '{string}' : t}`;
  const req = sig.args.slice(0, opt).map(part).join(', ');
  const more = sig.args
    .slice(opt)
    .map((a) => `[${req === '' ? '' : ', '}${part(a)}]`)
    .join('');
  return `expected game.${sig.name}(${req}${more})`;
}

function typeOk(v: unknown, t: ArgType): boolean {
  switch (t) {
    case 'any':
      return true;
    case 'table':
      return typeof v === 'object' && v !== null;
    case 'strings':
      return (Array.isArray(v) && v.every((x) => typeof x === 'string')) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    default:
      return typeof v === t;
  }
}

/** The argument error of a call, or undefined when the arguments fit `sig`. */
export function checkArgs(sig: Sig, args: readonly unknown[]): string | undefined {
  const min = sig.optionalFrom ?? sig.args.length;
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n -= 1;
  if (n < min || n > sig.args.length) return shape(sig);
  for (let i = 0; i < n; i++) {
    const a = sig.args[i];
    if (a === undefined) return shape(sig);
    if (args[i] === undefined && i >= min) continue;
    if (!typeOk(args[i], a[1])) return shape(sig);
  }
  return undefined;
}

/** Plain JSON data out of a Lua value, or undefined when it cannot be encoded or exceeds `maxBytes`. */
export function plainJson(v: unknown, maxBytes: number): { value: unknown; bytes: number } | undefined {
  try {
    const s = JSON.stringify(v ?? null);
    if (s === undefined) return undefined;
    const bytes = Buffer.byteLength(s);
    if (bytes > maxBytes) return { value: undefined, bytes };
    return { value: JSON.parse(s) as unknown, bytes };
  } catch {
    return undefined;
  }
}

export interface HostApiDeps {
  readonly matchId: string;
  readonly mode: string;
  /** The `MatchApi` of the callback running now (undefined outside a match callback, e.g. in `phases`). */
  current(): MatchApi | undefined;
  readonly services: LuaHostServices;
  /** Per match and per node `game.log` limits. */
  readonly matchLog: PerSecond;
  readonly nodeLog: PerSecond;
  readonly now: () => number;
  /** Where host-side failures (a rejected promise of a service) are reported. */
  readonly report: (msg: string, fields: Record<string, unknown>) => void;
  /**
   * True while the bridge replays inputs that already ran (after a later callback of the same tick
   * failed and the state was put back): calls then do nothing and answer `{ok = "replayed"}`, so no
   * broadcast, grant or write happens twice.
   */
  readonly muted?: () => boolean;
}

const REPLAYED = Object.freeze({ ok: 'replayed' });

const NOT_AVAILABLE = Object.freeze({ error: 'not_available' });

/** Builds the `game` table (plain JS object of functions and sub-tables) for one match engine. */
export function createGameApi(d: HostApiDeps): Record<string, unknown> {
  const ctx: HostCallContext = { matchId: d.matchId, mode: d.mode };

  const fn = (sig: Sig, body: (...args: unknown[]) => unknown) => (...args: unknown[]) => {
    const bad = checkArgs(sig, args);
    if (bad !== undefined) return { error: bad };
    if (sig.name !== 'id' && d.muted?.() === true) return REPLAYED;
    try {
      return body(...args);
    } catch (e) {
      return { error: isGameError(e) ? e.reason : 'host_error' };
    }
  };

  const answer = <T>(name: string, r: HostAnswer<T>): T | HostResult => {
    if (r !== null && typeof r === 'object' && typeof (r as { then?: unknown }).then === 'function') {
      (r as Promise<T>).then(undefined, (e: unknown) => d.report('lua_host_call_failed', { call: name, err: e instanceof Error ? e.message : String(e) }));
      return { ok: 'pending' };
    }
    return r as T;
  };

  const service = <K extends keyof LuaHostServices>(part: K, sig: Sig, call: (svc: NonNullable<LuaHostServices[K]>, ...args: unknown[]) => HostAnswer<unknown>) =>
    fn(sig, (...args) => {
      const svc = d.services[part];
      if (svc === undefined) return NOT_AVAILABLE;
      return answer(sig.name, call(svc as NonNullable<LuaHostServices[K]>, ...args));
    });

  const match = () => d.current();
  const s = (v: unknown) => v as string;
  const n = (v: unknown) => v as number;

  return {
    id: fn({ name: 'id', args: [] }, () => newId()),
    log: fn({ name: 'log', args: [['level', 'string'], ['message', 'string'], ['meta', 'table']], optionalFrom: 2 }, (level, message, meta) => {
      const lvl = LEVELS[s(level) as keyof typeof LEVELS];
      if (lvl === undefined) return { error: 'expected level debug | info | warn | warning | error' };
      const now = d.now();
      if (!d.matchLog.take(now) || !d.nodeLog.take(now)) return false;
      let fields: Record<string, unknown> = {};
      if (meta !== undefined) {
        const p = plainJson(meta, LOG_META_MAX_BYTES);
        fields = p === undefined || p.value === undefined ? { _truncated: true } : { meta: p.value };
      }
      const api = match();
      const line = s(message).slice(0, LOG_MESSAGE_MAX);
      if (api !== undefined) api.log(lvl, line, { source: 'lua', ...fields });
      else d.report(line, { source: 'lua', level: lvl, match_id: d.matchId, ...fields });
      return true;
    }),
    broadcast: fn({ name: 'broadcast', args: [['event', 'string'], ['payload', 'any']], optionalFrom: 1 }, (event, payload) => {
      const api = match();
      if (api === undefined) return { error: 'not_available_here' };
      const p = plainJson(payload ?? {}, MESSAGE_MAX_BYTES);
      if (p === undefined) return { error: 'payload must be plain data' };
      if (p.value === undefined) return { error: 'payload_too_large' };
      api.broadcast(s(event), p.value);
      return true;
    }),
    send: fn({ name: 'send', args: [['player_id', 'string'], ['message', 'any']] }, (playerId, message) => {
      const api = match();
      if (api === undefined) return { error: 'not_available_here' };
      if (!api.players.includes(s(playerId))) return { error: 'not_in_match' };
      const p = plainJson(message, MESSAGE_MAX_BYTES);
      if (p === undefined) return { error: 'message must be plain data' };
      if (p.value === undefined) return { error: 'payload_too_large' };
      api.sendMessage(s(playerId), p.value, 'lua');
      return true;
    }),
    match: {
      set_joinable: fn({ name: 'match.set_joinable', args: [['joinable', 'boolean']] }, (joinable) => {
        const api = match();
        if (api === undefined) return { error: 'not_available_here' };
        api.setJoinable(joinable === true);
        return true;
      }),
    },
    bots: {
      add: service('bots', { name: 'bots.add', args: [['name', 'string']] }, (b, name) => b.add(ctx, s(name))),
      remove: service('bots', { name: 'bots.remove', args: [['name_or_id', 'string']] }, (b, id) => b.remove(ctx, s(id))),
    },
    economy: {
      grant: service('economy', { name: 'economy.grant', args: [['player_id', 'string'], ['currency', 'string'], ['amount', 'number'], ['reason', 'string']], optionalFrom: 3 }, (e, p, c, a, r) =>
        r === undefined ? e.grant(ctx, s(p), s(c), n(a)) : e.grant(ctx, s(p), s(c), n(a), s(r)),
      ),
      debit: service('economy', { name: 'economy.debit', args: [['player_id', 'string'], ['currency', 'string'], ['amount', 'number'], ['reason', 'string']], optionalFrom: 3 }, (e, p, c, a, r) =>
        r === undefined ? e.debit(ctx, s(p), s(c), n(a)) : e.debit(ctx, s(p), s(c), n(a), s(r)),
      ),
      balance: service('economy', { name: 'economy.balance', args: [['player_id', 'string']] }, (e, p) => e.balance(ctx, s(p))),
      purchase: service('economy', { name: 'economy.purchase', args: [['player_id', 'string'], ['listing_id', 'string']] }, (e, p, l) => e.purchase(ctx, s(p), s(l))),
    },
    leaderboard: {
      submit: service('leaderboard', { name: 'leaderboard.submit', args: [['board', 'string'], ['player_id', 'string'], ['score', 'number']] }, (l, b, p, sc) => l.submit(ctx, s(b), s(p), n(sc))),
      top: service('leaderboard', { name: 'leaderboard.top', args: [['board', 'string'], ['n', 'number']] }, (l, b, k) => l.top(ctx, s(b), n(k))),
      rank: service('leaderboard', { name: 'leaderboard.rank', args: [['board', 'string'], ['player_id', 'string']] }, (l, b, p) => l.rank(ctx, s(b), s(p))),
      around: service('leaderboard', { name: 'leaderboard.around', args: [['board', 'string'], ['player_id', 'string'], ['n', 'number']] }, (l, b, p, k) => l.around(ctx, s(b), s(p), n(k))),
    },
    notify: service('notify', { name: 'notify', args: [['player_id', 'string'], ['type', 'string'], ['subject', 'string'], ['data', 'any']], optionalFrom: 3 }, (x, p, t, sub, data) =>
      data === undefined ? x.notify(ctx, s(p), s(t), s(sub)) : x.notify(ctx, s(p), s(t), s(sub), data),
    ),
    notify_many: service('notify', { name: 'notify_many', args: [['player_ids', 'strings'], ['type', 'string'], ['subject', 'string'], ['data', 'any']], optionalFrom: 3 }, (x, ids, t, sub, data) =>
      data === undefined ? x.notifyMany(ctx, Array.isArray(ids) ? (ids as string[]) : [], s(t), s(sub)) : x.notifyMany(ctx, Array.isArray(ids) ? (ids as string[]) : [], s(t), s(sub), data),
    ),
    storage: {
      get: service('storage', { name: 'storage.get', args: [['collection', 'string'], ['key', 'string']] }, (x, c, k) => x.get(ctx, s(c), s(k))),
      set: service('storage', { name: 'storage.set', args: [['collection', 'string'], ['key', 'string'], ['value', 'any']] }, (x, c, k, v) => x.set(ctx, s(c), s(k), v)),
      player_get: service('storage', { name: 'storage.player_get', args: [['player_id', 'string'], ['collection', 'string'], ['key', 'string']] }, (x, p, c, k) => x.playerGet(ctx, s(p), s(c), s(k))),
      player_set: service('storage', { name: 'storage.player_set', args: [['player_id', 'string'], ['collection', 'string'], ['key', 'string'], ['value', 'any']] }, (x, p, c, k, v) =>
        x.playerSet(ctx, s(p), s(c), s(k), v),
      ),
    },
    chat: {
      send: service('chat', { name: 'chat.send', args: [['channel', 'string'], ['sender', 'string'], ['content', 'string']] }, (x, ch, from, content) => x.send(ctx, s(ch), s(from), s(content))),
    },
  };
}
