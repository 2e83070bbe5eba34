// Every conformance suite, in the order they run. Each runs against every driver.
import { chatSuite } from './chat.js';
import { economySuite } from './economy.js';
import { notificationsSuite } from './notifications.js';
import { socialSuite } from './social.js';
import type { Suite } from './harness.js';
import { migrationsSuite, transactionsSuite } from './migrations.js';
import { playersSuite } from './players.js';
import { snapshotsSuite } from './snapshots.js';
import { tokensSuite } from './tokens.js';
import { leaderboardsSuite } from './leaderboards.js';
import { matchesSuite } from './matches.js';
import { tournamentsSuite } from './tournaments.js';
import { votesSuite } from './votes.js';
import { zonesSuite } from './zones.js';
import { savesSuite } from './saves.js';
import { objectsSuite } from './objects.js';
import { iapSuite } from './iap.js';
import { auditSuite } from './audit.js';
import { erasureSuite } from './erasure.js';

export const SUITES: ReadonlyArray<readonly [string, Suite]> = [
  ['migrations', migrationsSuite],
  ['transactions', transactionsSuite],
  ['players and identities', playersSuite],
  ['tokens', tokensSuite],
  ['economy and inventory', economySuite],
  ['actor snapshots', snapshotsSuite],
  ['social: friends and groups', socialSuite],
  ['chat', chatSuite],
  ['notifications', notificationsSuite],
  ['matches and stats', matchesSuite],
  ['votes', votesSuite],
  ['leaderboards', leaderboardsSuite],
  ['tournaments', tournamentsSuite],
  ['zone snapshots', zonesSuite],
  ['cloud saves', savesSuite],
  ['storage objects', objectsSuite],
  ['iap receipts', iapSuite],
  ['audit', auditSuite],
  ['erasure', erasureSuite],
];
