-- The hot-reload demo: a coloured square per player, moved with WASD (or the arrow keys).
-- Edit any of these five values and save: every open browser changes within a second, nobody reconnects.
COLOR = "#e4572e"   -- the squares' colour
SIZE = 28           -- their size in pixels
SPEED = 6           -- pixels per tick while a key is held
MESSAGE = "Edit examples/hotreload-demo/lua/match.lua and save"
BACKGROUND = "#1d1f27"

-- The mode's shape (read when a match starts).
match_size = 1          -- one player is enough to start
max_players = 32
quick_play = true       -- match.find_or_create joins the running match
listed = true
state_strategy = "shared" -- get_state(state) once per tick, the same bytes to everyone
tick_rate = 50          -- ms

local WIDTH, HEIGHT = 800, 500

function init(config)
  return { players = {}, tick = 0 }
end

function join(player_id, state)
  state.players[player_id] = {
    x = math.random(40, WIDTH - 40),
    y = math.random(40, HEIGHT - 40),
    keys = {},
  }
  return state
end

function leave(player_id, state)
  state.players[player_id] = nil
  return state
end

-- input: {up = bool, down = bool, left = bool, right = bool}
function handle_input(player_id, input, state)
  local p = state.players[player_id]
  if p ~= nil then
    p.keys = {
      up = input.up == true,
      down = input.down == true,
      left = input.left == true,
      right = input.right == true,
    }
  end
  return state
end

local function clamp(v, lo, hi)
  if v < lo then return lo end
  if v > hi then return hi end
  return v
end

function tick(state)
  for _, p in pairs(state.players) do
    local k = p.keys or {}
    if k.up then p.y = p.y - SPEED end
    if k.down then p.y = p.y + SPEED end
    if k.left then p.x = p.x - SPEED end
    if k.right then p.x = p.x + SPEED end
    p.x = clamp(p.x, 0, WIDTH - SIZE)
    p.y = clamp(p.y, 0, HEIGHT - SIZE)
  end
  state.tick = state.tick + 1
  return state
end

function get_state(state)
  local players = {}
  for id, p in pairs(state.players) do
    players[id] = { x = p.x, y = p.y }
  end
  return {
    players = players,
    color = COLOR,
    size = SIZE,
    message = MESSAGE,
    background = BACKGROUND,
    width = WIDTH,
    height = HEIGHT,
    tick = state.tick,
  }
end
