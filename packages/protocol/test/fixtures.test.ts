// The asobi fixture corpus (shared/spec/fixtures/protocol) is the oracle for type names and envelopes.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OUTBOUND_REQUIRED_FIELDS, OUTBOUND_TYPES, REPLY_TYPES, errorFrame, frame, type OutboundType } from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const dir = join(root, '..', 'shared', 'spec', 'fixtures', 'protocol');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

t.test('the fixture corpus', async (t) => {
  t.ok(files.length >= 41, `${files.length} fixtures`);
  for (const f of files) {
    const fixture = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { type: string; payload: unknown };
    t.test(fixture.type, async (t) => {
      t.equal(f, `${fixture.type}.json`, 'one file per type');
      t.ok((OUTBOUND_TYPES as readonly string[]).includes(fixture.type), 'is a type Hajime emits');
      const keys = Object.keys(fixture).sort();
      const hasCid = keys.includes('cid');
      t.same(keys, hasCid ? ['cid', 'payload', 'type'] : ['payload', 'type'], 'same envelope: {type, payload, cid?}');
      t.equal(hasCid, REPLY_TYPES.has(fixture.type as OutboundType), hasCid ? 'a reply carries the cid' : 'a push carries no cid');
      if (hasCid) t.type((fixture as { cid?: unknown }).cid, 'string');
      t.equal(typeof fixture.payload, 'object');
    });
  }
});

t.test('real payload shapes (§4.4), not the placeholder bodies of the corpus (§11)', async (t) => {
  t.same(OUTBOUND_REQUIRED_FIELDS['chat.message'], ['channel_id', 'sender_id', 'content', 'sent_at'], 'chat carries sent_at, not ts');
  t.same(OUTBOUND_REQUIRED_FIELDS['dm.sent'], ['channel_id'], 'dm.sent carries channel_id');
  t.same(OUTBOUND_REQUIRED_FIELDS['notification.new'], ['id', 'type', 'subject', 'content']);
  t.ok(OUTBOUND_REQUIRED_FIELDS['match.vote_tally'].includes('tallies'), 'tallies, not tally');
  t.same(OUTBOUND_REQUIRED_FIELDS['session.connected'], ['player_id', 'wire'], 'session.connected carries wire');
  const built = frame('session.connected', { player_id: 'p1', wire: 'json' });
  t.same(Object.keys(built).sort(), ['payload', 'type']);
  t.same(Object.keys(frame('session.heartbeat', { ts: 1 }, 'c-1')).sort(), ['cid', 'payload', 'type'], 'cid on replies');
  for (const type of OUTBOUND_TYPES) t.ok(Array.isArray(OUTBOUND_REQUIRED_FIELDS[type as OutboundType]), `${type} has a shape`);
});

t.test('the error frame matches the corpus envelope and the dual dialect', async (t) => {
  const fixture = JSON.parse(readFileSync(join(dir, 'error.json'), 'utf8')) as { type: string; payload: Record<string, unknown> };
  const ours = errorFrame({ reason: 'world_not_found' }, { cid: 'c-17' });
  t.equal(ours.type, fixture.type);
  t.same(ours.payload, { reason: 'world_not_found', error: { code: 'world.not_found', message: 'No live world exists with this id.', details: {} } });
  t.equal(ours.cid, 'c-17');
});
