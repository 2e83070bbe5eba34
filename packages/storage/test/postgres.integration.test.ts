// The storage conformance suite on a real Postgres server, in a fresh schema that is dropped afterwards.
// Runs when DATABASE_URL is set (CI sets it; .ci/run starts PostgreSQL if needed).
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { Storage } from '../src/index.js';
import { SUITES } from './conformance/index.js';

const url = process.env['DATABASE_URL'];

t.test('storage conformance on Postgres', { skip: url === undefined || url === '' ? 'DATABASE_URL is not set' : false }, async (t) => {
  const schema = `hajime_test_${randomBytes(5).toString('hex')}`;
  const opened: Storage[] = [];
  const open = async (migrate = true): Promise<Storage> => {
    const s = await Storage.open({ databaseUrl: url!, schema, maxConnections: 10, migrate });
    opened.push(s);
    return s;
  };
  const storage = await open();
  t.equal(storage.kind, 'postgres');
  t.equal(storage.ready, true);
  t.teardown(async () => {
    await storage.driver.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    for (const s of opened) await s.close();
  });
  const subject = { storage, kind: 'postgres' as const, reopen: (o?: { migrate?: boolean }) => open(o?.migrate ?? true) };
  for (const [name, suite] of SUITES) await t.test(name, (t) => suite(t, subject));
});
