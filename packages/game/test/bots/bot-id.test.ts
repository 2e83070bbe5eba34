import t from 'tap';
import fc from 'fast-check';
import { BOT_NAME_LIMITS, DEFAULT_BOT_NAMES, botId, botNameAt, isBotId, validBotName } from '../../src/bots/bot-id.js';

t.test('botId', async (t) => {
  t.test('is bot_<name>_<6 hex> and recognised by isBotId', async (t) => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 32 }), fc.double({ min: 0, max: 0.9999999, noNaN: true }), (name, r) => {
        const id = botId(name, () => r);
        return /^bot_[A-Za-z0-9_-]{1,32}_[0-9a-f]{6}$/.test(id) && isBotId(id);
      }),
    );
    t.equal(botId('Spark', () => 0), 'bot_Spark_000000');
    t.equal(botId('Big Boss!', () => 0.5), 'bot_Big_Boss__800000');
  });
  t.test('player UUIDs are not bot ids', async (t) => {
    t.notOk(isBotId('00000000-0000-7000-8000-000000000001'));
    t.notOk(isBotId('robot'));
  });
});

t.test('validBotName', async (t) => {
  t.ok(validBotName('a'));
  t.ok(validBotName('x'.repeat(BOT_NAME_LIMITS.maxChars)));
  t.notOk(validBotName(''), 'empty');
  t.notOk(validBotName('x'.repeat(BOT_NAME_LIMITS.maxChars + 1)), '33 characters');
  t.notOk(validBotName('a\nb'), 'control characters');
  t.notOk(validBotName(42), 'not a string');
});

t.test('botNameAt: the list, then the fill position', async (t) => {
  t.equal(botNameAt(DEFAULT_BOT_NAMES, 0), 'Spark');
  t.equal(botNameAt(DEFAULT_BOT_NAMES, 4), 'Pulse');
  t.equal(botNameAt(DEFAULT_BOT_NAMES, 5), '6');
  t.same([...DEFAULT_BOT_NAMES], ['Spark', 'Blitz', 'Volt', 'Neon', 'Pulse']);
});
