// Every conformance suite, in the order they run. Each runs against every driver.
import { economySuite } from './economy.js';
import type { Suite } from './harness.js';
import { migrationsSuite } from './migrations.js';
import { playersSuite } from './players.js';
import { snapshotsSuite } from './snapshots.js';
import { tokensSuite } from './tokens.js';

export const SUITES: ReadonlyArray<readonly [string, Suite]> = [
  ['migrations', migrationsSuite],
  ['players and identities', playersSuite],
  ['tokens', tokensSuite],
  ['economy and inventory', economySuite],
  ['actor snapshots', snapshotsSuite],
];
