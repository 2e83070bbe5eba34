// postgres.js keeps its pool's connections (open, busy, full) and waiting queries in a small Queue. In
// 3.4.9 a queue that is shifted and pushed without ever emptying (the busy connections under sustained
// load) kept every shifted slot, and `remove` searched them all: each query scanned a growing array, and
// a pool under 100 concurrent callers slowed down for as long as the load lasted (41k → 8k queries/s in
// 16 s). patches/postgres@3.4.9.patch fixes it; this test fails on an unpatched postgres.js.
import t from 'tap';

interface PoolQueue<T> {
  readonly length: number;
  push(x: T): T;
  shift(): T | undefined;
  remove(x: T): T | null;
}

/** postgres.js's internal Queue, by file URL (its exports map hides src/). */
async function loadQueue(): Promise<<T>(initial?: T[]) => PoolQueue<T>> {
  const entry = import.meta.resolve('postgres');
  const mod = (await import(new URL('./queue.js', entry).href)) as { default: <T>(initial?: T[]) => PoolQueue<T> };
  return mod.default;
}

/** The lengths of the arrays `Array.prototype.indexOf` searches while `fn` runs. */
function searchedLengths(fn: () => void): number[] {
  const lengths: number[] = [];
  const original = Array.prototype.indexOf;
  Array.prototype.indexOf = function (this: unknown[], ...args: Parameters<typeof original>) {
    lengths.push(this.length);
    return original.apply(this, args);
  };
  try {
    fn();
  } finally {
    Array.prototype.indexOf = original;
  }
  return lengths;
}

t.test('postgres.js pool queue (patched)', async (t) => {
  const Queue = await loadQueue();

  t.test('a queue that never empties keeps only its live items: remove searches a short array', async (t) => {
    const busy = Queue<string>();
    busy.push('c1');
    busy.push('c2');
    // What the pool does with a busy connection under load: take it (shift), give it another query and
    // put it back (remove from its old queue, where it no longer is, then push).
    for (let i = 0; i < 10_000; i++) {
      const c = busy.shift()!;
      busy.remove(c);
      busy.push(c);
    }
    t.equal(busy.length, 2);
    const lengths = searchedLengths(() => t.equal(busy.remove('c1'), 'c1'));
    t.ok(lengths.length > 0 && Math.max(...lengths) < 200, `searched arrays of ${lengths.join(', ')} slots (about 10,000 unpatched)`);
    t.equal(busy.length, 1);
    t.equal(busy.shift(), 'c2');
    t.equal(busy.length, 0);
  });

  t.test('keeps FIFO order through compaction, and remove still finds live items', async (t) => {
    const q = Queue<number>();
    const out: number[] = [];
    let next = 0;
    for (let i = 0; i < 5; i++) q.push(next++);
    for (let i = 0; i < 1_000; i++) {
      out.push(q.shift()!);
      q.push(next++);
    }
    t.equal(q.length, 5);
    t.same(out, Array.from({ length: 1_000 }, (_, i) => i), 'shifted in push order');
    t.equal(q.remove(1_002), 1_002, 'a live item is found');
    t.equal(q.remove(3), null, 'a shifted item is not');
    t.same([q.shift(), q.shift(), q.shift(), q.shift()], [1_000, 1_001, 1_003, 1_004]);
    t.equal(q.length, 0);
  });
});
