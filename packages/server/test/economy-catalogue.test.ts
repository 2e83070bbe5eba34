// The catalogue loader (src/economy/catalogue.ts) on real storage: a valid file seeds items and
// listings; a second run changes nothing; sale-term changes replace a listing, `active` toggles it,
// `prune` retires what left the file; invalid entries are all named and nothing is written.
import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage } from '@hajime/storage';
import { CatalogueError, loadCatalogue, validateCatalogue, type Catalogue, type CatalogueProblem } from '../src/index.js';
import { testStorage } from './helpers.js';

const FILE: Catalogue = {
  items: [
    { slug: 'sword', name: 'Sword', category: 'weapon', rarity: 'rare', stackable: false, metadata: { damage: 12 } },
    { slug: 'potion', name: 'Potion' },
  ],
  listings: [
    { item: 'sword', currency: 'gold', price: 100 },
    { key: 'potion_pack', item: 'potion', currency: 'gems', price: 3, metadata: { badge: 'popular' } },
    { key: 'launch_crown_sword', item: 'sword', currency: 'gems', price: 50, stock: 10, valid_from: '2026-01-01T00:00:00Z', valid_until: '2026-02-01T00:00:00+01:00' },
  ],
};

async function catalogueRows(storage: Storage): Promise<{ items: number; listings: number }> {
  const [row] = await storage.driver.query<{ items: number; listings: number }>('SELECT (SELECT count(*)::int FROM item_defs) AS items, (SELECT count(*)::int FROM store_listings) AS listings');
  return row!;
}

async function failure(p: Promise<unknown>): Promise<CatalogueError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CatalogueError) return e;
    throw e;
  }
  throw new Error('expected a CatalogueError');
}

const where = (problems: readonly CatalogueProblem[]): string[] => problems.map((p) => `${p.entry}:${p.field ?? ''}`);

