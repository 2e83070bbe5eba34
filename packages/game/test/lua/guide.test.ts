// guides/lua-scripting.md and guides/hot-reload.md list every load error code, every callback budget and every default.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { LUA_ERRORS, ENGINE_DEFAULTS, WATCHER_DEFAULTS } from '@hajime/lua';
import { LUA_CALLBACK_BUDGETS, LUA_CALLBACK_TIME_LIMITS_MS } from '../../src/lua/bridge.js';
import { LUA_MODES_DEFAULTS } from '../../src/lua/lua-modes.js';

// Compiled to packages/game/dist/test/lua/: the repository root is five levels up.
const guide = readFileSync(new URL('../../../../../guides/lua-scripting.md', import.meta.url), 'utf8');
const reload = readFileSync(new URL('../../../../../guides/hot-reload.md', import.meta.url), 'utf8');
const fmt = (n: number): string => (n >= 10_000 ? n.toLocaleString('en-US').replace(/,/g, ' ') : String(n));

t.test('guides/lua-scripting.md', async (t) => {
  for (const code of Object.keys(LUA_ERRORS)) t.ok(guide.includes(`\`${code}\``), `lists ${code}`);
  for (const [cb, n] of Object.entries(LUA_CALLBACK_BUDGETS)) t.match(guide, new RegExp(`\`${cb}[(\`][^|]*\\|[^|]*\\| ${fmt(n)} / ${LUA_CALLBACK_TIME_LIMITS_MS[cb as keyof typeof LUA_CALLBACK_TIME_LIMITS_MS]} \\|`), `budget of ${cb}`);
  for (const [k, v] of Object.entries(LUA_MODES_DEFAULTS)) t.match(guide, new RegExp(`\\| \`${k}\` \\| ${fmt(v)} \\|`), `documents ${k} = ${v}`);
  t.ok(guide.includes(`| \`engine.maxReturnEntries\` | ${fmt(ENGINE_DEFAULTS.maxReturnEntries)} |`));
  t.ok(guide.includes(`| \`watch.pollIntervalMs\` | ${WATCHER_DEFAULTS.pollIntervalMs} |`));
});

t.test('guides/hot-reload.md', async (t) => {
  for (const code of ['LUA_ERR_SCRIPT', 'LUA_ERR_MODE_GLOBAL', 'LUA_ERR_MISSING_CALLBACK', 'LUA_ERR_CONFIG', 'LUA_ERR_PATH']) t.ok(reload.includes(`\`${code}\``), `lists ${code}`);
  t.ok(reload.includes(`| \`watch.debounceMs\` | ${WATCHER_DEFAULTS.debounceMs} |`));
  t.ok(reload.includes(`| \`watch.pollIntervalMs\` | ${WATCHER_DEFAULTS.pollIntervalMs} |`));
});
