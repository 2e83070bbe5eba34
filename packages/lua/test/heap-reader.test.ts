import t from 'tap';
import fc from 'fast-check';
import { LuaRuntime } from '../src/runtime.js';

const rt = await LuaRuntime.create();
t.teardown(() => rt.close());

/** What a JS value is after a trip through Lua: an empty array is an empty table, read back as `{}`. */
function throughLua(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? {} : v.map(throughLua);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, throughLua(x)]));
  return v;
}

// plain data as game states and inputs look: no nulls (nil holes), no -0, finite numbers
const leaf = fc.oneof(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)), fc.boolean(), fc.string(), fc.string({ unit: 'grapheme' }));
const { value: plain } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 6 }),
  object: fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 6 }),
}));

t.test('the heap reader reads back what went in, as data and as JSON text (fast-check)', async (t) => {
  const e = rt.createEngine();
  t.ok(e.readsHeap, 'the heap layout checked out: results are read from the heap');
  t.ok(e.exec('function id(...) return ... end', '@id.lua').ok);
  fc.assert(
    fc.property(plain, (v) => {
      const want = throughLua(v);
      const data = e.call('id', [v]);
      const json = e.call('id', [v], { json: true });
      if (!data.ok || !json.ok) return false;
      t.same(data.value[0], want);
      t.same(JSON.parse(json.value[0] as string), JSON.parse(JSON.stringify(want)));
      return true;
    }),
    { numRuns: 300 },
  );
  e.close();
});

t.test('strings: escapes, UTF-8, long strings, and a reused address never returns a stale string', async (t) => {
  const e = rt.createEngine();
  t.ok(e.exec('function make(n) local t = {} for i = 1, n do t[i] = "k" .. i end return t end function s(x) return x end', '@s.lua').ok);
  for (const x of ['quote " backslash \\ tab \t nl \n ctl \u0001', 'é ü 中文 😀', 'x'.repeat(5000)]) {
    t.same(e.call('s', [x]), { ok: true, value: [x] });
    t.same(JSON.parse((e.call('s', [x], { json: true }) as { value: string[] }).value[0]!), x);
  }
  // many short strings created and collected: addresses come back with other strings in them
  for (let round = 0; round < 20; round++) {
    const r = e.call('make', [200 + round]);
    t.ok(r.ok && (r.value[0] as string[]).every((k, i) => k === `k${i + 1}`), `round ${round}`);
  }
  e.close();
});

t.test('the memory cap without the traced allocator, and with it', async (t) => {
  for (const exactMemoryCap of [false, true]) {
    const e = rt.createEngine({ memoryMaxBytes: 8 * 1024 * 1024, exactMemoryCap });
    t.ok(e.exec('function grow() local t = {} for i = 1, 1e8 do t[i] = {i} end end function rep() return #string.rep("ab", 1e8) end function ok() return 1 end', '@m.lua').ok);
    const g = e.call('grow', [], { instructions: 1e9, timeLimitMs: 10_000 });
    t.equal(g.ok ? 'ok' : g.kind, 'memory', `exact=${exactMemoryCap}: a growing table stops at the cap`);
    const r = e.call('rep', []);
    t.equal(r.ok ? 'ok' : r.kind, 'memory', `exact=${exactMemoryCap}: string.rep past the cap fails before it allocates`);
    t.same(e.call('ok', []), { ok: true, value: [1] }, 'and the engine goes on');
    t.ok(e.memoryUsedBytes < 8 * 1024 * 1024, 'the heap is back under the cap');
    e.close();
  }
});

t.test('step: the heap path and the fallback path (wasmoon conversion, Lua encoder) give the same results', async (t) => {
  const src = `
    function handle_input(p, input, s) s.n = s.n + (input.d or 0) if input.bad then error("bad") end s.by[p] = input.d return s end
    function tick(s) s.ticks = s.ticks + 1 return s end
    function get_state(p, s) return { me = s.by[p] or 0, n = s.n, ticks = s.ticks, list = { 1, 2.5, "x" } } end
  `;
  const L = { instructions: 1e7, timeLimitMs: 1000 };
  const limits = { input: L, tick: L, view: L };
  const results = [];
  for (const readHeap of [true, false]) {
    const e = rt.createEngine({ readHeap });
    t.equal(e.readsHeap, readHeap);
    t.ok(e.exec(src, '@g.lua').ok);
    t.ok(e.setSlot('state', { n: 0, ticks: 0, by: { a: 0 } }).ok);
    const ok = e.step({ inputs: ['a', { d: 2 }, 'b', { d: 3 }], tick: true, views: 'players', players: ['a', 'b'], limits });
    const bad = e.step({ inputs: ['a', { d: 1 }, 'b', { bad: true }], tick: true, views: 'none', limits });
    const shared = e.step({ inputs: [], tick: false, views: 'shared', limits });
    if (!ok.ok) throw new Error('step failed');
    results.push({ state: ok.state, views: ok.views.map((v) => JSON.parse(v ?? 'null') as unknown), bad, sharedViewFailed: shared.ok ? shared.viewFailure?.kind : 'step failed' });
    e.close();
  }
  t.same(results[0]?.state, { n: 5, ticks: 1, by: { a: 2, b: 3 } });
  t.same(results[0]?.views, [
    { me: 2, n: 5, ticks: 1, list: [1, 2.5, 'x'] },
    { me: 3, n: 5, ticks: 1, list: [1, 2.5, 'x'] },
  ]);
  t.match(results[0]?.bad, { ok: false, callback: 'handle_input', input: 2, failure: { kind: 'runtime_error', message: /bad/ } });
  t.equal(results[0]?.sharedViewFailed, 'runtime_error', 'get_state(state) with a nil player fails: the view failure is reported');
  t.same(results[1], results[0], 'the fallback path gives the same');
});

t.test('step: the players list is sent again only when it changed, and views follow every change (a list changed in place too)', async (t) => {
  const e = rt.createEngine();
  t.teardown(() => e.close());
  const L = { instructions: 1e7, timeLimitMs: 1000 };
  const limits = { input: L, tick: L, view: L };
  t.ok(e.exec('function get_state(p, s) return { me = p } end', '@g.lua').ok);
  t.ok(e.setSlot('state', {}).ok);
  const views = (players: string[], stateAs: 'data' | 'json' = 'data'): unknown => {
    const r = e.step({ inputs: [], tick: false, views: 'players', players, limits, stateAs });
    return r.ok ? r.views.map((v) => (JSON.parse(v ?? 'null') as { me: string }).me) : r;
  };
  const list = ['a', 'b'];
  t.same(views(list), ['a', 'b']);
  t.same(views(list), ['a', 'b'], 'the same list again');
  t.same(views(['a', 'b']), ['a', 'b'], 'an equal list');
  list.push('c');
  t.same(views(list), ['a', 'b', 'c'], 'the list changed in place');
  t.same(views(['c', 'a']), ['c', 'a'], 'another list');
  t.same(views([]), [], 'nobody');
  t.same(views(['d'], 'json'), ['d']);
  const st = e.step({ inputs: [], tick: false, views: 'none', limits, stateAs: 'json' });
  t.same(st.ok ? JSON.parse(st.state as string) : st, {}, "stateAs 'json': the state as its JSON text");
});
