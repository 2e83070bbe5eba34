import t from 'tap';
import { validateModeGlobals } from '../src/mode-globals.js';
import { isLuaLoadError } from '../src/errors.js';

function globalErr(g: Record<string, unknown>): unknown {
  try {
    validateModeGlobals('match.lua', g);
  } catch (e) {
    if (isLuaLoadError(e, 'LUA_ERR_MODE_GLOBAL')) return e.details;
    throw e;
  }
  return undefined;
}

t.test('validateModeGlobals: defaults from match_size', async (t) => {
  t.same(validateModeGlobals('match.lua', { match_size: 4 }), { matchSize: 4, maxPlayers: 4, minPlayers: 4, strategy: 'fill', gameType: 'match', stateStrategy: 'per_player' });
  const full = validateModeGlobals('m.lua', {
    match_size: 2,
    max_players: 8,
    min_players: 1,
    strategy: 'skill_based',
    game_type: 'match',
    state_strategy: 'shared',
    bots: { script: 'bots/chaser.lua', min_players: 2, enabled: true },
    listed: true,
    quick_play: false,
    guest_auth: true,
    registration: 'closed',
    tick_rate: 50,
  });
  t.same(full, {
    matchSize: 2,
    maxPlayers: 8,
    minPlayers: 1,
    strategy: 'skill_based',
    gameType: 'match',
    stateStrategy: 'shared',
    bots: { script: 'bots/chaser.lua', minPlayers: 2, enabled: true },
    listed: true,
    quickPlay: false,
    guestAuth: true,
    registration: 'closed',
    tickRateMs: 50,
  });
});

t.test('validateModeGlobals: every bad global is an error naming file and global', async (t) => {
  const cases: [Record<string, unknown>, string][] = [
    [{}, 'match_size'],
    [{ match_size: 0 }, 'match_size'],
    [{ match_size: 2.5 }, 'match_size'],
    [{ match_size: '2' }, 'match_size'],
    [{ match_size: 2, max_players: -1 }, 'max_players'],
    [{ match_size: 4, max_players: 2 }, 'max_players'],
    [{ match_size: 2, min_players: 5, max_players: 4 }, 'min_players'],
    [{ match_size: 2, strategy: 'random' }, 'strategy'],
    [{ match_size: 2, game_type: 'arena' }, 'game_type'],
    [{ match_size: 2, state_strategy: 'sometimes' }, 'state_strategy'],
    [{ match_size: 2, bots: 'yes' }, 'bots'],
    [{ match_size: 2, bots: { script: 3 } }, 'bots.script'],
    [{ match_size: 2, bots: { min_players: 0 } }, 'bots.min_players'],
    [{ match_size: 2, bots: { enabled: 1 } }, 'bots.enabled'],
    [{ match_size: 2, listed: 1 }, 'listed'],
    [{ match_size: 2, quick_play: 'true' }, 'quick_play'],
    [{ match_size: 2, guest_auth: 'yes' }, 'guest_auth'],
    [{ match_size: 2, registration: 'invite' }, 'registration'],
    [{ match_size: 2, tick_rate: 0 }, 'tick_rate'],
  ];
  for (const [g, global] of cases) t.same(globalErr(g), { file: 'match.lua', global }, `${JSON.stringify(g)} → ${global}`);
});
