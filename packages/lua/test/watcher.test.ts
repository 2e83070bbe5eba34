import t from 'tap';
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { FolderWatcher, type WatchTimers } from '../src/watcher.js';
import { gameDir } from './helpers/tmp.js';

/** Manual timers: `fire()` runs what is due. */
function manualTimers(): WatchTimers & { pending: number; fireAll(): void } {
  const timers = new Map<number, () => void>();
  let next = 0;
  return {
    setTimer: (fn) => {
      timers.set(++next, fn);
      return next;
    },
    clearTimer: (h) => void timers.delete(h as number),
    get pending() {
      return timers.size;
    },
    fireAll() {
      const due = [...timers.entries()];
      timers.clear();
      for (const [, fn] of due) fn();
    },
  };
}

t.test('FolderWatcher.scan: reports added, changed and removed .lua files once', async (t) => {
  const g = gameDir(t, { 'match.lua': 'a', 'notes.txt': 'x', 'lib/util.lua': 'u' });
  const seen: string[][] = [];
  const w = new FolderWatcher(g.dir, (f) => seen.push(f), { fsWatch: false, pollIntervalMs: 0 });
  t.same(w.scan(), [], 'nothing changed yet');
  g.write('match.lua', 'a changed, longer');
  g.write('lib/new.lua', 'n');
  g.write('notes.txt', 'not lua');
  t.same(w.scan(), ['lib/new.lua', 'match.lua']);
  t.same(w.scan(), [], 'a change is reported once');
  unlinkSync(join(g.dir, 'lib/util.lua'));
  t.same(w.scan(), ['lib/util.lua']);
  t.same(seen, [['lib/new.lua', 'match.lua'], ['lib/util.lua']]);
  w.close();
});

t.test('FolderWatcher: the poll runs on the given timers and stops on close', async (t) => {
  const g = gameDir(t, { 'match.lua': 'a' });
  const timers = manualTimers();
  const seen: string[][] = [];
  const w = new FolderWatcher(g.dir, (f) => seen.push(f), { fsWatch: false, pollIntervalMs: 200, timers });
  w.start();
  t.equal(timers.pending, 1, 'the poll is armed');
  g.write('match.lua', 'changed!');
  timers.fireAll();
  t.same(seen, [['match.lua']]);
  t.equal(timers.pending, 1, 're-armed');
  w.close();
  t.equal(timers.pending, 0, 'closed: no timer left');
});
