import t from 'tap';
import { LuaRuntime } from '../src/runtime.js';
import type { ScriptEngine } from '../src/engine.js';
import type { LuaResult } from '../src/errors.js';

const rt = await LuaRuntime.create();
t.teardown(() => rt.close());

function engine(src: string, opts: Parameters<LuaRuntime['createEngine']>[0] = {}): ScriptEngine {
  const e = rt.createEngine(opts);
  const r = e.exec(src, '@game.lua');
  if (!r.ok) throw new Error(`fixture failed: ${r.message}`);
  return e;
}

function failed(r: LuaResult<unknown>): { kind: string; where?: string | undefined } {
  if (r.ok) throw new Error('expected a failure');
  return { kind: r.kind, where: r.where };
}

t.test('ScriptEngine: calls return plain data, never throw', async (t) => {
  const e = engine('function add(a, b) return a + b, {list = {1, 2, 3}, map = {x = "y"}} end function nothing() end');
  t.same(e.call('add', [2, 3]), { ok: true, value: [5, { list: [1, 2, 3], map: { x: 'y' } }] });
  t.same(e.call('nothing', []), { ok: true, value: [] });
  t.same(failed(e.call('absent', [])).kind, 'missing', 'a missing function is a "missing" failure');
  t.same(e.call('add', [{ nested: [1, { deep: true }] }, 1]).ok, false, 'a runtime error (table + number) is a failure, not a throw');
  e.close();
  t.equal(e.call('add', [1, 2]).ok, false, 'a closed engine answers a failure');
});

t.test('ScriptEngine: errors carry file:line', async (t) => {
  const e = rt.createEngine();
  const syn = e.exec('function broken(\n  x = ', '@modes/arena.lua');
  t.equal(failed(syn).kind, 'syntax_error');
  t.equal(failed(syn).where, 'modes/arena.lua:2');
  t.ok(e.exec('function f()\n  local x = nil\n  return x.y\nend', '@game.lua').ok);
  t.same(failed(e.call('f', [])), { kind: 'runtime_error', where: 'game.lua:3' });
  t.ok(e.exec('function g() error({message = "custom"}) end function h() error(42) end', '@game.lua').ok);
  t.equal(failed(e.call('g', [])).kind, 'runtime_error', 'error objects (tables) are reported');
  t.equal(failed(e.call('h', [])).kind, 'runtime_error', 'non-string error values are reported');
});

t.test('ScriptEngine sandbox: only the safe libraries', async (t) => {
  const e = engine('function probe(name) local v = _G for part in string.gmatch(name, "[^.]+") do if v == nil then return nil end v = v[part] end return type(v) end');
  for (const name of ['io', 'package', 'debug', 'coroutine', 'dofile', 'loadfile', 'collectgarbage', 'print', 'loadstring', 'string.dump', 'os.execute', 'os.exit', 'os.getenv', 'os.remove', 'os.rename', 'os.tmpname']) {
    t.same(e.call('probe', [name]), { ok: true, value: ['nil'] }, `${name} is gone`);
  }
  for (const name of ['os.clock', 'os.time', 'os.date', 'os.difftime', 'string.format', 'table.insert', 'math.floor', 'utf8.char', 'pcall', 'load', 'require', 'setmetatable']) {
    t.same(e.call('probe', [name]), { ok: true, value: ['function'] }, `${name} is there`);
  }
});

t.test('ScriptEngine sandbox: load is text-only, binary chunks and string.dump are refused', async (t) => {
  const e = engine(`
    function binary() local f, err = load(string.char(27) .. "LuaT\\0\\25\\147") return f == nil, err end
    function text() local f = load("return 1 + 1") return f() end
    function reader() local f, err = load(function() return nil end) return f == nil, err end
    function env_default() secret = 7 local f = load("return secret") return f() end
    function dump() return string.dump == nil end
  `);
  const b = e.call('binary', []);
  t.ok(b.ok && b.value[0] === true, 'a binary chunk does not load');
  t.same(e.call('text', []), { ok: true, value: [2] });
  const r = e.call('reader', []);
  t.ok(r.ok && r.value[0] === true, 'a reader function is refused');
  t.same(e.call('env_default', []), { ok: true, value: [7] }, 'load runs in the sandboxed env');
  t.same(e.call('dump', []), { ok: true, value: [true] });
});

t.test('ScriptEngine sandbox: metatable tricks', async (t) => {
  const e = engine(`
    function gc() setmetatable({}, {__gc = function() while true do end end}) end
    function string_mt() return getmetatable("") end
    function poison_globals()
      setmetatable(_G, {__index = function() error("poisoned") end, __newindex = function() error("poisoned") end})
      pcall = nil; xpcall = nil; error = nil; type = nil; next = nil; rawget = nil; table = nil; string = nil
      return 1
    end
    function after() return 2 end
    function tostring_bomb() return setmetatable({}, {__tostring = function() while true do end end, __pairs = function() while true do end end}) end
  `);
  t.equal(failed(e.call('gc', [])).kind, 'runtime_error', 'a __gc finaliser is refused');
  t.same(e.call('string_mt', []), { ok: true, value: [false] }, 'the string metatable is hidden');
  t.same(e.call('poison_globals', []), { ok: true, value: [1] });
  t.same(e.call('after', []), { ok: true, value: [2] }, 'the runner does not depend on globals a script can replace');
  const r = e.call('tostring_bomb', []);
  t.same(r, { ok: true, value: [{}] }, 'results are copied raw: metamethods never run in the host');
});

