import t from 'tap';
import {
  ERROR_CODES,
  REASON_TO_CODE,
  codeForReason,
  customEventType,
  errorFrame,
  httpErrorBody,
  isErrorCode,
  parseFrame,
  reasonForCode,
  statusOf,
} from '../src/index.js';

const bad = (s: string | Uint8Array) => {
  const r = parseFrame(s);
  if (r.ok) throw new Error('expected a refusal');
  return r;
};

t.test('parseFrame: envelope errors', async (t) => {
  t.equal(bad('{not json').error.code, 'invalid_json');
  t.equal(bad('[1,2]').error.code, 'invalid_message');
  t.equal(bad('42').error.code, 'invalid_message');
  t.equal(bad('null').error.code, 'invalid_message');
  t.equal(bad('{"payload":{}}').error.code, 'invalid_message');
  t.equal(bad('{"type":5}').error.code, 'invalid_message');
  const unknown = bad('{"type":"nope.nope","cid":"c1"}');
  t.equal(unknown.error.code, 'unknown_type');
  t.equal(unknown.cid, 'c1', 'a valid cid is echoed on errors');
  t.same(unknown.error.details, {}, "the client's type is never echoed");
  t.equal(bad('x'.repeat(64 * 1024 + 1)).error.code, 'payload_too_large', 'size is measured before parsing');
  t.equal(bad(new TextEncoder().encode('{"type":')).error.code, 'invalid_json');
  t.equal(bad('['.repeat(100_000) + ']'.repeat(100_000)).error.code, 'payload_too_large');
  t.equal(bad('['.repeat(30_000) + ']'.repeat(30_000)).error.code, 'invalid_message', 'deep nesting is handled, not a crash');
});

t.test('parseFrame: every inbound type validates its payload', async (t) => {
  const cases: [string, unknown, string | null, string?][] = [
    ['session.connect', { token: 'abc' }, null],
    ['session.connect', {}, 'missing_field', 'token'],
    ['session.connect', { token: 5 }, 'invalid_payload', 'token'],
    ['session.connect', { token: 'a', wire: 'xml' }, 'invalid_payload', 'wire'],
    ['session.heartbeat', undefined, null],
    ['presence.update', { status: 'online' }, null],
    ['presence.update', { status: 1 }, 'invalid_payload', 'status'],
    ['matchmaker.add', {}, null],
    ['matchmaker.add', { properties: [] }, 'invalid_payload', 'properties'],
    ['matchmaker.remove', {}, 'missing_field', 'ticket_id'],
    ['match.list', { has_capacity: 'yes' }, 'invalid_payload', 'has_capacity'],
    ['match.find_or_create', {}, 'missing_field', 'mode'],
    ['match.join', { match_id: 'm', ctx: 1 }, 'invalid_payload', 'ctx'],
    ['match.leave', {}, null],
    ['match.input', { up: true }, null],
    ['match.input', 'left', 'invalid_payload', 'payload'],
    ['vote.cast', { vote_id: 'v', option_id: ['a', 'b'] }, null],
    ['vote.cast', { vote_id: 'v', option_id: [1] }, 'invalid_payload', 'option_id'],
    ['vote.cast', { vote_id: 'v' }, 'missing_field', 'option_id'],
    ['vote.veto', {}, 'missing_field', 'vote_id'],
    ['world.list', {}, null],
    ['world.create', {}, 'missing_field', 'mode'],
    ['world.find_or_create', { mode: 'm' }, null],
    ['world.join', { world_id: 7 }, 'invalid_payload', 'world_id'],
    ['world.leave', undefined, null],
    ['world.input', { x: 1 }, null],
    ['world.resync', { zone: [1, 2] }, null],
    ['world.resync', { zone: [1] }, 'invalid_payload', 'zone'],
    ['chat.join', { channel_id: 'global:lobby' }, null],
    ['chat.leave', {}, 'missing_field', 'channel_id'],
    ['chat.send', { channel_id: 'c', content: 5 }, 'invalid_payload', 'content'],
    ['dm.send', { recipient_id: 'p', content: 'hi' }, null],
  ];
  for (const [type, payload, code, field] of cases) {
    const r = parseFrame(JSON.stringify({ type, payload }));
    if (code === null) t.ok(r.ok, `${type} ${JSON.stringify(payload)} accepted`);
    else {
      t.equal(r.ok ? 'ok' : r.error.code, code, `${type} ${JSON.stringify(payload)} → ${code}`);
      if (!r.ok && field !== undefined) t.equal(r.error.details['field'], field);
    }
  }
});

