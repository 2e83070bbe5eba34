/**
 * Lua bridge test helpers: a game folder in a temp dir, `createLuaModes` on it, and the match harness
 * (simulated clock) running its modes; reload events update the harness's mode registry.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createLuaModes, type LuaModes, type LuaModesOptions } from '../../src/lua/lua-modes.js';
import type { MatchApi } from '../../src/match/behaviour.js';
import { harness, type Harness } from '../match/harness.js';

export const P1 = '00000000-0000-7000-8000-000000000001';
export const P2 = '00000000-0000-7000-8000-000000000002';
export const P3 = '00000000-0000-7000-8000-000000000003';

export interface LuaHarness {
  readonly h: Harness;
  readonly lua: LuaModes;
  readonly dir: string;
  write(rel: string, text: string): void;
}

export function tempGame(t: { teardown(fn: () => void): void }, files: Record<string, string>): { dir: string; write(rel: string, text: string): void } {
  const dir = mkdtempSync(join(tmpdir(), 'hajime-luagame-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  return { dir, write };
}

export async function luaHarness(t: { teardown(fn: () => void | Promise<void>): void }, files: Record<string, string>, options: LuaModesOptions = {}, dev = true): Promise<LuaHarness> {
  const g = tempGame(t, files);
  let now = () => 0;
  const lua = await createLuaModes(g.dir, { watch: { fsWatch: false, pollIntervalMs: 0 }, now: () => now(), ...options });
  const h = await harness({ ...lua.modes }, { matches: { dev } });
  now = () => h.clock.now();
  lua.reloader.on((ev) => {
    if (ev.type === 'mode_config') h.modes.set(ev.mode, ev.config);
    if (ev.type === 'mode_removed') h.modes.delete(ev.mode);
  });
  t.teardown(async () => {
    await h.stop();
    lua.close();
  });
  return { h, lua, ...g };
}

/** A stand-in MatchApi recording what callbacks do (for calling a behaviour directly). */
export function fakeApi(id: string, players: string[] = [P1, P2]): MatchApi & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    id,
    mode: 'default',
    players,
    tick: 0,
    calls,
    now: () => 0,
    broadcast: (e, p) => void calls.push(['broadcast', e, p]),
    send: (pl, e, p) => void calls.push(['send', pl, e, p]),
    sendMessage: (pl, m, mod) => void calls.push(['sendMessage', pl, m, mod]),
    setJoinable: (j) => void calls.push(['setJoinable', j]),
    startVote: async () => 'v1',
    phaseEvent: (n) => void calls.push(['phaseEvent', n]),
    log: (level, msg, fields) => void calls.push(['log', level, msg, fields]),
    rejectedInput: (playerId, rejection) => void calls.push(['rejectedInput', playerId, rejection]),
  };
}

/** The race game of the bridge tests (first to 10 wins). */
export const RACE = `
match_size = 2
max_players = 4
quick_play = true
listed = true
tick_rate = 100

function init(config)
  return { pos = {}, ticks = 0, mode = config.mode }
end
function join(id, state, ctx)
  if ctx.password ~= nil and ctx.password ~= "open" then return nil, "wrong password" end
  if ctx.silent then return end
  state.pos[id] = 0
  return state
end
function leave(id, state) state.pos[id] = nil return state end
function handle_input(id, input, state)
  if input.bad then error("bad input") end
  state.pos[id] = (state.pos[id] or 0) + (input.dx or 0)
  return state
end
function tick(state)
  state.ticks = state.ticks + 1
  for id, p in pairs(state.pos) do
    if p >= 10 then state._finished = true state._result = { winners = { id } } end
  end
  return state
end
function get_state(id, state) return { me = state.pos[id] or -1, ticks = state.ticks, speed = SPEED } end
SPEED = 1
`;
