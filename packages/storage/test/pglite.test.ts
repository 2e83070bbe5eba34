// The storage conformance suite on the embedded driver (PGlite, in memory). Always runs.
import t from 'tap';
import { Storage } from '../src/index.js';
import { SUITES } from './conformance/index.js';

t.test('storage conformance on PGlite', async (t) => {
  const storage = await Storage.open({ dataDir: null });
  t.equal(storage.kind, 'pglite');
  t.equal(storage.ready, true, 'migrated on open');
  // One embedded engine per process: "reopening" shares it (a second PGlite would be a second database).
  const subject = { storage, kind: 'pglite' as const, reopen: async () => storage };
  t.teardown(() => storage.close());
  for (const [name, suite] of SUITES) await t.test(name, (t) => suite(t, subject));
});
