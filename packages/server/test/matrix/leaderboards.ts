// Rows of the authorization matrix for the leaderboard routes.
//
// Who may call what: every route is "authenticated". Boards are public to every signed-in player (top and
// around take any player id); a submit always writes the caller's own entry, never the player named
// anywhere else (the row sends `player_id: <victim>` in the body, which the route ignores).
// leaderboards-authorization.test.ts serves these rows with LEADERBOARD_PLUGINS, which let players
// submit to MATRIX_BOARD only, and checks that another player's token never changes the victim's entry.
import { createLeaderboardsPlugin, type DomainPlugin } from '../../src/index.js';
import type { Case } from './types.js';

/** The board the matrix rows use; it accepts client submits under LEADERBOARD_PLUGINS. */
export const MATRIX_BOARD = 'matrix:board';

export const LEADERBOARD_ROWS: Record<string, Case> = {
  'GET /api/v1/leaderboards/{id}': { access: 'authenticated', request: () => ({ method: 'GET', url: `/api/v1/leaderboards/${MATRIX_BOARD}?limit=10` }) },
  'GET /api/v1/leaderboards/{id}/around/{player_id}': { access: 'authenticated', request: (_c, target) => ({ method: 'GET', url: `/api/v1/leaderboards/${MATRIX_BOARD}/around/${target.id}?range=2` }) },
  'POST /api/v1/leaderboards/{id}': {
    access: 'authenticated',
    request: (_c, target) => ({ method: 'POST', url: `/api/v1/leaderboards/${MATRIX_BOARD}`, payload: { score: 10, player_id: target.id } }),
    untouched: 'profile',
  },
};

/** The plugins these rows need, for `testServer(t, storage, {}, { plugins: LEADERBOARD_PLUGINS })`. */
export const LEADERBOARD_PLUGINS: readonly DomainPlugin[] = [createLeaderboardsPlugin({ clientSubmit: [MATRIX_BOARD] })];
