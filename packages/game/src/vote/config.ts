/**
 * Vote configuration: asobi's defaults (§2.9), `vote_templates` (template name → partial config), and
 * validation. `resolveVoteConfig` merges defaults < template < per-call request, checks every field and
 * returns a frozen {@link ResolvedVoteConfig}; a bad field is a `GameError('invalid_vote_config',
 * { field, why })`.
 */
import { GameError } from '../errors.js';
import { normaliseBallot, type TieBreaker } from './methods.js';
import type { VoteBallot, VoteMethod, VoteOptionDef, VoteRequest, VoteTemplates, VoteWindowType } from './types.js';

/** The defaults of every optional field (asobi §2.9). */
export const VOTE_DEFAULTS = Object.freeze({
  template: 'default',
  window_ms: 15_000,
  method: 'plurality',
  visibility: 'live',
  tie_breaker: 'random',
  veto_enabled: false,
  max_revotes: 3,
  window_type: 'fixed',
  min_window_ms: 5_000,
  supermajority: 0.75,
  require_supermajority: false,
  spectator_weight: 0.3,
  quorum: 0,
} as const);

/** Most options a vote may offer (the storage's cap). */
export const VOTE_MAX_OPTIONS = 100;
/** Longest option id and label, template name. */
export const VOTE_OPTION_ID_MAX = 64;
export const VOTE_LABEL_MAX = 256;
export const VOTE_TEMPLATE_MAX = 64;
/** Longest window: one day (asynchronous votes). */
export const VOTE_WINDOW_MAX_MS = 24 * 60 * 60 * 1000;

const METHODS: readonly VoteMethod[] = ['plurality', 'approval', 'weighted', 'ranked'];
const WINDOW_TYPES: readonly VoteWindowType[] = ['fixed', 'ready_up', 'hybrid', 'adaptive'];
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A vote's configuration with every default applied; frozen. */
export interface ResolvedVoteConfig {
  readonly options: readonly VoteOptionDef[];
  readonly template: string;
  /** Absent: the vote server generates one. */
  readonly vote_id: string | undefined;
  readonly window_ms: number;
  readonly method: VoteMethod;
  readonly visibility: 'live' | 'hidden';
  readonly tie_breaker: TieBreaker;
  readonly veto_enabled: boolean;
  readonly weights: Readonly<Record<string, number>>;
  readonly max_revotes: number;
  readonly window_type: VoteWindowType;
  readonly min_window_ms: number;
  readonly supermajority: number;
  readonly require_supermajority: boolean;
  readonly spectators: readonly string[];
  readonly spectator_weight: number;
  readonly quorum: number;
  readonly default_votes: Readonly<Record<string, VoteBallot>>;
  readonly delegation: Readonly<Record<string, string>>;
  /** Absent: the caller's list (every current player of the match). */
  readonly eligible: readonly string[] | undefined;
}

function bad(field: string, why: string): GameError {
  return new GameError('invalid_vote_config', { field, why });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function int(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw bad(field, `an integer in ${min}..${max}`);
  return v;
}

function fraction(field: string, v: unknown, minExclusive = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v > 1 || v < 0 || (minExclusive && v === 0)) throw bad(field, minExclusive ? 'a number in (0, 1]' : 'a number in 0..1');
  return v;
}

function bool(field: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw bad(field, 'a boolean');
  return v;
}

function oneOf<T extends string>(field: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw bad(field, `one of ${allowed.join(', ')}`);
  return v as T;
}

function ids(field: string, v: unknown): readonly string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.length > 0)) throw bad(field, 'a list of ids');
  return Object.freeze([...new Set(v as string[])]);
}

function options(v: unknown): readonly VoteOptionDef[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > VOTE_MAX_OPTIONS) throw bad('options', `a list of 1..${VOTE_MAX_OPTIONS} {id, label}`);
  const seen = new Set<string>();
  return Object.freeze(
    v.map((o: unknown) => {
      if (!isRecord(o) || typeof o['id'] !== 'string' || o['id'].length === 0 || o['id'].length > VOTE_OPTION_ID_MAX) throw bad('options', `each option needs an id of 1..${VOTE_OPTION_ID_MAX} characters`);
      if (seen.has(o['id'])) throw bad('options', 'option ids must be distinct');
      seen.add(o['id']);
      const label = o['label'];
      if (label !== undefined && (typeof label !== 'string' || label.length > VOTE_LABEL_MAX)) throw bad('options', `labels are strings of at most ${VOTE_LABEL_MAX} characters`);
      return Object.freeze(label === undefined ? { id: o['id'] } : { id: o['id'], label });
    }),
  );
}

