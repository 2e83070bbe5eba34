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
local raw_load, raw_setmetatable, raw_getmetatable, gc = load, setmetatable, getmetatable, collectgarbage
local str_byte, str_format, str_gsub, pack, unpack, concat = string.byte, string.format, string.gsub, table.pack, table.unpack, table.concat
local math_type, rawlen = math.type, rawlen
local read_module = host.read_module
local NODE_MAX, DEPTH_MAX, BUDGET_MSG = host.node_max, 64, "__hajime_budget_exceeded__"
-- the memory cap when the host does not count allocations itself (mem_max = 0: it does): the heap in
-- use is checked at every hook step and after every call (a full collection first when over)
local MEM_MAX = host.mem_max
local MEM_MSG = "not enough memory"
local function over_cap()
  if MEM_MAX == 0 or gc("count") * 1024 <= MEM_MAX then return false end
  gc("collect")
  return gc("count") * 1024 > MEM_MAX
end

-- budget: a count hook every STEP instructions adds up the instructions and checks the CPU time (error
-- unwinding costs time but few instructions); past the budget every instruction raises, so a script
-- catching the error with pcall cannot keep running
local clock = os.clock
local overran, where, used, limit, secs, started, step = false, nil, 0, 0, 0, 0, 10000
local guarded, cb_frame
local function hook()
  if overran then
    -- back in the runner after the script unwound: stop hooking, never raise out of the runner itself
    local f = getinfo(2, "f")
    if f ~= nil and f.func == guarded then
      sethook()
      return
    end
    if f ~= nil and f.func == cb_frame then
      sethook(hook, "", step) -- a step's next callback is counted again
      return
    end
    sethook(hook, "", 1)
    error(BUDGET_MSG, 0)
  end
  used = used + step
  if MEM_MAX > 0 and gc("count") * 1024 > MEM_MAX and over_cap() then error(MEM_MSG, 0) end
  -- a step's callbacks start their CPU clock at their first hook (false: not yet), sparing a clock()
  -- per callback; the first few thousand instructions go uncounted in time, not in the budget
  if started == false then started = clock() end
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
    if type(x) == "table" then x = plain(x, depth + 1)
    elseif type(x) == "function" or type(x) == "userdata" or type(x) == "thread" then error("a " .. type(x) .. " value cannot be handed to the host (plain data only)", 0) end
    out[k] = x
  end
  return out
end

-- plain() without the copy: checks a table the host will keep
local function check(v, depth)
  if depth > DEPTH_MAX then error("table nested deeper than " .. DEPTH_MAX .. " levels (or a cycle)", 0) end
  for k, x in next, v do
    nodes = nodes + 1
    if nodes > NODE_MAX then error("returned data too large (over " .. NODE_MAX .. " table entries)", 0) end
    local kt, xt = type(k), type(x)
    if kt ~= "string" and kt ~= "number" then error("a table key of type " .. kt .. " cannot be handed to the host", 0) end
    if xt == "table" then
      check(x, depth + 1)
    elseif xt == "function" or xt == "userdata" or xt == "thread" then error("a " .. xt .. " value cannot be handed to the host (plain data only)", 0) end
  end
end

-- results cross to the host as one JSON string (far cheaper than a value-by-value copy): arrays are
-- tables with keys exactly 1..n, anything else with entries an object (number keys as strings)
local ESC = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
local function esc_char(c) return ESC[c] or str_format("\\u%04x", str_byte(c)) end
local function enc_str(v) return '"' .. (str_gsub(v, '[%c"\\]', esc_char)) .. '"' end
-- number formatting is slow in the WebAssembly C library: small integers come from a lazily filled cache
local INTS = {}
local function enc_num(v)
  if math_type(v) == "integer" then
    local c = INTS[v]
    if c ~= nil then return c end
    c = str_format("%d", v)
    if v >= -1024 and v <= 16384 then INTS[v] = c end
    return c
  end
  if v ~= v or v == 1/0 or v == -1/0 then return "null" end
  return str_format("%.17g", v)
