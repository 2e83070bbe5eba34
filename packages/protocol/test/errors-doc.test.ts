// Keeps the wire section of guides/reference/errors.md in step with the closed registry.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES } from '../src/index.js';

const guide = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'guides', 'reference', 'errors.md'), 'utf8');

t.test('the errors reference lists every wire code with its status', async (t) => {
  const start = guide.indexOf('## Wire error codes');
  const section = guide.slice(start, guide.indexOf('\n## ', start + 1));
  const rows = new Map<string, number>();
  for (const line of section.split('\n')) {
    const m = /^\| `([a-z_.]+)` \| (\d+) \|/.exec(line);
    if (m !== null) rows.set(m[1]!, Number(m[2]));
  }
  t.same([...rows.keys()].sort(), Object.keys(ERROR_CODES).sort());
  for (const [code, { status }] of Object.entries(ERROR_CODES)) t.equal(rows.get(code), status, code);
});
