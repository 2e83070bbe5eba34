/** Temp game folders for tests: write files, get the path; removed at teardown. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function gameDir(t: { teardown(fn: () => void): void }, files: Record<string, string>): { dir: string; write(rel: string, text: string): void } {
  const dir = mkdtempSync(join(tmpdir(), 'hajime-lua-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  return { dir, write };
}

/** A minimal valid match script; `extra` is appended. */
export function matchScript(extra = '', globals = 'match_size = 2'): string {
  return `${globals}
function init(config) return { players = {}, ticks = 0 } end
function join(id, state) state.players[id] = true return state end
function leave(id, state) state.players[id] = nil return state end
function handle_input(id, input, state) return state end
function tick(state) state.ticks = state.ticks + 1 return state end
function get_state(id, state) return state end
${extra}`;
}
