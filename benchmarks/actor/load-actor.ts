/**
 * Loads `@hajime/actor`. Its package.json maps the "." export to `./dist/index.js`, but `tsc -b` emits
 * `./dist/src/index.js` (rootDir is the package folder), so a plain `import '@hajime/actor'` fails at run
 * time with ERR_MODULE_NOT_FOUND while type-checking passes. Until the export is fixed this falls back to
 * the package's `main` field (which is right); once it is fixed the plain import wins and this file can
 * become `export * from '@hajime/actor'`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as ActorModule from '@hajime/actor';

async function load(): Promise<typeof ActorModule> {
  try {
    return await import('@hajime/actor');
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    const manifest = createRequire(import.meta.url).resolve('@hajime/actor/package.json');
    const main = (JSON.parse(readFileSync(manifest, 'utf8')) as { main: string }).main;
    return (await import(pathToFileURL(join(dirname(manifest), main)).href)) as typeof ActorModule;
  }
}

/** The `@hajime/actor` module. */
export const Actor: typeof ActorModule = await load();
