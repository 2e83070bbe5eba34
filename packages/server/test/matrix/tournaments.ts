// Rows of the authorization matrix for the tournament routes.
//
// Who may call what: every route is "authenticated". Tournaments are public to every signed-in player; a
// join always enters the caller, never the player named anywhere else (the row sends
// `player_id: <victim>` in the body, which the route ignores). tournaments-authorization.test.ts serves
// these rows with TOURNAMENT_PLUGINS after creating MATRIX_TOURNAMENT (unlimited, free, active).
import { createTournamentsPlugin } from '../../src/plugins/tournaments.js';
import type { DomainPlugin } from '../../src/index.js';
import type { Case } from './types.js';

/** The tournament the matrix rows use (the test creates it). */
export const MATRIX_TOURNAMENT = '0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee';

export const TOURNAMENT_ROWS: Record<string, Case> = {
  'GET /api/v1/tournaments': { access: 'authenticated', request: () => ({ method: 'GET', url: '/api/v1/tournaments?status=active&limit=10' }) },
  'GET /api/v1/tournaments/{id}': { access: 'authenticated', request: () => ({ method: 'GET', url: `/api/v1/tournaments/${MATRIX_TOURNAMENT}` }) },
  'POST /api/v1/tournaments/{id}/join': {
    access: 'authenticated',
    request: (_c, target) => ({ method: 'POST', url: `/api/v1/tournaments/${MATRIX_TOURNAMENT}/join`, payload: { player_id: target.id } }),
    untouched: 'profile',
  },
};

/** The plugins these rows need, for `testServer(t, storage, {}, { plugins: TOURNAMENT_PLUGINS })`. */
export const TOURNAMENT_PLUGINS: readonly DomainPlugin[] = [createTournamentsPlugin()];
