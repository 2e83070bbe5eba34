/**
 * The catalogue loader: item definitions and store listings seeded from a JSON file (or the same shape as
 * an object), validated entry by entry, applied in one transaction, idempotent. Items are matched by slug
 * (created or updated in place); listings by a key kept in their metadata (`catalogue_key`: the entry's
 * `key`, else `<item>/<currency>/<price>`). Changing a listing's sale terms replaces it (the old one is
 * deactivated, so stock already sold is never handed out again); changing only `active` toggles it.
 * See guides/economy.md "The catalogue file".
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { EconomyRepo, RARITIES, isStorageError, type Driver, type ItemDef, type Listing, type Queryable, type Rarity, type Storage } from '@hajime/storage';

/** One item definition of a catalogue. */
export interface CatalogueItem {
  /** Unique id used by listings and grants: 1..64 of `a-z 0-9 _ . -`. */
  readonly slug: string;
  readonly name: string;
  readonly category?: string | null;
  /** Default `common`. */
  readonly rarity?: Rarity;
  /** Default true (informational, as in asobi). */
  readonly stackable?: boolean;
  readonly metadata?: Record<string, unknown>;
}

/** One store listing of a catalogue. */
export interface CatalogueListing {
  /** Stable identity across runs (default `<item>/<currency>/<price>`); give one to change a price in place. */
  readonly key?: string;
  /** The slug of an item (of this catalogue, or already defined). */
  readonly item: string;
  readonly currency: string;
  /** An integer ≥ 0. */
  readonly price: number;
  /** Default true. */
  readonly active?: boolean;
  /** ISO 8601 date-time with a zone (`2026-05-01T00:00:00Z`), or a Date; null/absent: no bound. */
  readonly valid_from?: string | Date | null;
  readonly valid_until?: string | Date | null;
  /** Units for sale (a limited listing); null/absent: unlimited. */
  readonly stock?: number | null;
  readonly metadata?: Record<string, unknown>;
}

export interface Catalogue {
  readonly items?: readonly CatalogueItem[];
  readonly listings?: readonly CatalogueListing[];
}

export interface LoadCatalogueOptions {
  /** Deactivate listings an earlier load created whose key is no longer in this catalogue (default false). */
  readonly prune?: boolean;
}

/** What a load changed: item slugs and listing keys per outcome. */
export interface CatalogueReport {
  readonly items: { readonly created: string[]; readonly updated: string[]; readonly unchanged: string[] };
  readonly listings: {
    readonly created: string[];
    /** Sale terms changed: the old listing was deactivated and a new one created. */
    readonly replaced: string[];
    /** Only `active` changed, in place. */
    readonly updated: string[];
    readonly unchanged: string[];
    /** Pruned (`prune: true`): no longer in the catalogue. */
    readonly deactivated: string[];
  };
}

/** One problem with one entry: `entry` is its path (`listings[2]`), `name` its slug or key when known. */
export interface CatalogueProblem {
  readonly entry: string;
  readonly name?: string;
  readonly field?: string;
  readonly why: string;
}

export const CATALOGUE_ERRORS = {
  CATALOGUE_ERR_UNREADABLE: { cause: 'The catalogue file could not be read or is not JSON; `details.why` says why.' },
  CATALOGUE_ERR_INVALID: { cause: 'Entries of the catalogue are invalid; `problems` names each entry and field. Nothing was written.' },
} as const;
export type CatalogueErrorCode = keyof typeof CATALOGUE_ERRORS;

export class CatalogueError extends Error {
  override readonly name = 'CatalogueError';
  constructor(
    readonly code: CatalogueErrorCode,
    readonly problems: readonly CatalogueProblem[],
    readonly details: Record<string, unknown> = {},
  ) {
    const where = typeof details['file'] === 'string' ? ` ${details['file']}` : '';
    const lines = problems.map((p) => `  ${p.entry}${p.name === undefined ? '' : ` "${p.name}"`}: ${p.field === undefined ? '' : `${p.field} `}${p.why}`);
    super([`catalogue${where}: ${CATALOGUE_ERRORS[code].cause}`, ...lines].join('\n'));
  }
}

const SLUG_RE = /^[a-z0-9_.-]{1,64}$/;
const CURRENCY_RE = /^[A-Za-z0-9_.-]{1,32}$/;
const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const ITEM_FIELDS = new Set(['slug', 'name', 'category', 'rarity', 'stackable', 'metadata']);
const LISTING_FIELDS = new Set(['key', 'item', 'currency', 'price', 'active', 'valid_from', 'valid_until', 'stock', 'metadata']);
const LOCK_KEY = 'hajime:catalogue';

