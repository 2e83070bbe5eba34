import type { Suite } from './harness.js';
import { unique } from './harness.js';

export const auditSuite: Suite = async (t, { storage }) => {
  const audit = storage.audit;

  t.test('append fills the defaults and returns the row with its column names', async (t) => {
    const action = unique('test.defaults');
    const row = await audit.append({ action });
    t.match(row, {
      actor_id: null,
      actor_display: null,
      actor_source: null,
      actor_attested: false,
      action,
      target_type: null,
      target_id: null,
      outcome: 'ok',
      succeeded_count: 0,
      failed_count: 0,
      details: {},
    });
    t.ok(row.occurred_at instanceof Date);
    const at = new Date('2026-03-01T12:00:00Z');
    const full = await audit.append({
      actor_id: 'op-1',
      actor_display: 'Ops One',
      actor_source: 'ops',
      actor_attested: true,
      action,
      target_type: 'player',
      target_id: 'p-1',
      outcome: 'partial',
      succeeded_count: 9,
      failed_count: 1,
      details: { reason: 'two were online' },
      occurred_at: at,
    });
    t.match(full, { actor_id: 'op-1', actor_display: 'Ops One', actor_source: 'ops', actor_attested: true, outcome: 'partial', succeeded_count: 9, failed_count: 1, details: { reason: 'two were online' } });
    t.equal(full.occurred_at.getTime(), at.getTime());
  });

  t.test('list: newest first, filtered by action, actor and target, with limit, offset and count', async (t) => {
    const action = unique('test.list');
    const actor = unique('actor');
    const rows = [];
    for (let i = 0; i < 5; i++) rows.push(await audit.append({ action, actor_id: i % 2 === 0 ? actor : 'someone', target_id: `t${i}` }));
    await audit.append({ action: unique('test.other'), actor_id: actor });
    t.same((await audit.list({ action })).map((r) => r.target_id), ['t4', 't3', 't2', 't1', 't0']);
    t.same((await audit.list({ action, actorId: actor })).map((r) => r.target_id), ['t4', 't2', 't0']);
    t.same((await audit.list({ action, targetId: 't3' })).map((r) => r.id), [rows[3]!.id]);
    t.same((await audit.list({ action, limit: 2, offset: 1 })).map((r) => r.target_id), ['t3', 't2']);
    t.equal(await audit.count({ action }), 5);
    t.equal(await audit.count({ actorId: actor }), 4);
    t.ok((await audit.count()) >= 6);
    t.ok((await audit.list()).length >= 6);
    const old = await audit.append({ action, occurred_at: new Date('2020-01-01T00:00:00Z') });
    const list = await audit.list({ action });
    t.equal(list[list.length - 1]!.id, old.id, 'ordered by occurred_at');
  });

  t.test('an entry appended inside a transaction rolls back with it', async (t) => {
    const action = unique('test.tx');
    await t.rejects(
      storage.driver.transaction(async (tx) => {
        await audit.append({ action }, tx);
        t.equal((await tx.query('SELECT id FROM ops_audit_entries WHERE action = $1', [action])).length, 1, 'visible inside');
        throw new Error('abort');
      }),
    );
    t.same(await audit.list({ action }), []);
  });

  t.test('bad entries and filters are coded errors and write nothing', async (t) => {
    const action = unique('test.bad');
    await t.rejects(audit.append({ action: '' }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'action' } });
    await t.rejects(audit.append({} as never), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'action' } });
    await t.rejects(audit.append({ action, outcome: 'maybe' as never }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'outcome' } });
    await t.rejects(audit.append({ action, succeeded_count: -1 }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'succeeded_count' } });
    await t.rejects(audit.append({ action, failed_count: 0.5 }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'failed_count' } });
    await t.rejects(audit.append({ action, actor_attested: 'yes' as never }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'actor_attested' } });
    await t.rejects(audit.append({ action, details: [] as never }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'details' } });
    await t.rejects(audit.append({ action, details: { x: 'x'.repeat(17 * 1024) } }), { code: 'STO_ERR_TOO_LARGE', details: { field: 'details' } });
    await t.rejects(audit.append({ action, actor_id: 'a'.repeat(129) }), { code: 'STO_ERR_TOO_LARGE', details: { field: 'actor_id' } });
    await t.rejects(audit.append({ action, occurred_at: new Date('nope') }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'occurred_at' } });
    await t.rejects(audit.list({ limit: 201 }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'limit' } });
    await t.rejects(audit.list({ offset: -1 }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'offset' } });
    await t.rejects(audit.list({ offset: 100_001 }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'offset' } });
    await t.rejects(audit.list({ action: '' }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'action' } });
    t.same(await audit.list({ action }), []);
  });
};