t.test('ScriptEngine budgets: loops, pcall tricks, recursion', async (t) => {
  const e = engine(`
    function spin() while true do end end
    function sneaky() while true do pcall(function() while true do end end) end end
    function sneakier() local function f() pcall(f) pcall(f) end while true do pcall(f) end end
    function recurse(n) return recurse(n + 1) + 1 end
    function ok() return "still alive" end
  `);
  for (const name of ['spin', 'sneaky', 'sneakier']) {
    const t0 = performance.now();
    const r = e.call(name, [], { instructions: 1_000_000, timeLimitMs: 300 });
    t.equal(failed(r).kind, 'timeout', `${name}: stopped by the budget`);
    t.ok(performance.now() - t0 < 2000, `${name}: stopped fast`);
    t.same(e.call('ok', []), { ok: true, value: ['still alive'] }, `${name}: the engine goes on`);
  }
  t.equal(failed(e.call("spin", [], { instructions: 1_000_000 })).where, 'game.lua:2', 'a timeout names where the script was');
  t.equal(failed(e.call('recurse', [1])).kind === 'runtime_error' || failed(e.call('recurse', [1])).kind === 'memory', true, 'deep recursion is a failure');
  t.same(e.call('ok', []), { ok: true, value: ['still alive'] });
});

t.test('ScriptEngine memory cap: heap bombs', async (t) => {
  const e = engine(`
    function rep() local s = string.rep("x", 1 << 28) return #s end
    function tables() local t = {} for i = 1, 1e9 do t[i] = {i, i, i} end end
    function concat() local s = "x" while true do s = s .. s end end
    function ok() return 1 end
  `, { memoryMaxBytes: 16 * 1024 * 1024 });
  t.equal(failed(e.call('rep', [])).kind, 'memory');
  t.equal(failed(e.call('tables', [], { instructions: 1e9, timeLimitMs: 5000 })).kind, 'memory');
  t.ok(['memory', 'runtime_error'].includes(failed(e.call('concat', [], { instructions: 1e9, timeLimitMs: 5000 })).kind), 'string doubling stops');
  t.same(e.call('ok', []), { ok: true, value: [1] }, 'the engine goes on after each');
});

t.test('ScriptEngine results: huge, cyclic, deep and non-plain values', async (t) => {
  const e = engine(`
    function huge() local t = {} for i = 1, 300000 do t[i] = i end return t end
    function cyclic() local t = {} t.self = t return t end
    function deep() local t = {} local c = t for i = 1, 100 do c.x = {} c = c.x end return t end
    function fn() return {f = function() end} end
    function key() return {[{}] = 1} end
    function fine() local t = {} for i = 1, 1000 do t[i] = i end return t end
  `, { maxReturnEntries: 200_000 });
  for (const name of ['huge', 'cyclic', 'deep', 'fn', 'key']) t.equal(failed(e.call(name, [])).kind, 'runtime_error', `${name}: refused`);
  const r = e.call('fine', []);
  t.ok(r.ok && Array.isArray(r.value[0]) && (r.value[0] as number[]).length === 1000);
});

t.test('ScriptEngine: read, typeOf, setGlobal', async (t) => {
  const e = engine('match_size = 4 name = "x" function f() return host.value end');
  t.same(e.read('match_size'), { ok: true, value: 4 });
  t.same(e.read('nothing'), { ok: true, value: undefined });
  t.equal(e.typeOf('f'), 'function');
  t.equal(e.read('f').ok, false, 'a function is not plain data');
  e.setGlobal('host', { value: 9 });
  t.same(e.call('f', []), { ok: true, value: [9] });
  t.ok(e.memoryUsedBytes > 0);
});

t.test('ScriptEngine sandbox: costly patterns fail before they run; ordinary ones work', async (t) => {
  const e = engine(`
    function evil(n) return string.find(string.rep("a", n), ".-.-.-.-.-.-.-.-b") end
    function evil_method(n) local s = string.rep("a", n) local r = s:match("(.-)(.-)(.-)(.-)(.-)(.-)b") return r end
    function trim(s) return (string.match(s, "^%s*(.-)%s*$")) end
    function words(s) local n = 0 for _ in string.gmatch(s, "%a+") do n = n + 1 end return n end
    function squeeze(s) return (string.gsub(s, "%s+", " ")) end
    function plain(s) return string.find(s, ".-.-.-", 1, true) end
  `);
  for (const name of ['evil', 'evil_method']) {
    const t0 = performance.now();
    t.equal(failed(e.call(name, [60])).kind, 'runtime_error', `${name}: refused`);
    t.ok(performance.now() - t0 < 1000, `${name}: at once`);
  }
  t.same(e.call('evil', [3]), { ok: true, value: [undefined] }, 'a tiny subject is fine');
  t.same(e.call('trim', ['   hello  ']), { ok: true, value: ['hello'] });
  t.same(e.call('words', ['the quick brown fox '.repeat(500)]), { ok: true, value: [2000] });
  t.same(e.call('squeeze', ['a  b   c']), { ok: true, value: ['a b c'] });
  t.same(e.call('plain', ['x.-.-.-y']), { ok: true, value: [2, 7] }, 'plain finds are not patterns');
});
