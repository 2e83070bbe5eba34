/**
 * Script paths inside a game folder: a relative path (`modes/arena.lua`) or a `require` name
 * (`bots.chaser` → `bots/chaser.lua`, resolved relative to the requiring mode script's folder) must stay
 * inside the folder, symlinks included (the real path is checked).
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { LuaLoadError } from './errors.js';
import type { ModuleSource } from './engine.js';

/** asobi's module name rule. */
export const MODULE_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..');
}

/**
 * The absolute path of `rel` inside `root` (whose real path is `realRoot`), or a `LUA_ERR_PATH` error:
 * absolute paths, `..` out of the folder, symlinks pointing out, missing files.
 */
export function resolveInside(root: string, rel: string): string {
  if (typeof rel !== 'string' || rel === '' || isAbsolute(rel)) throw new LuaLoadError('LUA_ERR_PATH', { path: String(rel) }, `script path "${String(rel)}" must be relative to the game folder`);
  const realRoot = realpathSync(root);
  const abs = resolve(realRoot, rel);
  if (!inside(realRoot, abs)) throw new LuaLoadError('LUA_ERR_PATH', { path: rel }, `script path "${rel}" leaves the game folder`);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new LuaLoadError('LUA_ERR_PATH', { path: rel }, `script "${rel}" not found in the game folder`);
  const real = realpathSync(abs);
  if (!inside(realRoot, real)) throw new LuaLoadError('LUA_ERR_PATH', { path: rel }, `script "${rel}" is a symlink out of the game folder`);
  return real;
}

/** The path of `file` relative to `root`, with `/` separators (for chunk names and messages). */
export function relName(root: string, file: string): string {
  return relative(realpathSync(root), file).split(sep).join('/');
}

/**
 * A `require` resolver for a script at `scriptFile` inside `root`: `a.b` → `<script dir>/a/b.lua`,
 * refused when the name breaks the rule, the file is missing or it resolves outside `root`.
 */
export function moduleReader(root: string, scriptFile: string): (name: string) => ModuleSource {
  const realRoot = realpathSync(root);
  const base = dirname(scriptFile);
  return (name) => {
    if (!MODULE_NAME_RE.test(name)) return { error: `invalid module name "${name.slice(0, 64)}"` };
    const rel = relative(realRoot, join(base, ...name.split('.')) + '.lua');
    try {
      const file = resolveInside(realRoot, rel);
      return { source: readFileSync(file, 'utf8'), chunk: '@' + relName(realRoot, file) };
    } catch {
      return { error: `module "${name}" not found` };
    }
  };
}