t.test('loadCatalogue', async (t) => {
  const storage = await testStorage(t);
  const dir = await mkdtemp(join(tmpdir(), 'hajime-catalogue-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'catalogue.json');
  await writeFile(file, JSON.stringify(FILE));
  const byKey = async (key: string) => (await storage.driver.query<{ id: string; active: boolean; price: number; stock: number | null }>(`SELECT * FROM store_listings WHERE metadata->>'catalogue_key' = $1 ORDER BY id`, [key]));

  t.test('a valid file seeds its items and listings', async (t) => {
    const report = await loadCatalogue(storage, file);
    t.same(report.items, { created: ['sword', 'potion'], updated: [], unchanged: [] });
    t.same(report.listings, { created: ['sword/gold/100', 'potion_pack', 'launch_crown_sword'], replaced: [], updated: [], unchanged: [], deactivated: [] });
    t.match(await storage.economy.itemDef('sword'), { name: 'Sword', category: 'weapon', rarity: 'rare', stackable: false, metadata: { damage: 12 } });
    t.match(await storage.economy.itemDef('potion'), { name: 'Potion', category: null, rarity: 'common', stackable: true, metadata: {} });
    const sword = (await storage.economy.itemDef('sword'))!;
    const [launch] = await byKey('launch_crown_sword');
    t.match(await storage.economy.listing(launch!.id), {
      item_def_id: sword.id,
      currency: 'gems',
      price: 50,
      active: true,
      stock: 10,
      valid_from: new Date('2026-01-01T00:00:00Z'),
      valid_until: new Date('2026-01-31T23:00:00Z'),
      metadata: { catalogue_key: 'launch_crown_sword' },
    });
    const onSale = await storage.economy.listings(new Date('2026-01-15T00:00:00Z'), { currency: 'gems' });
    t.same(onSale.map((l) => l.metadata['catalogue_key']), ['potion_pack', 'launch_crown_sword'], 'listed inside their window');
    t.match(onSale[0]!.metadata, { badge: 'popular', catalogue_key: 'potion_pack' }, 'the entry metadata is kept beside the key');
    t.same(await catalogueRows(storage), { items: 2, listings: 3 });
  });

  t.test('running it again changes nothing and duplicates nothing, even after sales', async (t) => {
    const [launch] = await byKey('launch_crown_sword');
    await storage.driver.query('UPDATE store_listings SET stock = 0 WHERE id = $1', [launch!.id]);
    const report = await loadCatalogue(storage, file);
    t.same(report.items, { created: [], updated: [], unchanged: ['sword', 'potion'] });
    t.same(report.listings, { created: [], replaced: [], updated: [], unchanged: ['sword/gold/100', 'potion_pack', 'launch_crown_sword'], deactivated: [] });
    t.same(await catalogueRows(storage), { items: 2, listings: 3 });
    t.equal((await storage.economy.listing(launch!.id))!.stock, 0, 'a sold-out listing is not restocked');
  });

  t.test('two loads at once apply one after the other', async (t) => {
    const [a, b] = await Promise.all([loadCatalogue(storage, FILE), loadCatalogue(storage, FILE)]);
    t.equal(a.listings.unchanged.length + b.listings.unchanged.length, 6);
    t.same(await catalogueRows(storage), { items: 2, listings: 3 });
  });

  t.test('a changed price under a key replaces the listing; a changed `active` toggles it in place; item edits update it', async (t) => {
    const edited: Catalogue = {
      items: [{ slug: 'sword', name: 'Sharp sword', category: 'weapon', rarity: 'epic', stackable: false, metadata: { damage: 14 } }, { slug: 'potion', name: 'Potion' }],
      listings: [
        { item: 'sword', currency: 'gold', price: 100, active: false },
        { key: 'potion_pack', item: 'potion', currency: 'gems', price: 4, metadata: { badge: 'popular' } },
        FILE.listings![2]!,
      ],
    };
    const [oldPack] = await byKey('potion_pack');
    const report = await loadCatalogue(storage, edited);
    t.same(report.items, { created: [], updated: ['sword'], unchanged: ['potion'] });
    t.same(report.listings, { created: [], replaced: ['potion_pack'], updated: ['sword/gold/100'], unchanged: ['launch_crown_sword'], deactivated: [] });
    t.match(await storage.economy.itemDef('sword'), { name: 'Sharp sword', rarity: 'epic', metadata: { damage: 14 } });
    const packs = await byKey('potion_pack');
    t.equal(packs.length, 2, 'a new listing for the new terms');
    t.match(packs, [{ id: oldPack!.id, active: false, price: 3 }, { active: true, price: 4 }], 'the old one retired');
    const [plain] = await byKey('sword/gold/100');
    t.equal(plain!.active, false, 'deactivated in place');
    t.same(await catalogueRows(storage), { items: 2, listings: 4 });
    t.same((await loadCatalogue(storage, edited)).listings.unchanged.length, 3, 'and stable from there');
  });

  t.test('prune retires listings that left the file; without it they stay', async (t) => {
    const smaller: Catalogue = { listings: [{ key: 'potion_pack', item: 'potion', currency: 'gems', price: 4, metadata: { badge: 'popular' } }] };
    const kept = await loadCatalogue(storage, smaller);
    t.same(kept.listings.deactivated, []);
    t.equal((await byKey('launch_crown_sword'))[0]!.active, true);
    const pruned = await loadCatalogue(storage, smaller, { prune: true });
    t.same(pruned.listings.deactivated, ['launch_crown_sword'], 'only active catalogue listings are counted');
    t.equal((await byKey('launch_crown_sword'))[0]!.active, false);
    t.equal((await byKey('potion_pack')).at(-1)!.active, true, 'the listing still in the file stays on sale');
  });

  t.test('listings may name items defined before, outside this catalogue', async (t) => {
    await storage.economy.upsertItemDef({ slug: 'shield', name: 'Shield' });
    const report = await loadCatalogue(storage, { listings: [{ item: 'shield', currency: 'gold', price: 70 }] });
    t.same(report.listings.created, ['shield/gold/70']);
  });

  t.test('invalid entries: every problem named by entry and field, nothing written', async (t) => {
    const before = await catalogueRows(storage);
    const bad = {
      items: [
        { slug: 'Bad Slug', name: 'x' },
        { slug: 'axe', name: '', rarity: 'mythic', stackable: 'yes', metadata: [] },
        { slug: 'axe', name: 'Axe', colour: 'red' },
        'not an object',
      ],
      listings: [
        { item: 'axe', currency: 'gold coins', price: -1 },
        { item: 'axe', currency: 'gold', price: 1.5, stock: -2, active: 'yes' },
        { item: 'axe', currency: 'gold', price: 5, valid_from: '2026-05-01', valid_until: 'soon' },
        { item: 'axe', currency: 'gold', price: 5, valid_from: '2026-05-02T00:00:00Z', valid_until: '2026-05-01T00:00:00Z', valid_untill: 'typo' },
        { item: 'axe', currency: 'gold', price: 6 },
        { item: 'axe', currency: 'gold', price: 6 },
        { key: '', item: 'axe', currency: 'gold', price: 7 },
      ],
      extra: true,
    };
    const e = await failure(loadCatalogue(storage, bad as unknown as Catalogue));
    t.equal(e.code, 'CATALOGUE_ERR_INVALID');
    t.same(where(e.problems), [
      '(root):extra',
      'items[0]:slug',
      'items[1]:name',
      'items[1]:rarity',
      'items[1]:stackable',
      'items[1]:metadata',
      'items[2]:colour',
      'items[2]:slug',
      'items[3]:',
      'listings[0]:currency',
      'listings[0]:price',
      'listings[1]:price',
      'listings[1]:active',
      'listings[1]:stock',
      'listings[2]:valid_from',
      'listings[2]:valid_until',
      'listings[3]:valid_untill',
      'listings[3]:valid_until',
      'listings[5]:key',
      'listings[6]:key',
    ]);
    t.match(e.problems.find((p) => p.entry === 'items[2]'), { name: 'axe', why: /not an item field/ }, 'an entry is named by its slug');
    t.match(e.problems.find((p) => p.entry === 'listings[5]'), { why: /listings\[4\]/ }, 'a duplicate names the first entry');
    t.match(e.message, /items\[1\] "axe": rarity must be one of/, 'the message lists every problem');
    t.same(await catalogueRows(storage), before, 'nothing written');

    const unknown = await failure(loadCatalogue(storage, { items: [{ slug: 'bow', name: 'Bow' }], listings: [{ item: 'bow', currency: 'gold', price: 1 }, { key: 'ghost', item: 'ghost_item', currency: 'gold', price: 1 }] }));
    t.equal(unknown.code, 'CATALOGUE_ERR_INVALID');
    t.same(unknown.problems, [{ entry: 'listings[1]', name: 'ghost', field: 'item', why: 'names no item: "ghost_item" is neither in this catalogue nor already defined' }]);
    t.equal(await storage.economy.itemDef('bow'), undefined, 'the items of a refused catalogue are rolled back too');
    t.same(await catalogueRows(storage), before);

    t.same(where((await failure(loadCatalogue(storage, [] as unknown as Catalogue))).problems), ['(root):']);
    t.same(where((await failure(loadCatalogue(storage, { items: {}, listings: 'x' } as unknown as Catalogue))).problems), ['(root):items', '(root):listings']);
    t.throws(() => validateCatalogue({ items: [{ slug: 'ok', name: 'Ok' }], listings: [{ item: 'ok', currency: 'gold', price: 1, stock: 1.5 }] }), { code: 'CATALOGUE_ERR_INVALID' }, 'validateCatalogue checks without a database');
    t.match(validateCatalogue({ items: [{ slug: 'ok', name: 'Ok' }] }), { items: [{ slug: 'ok', rarity: 'common', stackable: true }], listings: [] });
  });

  t.test('an entry the storage refuses is named too', async (t) => {
    const e = await failure(loadCatalogue(storage, { items: [{ slug: 'heavy', name: 'Heavy', metadata: { blob: 'x'.repeat(20_000) } }] }));
    t.equal(e.code, 'CATALOGUE_ERR_INVALID');
    t.match(e.problems, [{ entry: 'items[0]', name: 'heavy', field: 'metadata' }]);
    t.equal(await storage.economy.itemDef('heavy'), undefined);
  });

  t.test('an unreadable file: CATALOGUE_ERR_UNREADABLE with the file and why', async (t) => {
    const missing = await failure(loadCatalogue(storage, join(dir, 'nope.json')));
    t.equal(missing.code, 'CATALOGUE_ERR_UNREADABLE');
    t.match(missing.details, { file: join(dir, 'nope.json'), why: 'ENOENT' });
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ "items": [');
    const notJson = await failure(loadCatalogue(storage, broken));
    t.equal(notJson.code, 'CATALOGUE_ERR_UNREADABLE');
    t.match(notJson.details, { file: broken, why: /^not JSON/ });
    const invalidFile = join(dir, 'invalid.json');
    await writeFile(invalidFile, JSON.stringify({ items: [{ slug: 'x' }] }));
    const invalid = await failure(loadCatalogue(storage, invalidFile));
    t.equal(invalid.code, 'CATALOGUE_ERR_INVALID');
    t.same(invalid.details, { file: invalidFile }, 'a file that parses but is invalid names the file');
    t.match(invalid.message, invalidFile);
  });
});
