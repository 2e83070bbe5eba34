// Keeps the storage section of guides/reference/errors.md in step with STORAGE_ERRORS.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STORAGE_ERRORS } from '../src/index.js';

const guide = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'guides', 'reference', 'errors.md'), 'utf8');

t.test('the errors reference lists every storage code with its status and wire code', async (t) => {
  const section = guide.slice(guide.indexOf('## Storage (STO_ERR_*)'));
  t.ok(section.length > 0, 'the section exists');
  const rows = new Map<string, { status: number; wire: string }>();
  for (const line of section.split('\n')) {
    const m = /^\| `(STO_ERR_[A-Z_]+)` \| (\d+) \| `([a-z_.]+)` \|/.exec(line);
    if (m !== null) rows.set(m[1]!, { status: Number(m[2]), wire: m[3]! });
  }
  t.same([...rows.keys()].sort(), Object.keys(STORAGE_ERRORS).sort());
  for (const [code, { status, wire }] of Object.entries(STORAGE_ERRORS)) t.same(rows.get(code), { status, wire }, code);
});
