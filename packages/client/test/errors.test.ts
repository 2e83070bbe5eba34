// The SDK's error classes, and guides/reference/errors.md kept in step with CLIENT_ERRORS.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { CLIENT_ERRORS, HajimeApiError, HajimeClientError, HajimeError, HajimeSocketError, isHajimeError } from '../src/index.js';

const guide = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'guides', 'reference', 'errors.md'), 'utf8');

t.test('the errors reference lists every CLI_ERR code with its status', async (t) => {
  const start = guide.indexOf('## Client SDK (CLI_ERR_*)');
  t.ok(start >= 0, 'the section exists');
  const end = guide.indexOf('\n## ', start + 1);
  const rows = new Map<string, number>();
  for (const line of guide.slice(start, end === -1 ? undefined : end).split('\n')) {
    const m = /^\| `(CLI_ERR_[A-Z_]+)` \| (\d+) \|/.exec(line);
    if (m !== null) rows.set(m[1]!, Number(m[2]));
  }
  t.same([...rows.keys()].sort(), Object.keys(CLIENT_ERRORS).sort());
  for (const [code, { status }] of Object.entries(CLIENT_ERRORS)) t.equal(rows.get(code), status, code);
});

t.test('error classes carry code, details and (where they have one) status', async (t) => {
  const api = new HajimeApiError(409, { code: 'auth.username_taken', message: 'That username is taken.', details: { fields: { username: 'taken' } } });
  t.ok(api instanceof HajimeError && api instanceof Error);
  t.match(api, { name: 'HajimeApiError', status: 409, code: 'auth.username_taken', message: 'That username is taken.', details: { fields: { username: 'taken' } } });
  t.same(new HajimeApiError(500, { code: 'internal' }).details, {}, 'details is always an object');
  t.equal(new HajimeApiError(500, { code: 'internal' }).message, 'internal');

  const ws = new HajimeSocketError('error', 'match.join', { code: 'match.full' }, 'match_full');
  t.match(ws, { name: 'HajimeSocketError', code: 'match.full', reason: 'match_full', frame: 'error', requestType: 'match.join', details: {} });

  const cause = new Error('ECONNREFUSED');
  const cli = new HajimeClientError('CLI_ERR_NETWORK', { url: 'x' }, { cause });
  t.match(cli, { name: 'HajimeClientError', code: 'CLI_ERR_NETWORK', status: 503, message: CLIENT_ERRORS.CLI_ERR_NETWORK.cause, details: { url: 'x' } });
  t.equal(cli.cause, cause);

  t.ok(isHajimeError(api));
  t.ok(isHajimeError(api, 'auth.username_taken'));
  t.notOk(isHajimeError(api, 'auth.invalid_credentials'));
  t.ok(isHajimeError(ws, 'match.full'));
  t.ok(isHajimeError(cli, 'CLI_ERR_NETWORK'));
  t.notOk(isHajimeError(new Error('x')));
  t.notOk(isHajimeError({ code: 'match.full' }, 'match.full'), 'a look-alike object is not one');
});
