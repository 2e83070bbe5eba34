/**
 * `FolderWatcher`: notices changed `.lua` files under a game folder. `node:fs.watch` (recursive) triggers a
 * debounced scan; a stat poll (mtime, ctime, size of every `.lua` file) runs as well, for file systems
 * where watching misses events (network mounts, some containers, editors that replace files). The scan
 * is the source of truth: a file counts as changed once per distinct stat.
 */
import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Where the watcher gets its timers (an actor `Clock` fits; default: the real timers). */
export interface WatchTimers {
  setTimer(fn: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

export interface WatcherOptions {
  /** Quiet time after a watch event before scanning, ms (default 50). */
  readonly debounceMs?: number;
  /** Stat-poll interval, ms (default 500; 0 turns the poll off). */
  readonly pollIntervalMs?: number;
  /** Use `fs.watch` (default true). */
  readonly fsWatch?: boolean;
  readonly timers?: WatchTimers;
}

export const WATCHER_DEFAULTS = Object.freeze({ debounceMs: 50, pollIntervalMs: 500 });

const realTimers: WatchTimers = {
  setTimer: (fn, ms) => {
    const h = setTimeout(fn, ms);
    h.unref?.();
    return h;
  },
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

const MAX_FILES = 2000;

function listLua(root: string, dir = root, out = new Map<string, string>(), depth = 0): Map<string, string> {
  if (depth > 16 || out.size > MAX_FILES) return out;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) listLua(root, p, out, depth + 1);
    else if (e.isFile() && e.name.endsWith('.lua')) {
      try {
        const st = statSync(p);
        out.set(relative(root, p).split(sep).join('/'), `${st.mtimeMs}:${st.ctimeMs}:${st.size}`);
      } catch {
        // vanished between readdir and stat
      }
    }
  }
  return out;
}

export class FolderWatcher {
  readonly #root: string;
  readonly #onChange: (files: string[]) => void;
  readonly #timers: WatchTimers;
  readonly #debounceMs: number;
  readonly #pollMs: number;
  readonly #useWatch: boolean;
  #known: Map<string, string>;
  #fsw: FSWatcher | undefined;
  #debounce: unknown;
  #poll: unknown;
  #closed = false;

  constructor(root: string, onChange: (files: string[]) => void, options: WatcherOptions = {}) {
    this.#root = root;
    this.#onChange = onChange;
    this.#timers = options.timers ?? realTimers;
    this.#debounceMs = options.debounceMs ?? WATCHER_DEFAULTS.debounceMs;
    this.#pollMs = options.pollIntervalMs ?? WATCHER_DEFAULTS.pollIntervalMs;
    this.#useWatch = options.fsWatch ?? true;
    this.#known = listLua(root);
  }

  /** Starts watching (fs.watch and the poll). */
  start(): void {
    if (this.#closed) return;
    if (this.#useWatch && this.#fsw === undefined) {
      try {
        this.#fsw = watch(this.#root, { recursive: true, persistent: false }, () => this.#schedule());
        this.#fsw.on('error', () => {
          this.#fsw?.close();
          this.#fsw = undefined;
        });
      } catch {
        this.#fsw = undefined; // the poll still runs
      }
    }
    this.#armPoll();
  }

  /** Compares every `.lua` file's stat with the last scan; reports and returns the changed (added, modified, removed) paths. */
  scan(): string[] {
    if (this.#closed) return [];
    const now = listLua(this.#root);
    const changed: string[] = [];
    for (const [f, sig] of now) if (this.#known.get(f) !== sig) changed.push(f);
    for (const f of this.#known.keys()) if (!now.has(f)) changed.push(f);
    this.#known = now;
    if (changed.length > 0) this.#onChange(changed.sort());
    return changed;
  }

  close(): void {
    this.#closed = true;
    this.#fsw?.close();
    this.#fsw = undefined;
    if (this.#debounce !== undefined) this.#timers.clearTimer(this.#debounce);
    if (this.#poll !== undefined) this.#timers.clearTimer(this.#poll);
    this.#debounce = this.#poll = undefined;
  }

  #schedule(): void {
    if (this.#closed) return;
    if (this.#debounce !== undefined) this.#timers.clearTimer(this.#debounce);
    this.#debounce = this.#timers.setTimer(() => {
      this.#debounce = undefined;
      this.#safeScan();
    }, this.#debounceMs);
  }

  #armPoll(): void {
    if (this.#closed || this.#pollMs <= 0) return;
    this.#poll = this.#timers.setTimer(() => {
      this.#safeScan();
      this.#armPoll();
    }, this.#pollMs);
  }

  #safeScan(): void {
    try {
      this.scan();
    } catch {
      // a listener failure must not stop the watcher
    }
  }
}
