// guides/lua-bots.md lists every refusal reason and every option with its default.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { BOT_ONLY_MATCH, BOT_REASONS, Bots } from '../../src/bots/bots.js';
import { BOTS_DEFAULTS } from '../../src/bots/bots-options.js';
import { BOT_SCRIPT_DEFAULTS } from '../../src/bots/bot-script.js';
import { DEFAULT_AI } from '../../src/bots/default-ai.js';
import { BOT_NAME_LIMITS, DEFAULT_BOT_NAMES } from '../../src/bots/bot-id.js';
import { harness } from '../match/harness.js';
import { decodeHarnessPush } from './helpers.js';

// Compiled to packages/game/dist/test/bots/: the repository root is five levels up.
const guide = readFileSync(new URL('../../../../../guides/lua-bots.md', import.meta.url), 'utf8');
const fmt = (n: number): string => (n >= 10_000 ? n.toLocaleString('en-US').replace(/,/g, ' ') : String(n));

t.test('guides/lua-bots.md', async (t) => {
  for (const r of [...BOT_REASONS, BOT_ONLY_MATCH]) t.match(guide, new RegExp(`\\| \`${r}\` \\|`), `lists ${r}`);
  for (const [k, v] of Object.entries(BOTS_DEFAULTS)) t.match(guide, new RegExp(`\\| \`${k}\` \\| ${fmt(v)} \\|`), `documents ${k} = ${v}`);
  t.match(guide, new RegExp(`\\| \`script.thinkTimeLimitMs\` \\| ${BOT_SCRIPT_DEFAULTS.thinkTimeLimitMs} \\|`));
  t.match(guide, new RegExp(`\\| \`script.thinkInstructions\` \\| ${fmt(BOT_SCRIPT_DEFAULTS.thinkInstructions)} \\|`));
  t.match(guide, new RegExp(`\\| \`script.memoryMaxBytes\` \\| ${fmt(BOT_SCRIPT_DEFAULTS.memoryMaxBytes)} \\|`));
  t.ok(guide.includes(`within ${DEFAULT_AI.shootRange} units`));
  t.ok(guide.includes(`up to ${DEFAULT_AI.aimJitter} units`));
  t.ok(guide.includes(`(default ${DEFAULT_BOT_NAMES.join(', ')})`), 'the default names');
  t.ok(guide.includes(`${BOT_NAME_LIMITS.minChars} to ${BOT_NAME_LIMITS.maxChars} characters`));
});

t.test('Bots options are checked', async (t) => {
  const h = await harness({});
  t.teardown(() => h.stop());
  const deps = { system: h.system, matches: h.matches, modes: h.modes, decodePush: decodeHarnessPush };
  t.throws(() => new Bots({ ...deps, options: { fillIntervalMs: 0 } }), TypeError);
  t.throws(() => new Bots({ ...deps, options: { thinkIntervalMs: 1.5 } }), TypeError);
  t.throws(() => new Bots({ ...deps, options: { voteDelayMinMs: 5_000, voteDelayMaxMs: 1_000 } }), TypeError);
  t.throws(() => new Bots({ ...deps, options: { script: { thinkTimeLimitMs: -1 } } }), TypeError);
  t.same(new Bots({ ...deps, options: { script: { thinkTimeLimitMs: 20 } } }).options.script, { thinkTimeLimitMs: 20 });
  t.equal(new Bots(deps).options.fillIntervalMs, 8_000);
});
