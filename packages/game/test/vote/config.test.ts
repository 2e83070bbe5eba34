// Vote configuration (src/vote/config.ts): asobi's defaults, templates under per-call overrides, and a
// coded refusal naming the field for every bad value.
import t, { type Test } from 'tap';
import { isGameError } from '../../src/errors.js';
import { resolveVoteConfig, VOTE_DEFAULTS } from '../../src/vote/config.js';
import type { VoteRequest } from '../../src/vote/types.js';

const OPTIONS = [{ id: 'a', label: 'Forest' }, { id: 'b' }];

/** The `details.field` of the `invalid_vote_config` refusal `fn` throws (fails the test otherwise). */
function refusedField(t: Test, fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    t.ok(isGameError(e, 'invalid_vote_config'), 'invalid_vote_config');
    return isGameError(e) ? e.details['field'] : undefined;
  }
  t.fail('did not throw');
  return undefined;
}

t.test('resolveVoteConfig', async (t) => {
  t.test('applies the §2.9 defaults', async (t) => {
    const c = resolveVoteConfig({ options: OPTIONS });
    t.match(c, {
      template: 'default',
      vote_id: undefined,
      window_ms: 15_000,
      method: 'plurality',
      visibility: 'live',
      tie_breaker: 'random',
      veto_enabled: false,
      weights: {},
      max_revotes: 3,
      window_type: 'fixed',
      min_window_ms: 5_000,
      supermajority: 0.75,
      require_supermajority: false,
      spectators: [],
      spectator_weight: 0.3,
      quorum: 0,
      default_votes: {},
      delegation: {},
      eligible: undefined,
    });
    t.same(c.options, OPTIONS);
    t.ok(Object.isFrozen(c));
    t.equal(VOTE_DEFAULTS.window_ms, 15_000);
  });

  t.test('a template sits between the defaults and the per-call request', async (t) => {
    const templates = { map: { window_ms: 20_000, method: 'ranked' as const, visibility: 'hidden' as const } };
    const c = resolveVoteConfig({ template: 'map', options: OPTIONS, visibility: 'live' }, templates);
    t.match(c, { template: 'map', window_ms: 20_000, method: 'ranked', visibility: 'live' });
    t.match(resolveVoteConfig({ options: OPTIONS }, { default: { window_ms: 9_000 } }), { template: 'default', window_ms: 9_000 }, 'the default template applies without a name');
    t.match(resolveVoteConfig({ template: 'unknown', options: OPTIONS }, templates), { template: 'unknown', window_ms: 15_000 }, 'an unconfigured template is only a label');
    t.match(resolveVoteConfig({ template: 'opts', options: [{ id: 'x' }] }, { opts: { options: [{ id: 'y' }], quorum: 0.5 } }), { options: [{ id: 'x' }], quorum: 0.5 });
    t.same(resolveVoteConfig({ template: 'opts' } as VoteRequest, { opts: { options: [{ id: 'y' }] } }).options, [{ id: 'y' }], 'a template may carry the options');
    t.match(resolveVoteConfig({ template: 'map', options: OPTIONS, window_ms: undefined } as unknown as VoteRequest, templates), { window_ms: 20_000 }, 'undefined does not hide a template value');
  });

  t.test('normalises defaults for the method', async (t) => {
    t.same(resolveVoteConfig({ options: OPTIONS, method: 'approval', default_votes: { p1: 'a' } }).default_votes, { p1: ['a'] });
  });

  t.test('refuses bad values with invalid_vote_config and the field', async (t) => {
    const bad: [string, Record<string, unknown>][] = [
      ['options', { options: [] }],
      ['options', { options: [{ id: 'a' }, { id: 'a' }] }],
      ['options', { options: [{ label: 'x' }] }],
      ['options', { options: Array.from({ length: 101 }, (_, i) => ({ id: `o${i}` })) }],
      ['options', { options: [{ id: 'a', label: 3 }] }],
      ['method', { method: 'borda' }],
      ['window_ms', { window_ms: 0 }],
      ['window_ms', { window_ms: 1.5 }],
      ['visibility', { visibility: 'secret' }],
      ['tie_breaker', { tie_breaker: 'coin' }],
      ['veto_enabled', { veto_enabled: 'yes' }],
      ['weights', { weights: { p: -1 } }],
      ['weights', { weights: [] }],
      ['max_revotes', { max_revotes: -1 }],
      ['window_type', { window_type: 'sliding' }],
      ['min_window_ms', { min_window_ms: -5 }],
      ['supermajority', { supermajority: 0 }],
      ['supermajority', { supermajority: 1.1 }],
      ['require_supermajority', { require_supermajority: 1 }],
      ['spectators', { spectators: 'p1' }],
      ['spectator_weight', { spectator_weight: 2 }],
      ['quorum', { quorum: -0.1 }],
      ['default_votes', { default_votes: { p1: 'z' } }],
      ['default_votes', { default_votes: { p1: ['a', 'b'] } }],
      ['delegation', { delegation: { p1: 'p1' } }],
      ['delegation', { delegation: { p1: 3 } }],
      ['vote_id', { vote_id: 'not-a-uuid' }],
      ['template', { template: '' }],
      ['eligible', { eligible: [1] }],
    ];
    for (const [field, patch] of bad) {
      t.equal(refusedField(t, () => resolveVoteConfig({ options: OPTIONS, ...patch } as unknown as VoteRequest)), field, field);
    }
  });
});