/**
 * Merges defaults < `templates[request.template ?? 'default']` < `request` and validates the result. A
 * template name nobody configured is only a label (it reaches `voteResolved`). Throws
 * `GameError('invalid_vote_config', { field, why })`.
 *
 * @example
 * const cfg = resolveVoteConfig({ template: 'map', options: [{ id: 'forest' }, { id: 'desert' }] }, { map: { window_ms: 20_000, method: 'ranked' } });
 * cfg.window_ms; // 20000 (template), cfg.visibility; // 'live' (default)
 */
export function resolveVoteConfig(request: VoteRequest, templates: VoteTemplates = {}): ResolvedVoteConfig {
  if (!isRecord(request)) throw bad('request', 'an object');
  const name = request.template ?? VOTE_DEFAULTS.template;
  if (typeof name !== 'string' || name.length === 0 || name.length > VOTE_TEMPLATE_MAX) throw bad('template', `a name of 1..${VOTE_TEMPLATE_MAX} characters`);
  const template = Object.hasOwn(templates, name) ? templates[name] : undefined;
  if (template !== undefined && !isRecord(template)) throw bad('template', 'templates are objects');
  const m: Record<string, unknown> = { ...VOTE_DEFAULTS, ...stripUndefined(template ?? {}), ...stripUndefined(request), template: name };

  const opts = options(m['options']);
  const optionIds = new Set(opts.map((o) => o.id));
  const method = oneOf('method', m['method'], METHODS);
  const vote_id = m['vote_id'];
  if (vote_id !== undefined && (typeof vote_id !== 'string' || !UUID_RE.test(vote_id))) throw bad('vote_id', 'a uuid');
  const window_ms = int('window_ms', m['window_ms'], 1, VOTE_WINDOW_MAX_MS);

  const weightsIn = m['weights'] ?? {};
  if (!isRecord(weightsIn)) throw bad('weights', 'an object of player id → weight');
  const weights: Record<string, number> = {};
  for (const [k, v] of Object.entries(weightsIn)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw bad('weights', 'weights are finite numbers ≥ 0');
    weights[k] = v;
  }

  const defaultsIn = m['default_votes'] ?? {};
  if (!isRecord(defaultsIn)) throw bad('default_votes', 'an object of player id → ballot');
  const default_votes: Record<string, VoteBallot> = {};
  for (const [k, v] of Object.entries(defaultsIn)) {
    const b = normaliseBallot(method, optionIds, v);
    if (b === undefined) throw bad('default_votes', `each default is a valid ${method} ballot of offered options`);
    default_votes[k] = b;
  }

  const delegationIn = m['delegation'] ?? {};
  if (!isRecord(delegationIn)) throw bad('delegation', 'an object of delegator → delegate');
  const delegation: Record<string, string> = {};
  for (const [k, v] of Object.entries(delegationIn)) {
    if (typeof v !== 'string' || v.length === 0 || v === k) throw bad('delegation', 'each delegate is another player id');
    delegation[k] = v;
  }

  const eligible = m['eligible'] === undefined ? undefined : ids('eligible', m['eligible']);

  return Object.freeze({
    options: opts,
    template: name,
    vote_id: vote_id as string | undefined,
    window_ms,
    method,
    visibility: oneOf('visibility', m['visibility'], ['live', 'hidden'] as const),
    tie_breaker: oneOf('tie_breaker', m['tie_breaker'], ['random', 'first'] as const),
    veto_enabled: bool('veto_enabled', m['veto_enabled']),
    weights: Object.freeze(weights),
    max_revotes: int('max_revotes', m['max_revotes'], 0, 1_000_000),
    window_type: oneOf('window_type', m['window_type'], WINDOW_TYPES),
    min_window_ms: int('min_window_ms', m['min_window_ms'], 0, VOTE_WINDOW_MAX_MS),
    supermajority: fraction('supermajority', m['supermajority'], true),
    require_supermajority: bool('require_supermajority', m['require_supermajority']),
    spectators: ids('spectators', m['spectators'] ?? []),
    spectator_weight: fraction('spectator_weight', m['spectator_weight']),
    quorum: fraction('quorum', m['quorum']),
    default_votes: Object.freeze(default_votes),
    delegation: Object.freeze(delegation),
    eligible,
  });
}

/** A request's fields without the ones set to undefined (so they do not hide a template's value). */
function stripUndefined(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
