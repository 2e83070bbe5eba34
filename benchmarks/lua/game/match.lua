-- The benchmark game (mode "default"): a top-down arena. Each input sets a player's heading and may fire;
-- each tick moves everyone, wraps at the edges, ages shots and scores hits on the nearest other player;
-- every player gets `get_state(player_id, state)`: their own record, everyone's positions, the tick and
-- VERSION (the reload measurement changes VERSION and waits for it in match.state).
-- benchmarks/lua/game.ts is the same game as a TypeScript MatchBehaviour.
VERSION = 1
SPEED = 3
RANGE = 120

match_size = 8
min_players = 1
max_players = 16
quick_play = true
tick_rate = 100

local WIDTH, HEIGHT = 1000, 1000

function init(config)
  return { players = {}, tick = 0 }
end

function join(player_id, state, ctx)
  local n = 0
  for _ in pairs(state.players) do n = n + 1 end
  state.players[player_id] = { x = (n * 61) % WIDTH, y = (n * 37) % HEIGHT, dx = 0, dy = 0, hp = 100, score = 0, seq = 0, fire = false }
  return state
end

function leave(player_id, state)
  state.players[player_id] = nil
  return state
end

function handle_input(player_id, input, state)
  local p = state.players[player_id]
  if p == nil then return state end
  if type(input.dx) ~= "number" or type(input.dy) ~= "number" then error("dx and dy must be numbers") end
  p.dx = math.max(-1, math.min(1, input.dx))
  p.dy = math.max(-1, math.min(1, input.dy))
  p.fire = input.fire == true
  if type(input.seq) == "number" then p.seq = input.seq end
  return state
end

function tick(state)
  state.tick = state.tick + 1
  local players = state.players
  for _, p in pairs(players) do
    p.x = (p.x + p.dx * SPEED) % WIDTH
    p.y = (p.y + p.dy * SPEED) % HEIGHT
  end
  for id, p in pairs(players) do
    if p.fire then
      local best, bestD = nil, RANGE * RANGE
      for other, q in pairs(players) do
        if other ~= id then
          local ddx, ddy = q.x - p.x, q.y - p.y
          local d = ddx * ddx + ddy * ddy
          if d < bestD then best, bestD = q, d end
        end
      end
      if best ~= nil then
        best.hp = best.hp - 1
        p.score = p.score + 1
        if best.hp <= 0 then best.hp = 100 end
      end
      p.fire = false
    end
  end
  return state
end

function get_state(player_id, state)
  local others = {}
  for id, q in pairs(state.players) do
    others[id] = { x = q.x, y = q.y, hp = q.hp }
  end
  return { me = state.players[player_id], players = others, tick = state.tick, v = VERSION }
end
