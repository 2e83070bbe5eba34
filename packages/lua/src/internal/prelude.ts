/**
 * The Lua side of the sandbox, run once in every new engine with the full libraries still present: it
 * captures what it needs in locals (so a script replacing `pcall`, `string` or `_G` fields cannot reach
 * it), installs the sandboxed `load`, `require` and `setmetatable`, strips the unsafe libraries and
 * returns the runner functions the host calls. Every script call goes through `call`/`exec`: a count hook
 * (installed before `debug` is removed) bounds the instructions, results are copied to plain data
 * (no metatables, string/number keys, depth ≤ 64, a node ceiling) and errors come back as a table, never
 * as a Lua error into the host.
 */
export const PRELUDE = String.raw`
local G = _G
local host = G.__hajime_host
G.__hajime_host = nil
local sethook, getinfo = debug.sethook, debug.getinfo
local type, next, rawget, rawset, select, xpcall, error, tostring = type, next, rawget, rawset, select, xpcall, error, tostring
local raw_load, raw_setmetatable, raw_getmetatable = load, setmetatable, getmetatable
local str_byte, pack = string.byte, table.pack
local read_module = host.read_module
local NODE_MAX, DEPTH_MAX, BUDGET_MSG = host.node_max, 64, "__hajime_budget_exceeded__"

-- budget: a count hook every STEP instructions adds up the instructions and checks the CPU time (error
-- unwinding costs time but few instructions); past the budget every instruction raises, so a script
-- catching the error with pcall cannot keep running
local clock = os.clock
local overran, where, used, limit, secs, started, step = false, nil, 0, 0, 0, 0, 10000
local function hook()
  if overran then
    sethook(hook, "", 1)
    error(BUDGET_MSG, 0)
  end
  used = used + step
  if used < limit and clock() - started < secs then return end
  overran = true
  local info = getinfo(2, "Sl")
  if info ~= nil then where = info.short_src .. ":" .. tostring(info.currentline) end
  error(BUDGET_MSG, 0)
end

local function describe(e)
  if overran then return BUDGET_MSG end
  local t = type(e)
  if t == "string" then return e end
  if t == "number" or t == "boolean" or t == "nil" then return "error value: " .. tostring(e) end
  if t == "table" then
    local m = rawget(e, "message")
    if type(m) == "string" then return m end
  end
  return "error value of type " .. t
end

local nodes = 0
local function plain(v, depth)
  local t = type(v)
  if t == "nil" or t == "boolean" or t == "string" then return v end
  if t == "number" then return v end
  if t ~= "table" then error("a " .. t .. " value cannot be handed to the host (plain data only)", 0) end
  if depth > DEPTH_MAX then error("table nested deeper than " .. DEPTH_MAX .. " levels (or a cycle)", 0) end
  local out = {}
  for k, x in next, v do
    nodes = nodes + 1
    if nodes > NODE_MAX then error("returned data too large (over " .. NODE_MAX .. " table entries)", 0) end
    local kt = type(k)
    if kt ~= "string" and kt ~= "number" then error("a table key of type " .. kt .. " cannot be handed to the host", 0) end
    out[k] = plain(x, depth + 1)
  end
  return out
end

local function call_plain(f, ...)
  local r = pack(f(...))
  nodes = 0
  for i = 1, r.n do r[i] = plain(r[i], 1) end
  return r
end

local function protected(budget, ms, f, ...)
  overran, where, used, limit, secs = false, nil, 0, budget, ms / 1000
  step = budget < 10000 and budget or 10000
  started = clock()
  sethook(hook, "", step)
  local ok, r = xpcall(call_plain, describe, f, ...)
  sethook()
  if ok then
    r.ok = true
    return r
  end
  if overran then return { ok = false, kind = "timeout", message = "instruction budget exceeded", where = where } end
  if r == "not enough memory" then return { ok = false, kind = "memory", message = r } end
  return { ok = false, kind = "runtime_error", message = r }
end

-- the sandboxed loader and require
local function sandboxed_load(chunk, name, _mode, env)
  if type(chunk) ~= "string" then return nil, "load: only text chunks (strings) are allowed" end
  if str_byte(chunk, 1) == 27 then return nil, "load: binary chunks are not allowed" end
  if env == nil then env = G end
  return raw_load(chunk, name, "t", env)
end

local loaded = {}
local function sandboxed_require(name)
  if type(name) ~= "string" then error("require: module name must be a string", 2) end
  local m = loaded[name]
  if m ~= nil then return m end
  local r = read_module(name)
  if type(r) ~= "table" or r.source == nil then error("require: " .. tostring(r and r.error or "failed"), 2) end
  local fn, err = raw_load(r.source, r.chunk, "t", G)
  if fn == nil then error(err, 0) end
  local v = fn(name)
  if v == nil then v = true end
  loaded[name] = v
  return v
end

local function guarded_setmetatable(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then error("setmetatable: __gc metamethods are not allowed", 2) end
  return raw_setmetatable(t, mt)
end

local os_keep = { clock = os.clock, time = os.time, date = os.date, difftime = os.difftime }
G.os = os_keep
G.io, G.package, G.debug, G.dofile, G.loadfile, G.collectgarbage, G.print, G.loadstring, G.coroutine = nil, nil, nil, nil, nil, nil, nil, nil, nil
G.string.dump = nil
G.load = sandboxed_load
G.require = sandboxed_require
G.setmetatable = guarded_setmetatable
raw_getmetatable("").__metatable = false

local runner = {}
function runner.call(budget, ms, name, ...)
  local f = rawget(G, name)
  if type(f) ~= "function" then return { ok = false, kind = "missing", message = "no function " .. tostring(name) } end
  return protected(budget, ms, f, ...)
end
function runner.exec(budget, ms, source, chunk)
  local fn, err = raw_load(source, chunk, "t", G)
  if fn == nil then return { ok = false, kind = "syntax_error", message = err } end
  return protected(budget, ms, fn)
end
function runner.read(name)
  return protected(1000000, 1000, function() return rawget(G, name) end)
end
function runner.kind(name)
  return type(rawget(G, name))
end
function runner.clear_require()
  loaded = {}
end
return runner
`;
