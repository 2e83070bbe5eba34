/**
 * The floor under the 16-player Lua tick: what the benchmark game's own `get_state` costs for 16 players
 * when nothing but Lua runs, timed inside Lua (`os.clock`) around a loop of 16 calls, in a Hajime engine
 * (wasmoon: Lua 5.4 compiled to WebAssembly, sandboxed, with its count hook) and, when a native Lua 5.4
 * interpreter is installed (`lua5.4` on PATH, Debian package `lua5.4`), in that interpreter on the same
 * machine. No crossings, no JSON, no inputs: this is the part of a tick no runtime work can remove.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LuaRuntime } from '@hajime/lua';
import { GAME_DIR } from './game.js';

export interface ViewsFloor {
  /** µs for 16 `get_state` calls in a Hajime engine (best of 5 rounds). */
  readonly wasmUs: number;
  /** The same in native Lua 5.4, or undefined when `lua5.4` is not installed. */
  readonly nativeUs: number | undefined;
}

/** Appended to `match.lua`: 16 players joined, inputs and a tick applied, then 16 `get_state` calls timed. */
function driver(rounds: number): string {
  return `
local s = init({})
local ids = {}
for i = 1, 16 do ids[i] = string.format("p%02d", i); s = join(ids[i], s, {}) end
for i = 1, 16 do s = handle_input(ids[i], { seq = 1, dx = 1, dy = -1, fire = (i % 3 == 0) }, s) end
s = tick(s)
local function views(n) local t = 0 for k = 1, n do for i = 1, 16 do t = t + get_state(ids[i], s).tick end end return t end
views(${Math.ceil(rounds / 4)})
local best = math.huge
for r = 1, 5 do
  local t0 = os.clock(); views(${rounds}); local dt = (os.clock() - t0) / ${rounds} * 1e6
  if dt < best then best = dt end
end
FLOOR_US = best
`;
}

/** Runs the measurement; `rounds` is the number of 16-call rounds per timed pass. */
export async function measureViewsFloor(rounds = 2_000): Promise<ViewsFloor> {
  const source = readFileSync(join(GAME_DIR, 'match.lua'), 'utf8') + '\n' + driver(rounds);
  const runtime = await LuaRuntime.create();
  const engine = runtime.createEngine();
  try {
    const r = engine.exec(source, '@match.lua', { instructions: 4_000_000_000, timeLimitMs: 120_000 });
    if (!r.ok) throw new Error(`views floor in wasmoon: ${r.message}`);
    const value = engine.read('FLOOR_US');
    if (!value.ok || typeof value.value !== 'number') throw new Error('views floor in wasmoon: no result');
    return { wasmUs: value.value, nativeUs: native(source) };
  } finally {
    engine.close();
  }
}

function native(source: string): number | undefined {
  try {
    const out = execFileSync('lua5.4', ['-'], { input: `${source}\nprint(string.format("%.3f", FLOOR_US))\n`, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] });
    const us = Number(out.trim());
    return Number.isFinite(us) ? us : undefined;
  } catch {
    return undefined;
  }
}
