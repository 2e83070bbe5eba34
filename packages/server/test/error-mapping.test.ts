import t from 'tap';
import { isErrorCode, statusOf } from '@hajime/protocol';
import { STORAGE_ERRORS, StorageError } from '@hajime/storage';
import { ApiError, mapError } from '../src/index.js';

t.test('every storage failure maps to a registered wire code with the same status', async (t) => {
  for (const [code, { wire, status }] of Object.entries(STORAGE_ERRORS)) {
    t.ok(isErrorCode(wire), `${code} → ${wire} is in the registry`);
    if (isErrorCode(wire)) t.equal(statusOf(wire), status, `${code}: the storage status matches the registry's`);
    const mapped = mapError(new StorageError(code as keyof typeof STORAGE_ERRORS, { details: { field: 'x', why: 'y', sqlState: '23505', constraint: 'c' } }));
    t.equal(mapped?.code, wire);
    t.notOk(mapped !== undefined && 'sqlState' in mapped.details, 'driver internals never reach the client');
  }
  t.same(mapError(new StorageError('STO_ERR_INVALID_INPUT', { details: { field: 'username', why: 'too short' } }))?.details['fields'], { username: 'too short' });
  t.same(mapError(new ApiError('match.full', { a: 1 })), { code: 'match.full', details: { a: 1 } });
  t.equal(mapError(new Error('boom')), undefined, 'unknown errors are internal (not mapped)');
});
