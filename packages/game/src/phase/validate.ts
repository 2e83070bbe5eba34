/**
 * Checks a phase definition list before the engine runs it. asobi silently drops a nameless phase and
 * reads an unknown start as `prev_ended`; Hajime refuses the list with a TypeError naming the phase and
 * the key instead, so a typo fails at match start rather than as a match that never leaves its lobby.
 */
import type { PhaseDef, PhaseStart } from './types.js';

function label(def: PhaseDef, i: number): string {
  return typeof def.name === 'string' && def.name !== '' ? `phase "${def.name}"` : `phase #${i}`;
}

function isNonNegative(v: unknown): v is number {
  return typeof v === 'number' && !Number.isNaN(v) && v >= 0;
}

function checkStart(where: string, start: PhaseStart): void {
  if (start === 'prev_ended' || start === 'all_ready') return;
  if (typeof start !== 'object' || start === null) throw new TypeError(`${where}: start must be 'prev_ended', 'all_ready', {players}, {players_ratio}, {event} or {timer} (got ${String(start)})`);
  const keys = Object.keys(start);
  if (keys.length !== 1) throw new TypeError(`${where}: start must have exactly one key (got ${keys.join(', ') || 'none'})`);
  if ('players' in start) {
    if (!Number.isInteger(start.players) || start.players < 0) throw new TypeError(`${where}: start.players must be an integer ≥ 0 (got ${String(start.players)})`);
  } else if ('players_ratio' in start) {
    const r = start.players_ratio;
    if (typeof r !== 'number' || !(r > 0 && r <= 1)) throw new TypeError(`${where}: start.players_ratio must be in (0, 1] (got ${String(r)})`);
  } else if ('event' in start) {
    if (typeof start.event !== 'string' || start.event === '') throw new TypeError(`${where}: start.event must be a non-empty string`);
  } else if ('timer' in start) {
    if (!isNonNegative(start.timer) || !Number.isFinite(start.timer)) throw new TypeError(`${where}: start.timer must be a finite number of ms ≥ 0 (got ${String(start.timer)})`);
  } else {
    throw new TypeError(`${where}: unknown start condition "${keys[0] ?? ''}"`);
  }
}

/** Throws a TypeError naming the phase (by name, or `#index` when nameless) and the key at fault. */
export function validatePhaseDefs(defs: readonly PhaseDef[]): void {
  if (!Array.isArray(defs)) throw new TypeError('phases must be an array of phase definitions');
  const seen = new Set<string>();
  defs.forEach((def, i) => {
    if (typeof def !== 'object' || def === null) throw new TypeError(`phase #${i}: must be an object`);
    const where = label(def, i);
    if (typeof def.name !== 'string' || def.name === '') throw new TypeError(`${where}: name is required (a non-empty string)`);
    if (seen.has(def.name)) throw new TypeError(`${where}: duplicate phase name`);
    seen.add(def.name);
    if (def.duration !== undefined && !isNonNegative(def.duration)) throw new TypeError(`${where}: duration must be ms ≥ 0 or Infinity (got ${String(def.duration)})`);
    if (def.start !== undefined) checkStart(where, def.start);
    if (def.end_condition !== undefined && typeof def.end_condition !== 'function') throw new TypeError(`${where}: end_condition must be a function`);
    if (def.config !== undefined && (typeof def.config !== 'object' || def.config === null)) throw new TypeError(`${where}: config must be an object`);
  });
}
