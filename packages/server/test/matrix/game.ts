// Rows of the authorization matrix for the game routes (createGamePlugin: matches, matchmaker, votes).
//
// Who may call what:
// - "authenticated": match records and live listings, one match, one vote (`GET /votes/:id` is not
//   participant-scoped in asobi), queueing (always the caller's own ticket: the row sends the victim's id
//   in the body, which the route ignores).
// - "self": a match's vote history is for its participants; the row's setup records a finished match of
//   the victim, so the victim reads it and another player is refused (403 `forbidden`).
// - Tickets (`GET`/`DELETE /matchmaker/{ticket_id}`) are owner-only; a ticket id is minted per add, so the
//   rows call an unknown id (404 for everyone) and ownership (403 to another player, the owner allowed) is
//   asserted with real tickets in matchmaker.integration.test.ts.
import { randomUUID } from 'node:crypto';
import { createGamePlugin, finished, type DomainPlugin, type MatchBehaviour } from '../../src/index.js';
import type { Case } from './types.js';

const idle: MatchBehaviour<Record<string, never>> = {
  init: () => ({}),
  join: (_id, s) => s,
  leave: (_id, s) => s,
  handleInput: (_id, _input, s) => s,
  tick: (s, m) => (m.tick > 1_000_000 ? finished({}, s) : s),
};

/** The finished match recorded for each victim by the votes row's setup. */
const matchOfVictim = new Map<string, string>();

export const GAME_ROWS: Record<string, Case> = {
  'GET /api/v1/matches': { access: 'authenticated', request: () => ({ method: 'GET', url: '/api/v1/matches?limit=5' }) },
  'GET /api/v1/matches/live': { access: 'authenticated', request: () => ({ method: 'GET', url: '/api/v1/matches/live?mode=matrix' }) },
  'GET /api/v1/matches/{id}': { access: 'authenticated', request: () => ({ method: 'GET', url: `/api/v1/matches/${randomUUID()}` }) },
  'GET /api/v1/matches/{id}/votes': {
    access: 'self',
    setup: async (victim, storage) => {
      const m = await storage.matches.finish({ mode: 'matrix', players: [victim.id], result: {} });
      matchOfVictim.set(victim.id, m.id);
    },
    request: (_c, target) => ({ method: 'GET', url: `/api/v1/matches/${matchOfVictim.get(target.id) ?? randomUUID()}/votes` }),
    refusesOthers: true,
  },
  'GET /api/v1/votes/{id}': { access: 'authenticated', request: () => ({ method: 'GET', url: `/api/v1/votes/${randomUUID()}` }) },
  'POST /api/v1/matchmaker': { access: 'authenticated', request: (_c, target) => ({ method: 'POST', url: '/api/v1/matchmaker', payload: { mode: 'matrix', properties: {}, player_id: target.id } }), untouched: 'profile' },
  'GET /api/v1/matchmaker/{ticket_id}': { access: 'authenticated', request: () => ({ method: 'GET', url: `/api/v1/matchmaker/${randomUUID()}` }) },
  'DELETE /api/v1/matchmaker/{ticket_id}': { access: 'authenticated', request: () => ({ method: 'DELETE', url: `/api/v1/matchmaker/${randomUUID()}` }) },
};

/** The plugins these rows need: the game plugin with one mode. */
export const GAME_PLUGINS: readonly DomainPlugin[] = [createGamePlugin({ modes: { matrix: { behaviour: idle, matchSize: 2, listed: true } } })];