end
local enc
enc = function(v, depth, buf, n)
  local t = type(v)
  if t == "string" then n = n + 1 buf[n] = enc_str(v) return n end
  if t == "number" then n = n + 1 buf[n] = enc_num(v) return n end
  if t == "boolean" then n = n + 1 buf[n] = v and "true" or "false" return n end
  if t == "nil" then n = n + 1 buf[n] = "null" return n end
  if t ~= "table" then error("a " .. t .. " value cannot be handed to the host (plain data only)", 0) end
  if depth > DEPTH_MAX then error("table nested deeper than " .. DEPTH_MAX .. " levels (or a cycle)", 0) end
  local count = 0
  for _ in next, v do count = count + 1 end
  nodes = nodes + count
  if nodes > NODE_MAX then error("returned data too large (over " .. NODE_MAX .. " table entries)", 0) end
  if count > 0 and rawlen(v) == count then
    local start, ok = n, true
    n = n + 1 buf[n] = "["
    for i = 1, count do
      local x = rawget(v, i)
      if x == nil then ok = false break end
      if i > 1 then n = n + 1 buf[n] = "," end
      n = enc(x, depth + 1, buf, n)
    end
    if ok then n = n + 1 buf[n] = "]" return n end
    for i = n, start + 1, -1 do buf[i] = nil end
    n = start
  end
  n = n + 1 buf[n] = "{"
  local first = true
  for k, x in next, v do
    local kt = type(k)
    if kt == "string" then k = enc_str(k)
    elseif kt == "number" then k = '"' .. enc_num(k) .. '"'
    else error("a table key of type " .. kt .. " cannot be handed to the host", 0) end
    if not first then n = n + 1 buf[n] = "," end
    first = false
    n = n + 1 buf[n] = k
    n = n + 1 buf[n] = ":"
    n = enc(x, depth + 1, buf, n)
  end
  n = n + 1 buf[n] = "}"
  return n
end

local function encode_results(r, skip1)
  nodes = 0
  local buf, n = { "[" }, 1
  for i = 1, r.n do
    if i > 1 then n = n + 1 buf[n] = "," end
    if i == 1 and skip1 then n = n + 1 buf[n] = "null" else n = enc(r[i], 1, buf, n) end
  end
  n = n + 1 buf[n] = "]"
  return concat(buf, "", 1, n)
end

-- resident values ("slots"): the host names one in an argument ({__hajime_slot = name}) instead of
-- sending it, and may store a call's first result into one
local slots = {}

-- the options of the call in progress (set by runner.call; calls never nest): store = slot name for the
-- first result, skip = leave the first result out, share = hand the slot itself (no copy), slot_i /
-- slot_name = the argument position standing for a slot
local o_store, o_skip, o_share, o_slot_i, o_slot_name = nil, false, false, 0, nil

-- the hook runs only around the script's function: copies and encoding are bounded by NODE_MAX instead.
-- Runs f with the call's slot argument, stores the first result when asked (the copy it was given,
-- changed in place, is only checked: nobody else holds it; anything else is copied, which checks it
-- too; raw access only, metatables are never consulted) and returns the packed results.
local function invoke_core(f, a)
  local copy
  if o_slot_i > 0 then
    if o_share then a[o_slot_i] = slots[o_slot_name] else
      nodes = 0
      copy = plain(slots[o_slot_name], 1)
      a[o_slot_i] = copy
    end
  end
  started = clock()
  sethook(hook, "", step)
  local r = pack(f(unpack(a, 1, a.n)))
  sethook()
  if overran then error(BUDGET_MSG, 0) end
  if over_cap() then error(MEM_MSG, 0) end
  local store = o_store
  local first = r[1]
  if store ~= nil and first ~= nil then
    if type(first) ~= "table" then error("must return the state table (got " .. type(first) .. ")", 0) end
    nodes = 0
    if first == copy then check(first, 1) else first = plain(first, 1) r[1] = first end
    slots[store] = first
  end
  return r
end

-- results as one JSON string (the host without the heap reader)
local function invoke(f, a)
  return encode_results(invoke_core(f, a), o_skip)
end

