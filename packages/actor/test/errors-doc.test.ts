// Keeps guides/reference/errors.md in step with ACTOR_ERRORS: the "Actor runtime (ACT_ERR_*)" table must list
// every code exactly once, with the status the code table gives it, and name no code that does not exist.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ACTOR_ERRORS, type ActorErrorCode } from '../src/index.js';

// This file runs as packages/actor/dist/test/errors-doc.test.js: the repository root is four levels up.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const page = readFileSync(join(root, 'guides', 'reference', 'errors.md'), 'utf8');

const HEADING = '## Actor runtime (ACT_ERR_*)';
const CODE = /ACT_ERR_[A-Z_]+/g;

/** The lines of the actor section: from its heading to the next `## ` heading (or the end). */
function actorSection(): string[] {
  const lines = page.split('\n');
  const start = lines.findIndex((l) => l.trim() === HEADING);
  if (start < 0) return [];
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => l.startsWith('## '));
  return end < 0 ? rest : rest.slice(0, end);
}

/**
 * The rows of the section's code table: the table whose header is `| Code | Status | Cause | What to do |`,
 * header and separator excluded, each split into trimmed cells.
 */
function codeTable(section: readonly string[]): string[][] {
  const cells = (l: string): string[] => l.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
  const header = section.findIndex((l) => l.trim().startsWith('|') && cells(l).join('|') === 'Code|Status|Cause|What to do');
  if (header < 0) return [];
  const rows: string[][] = [];
  for (const l of section.slice(header + 2)) {
    if (!l.trim().startsWith('|')) break;
    rows.push(cells(l));
  }
  return rows;
}

t.test('guides/reference/errors.md, actor section', async (t) => {
  const section = actorSection();
  t.ok(section.length > 0, `the page has a "${HEADING}" section`);
  const rows = codeTable(section);
  t.ok(rows.length > 0, 'the section has a table with the columns Code | Status | Cause | What to do');
  const known = new Set<string>(Object.keys(ACTOR_ERRORS));

  t.test('lists every ACT_ERR_* code of ACTOR_ERRORS exactly once, and no other', async (t) => {
    const firstCells = rows.map((cells) => cells[0] ?? '');
    for (const cell of firstCells) t.match(cell, /^`ACT_ERR_[A-Z_]+`$/, `the Code cell ${cell} is one code in backticks`);
    const listed = firstCells.map((cell) => cell.replace(/`/g, ''));
    t.equal(new Set(listed).size, listed.length, 'no code has two rows');
    const mentioned = new Set(rows.flatMap((cells) => cells.join('|').match(CODE) ?? []));
    t.same([...mentioned].sort(), [...known].sort(), 'the codes in the table are exactly the codes of ACTOR_ERRORS');
    t.same([...new Set(listed)].sort(), [...known].sort(), 'each code of ACTOR_ERRORS has its own row');
  });

  t.test('gives each code the status of ACTOR_ERRORS', async (t) => {
    for (const cells of rows) {
      const code = (cells[0] ?? '').replace(/`/g, '');
      if (!known.has(code)) continue;
      t.equal(Number(cells[1]), ACTOR_ERRORS[code as ActorErrorCode].status, `${code} status`);
    }
  });
});