/** A listing entry after validation: defaults applied, dates parsed, its key and sale-terms fingerprint set. */
export interface ValidCatalogueListing {
  readonly entry: string;
  readonly key: string;
  readonly item: string;
  readonly currency: string;
  readonly price: number;
  readonly active: boolean;
  readonly valid_from: Date | null;
  readonly valid_until: Date | null;
  readonly stock: number | null;
  readonly metadata: Record<string, unknown>;
  readonly fingerprint: string;
}

/** An item entry after validation, defaults applied. */
export interface ValidCatalogueItem {
  readonly entry: string;
  readonly slug: string;
  readonly name: string;
  readonly category: string | null;
  readonly rarity: Rarity;
  readonly stackable: boolean;
  readonly metadata: Record<string, unknown>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON with object keys sorted, so equal values compare equal. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

function jsonObject(v: unknown): boolean {
  if (!isObject(v)) return false;
  try {
    return JSON.stringify(v) !== undefined;
  } catch {
    return false;
  }
}

function dateTime(v: unknown): Date | null | undefined {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v;
  if (typeof v !== 'string' || !DATE_TIME_RE.test(v)) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function safeInt(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
}

export interface ValidatedCatalogue {
  readonly items: ValidCatalogueItem[];
  readonly listings: ValidCatalogueListing[];
}

/**
 * Checks a catalogue without a database (what {@link loadCatalogue} runs first); throws
 * `CATALOGUE_ERR_INVALID` listing every problem. Whether listed items exist is checked at load.
 *
 * @example
 * validateCatalogue(JSON.parse(readFileSync('catalogue.json', 'utf8'))); // in a CI lint step
 */
export function validateCatalogue(input: unknown): ValidatedCatalogue {
  const problems: CatalogueProblem[] = [];
  if (!isObject(input)) throw new CatalogueError('CATALOGUE_ERR_INVALID', [{ entry: '(root)', why: 'must be an object with `items` and `listings` arrays' }]);
  for (const k of Object.keys(input)) if (k !== 'items' && k !== 'listings') problems.push({ entry: '(root)', field: k, why: 'is not a catalogue field (items, listings)' });
  const rawItems = input['items'] ?? [];
  const rawListings = input['listings'] ?? [];
  if (!Array.isArray(rawItems)) problems.push({ entry: '(root)', field: 'items', why: 'must be an array' });
  if (!Array.isArray(rawListings)) problems.push({ entry: '(root)', field: 'listings', why: 'must be an array' });
  const items: ValidCatalogueItem[] = [];
  const slugs = new Set<string>();
  for (const [i, raw] of (Array.isArray(rawItems) ? rawItems : []).entries()) {
    const entry = `items[${i}]`;
    if (!isObject(raw)) {
      problems.push({ entry, why: 'must be an object' });
      continue;
    }
    const name = typeof raw['slug'] === 'string' ? raw['slug'] : undefined;
    const bad = (field: string, why: string): void => void problems.push({ entry, ...(name === undefined ? {} : { name }), field, why });
    const before = problems.length;
    for (const k of Object.keys(raw)) if (!ITEM_FIELDS.has(k)) bad(k, 'is not an item field (slug, name, category, rarity, stackable, metadata)');
    if (typeof raw['slug'] !== 'string' || !SLUG_RE.test(raw['slug'])) bad('slug', 'must be 1..64 of a-z 0-9 _ . -');
    else if (slugs.has(raw['slug'])) bad('slug', 'is defined twice');
    else slugs.add(raw['slug']);
    if (typeof raw['name'] !== 'string' || raw['name'].length === 0 || Buffer.byteLength(raw['name']) > 128) bad('name', 'must be a string of 1..128 bytes');
    const category = raw['category'];
    if (category !== undefined && category !== null && (typeof category !== 'string' || Buffer.byteLength(category) > 64)) bad('category', 'must be a string of at most 64 bytes, or null');
    const rarity = raw['rarity'] ?? 'common';
    if (!(RARITIES as readonly unknown[]).includes(rarity)) bad('rarity', `must be one of ${RARITIES.join(', ')}`);
    const stackable = raw['stackable'] ?? true;
    if (typeof stackable !== 'boolean') bad('stackable', 'must be a boolean');
    const metadata = raw['metadata'] ?? {};
    if (!jsonObject(metadata)) bad('metadata', 'must be a JSON object');
    if (problems.length === before) {
      items.push({ entry, slug: raw['slug'] as string, name: raw['name'] as string, category: (category as string | null | undefined) ?? null, rarity: rarity as Rarity, stackable: stackable as boolean, metadata: metadata as Record<string, unknown> });
    }
  }
  const listings: ValidCatalogueListing[] = [];
  const keys = new Map<string, string>();
  for (const [i, raw] of (Array.isArray(rawListings) ? rawListings : []).entries()) {
    const entry = `listings[${i}]`;
    if (!isObject(raw)) {
      problems.push({ entry, why: 'must be an object' });
      continue;
    }
    const explicitKey = raw['key'];
    const name = typeof explicitKey === 'string' ? explicitKey : typeof raw['item'] === 'string' ? raw['item'] : undefined;
    const bad = (field: string, why: string): void => void problems.push({ entry, ...(name === undefined ? {} : { name }), field, why });
    const before = problems.length;
    for (const k of Object.keys(raw)) if (!LISTING_FIELDS.has(k)) bad(k, 'is not a listing field (key, item, currency, price, active, valid_from, valid_until, stock, metadata)');
    if (explicitKey !== undefined && (typeof explicitKey !== 'string' || explicitKey.length === 0 || Buffer.byteLength(explicitKey) > 128)) bad('key', 'must be a string of 1..128 bytes');
    if (typeof raw['item'] !== 'string' || !SLUG_RE.test(raw['item'])) bad('item', 'must be an item slug');
    if (typeof raw['currency'] !== 'string' || !CURRENCY_RE.test(raw['currency'])) bad('currency', 'must be 1..32 of A-Z a-z 0-9 _ . -');
    if (!safeInt(raw['price'], 0)) bad('price', 'must be an integer ≥ 0');
    const active = raw['active'] ?? true;
    if (typeof active !== 'boolean') bad('active', 'must be a boolean');
    const from = dateTime(raw['valid_from']);
    const until = dateTime(raw['valid_until']);
    if (from === undefined) bad('valid_from', 'must be an ISO 8601 date-time with a zone (2026-05-01T00:00:00Z), or null');
    if (until === undefined) bad('valid_until', 'must be an ISO 8601 date-time with a zone (2026-05-01T00:00:00Z), or null');
    if (from != null && until != null && until <= from) bad('valid_until', 'must be after valid_from');
    const stock = raw['stock'] ?? null;
    if (stock !== null && !safeInt(stock, 0)) bad('stock', 'must be an integer ≥ 0, or null for unlimited');
    const metadata = raw['metadata'] ?? {};
    if (!jsonObject(metadata)) bad('metadata', 'must be a JSON object');
    if (problems.length !== before) continue;
    const item = raw['item'] as string;
    const currency = raw['currency'] as string;
    const price = raw['price'] as number;
    const key = (explicitKey as string | undefined) ?? `${item}/${currency}/${price}`;
    const seen = keys.get(key);
    if (seen !== undefined) {
      bad('key', explicitKey === undefined ? `has the same item, currency and price as ${seen}: give them distinct keys` : `is also used by ${seen}`);
      continue;
    }
    keys.set(key, entry);
    const terms = { item, currency, price, valid_from: from?.toISOString() ?? null, valid_until: until?.toISOString() ?? null, stock, metadata };
    const fingerprint = createHash('sha256').update(stableJson(terms)).digest('base64url').slice(0, 22);
    listings.push({ entry, key, item, currency, price, active: active as boolean, valid_from: from ?? null, valid_until: until ?? null, stock: stock as number | null, metadata: metadata as Record<string, unknown>, fingerprint });
  }
  if (problems.length > 0) throw new CatalogueError('CATALOGUE_ERR_INVALID', problems);
  return { items, listings };
}

/** The repository bound to one open transaction (its own `transaction` joins it). */
function inTransaction(tx: Queryable, kind: Driver['kind']): Driver {
  return { kind, query: (text, params) => tx.query(text, params), exec: (script) => tx.exec(script), transaction: (fn) => fn(tx), close: async () => undefined };
}

function sameItem(d: ItemDef, p: ValidCatalogueItem): boolean {
  return d.name === p.name && d.category === p.category && d.rarity === p.rarity && d.stackable === p.stackable && stableJson(d.metadata) === stableJson(p.metadata);
}

/** Turns a storage refusal of one entry into a catalogue problem naming it. */
function entryError(e: unknown, entry: string, name: string): unknown {
  if (isStorageError(e, 'STO_ERR_INVALID_INPUT') || isStorageError(e, 'STO_ERR_TOO_LARGE')) {
    const field = typeof e.details?.['field'] === 'string' ? e.details['field'] : undefined;
    const why = typeof e.details?.['why'] === 'string' ? e.details['why'] : e.code === 'STO_ERR_TOO_LARGE' ? `is over ${String(e.details?.['limitBytes'])} bytes` : 'is invalid';
    return new CatalogueError('CATALOGUE_ERR_INVALID', [{ entry, name, ...(field === undefined ? {} : { field }), why }]);
  }
  return e;
}

/**
 * Seeds item definitions and store listings from a catalogue file (a path) or object, in one transaction
 * under an advisory lock (nodes booting together apply it once each, one after the other). Invalid
 * entries throw {@link CatalogueError} (`CATALOGUE_ERR_INVALID`, every problem listed) and write nothing;
 * an unreadable file throws `CATALOGUE_ERR_UNREADABLE`. Running it again with the same catalogue changes
 * nothing.
 *
 * @example
 * const report = await loadCatalogue(storage, './catalogue.json');
 * console.log(report.listings.created); // ['starter_pack', 'sword/gold/100']
 */
export async function loadCatalogue(storage: Storage, source: string | Catalogue, options: LoadCatalogueOptions = {}): Promise<CatalogueReport> {
  let input: unknown = source;
  const file = typeof source === 'string' ? source : undefined;
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new CatalogueError('CATALOGUE_ERR_UNREADABLE', [], { file, why: (e as NodeJS.ErrnoException).code ?? 'read_failed' });
    }
    try {
      input = JSON.parse(text) as unknown;
    } catch (e) {
      throw new CatalogueError('CATALOGUE_ERR_UNREADABLE', [], { file, why: `not JSON: ${(e as Error).message}` });
    }
  }
  let plan: ValidatedCatalogue;
  try {
    plan = validateCatalogue(input);
  } catch (e) {
    if (e instanceof CatalogueError && file !== undefined) throw new CatalogueError(e.code, e.problems, { file });
    throw e;
  }
  const report: CatalogueReport = {
    items: { created: [], updated: [], unchanged: [] },
    listings: { created: [], replaced: [], updated: [], unchanged: [], deactivated: [] },
  };
  // The drivers wrap whatever a transaction callback throws as a StorageError, so a refusal is kept here
  // and rethrown as it is once the transaction has rolled back.
  let refusal: CatalogueError | undefined;
  const refuse = (e: unknown): never => {
    if (e instanceof CatalogueError) refusal = e;
    throw e;
  };
  try {
    await storage.driver.transaction((tx) => apply(tx).catch(refuse));
  } catch (e) {
    throw refusal ?? e;
  }
  return report;

