import t from 'tap';
import { DEFAULT_AI, builtinInput, defaultAi, inputSuppressed, type AiMemory } from '../../src/bots/default-ai.js';

const ME = 'bot_Spark_000001';
const ctx = (memory: AiMemory = {}, nowMs = 0, random = () => 0.5) => ({ nowMs, random, memory });

t.test('defaultAi', async (t) => {
  t.test('chases the nearest living enemy and does not shoot out of range', async (t) => {
    const state = { players: { [ME]: { x: 0, y: 0, hp: 10 }, far: { x: 0, y: 1000, hp: 5 }, near: { x: 300, y: 0, hp: 5 }, dead: { x: 10, y: 0, hp: 0 } } };
    const input = defaultAi(ME, state, ctx());
    t.same(input, { dx: 1, dy: 0, shoot: false });
  });
  t.test('shoots within 200 units, aiming near the target', async (t) => {
    const state = { players: [{ id: ME, x: 0, y: 0, hp: 3 }, { id: 'p1', x: 0, y: -150, hp: 3 }] };
    const input = defaultAi(ME, state, ctx({}, 0, () => 1));
    t.equal(input['shoot'], true);
    t.equal(input['dx'], 0);
    t.equal(input['dy'], -1);
    t.equal(input['aim_x'], DEFAULT_AI.aimJitter, 'jitter at its bound');
    t.equal(input['aim_y'], -150 + DEFAULT_AI.aimJitter);
  });
  t.test('wanders when alone, keeping a heading for a while, then turning', async (t) => {
    const memory: AiMemory = {};
    let r = 0;
    const random = () => r;
    const a = defaultAi(ME, { players: { [ME]: { x: 0, y: 0 } } }, { nowMs: 0, random, memory });
    t.same(a, { dx: 1, dy: 0, shoot: false });
    r = 0.25;
    const b = defaultAi(ME, { players: { [ME]: { x: 0, y: 0 } } }, { nowMs: DEFAULT_AI.wanderMinMs - 1, random, memory });
    t.same(b, a, 'same heading before the wander time is up');
    const c = defaultAi(ME, { players: { [ME]: { x: 0, y: 0 } } }, { nowMs: DEFAULT_AI.wanderMaxMs + 1, random, memory });
    t.same(c, { dx: 0, dy: 1, shoot: false }, 'a new heading');
  });
  t.test('wanders when it cannot find itself or the state has no players', async (t) => {
    t.equal(defaultAi(ME, { players: { p1: { x: 1, y: 1 } } }, ctx())['shoot'], false);
    t.equal(defaultAi(ME, 'nonsense', ctx())['shoot'], false);
    t.equal(defaultAi(ME, { players: { [ME]: { x: 0, y: 0, hp: 0 }, p1: { x: 1, y: 1 } } }, ctx())['shoot'], false, 'a dead bot does not shoot');
  });
});

t.test('builtins', async (t) => {
  t.test('boon pick: the first offer (its id when a table)', async (t) => {
    t.same(builtinInput({ phase: 'boon_pick', boon_offers: ['haste', 'armor'] }), { type: 'boon_pick', boon: 'haste' });
    t.same(builtinInput({ phase: 'boon_pick', boon_offers: [{ id: 'b7', name: 'Haste' }] }), { type: 'boon_pick', boon: 'b7' });
    t.equal(builtinInput({ phase: 'boon_pick', boon_offers: [] }), undefined);
    t.equal(builtinInput({ phase: 'fight' }), undefined);
  });
  t.test('voting phases suppress input', async (t) => {
    t.ok(inputSuppressed({ phase: 'voting' }));
    t.ok(inputSuppressed({ phase: 'vote_pending' }));
    t.notOk(inputSuppressed({ phase: 'fight' }));
    t.notOk(inputSuppressed(undefined));
  });
});
