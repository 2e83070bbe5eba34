// The socket's view of the protocol stays in step with @hajime/protocol.
import { INBOUND_TYPES, OUTBOUND_TYPES, REPLY_TYPES, RESERVED_LEAVES as PROTOCOL_RESERVED } from '@hajime/protocol';
import t from 'tap';
import { REPLY_TYPE_OF, RESERVED_LEAVES, customEvent } from '../../src/index.js';

t.test('the reserved match./world. leaves are exactly the protocol registry', async (t) => {
  t.same([...RESERVED_LEAVES].sort(), [...PROTOCOL_RESERVED].sort());
});

t.test('customEvent: game-defined match./world. events only', async (t) => {
  t.same(customEvent('match.scored'), { scope: 'match', event: 'scored' });
  t.same(customEvent('world.door-opened_2'), { scope: 'world', event: 'door-opened_2' });
  t.equal(customEvent('match.state'), undefined, 'reserved');
  t.equal(customEvent('world.vote_start'), undefined, 'reserved');
  t.equal(customEvent('match.a.b'), undefined, 'not a leaf');
  t.equal(customEvent(`match.${'x'.repeat(65)}`), undefined, 'too long');
  t.equal(customEvent('match.'), undefined);
  t.equal(customEvent('chat.message'), undefined);
  t.equal(customEvent('matchmaker.queued'), undefined);
  for (const type of OUTBOUND_TYPES) t.equal(customEvent(type), undefined, `${type} is the protocol's own`);
});

t.test('each request the socket waits on is an inbound type, answered by a reply type of the protocol', async (t) => {
  const entries = Object.entries(REPLY_TYPE_OF);
  t.equal(entries.length, 20, 'the 24 inbound types but the four without a reply');
  for (const [request, reply] of entries) {
    t.ok((INBOUND_TYPES as readonly string[]).includes(request), request);
    t.ok(REPLY_TYPES.has(reply), `${request} → ${reply}`);
  }
  t.same(
    INBOUND_TYPES.filter((type) => !(type in REPLY_TYPE_OF)),
    ['match.input', 'world.input', 'world.resync', 'chat.send'],
    'the fire-and-forget ones',
  );
});
