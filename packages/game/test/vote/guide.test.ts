// guides/voting.md lists every vote refusal reason and every request default, and its match example
// (kept here as code that compiles) starts a map vote once and applies the result.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { finished, type MatchApi, type MatchBehaviour } from '../../src/match/behaviour.js';
import type { VoteRequest } from '../../src/vote/types.js';
import { VOTE_DEFAULTS } from '../../src/vote/config.js';
import { DEFAULT_FRUSTRATION_BONUS } from '../../src/vote/methods.js';
import { VOTE_REASONS } from '../../src/vote/votes.js';
import { ADAPTIVE_REMAINING_MS, GRACE_MS } from '../../src/vote/windows.js';

// Compiled to packages/game/dist/test/vote/: the repository root is five levels up.
const guide = readFileSync(new URL('../../../../../guides/voting.md', import.meta.url), 'utf8');

t.test('guides/voting.md', async (t) => {
  for (const r of VOTE_REASONS) t.match(guide, new RegExp(`\\| \`${r}\` \\|`), `lists ${r}`);
  for (const [k, v] of Object.entries(VOTE_DEFAULTS)) t.match(guide, new RegExp(`\\| \`${k}\` \\| ${typeof v === 'string' ? `\`"${v}"\`` : String(v)} \\|`), `documents ${k} = ${v}`);
  t.ok(guide.includes(`**${GRACE_MS} ms grace**`));
  t.ok(guide.includes(`shrinks to ${ADAPTIVE_REMAINING_MS} ms`));
  t.match(guide, new RegExp(`\\| \`frustrationBonus\` \\| ${DEFAULT_FRUSTRATION_BONUS} \\|`));
});

// ---- the guide's example, verbatim but for the import path ----

interface Arena {
  map: string;
  round: number;
  /** Set when a round ends; cleared when the vote is requested. */
  mapVoteDue: boolean;
  scores: Record<string, number>;
}

const MAPS: VoteRequest['options'] = [
  { id: 'forest', label: 'Whispering Forest' },
  { id: 'desert', label: 'Sunken Desert' },
  { id: 'snow', label: 'Frozen Pass' },
];

export const arena: MatchBehaviour<Arena, { points: number }> = {
  init: () => ({ map: 'forest', round: 1, mapVoteDue: true, scores: {} }),
  join: (id, s) => {
    s.scores[id] = 0;
    return s;
  },
  leave: (id, s) => {
    delete s.scores[id];
    return s;
  },
  handleInput: (id, input, s) => {
    s.scores[id] = (s.scores[id] ?? 0) + input.points;
    return s;
  },
  tick: (s) => (s.round > 5 ? finished({ scores: s.scores }, s) : s),

  voteRequested(s, match) {
    if (!s.mapVoteDue || match.players.length < 2) return undefined;
    s.mapVoteDue = false; // polled after every tick: ask once
    return {
      template: 'map',
      options: MAPS,
      method: 'ranked', // instant runoff: the map most players can live with
      window_type: 'hybrid', // close once everyone voted, but not before min_window_ms
      window_ms: 20_000,
      tie_breaker: 'first',
    };
  },

  voteResolved(template, result, s, match) {
    if (template !== 'map') return s;
    // winner is null when nobody voted (or no_quorum / no_consensus / vetoed): keep the current map.
    if (result.winner !== null) s.map = result.winner;
    match.broadcast('map_chosen', { map: s.map, turnout: result.turnout });
    s.round += 1;
    return s;
  },
};

t.test('the guide example asks once and applies the winner', async (t) => {
  const sent: unknown[] = [];
  const api = { players: ['p1', 'p2'], broadcast: (e: string, p: unknown) => sent.push([e, p]) } as unknown as MatchApi;
  const s: Arena = { map: 'forest', round: 1, mapVoteDue: true, scores: {} };
  t.match(arena.voteRequested!(s, api), { template: 'map', method: 'ranked' });
  t.equal(arena.voteRequested!(s, api), undefined, 'only once');
  const next = await arena.voteResolved!('map', { vote_id: 'v', winner: 'snow', status: 'decided', counts: {}, distribution: {}, total_votes: 2, turnout: 1 }, s, api);
  t.equal(next.map, 'snow');
  t.same(sent, [['map_chosen', { map: 'snow', turnout: 1 }]]);
});
