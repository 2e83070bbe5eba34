import { StorageError, loadMigrations, type Migration } from '../../src/index.js';
import type { Suite } from './harness.js';

export const migrationsSuite: Suite = async (t, { storage, reopen, kind }) => {
  t.test('every migration is recorded once with its checksum', async (t) => {
    const files = await loadMigrations();
    const rows = await storage.driver.query<{ id: number; name: string }>('SELECT id, name FROM hajime_migrations ORDER BY id');
    t.same(rows.map((r) => r.name), files.map((f) => f.name));
    const again = await storage.migrate();
    t.same(again.applied, [], 'a second run applies nothing');
  });

  t.test('two migrators started at once apply each migration once', { skip: kind === 'pglite' ? 'PGlite is one connection in one process' : false }, async (t) => {
    const a = await reopen({ migrate: false });
    const b = await reopen({ migrate: false });
    const extra: Migration[] = [...(await loadMigrations()), { id: 9001, name: '9001_race_probe', sql: 'CREATE TABLE race_probe (id int primary key); INSERT INTO race_probe VALUES (1);' }];
    const [ra, rb] = await Promise.all([a.migrate(extra), b.migrate(extra)]);
    t.same([...ra.applied, ...rb.applied], ['9001_race_probe'], 'applied by exactly one of them');
    const rows = await storage.driver.query<{ n: number }>('SELECT count(*)::int8 AS n FROM race_probe');
    t.equal(rows[0]!.n, 1);
    await a.close();
    await b.close();
  });

  t.test('a failed migration rolls back, leaves the storage open but not ready, with a coded error', async (t) => {
    const s = await reopen({ migrate: false });
    const broken: Migration[] = [...(await loadMigrations()), { id: 9002, name: '9002_broken', sql: 'CREATE TABLE half_done (id int); SELECT no_such_function();' }];
    await t.rejects(s.migrate(broken), { code: 'STO_ERR_MIGRATION_FAILED', details: { migration: '9002_broken' } });
    t.equal(s.ready, false);
    t.ok(s.migrationError instanceof StorageError);
    const tables = await s.driver.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done' AND table_schema = current_schema()");
    t.equal(tables.length, 0, 'nothing of it was kept');
    t.equal(await s.ping(), true, 'the database is still usable');
    if (s !== storage) await s.close();
  });

  t.test('an edited migration that was already applied is refused', async (t) => {
    const s = await reopen({ migrate: false });
    const files = await loadMigrations();
    const edited = files.map((m, i) => (i === 0 ? { ...m, sql: m.sql + '\n-- edited' } : m));
    await t.rejects(s.migrate(edited), { code: 'STO_ERR_MIGRATION_FAILED' });
    if (s !== storage) await s.close();
  });
};

export const transactionsSuite: Suite = async (t, { storage }) => {
  t.test('an error thrown inside a transaction comes out as it is, and the transaction rolls back', async (t) => {
    class DomainError extends Error {
      readonly code = 'game.rule_broken';
    }
    const name = `tx_probe_${Math.random().toString(36).slice(2, 8)}`;
    const err = await storage.driver
      .transaction(async (tx) => {
        await tx.query(`CREATE TABLE ${name} (id int)`);
        throw new DomainError('nope');
      })
      .catch((e: unknown) => e);
    t.ok(err instanceof DomainError, 'not wrapped as a StorageError');
    const rows = await storage.driver.query('SELECT 1 FROM information_schema.tables WHERE table_name = $1', [name]);
    t.equal(rows.length, 0, 'rolled back');
    const sqlErr = await storage.driver.transaction((tx) => tx.query('SELECT * FROM no_such_table_here')).catch((e: unknown) => e);
    t.ok(sqlErr instanceof StorageError, 'engine errors are StorageErrors');
  });
};
