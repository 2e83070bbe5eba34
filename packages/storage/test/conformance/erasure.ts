import { randomBytes } from 'node:crypto';
import { newId, type Player, type Storage } from '../../src/index.js';
import type { Suite } from './harness.js';
import { player, unique } from './harness.js';

const NOBODY = '00000000-0000-7000-8000-000000000000';
const HOUR = 3600_000;

/** How each core table refers to a player ($1). */
const REFS = {
  wallets: 'player_id = $1',
  player_items: 'player_id = $1',
  storage: 'player_id = $1',
  cloud_saves: 'player_id = $1',
  notifications: 'player_id = $1',
  leaderboard_entries: 'player_id = $1',
  chat_messages: 'sender_id = $1',
  group_members: 'player_id = $1',
  friendships: 'player_id = $1 OR friend_id = $1',
  tournament_entries: 'player_id = $1',
  player_stats: 'player_id = $1',
  player_tokens: 'user_id = $1',
  player_identities: 'player_id = $1',
  players: 'id = $1',
  iap_transactions: 'player_id = $1',
  groups: 'creator_id = $1',
} as const;
type Table = keyof typeof REFS;

async function counts(storage: Storage, playerId: string, walletIds: readonly string[] = []): Promise<Record<Table | 'transactions', number>> {
  const out: Partial<Record<Table | 'transactions', number>> = {};
  for (const [table, where] of Object.entries(REFS) as [Table, string][]) {
    const [row] = await storage.driver.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM ${table} WHERE ${where}`, [playerId]);
    out[table] = row!.n;
  }
  // The ledger is keyed by wallet, so count it by the wallet ids seen before the erasure.
  let ledger = 0;
  for (const w of walletIds) ledger += (await storage.driver.query<{ n: number }>('SELECT count(*)::int8 AS n FROM transactions WHERE wallet_id = $1', [w]))[0]!.n;
  out.transactions = ledger;
  return out as Record<Table | 'transactions', number>;
}

async function walletIds(storage: Storage, playerId: string): Promise<string[]> {
  return (await storage.driver.query<{ id: string }>('SELECT id FROM wallets WHERE player_id = $1', [playerId])).map((r) => r.id);
}

interface World {
  readonly p: Player;
  readonly o: Player;
  readonly q: Player;
  readonly pGroup: string;
  readonly iapTx: string;
  readonly matchId: string;
  readonly voteId: string;
  readonly zoneId: string;
  readonly globalKey: string;
}

/** Rows a player owns in every core table (own repos where they exist, direct SQL for the others). */
async function seedOwn(storage: Storage, who: Player, itemSlug: string, tournamentId: string, board: string): Promise<string> {
  const sql = storage.driver;
  await storage.economy.grant(who.id, 'gold', 100, { reason: 'seed' });
  await storage.economy.debit(who.id, 'gold', 10);
  await storage.economy.grant(who.id, 'gems', 5);
  await storage.economy.grantItem(who.id, itemSlug, 3);
  await storage.objects.put({ collection: 'erasure', key: 'profile', ownerId: who.id, value: { bio: 'hello' } });
  await storage.saves.put(who.id, 'main', { level: 7 });
  await sql.query(`INSERT INTO notifications (id, player_id, type, subject, content) VALUES ($1, $2, 'system', 'hi', '{}'::jsonb)`, [newId(), who.id]);
  await sql.query('INSERT INTO leaderboard_entries (id, leaderboard_id, player_id, score) VALUES ($1, $2, $3, 42)', [newId(), board, who.id]);
  await sql.query(`INSERT INTO chat_messages (id, channel_type, channel_id, sender_id, content) VALUES ($1, 'room', 'room:erasure', $2, 'gg')`, [newId(), who.id]);
  await sql.query('INSERT INTO tournament_entries (tournament_id, player_id) VALUES ($1, $2)', [tournamentId, who.id]);
  await sql.query('INSERT INTO player_stats (player_id, games_played, wins) VALUES ($1, 3, 1)', [who.id]);
  await storage.tokens.issue({ user_id: who.id, token: randomBytes(32).toString('base64url'), context: 'refresh', expires_at: new Date(Date.now() + HOUR) });
  await storage.players.addIdentity(who.id, { provider: 'guest', provider_uid: unique('device') });
  const tx = unique('iap');
  await storage.iap.claim({ provider: 'apple', transaction_id: tx, product_id: 'gems_100', player_id: who.id });
  return tx;
}

/** p (to be erased) and o (a bystander), entangled with each other and with q through shared rows. */
async function seedWorld(storage: Storage): Promise<World> {
  const sql = storage.driver;
  const [p, o, q] = [await player(storage, 'erase'), await player(storage, 'keep'), await player(storage, 'third')];
  const slug = unique('gem').toLowerCase();
  await storage.economy.upsertItemDef({ slug, name: 'Gem' });
  const tournamentId = newId();
  await sql.query(`INSERT INTO tournaments (id, name, leaderboard_id, start_at, end_at) VALUES ($1, 'cup', $2, now(), now() + interval '1 day')`, [tournamentId, unique('board')]);
  const board = unique('board');
  const iapTx = await seedOwn(storage, p, slug, tournamentId, board);
  await seedOwn(storage, o, slug, tournamentId, board);
  const pGroup = newId();
  const oGroup = newId();
  await sql.query(`INSERT INTO groups (id, name, creator_id) VALUES ($1, 'p''s guild', $2), ($3, 'o''s guild', $4)`, [pGroup, p.id, oGroup, o.id]);
  await sql.query(
    `INSERT INTO group_members (id, group_id, player_id, role) VALUES ($1, $2, $3, 'owner'), ($4, $2, $5, 'member'), ($6, $7, $5, 'owner'), ($8, $7, $3, 'member')`,
    [newId(), pGroup, p.id, newId(), o.id, newId(), oGroup, newId()],
  );
  await sql.query(
    `INSERT INTO friendships (id, player_id, friend_id, status) VALUES ($1, $2, $3, 'accepted'), ($4, $3, $2, 'accepted'), ($5, $3, $6, 'pending')`,
    [newId(), p.id, o.id, newId(), newId(), q.id],
  );
  const matchId = newId();
  await sql.query(`INSERT INTO match_records (id, mode, status, players) VALUES ($1, 'duel', 'finished', $2::jsonb)`, [matchId, JSON.stringify([p.id, o.id])]);
  const voteId = newId();
  await sql.query(`INSERT INTO votes (id, match_id, method, votes_cast) VALUES ($1, $2, 'plurality', $3::jsonb)`, [voteId, matchId, JSON.stringify({ [p.id]: 'left', [o.id]: 'right' })]);
  const zoneId = newId();
  await sql.query(`INSERT INTO zone_snapshots (id, world_id, zone_x, zone_y, entities) VALUES ($1, $2, 0, 0, $3::jsonb)`, [zoneId, unique('world'), JSON.stringify({ [p.id]: { x: 1 } })]);
  const globalKey = unique('global');
  await storage.objects.put({ collection: 'erasure', key: globalKey, value: { owner: p.id } });
  return { p, o, q, pGroup, iapTx, matchId, voteId, zoneId, globalKey };
}

export const erasureSuite: Suite = async (t, { storage }) => {
  const erasure = storage.erasure;
  const sql = storage.driver;
  const actor = { actor_id: 'op-7', actor_display: 'Operator Seven', actor_source: 'ops', actor_attested: true };

  t.test('erases every core row of the player, severs receipts and groups, leaves bare UUIDs and bystanders alone', async (t) => {
    const w = await seedWorld(storage);
    const pWallets = await walletIds(storage, w.p.id);
    const oWallets = await walletIds(storage, w.o.id);
    const before = await counts(storage, w.p.id, pWallets);
    for (const [table, n] of Object.entries(before)) t.ok(n > 0, `seeded ${table}`);
    const oBefore = await counts(storage, w.o.id, oWallets);

    const result = await erasure.erasePlayer(w.p.id, { actor });

    t.same(result.deleted, {
      transactions: before.transactions,
      wallets: before.wallets,
      player_items: before.player_items,
      storage: before.storage,
      cloud_saves: before.cloud_saves,
      notifications: before.notifications,
      leaderboard_entries: before.leaderboard_entries,
      chat_messages: before.chat_messages,
      group_members: before.group_members,
      friendships: before.friendships,
      tournament_entries: before.tournament_entries,
      player_stats: before.player_stats,
      player_tokens: before.player_tokens,
      player_identities: before.player_identities,
      players: 1,
    });
    t.same(result.severed, { iap_transactions: 1, groups: 1 });
    for (const [table, n] of Object.entries(await counts(storage, w.p.id, pWallets))) t.equal(n, 0, `nothing in ${table} references the player any more`);

    const receipt = await storage.iap.find('apple', w.iapTx);
    t.match(receipt, { player_id: null, product_id: 'gems_100' }, 'the receipt is kept, severed');
    const [group] = await sql.query<{ creator_id: string | null }>('SELECT creator_id FROM groups WHERE id = $1', [w.pGroup]);
    t.equal(group?.creator_id, null, 'the group is kept, its creator severed');
    const [match] = await sql.query<{ players: string[] }>('SELECT players FROM match_records WHERE id = $1', [w.matchId]);
    t.same(match?.players, [w.p.id, w.o.id], 'match rosters keep the bare UUID');
    const [vote] = await sql.query<{ votes_cast: Record<string, string> }>('SELECT votes_cast FROM votes WHERE id = $1', [w.voteId]);
    t.equal(vote?.votes_cast[w.p.id], 'left');
    const [zone] = await sql.query<{ entities: Record<string, unknown> }>('SELECT entities FROM zone_snapshots WHERE id = $1', [w.zoneId]);
    t.ok(zone?.entities[w.p.id]);
    t.match(await storage.objects.get('erasure', w.globalKey), { value: { owner: w.p.id } }, 'global storage rows are not the player');

    const oAfter = await counts(storage, w.o.id, oWallets);
    t.same(oAfter, { ...oBefore, friendships: oBefore.friendships - 2 }, 'the bystander lost only the two friendship rows with the erased player');
    const [kept] = await sql.query<{ n: number }>('SELECT count(*)::int8 AS n FROM friendships WHERE player_id = $1 AND friend_id = $2', [w.o.id, w.q.id]);
    t.equal(kept!.n, 1);
    t.equal(await storage.economy.balance(w.o.id, 'gold'), 90);
    t.equal(await storage.economy.ledgerSum(w.o.id, 'gold'), 90);

    const [entry] = await storage.audit.list({ action: 'player.erase', targetId: w.p.id });
    t.match(entry, { id: result.audit_id, ...actor, target_type: 'player', target_id: w.p.id, outcome: 'ok', succeeded_count: 1, failed_count: 0 });
    t.same(entry?.details, { deleted: result.deleted, severed: result.severed }, 'the audit row carries counts, not personal data');
    await t.rejects(erasure.erasePlayer(w.p.id, { actor }), { code: 'STO_ERR_NOT_FOUND' }, 'erasing twice finds nobody');
    await t.rejects(storage.iap.claim({ provider: 'apple', transaction_id: w.iapTx, player_id: w.o.id }), { code: 'STO_ERR_ALREADY_CLAIMED' }, 'a severed receipt stays claimed');
  });

  t.test('a player with no rows anywhere else erases cleanly', async (t) => {
    const p = await player(storage);
    const r = await erasure.erasePlayer(p.id, { actor: {} });
    t.equal(r.deleted.players, 1);
    t.equal(r.deleted.wallets, 0);
    t.same(r.severed, { iap_transactions: 0, groups: 0 });
    t.match((await storage.audit.list({ targetId: p.id }))[0], { action: 'player.erase', actor_id: null, actor_attested: false });
  });

  t.test('unknown players and bad input are coded errors that write nothing', async (t) => {
    const p = await player(storage);
    await t.rejects(erasure.erasePlayer(NOBODY, { actor }), { code: 'STO_ERR_NOT_FOUND', details: { player_id: NOBODY } });
    await t.rejects(erasure.erasePlayer('nope', { actor }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'player_id' } });
    await t.rejects(erasure.erasePlayer(p.id, { actor: { actor_id: 'a'.repeat(129) } }), { code: 'STO_ERR_TOO_LARGE', details: { field: 'actor_id' } });
    await t.rejects(erasure.erasePlayer(p.id, { actor: { actor_attested: 'yes' as never } }), { code: 'STO_ERR_INVALID_INPUT', details: { field: 'actor_attested' } });
    t.ok(await storage.players.get(p.id), 'the player is still there');
    t.same(await storage.audit.list({ targetId: NOBODY }), []);
    t.same(await storage.audit.list({ targetId: p.id }), []);
  });

  t.test('any failure rolls everything back: orphaned extension rows, a failing hook', async (t) => {
    const ext = `ext_${randomBytes(5).toString('hex')}`;
    await sql.exec(`CREATE TABLE ${ext} (id uuid PRIMARY KEY, player_id uuid NOT NULL REFERENCES players (id))`);
    t.teardown(() => sql.exec(`DROP TABLE IF EXISTS ${ext}`));
    const w = await seedWorld(storage);
    await sql.query(`INSERT INTO ${ext} (id, player_id) VALUES ($1, $2)`, [newId(), w.p.id]);
    const wallets = await walletIds(storage, w.p.id);
    const before = await counts(storage, w.p.id, wallets);

    await t.rejects(erasure.erasePlayer(w.p.id, { actor }), {
      code: 'STO_ERR_ORPHANED_ROWS',
      wire: 'ops.orphaned_extension_rows',
      status: 409,
      details: { player_id: w.p.id, table: ext },
    });
    t.same(await counts(storage, w.p.id, wallets), before, 'every deleted row came back');
    t.equal((await storage.iap.find('apple', w.iapTx))?.player_id, w.p.id, 'the severed receipt came back');
    t.same(await storage.audit.list({ targetId: w.p.id }), [], 'no audit row for an erasure that did not happen');

    const boom = new Error('extension failed');
    await t.rejects(
      erasure.erasePlayer(w.p.id, {
        actor,
        hooks: [
          async (tx, id) => {
            await tx.query(`DELETE FROM ${ext} WHERE player_id = $1`, [id]);
          },
          async () => {
            throw boom;
          },
        ],
      }),
      { code: 'STO_ERR_UNAVAILABLE', details: { hook: 1 }, cause: boom },
    );
    t.same(await counts(storage, w.p.id, wallets), before, 'a failing hook erased nothing');
    t.equal((await sql.query(`SELECT id FROM ${ext} WHERE player_id = $1`, [w.p.id])).length, 1, "and the first hook's delete rolled back too");

    const seen: string[] = [];
    const r = await erasure.erasePlayer(w.p.id, {
      actor,
      hooks: [
        async (tx, id) => {
          const [still] = await tx.query<{ n: number }>('SELECT count(*)::int8 AS n FROM cloud_saves WHERE player_id = $1', [id]);
          seen.push(`saves:${still!.n}`);
          await tx.query(`DELETE FROM ${ext} WHERE player_id = $1`, [id]);
        },
      ],
    });
    t.same(seen, ['saves:1'], 'hooks run first, while core rows are still readable');
    t.equal(r.deleted.players, 1);
    t.equal((await sql.query(`SELECT id FROM ${ext}`)).length, 0);
    t.equal(r.deleted.wallets, before.wallets);
  });

  t.test('concurrent erasures and writes: one erasure wins, nothing is left behind', async (t) => {
    const p = await player(storage);
    await storage.saves.put(p.id, 'main', { v: 0 });
    const writes = Array.from({ length: 5 }, (_, i) => storage.saves.put(p.id, `s${i}`, { i }));
    const erasures = [erasure.erasePlayer(p.id, { actor }), erasure.erasePlayer(p.id, { actor })];
    const claims = Array.from({ length: 5 }, () => storage.iap.claim({ provider: 'google', transaction_id: unique('race'), player_id: p.id }));
    const [w, e, c] = await Promise.all([Promise.allSettled(writes), Promise.allSettled(erasures), Promise.allSettled(claims)]);
    t.equal(e.filter((r) => r.status === 'fulfilled').length, 1, 'exactly one erasure');
    t.match(e.find((r) => r.status === 'rejected'), { reason: { code: 'STO_ERR_NOT_FOUND' } });
    for (const r of [...w, ...c]) if (r.status === 'rejected') t.match(r.reason, { code: 'STO_ERR_NOT_FOUND' }, 'a write after the erasure finds no player');
    const [left] = await sql.query<{ n: number }>(
      'SELECT (SELECT count(*) FROM cloud_saves WHERE player_id = $1) + (SELECT count(*) FROM iap_transactions WHERE player_id = $1) + (SELECT count(*) FROM players WHERE id = $1) AS n',
      [p.id],
    );
    t.equal(Number(left!.n), 0);
    t.equal(await storage.audit.count({ action: 'player.erase', targetId: p.id }), 1);
  });

  t.test('an erasure racing economy writes still succeeds and leaves no wallet or ledger row', async (t) => {
    const p = await player(storage);
    await storage.economy.grant(p.id, 'gold', 10);
    const wallets = await walletIds(storage, p.id);
    // Only the erasure's outcome is asserted: a grant that loses the race fails, which is economy's concern.
    const before = Array.from({ length: 8 }, () => storage.economy.grant(p.id, 'gold', 1));
    const erased = erasure.erasePlayer(p.id, { actor });
    const after = Array.from({ length: 8 }, () => storage.economy.grant(p.id, 'gold', 1));
    await Promise.allSettled([...before, ...after]);
    t.equal((await erased).deleted.players, 1);
    const left = await counts(storage, p.id, wallets);
    t.same([left.wallets, left.transactions, left.players], [0, 0, 0]);
  });
};
