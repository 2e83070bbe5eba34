// guides/matchmaking.md lists every matchmaker refusal reason, push reason and option with its default.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { MATCHMAKER_FAILED_REASONS, MATCHMAKER_REASONS } from '../../src/matchmaker/matchmaker.js';
import { MATCHMAKER_DEFAULTS } from '../../src/matchmaker/matchmaker-server.js';
import { PROPERTY_LIMITS } from '../../src/matchmaker/properties.js';
import { QUERY_MAX_LENGTH, QUERY_MAX_TERMS } from '../../src/matchmaker/query.js';
import { SKILL_DEFAULTS } from '../../src/matchmaker/strategies.js';

// Compiled to packages/game/dist/test/matchmaker/: the repository root is five levels up.
const guide = readFileSync(new URL('../../../../../guides/matchmaking.md', import.meta.url), 'utf8');
const fmt = (n: number): string => (n >= 10_000 ? n.toLocaleString('en-US').replace(/,/g, ' ') : String(n));

t.test('guides/matchmaking.md', async (t) => {
  for (const r of [...MATCHMAKER_REASONS, ...MATCHMAKER_FAILED_REASONS]) t.ok(guide.includes(`\`${r}\``), `lists ${r}`);
  for (const [k, v] of Object.entries(MATCHMAKER_DEFAULTS)) t.match(guide, new RegExp(`\\| \`${k}\` \\| ${fmt(v)} \\|`), `documents ${k} = ${v}`);
  t.ok(guide.includes(`\`skill_window\` (default ${SKILL_DEFAULTS.skill_window})`));
  t.ok(guide.includes(`\`skill_expand_rate\` (default ${SKILL_DEFAULTS.skill_expand_rate}`));
  t.ok(guide.includes(`at most ${PROPERTY_LIMITS.maxKeys} keys, each 1..${PROPERTY_LIMITS.maxKeyBytes} bytes`));
  t.ok(guide.includes(`(≤ ${PROPERTY_LIMITS.maxStringBytes} bytes)`));
  t.ok(guide.includes(`at most ${QUERY_MAX_TERMS} terms and ${QUERY_MAX_LENGTH}`));
});