t.test('match.input unwraps the deprecated forms; world.input keeps its seq', async (t) => {
  const a = parseFrame('{"type":"match.input","payload":{"data":{"up":true}}}');
  t.same(a.ok && a.frame.payload, { up: true });
  const b = parseFrame('{"type":"match.input","payload":{"data":"{\\"up\\":true}"}}');
  t.same(b.ok && b.frame.payload, { up: true });
  t.equal(bad('{"type":"match.input","payload":{"data":"not json"}}').error.code, 'invalid_payload');
  const c = parseFrame('{"type":"match.input","payload":{"data":{"up":true},"seq":3}}');
  t.same(c.ok && c.frame.payload, { data: { up: true }, seq: 3 }, 'data beside other keys is not unwrapped');
  const d = parseFrame(Buffer.from('{"type":"match.input","cid":"k1","payload":{"dx":1}}'));
  t.strictSame(d, { ok: true, frame: { type: 'match.input', payload: { dx: 1 }, cid: 'k1' } }, 'from a Buffer, with a cid');
  const e = parseFrame(new Uint8Array(Buffer.from('{"type":"match.input","payload":{"dx":1}}')));
  t.strictSame(e, { ok: true, frame: { type: 'match.input', payload: { dx: 1 } } }, 'from a plain Uint8Array, no cid key');
  const w = parseFrame('{"type":"world.input","seq":42,"payload":{"x":1}}');
  t.equal(w.ok && w.frame.seq, 42);
  t.equal(bad('{"type":"world.input","seq":"x","payload":{}}').error.code, 'invalid_payload');
});

t.test('cid rules: optional and echoed; required and validated on rpc.call', async (t) => {
  const ok = parseFrame('{"type":"session.heartbeat","cid":"c-1"}');
  t.equal(ok.ok && ok.frame.cid, 'c-1');
  const badCid = parseFrame('{"type":"session.heartbeat","cid":"' + 'x'.repeat(65) + '"}');
  t.equal(badCid.ok && badCid.frame.cid, undefined, 'an invalid cid is not echoed');
  t.equal(bad('{"type":"rpc.call","payload":{"method":"m"}}').error.code, 'rpc.invalid_cid');
  const rejected = bad('{"type":"rpc.call","cid":"\\u0001","payload":{"method":"m"}}');
  t.equal(rejected.error.code, 'rpc.invalid_cid');
  t.equal(rejected.cid, undefined);
  t.equal(bad('{"type":"rpc.call","cid":"c","payload":{"protocol":2,"method":"m"}}').error.code, 'rpc.unsupported_protocol');
  const rpc = parseFrame('{"type":"rpc.call","cid":"c","payload":{"protocol":1,"method":"m","params":{"a":1}}}');
  t.same(rpc.ok && rpc.frame.payload, { protocol: 1, method: 'm', params: { a: 1 } });
});

t.test('the error registry', async (t) => {
  t.equal(statusOf('economy.insufficient_funds'), 402);
  t.equal(statusOf('save.version_conflict'), 409);
  t.equal(statusOf('match.join_refused'), 403);
  t.equal(statusOf('dm.content_too_large'), 413);
  t.equal(statusOf('matchmaker.queue_full'), 503);
  t.equal(statusOf('chat.too_many_channels'), 429);
  t.equal(statusOf('length_required'), 411);
  for (const [code, { status, message }] of Object.entries(ERROR_CODES)) {
    t.ok(/^[a-z_]+(\.[a-z_]+)?$/.test(code), `${code} is namespaced snake_case`);
    t.ok(status >= 400 && status < 600, `${code} has an error status`);
    t.ok(message.length > 0);
  }
  for (const code of Object.values(REASON_TO_CODE)) t.ok(isErrorCode(code), `${code} is registered`);
  t.equal(isErrorCode('made.up'), false);
});

t.test('reasons and codes: the §4.2 map, identity for bare codes, ws.request_failed otherwise', async (t) => {
  t.same(codeForReason('invalid_token'), { code: 'unauthenticated', details: {} });
  t.same(codeForReason('match_full'), { code: 'match.full', details: {} });
  t.same(codeForReason('rate_limited'), { code: 'rate_limited', details: {} });
  t.same(codeForReason('vote_not_found'), { code: 'ws.request_failed', details: { reason: 'vote_not_found' } });
  t.equal(reasonForCode('unauthenticated'), 'invalid_token');
  t.equal(reasonForCode('forbidden'), 'not_authorized');
  t.equal(reasonForCode('internal'), 'internal_error');
  t.equal(reasonForCode('invalid_json'), 'invalid_json');
  const f = errorFrame({ code: 'match.full' }, { extra: { type: 'match.join' } });
  t.same(f.payload, { type: 'match.join', reason: 'match_full', error: { code: 'match.full', message: ERROR_CODES['match.full'].message, details: {} } });
  t.equal(f.cid, undefined, 'no cid unless given');
});

t.test('HTTP error bodies carry the legacy extras at top level and in details', async (t) => {
  t.same(httpErrorBody('rate_limited', { retry_after: 2 }), { error: { code: 'rate_limited', message: ERROR_CODES.rate_limited.message, details: { retry_after: 2 } }, retry_after: 2 });
  const v = httpErrorBody('validation_failed', { fields: { username: 'taken' } });
  t.same(v['fields'], { username: 'taken' });
});

t.test('custom game events: open namespace, reserved leaves refused', async (t) => {
  t.equal(customEventType('match', 'boon_offer'), 'match.boon_offer');
  t.equal(customEventType('world', 'storm-warning'), 'world.storm-warning');
  t.equal(customEventType('match', 'state'), undefined);
  t.equal(customEventType('match', 'tick'), undefined);
  t.equal(customEventType('match', 'has space'), undefined);
  t.equal(customEventType('match', 'x'.repeat(65)), undefined);
  t.equal(customEventType('match', ''), undefined);
});