-- results for a host that reads them from the heap: {true, packed results, n} (the first nil'ed when skipped)
local function invoke_raw(f, a)
  local r = invoke_core(f, a)
  if o_skip then r[1] = nil end
  return { true, r, r.n }
end

local function failed(r)
  if overran then return { ok = false, kind = "timeout", message = "instruction budget exceeded", where = where } end
  if r == MEM_MSG then
    gc("collect") -- free what the failed call left behind now, not at the next allocation
    return { ok = false, kind = "memory", message = r }
  end
  return { ok = false, kind = "runtime_error", message = r }
end

-- one call under its budget through inv (invoke or invoke_raw): ok, result | false, error value
guarded = function(inv, budget, ms, f, ...)
  overran, where, used, limit, secs = false, nil, 0, budget, ms / 1000
  step = budget < 10000 and budget or 10000
  local ok, r = xpcall(inv, describe, f, pack(...))
  o_store, o_skip, o_share, o_slot_i, o_slot_name = nil, false, false, 0, nil
  sethook()
  return ok, r
end

local function protected(budget, ms, f, ...)
  local ok, r = guarded(invoke, budget, ms, f, ...)
  if ok then return r end
  return failed(r)
end

local function protected_raw(budget, ms, f, ...)
  local ok, r = guarded(invoke_raw, budget, ms, f, ...)
  if ok then return r end
  local e = failed(r)
  return { false, e.kind, e.message, e.where }
end

-- The callbacks of a step share one count hook, installed for the whole step: each callback gets
-- its budget as a limit on the running count, and its CPU time from its own start (between callbacks
-- both are infinite). Per callback that is one xpcall, not a hook install, a clock(), a pack and a
-- wrapper call (about 0.3 µs instead of 2.5 µs here).
local INF = 1 / 0
local cb
cb = function(budget, ms, f, n, a, b, c)
  overran, where = false, nil
  limit, secs, started = used + budget, ms / 1000, false
  local ok, r
  if n == 1 then ok, r = xpcall(f, describe, a)
  elseif n == 2 then ok, r = xpcall(f, describe, a, b)
  else ok, r = xpcall(f, describe, a, b, c) end
  limit, secs = INF, INF
  if overran then sethook(hook, "", step) end -- it was raising at every instruction
  if ok then return true, r end
  return false, failed(r)
end
cb_frame = cb

-- a callback whose first result, a table, is the next state (nil: the state as it changed in place);
-- careful: the state is checked to be plain data after each callback (the host asks for that when a
-- step's state could not be read, to find the callback at fault)
local careful = false
local function state_step(budget, ms, f, with_input, a, b)
  local ok, r
  if with_input then ok, r = cb(budget, ms, f, 3, a, b, slots.state) else ok, r = cb(budget, ms, f, 1, slots.state) end
  if not ok then return r end
  if r ~= nil then
    if type(r) ~= "table" then return { kind = "runtime_error", message = "must return the state table (got " .. type(r) .. ")" } end
    slots.state = r
  end
  if careful then
    nodes = 0
    local fine, err = pcall(check, slots.state, 1)
    if not fine then return { kind = "runtime_error", message = describe(err) } end
  end
  return nil
end

-- One tick of a match in one crossing: every queued input (flat {player, input, ...}) through
-- handle_input on the resident state, then tick (when asked), then the views (view_kind 1: one shared
-- get_state(state); 2: get_state(player, state) per player of players). The callbacks change the state
-- in place: on a failure the step stops and says where ({false, callback, input number, kind, message,
-- where}); the host puts the last good state back and replays. Success: {true, state, views, view failure}.
local function view_failure(ok, r)
  if ok then return { kind = "runtime_error", message = "get_state must return a table (got " .. type(r) .. ")" } end
  return r
end
local step_players = {}
local function do_step(b_in, ms_in, b_tick, ms_tick, b_view, ms_view, inputs, do_tick, view_kind, players, check_each)
  -- true: the players of the last step (the host sends the list only when it changed)
  if players == true then players = step_players else step_players = players end
  careful = check_each == true
  local handle_input = rawget(G, "handle_input")
  local n = inputs ~= nil and #inputs or 0
  if n > 0 and type(handle_input) ~= "function" then return { false, "handle_input", 1, "missing", "no function handle_input" } end
  for i = 1, n, 2 do
    local e = state_step(b_in, ms_in, handle_input, true, inputs[i], inputs[i + 1])
    if e ~= nil then return { false, "handle_input", (i + 1) // 2, e.kind, e.message, e.where } end
  end
  if do_tick then
    local tick = rawget(G, "tick")
    if type(tick) == "function" then
      local e = state_step(b_tick, ms_tick, tick, false)
      if e ~= nil then return { false, "tick", 0, e.kind, e.message, e.where } end
    end
  end
  local views, view_error = nil, nil
  if view_kind > 0 then
    local get_state = rawget(G, "get_state")
    views = {}
    if type(get_state) ~= "function" then
      view_error = { kind = "missing", message = "no function get_state" }
    elseif view_kind == 1 then
      local ok, r = cb(b_view, ms_view, get_state, 1, slots.state)
      if ok and type(r) == "table" then views[1] = r else
        views[1] = false
        view_error = view_failure(ok, r)
      end
    else
      local st = slots.state
      for i = 1, #players do
        local ok, r = cb(b_view, ms_view, get_state, 2, players[i], st)
        if ok and type(r) == "table" then views[i] = r else
          views[i] = false
          if view_error == nil then view_error = view_failure(ok, r) end
        end
      end
    end
  end
  if over_cap() then return { false, "step", 0, "memory", MEM_MSG } end
  return { true, slots.state, views, view_error }
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

-- Lua patterns backtrack in C, where the count hook never runs: ("a"):rep(50):find(".-.-.-.-.-.-.-.-b")
-- takes minutes. Before a match, the work is bounded from the pattern's shape: every quantifier with
-- more pattern after it multiplies the steps by up to the subject's length (one more factor when the
-- pattern is not anchored); a match whose bound passes PATTERN_STEPS_MAX fails instead of running.
local PATTERN_STEPS_MAX = 1e8
local str_len, str_sub, math_log = string.len, string.sub, math.log
local raw_find, raw_match, raw_gmatch, raw_gsub = string.find, string.match, string.gmatch, string.gsub
local exponents = {}
local function pattern_exponent(p)
  local e = exponents[p]
  if e ~= nil then return e end
  local n, i, q, last_q = str_len(p), 1, 0, 0
  local anchored = str_byte(p, 1) == 94 -- ^
  if anchored then i = 2 end
  while i <= n do
    local c = str_byte(p, i)
    if c == 37 then -- %
      local d = str_byte(p, i + 1)
      if d == 98 then i = i + 4 -- %bxy
      elseif d == 102 then -- %f[set]
        i = i + 2
        if str_byte(p, i) == 91 then
          i = i + 1
          if str_byte(p, i) == 94 then i = i + 1 end
          if str_byte(p, i) == 93 then i = i + 1 end
          while i <= n and str_byte(p, i) ~= 93 do if str_byte(p, i) == 37 then i = i + 1 end i = i + 1 end
          i = i + 1
        end
      else i = i + 2 end
    elseif c == 91 then -- [set]
      i = i + 1
      if str_byte(p, i) == 94 then i = i + 1 end
      if str_byte(p, i) == 93 then i = i + 1 end
      while i <= n and str_byte(p, i) ~= 93 do if str_byte(p, i) == 37 then i = i + 1 end i = i + 1 end
      i = i + 1
    elseif c == 40 or c == 41 then i = i + 1 -- captures
    else i = i + 1 end
    local qc = str_byte(p, i)
    if qc == 42 or qc == 43 or qc == 45 then -- * + -
      q = q + 1
      last_q = i
      i = i + 1
    elseif qc == 63 then i = i + 1 end -- ?
  end
  -- a quantifier with nothing but ")" or "$" after it does not backtrack
  if last_q > 0 then
    local rest = str_sub(p, last_q + 1)
    if raw_find(rest, "^[%)]*%$?$") then q = q - 1 end
  end
  if not anchored then q = q + 1 end
  exponents[p] = q
  return q
end
local function check_pattern(fname, s, p, init)
  if type(s) ~= "string" and type(s) ~= "number" then return end
  if type(p) ~= "string" then return end
  local n = str_len(s)
  if type(init) == "number" then
    if init < 0 then n = -init elseif init > 1 then n = n - init + 1 end
  end
  if n < 2 then return end
  local e = pattern_exponent(p)
  if e >= 2 and e * math_log(n, 10) > 8 then
    error(fname .. ": pattern too costly for a subject of " .. n .. " bytes (backtracking bound n^" .. e .. ")", 3)
  end
end
G.string.find = function(s, p, init, plain)
  if not plain then check_pattern("string.find", s, p, init) end
  return raw_find(s, p, init, plain)
end
G.string.match = function(s, p, init)
  check_pattern("string.match", s, p, init)
  return raw_match(s, p, init)
end
G.string.gmatch = function(s, p, init)
  check_pattern("string.gmatch", s, p, init)
  return raw_gmatch(s, p, init)
end
G.string.gsub = function(s, p, r, n)
  check_pattern("string.gsub", s, p, nil)
  return raw_gsub(s, p, r, n)
end

-- string.rep builds its whole result in one C call, before any hook step: bounded by the cap first
local raw_rep = string.rep
G.string.rep = function(s, n, sep)
  if MEM_MAX > 0 and type(n) == "number" and n > 0 then
    local unit = (type(s) == "string" or type(s) == "number") and #tostring(s) or 0
    if type(sep) == "string" then unit = unit + #sep end
    if unit * n > MEM_MAX - gc("count") * 1024 then error(MEM_MSG, 0) end
  end
  return raw_rep(s, n, sep)
end

gc("generational")
local os_keep = { clock = os.clock, time = os.time, date = os.date, difftime = os.difftime }
G.os = os_keep
G.io, G.package, G.debug, G.dofile, G.loadfile, G.collectgarbage, G.print, G.loadstring, G.coroutine = nil, nil, nil, nil, nil, nil, nil, nil, nil
G.string.dump = nil
G.load = sandboxed_load
G.require = sandboxed_require
G.setmetatable = guarded_setmetatable
local string_mt = raw_getmetatable("")
string_mt.__index = G.string -- method calls ("x"):find(...) go through the guarded functions too
string_mt.__metatable = false

local runner = {}
function runner.call(budget, ms, store, skip, share, slot_i, slot_name, name, ...)
  local f = rawget(G, name)
  if type(f) ~= "function" then return { ok = false, kind = "missing", message = "no function " .. tostring(name) } end
  o_store, o_skip, o_share, o_slot_i, o_slot_name = store, skip == true, share == true, slot_i or 0, slot_name
  return protected(budget, ms, f, ...)
end
function runner.call_raw(budget, ms, store, skip, share, slot_i, slot_name, name, ...)
  local f = rawget(G, name)
  if type(f) ~= "function" then return { false, "missing", "no function " .. tostring(name) } end
  o_store, o_skip, o_share, o_slot_i, o_slot_name = store, skip == true, share == true, slot_i or 0, slot_name
  return protected_raw(budget, ms, f, ...)
end
function runner.step(...)
  overran, where, used, limit, secs, step = false, nil, 0, INF, INF, 10000
  sethook(hook, "", step)
  local ok, r = pcall(do_step, ...)
  sethook()
  if ok then return r end
  return { false, "step", 0, "runtime_error", describe(r) }
end
function runner.memory()
  return gc("count") * 1024
end
-- a table of every kind of plain value, for the host's heap reader to check itself against
function runner.probe()
  local t = { 1, 2.5, "three", true, false, { nested = { "x" } }, -7, 2^53, "esc\"aped\n" }
  t.key = "value"
  t[string.rep("k", 50)] = string.rep("long", 20)
  t.neg = -123456789012
  t.float = -0.125
  t.map = { [10] = "ten", [20] = "twenty" }
  t.arr = { 10, 20, 30 }
  t.empty = {}
  t.utf8 = "caf\195\169"
  return { true, table.pack(t), 1 }
end
function runner.exec(budget, ms, source, chunk)
  local fn, err = raw_load(source, chunk, "t", G)
  if fn == nil then return { ok = false, kind = "syntax_error", message = err } end
  return protected(budget, ms, fn)
end
function runner.read(name)
  return protected(1000000, 1000, function() return rawget(G, name) end)
end
function runner.set_slot(name, value)
  slots[name] = value
end
function runner.get_slot(name)
  return protected(10000000, 1000, function() return slots[name] end)
end
function runner.kind(name)
  return type(rawget(G, name))
end
function runner.clear_require()
  loaded = {}
end
return runner
`;
