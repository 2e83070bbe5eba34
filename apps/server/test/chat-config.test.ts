// The reference release serves chat and presence out of the box; HAJIME_CHAT=0 / HAJIME_PRESENCE=0 turn
// either off (passed to createServer as options.chat / options.presence).
import t from 'tap';
import { loadConfig } from '../src/config.js';

t.test('chat and presence settings from the environment', async (t) => {
  t.match(loadConfig({}), { chat: true, presence: true }, 'on by default');
  t.match(loadConfig({ HAJIME_CHAT: '0' }), { chat: false, presence: true });
  t.match(loadConfig({ HAJIME_PRESENCE: 'false', HAJIME_CHAT: '1' }), { chat: true, presence: false });
  t.throws(() => loadConfig({ HAJIME_CHAT: 'off' }), /HAJIME_CHAT/);
});