  async function apply(tx: Queryable): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [LOCK_KEY]);
    const repo = new EconomyRepo(inTransaction(tx, storage.driver.kind));
    const defs = new Map<string, ItemDef>();
    for (const p of plan.items) {
      const existing = await repo.itemDef(p.slug);
      if (existing !== undefined && sameItem(existing, p)) {
        report.items.unchanged.push(p.slug);
        defs.set(p.slug, existing);
        continue;
      }
      try {
        defs.set(p.slug, await repo.upsertItemDef({ slug: p.slug, name: p.name, category: p.category, rarity: p.rarity, stackable: p.stackable, metadata: p.metadata }));
      } catch (e) {
        throw entryError(e, p.entry, p.slug);
      }
      (existing === undefined ? report.items.created : report.items.updated).push(p.slug);
    }
    // Listings an earlier load created, the newest per key being the current one.
    const current = new Map<string, Listing>();
    for (const l of await tx.query<Listing & Record<string, unknown>>(`SELECT * FROM store_listings WHERE metadata->>'catalogue_key' IS NOT NULL ORDER BY id`)) {
      current.set(String(l.metadata['catalogue_key']), l);
    }
    const missing = plan.listings.filter((p) => !defs.has(p.item));
    for (const p of missing) {
      const def = await repo.itemDef(p.item);
      if (def !== undefined) defs.set(p.item, def);
    }
    const unknown = plan.listings.filter((p) => !defs.has(p.item));
    if (unknown.length > 0) throw new CatalogueError('CATALOGUE_ERR_INVALID', unknown.map((p) => ({ entry: p.entry, name: p.key, field: 'item', why: `names no item: "${p.item}" is neither in this catalogue nor already defined` })), file === undefined ? {} : { file });
    for (const p of plan.listings) {
      const old = current.get(p.key);
      if (old !== undefined && old.metadata['catalogue_fingerprint'] === p.fingerprint) {
        if (old.active === p.active) report.listings.unchanged.push(p.key);
        else {
          await repo.setListingActive(old.id, p.active);
          report.listings.updated.push(p.key);
        }
        continue;
      }
      if (old !== undefined && old.active) await repo.setListingActive(old.id, false);
      try {
        await repo.createListing({
          item_def_id: defs.get(p.item)!.id,
          currency: p.currency,
          price: p.price,
          active: p.active,
          valid_from: p.valid_from,
          valid_until: p.valid_until,
          stock: p.stock,
          metadata: { ...p.metadata, catalogue_key: p.key, catalogue_fingerprint: p.fingerprint },
        });
      } catch (e) {
        throw entryError(e, p.entry, p.key);
      }
      (old === undefined ? report.listings.created : report.listings.replaced).push(p.key);
    }
    if (options.prune === true) {
      const kept = new Set(plan.listings.map((p) => p.key));
      for (const [key, l] of current) {
        if (kept.has(key) || !l.active) continue;
        await repo.setListingActive(l.id, false);
        report.listings.deactivated.push(key);
      }
    }
  }
}

