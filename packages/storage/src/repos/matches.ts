/** MatchesRepo: to be written. */
import type { Driver } from '../driver.js';

export class MatchesRepo {
  constructor(protected readonly db: Driver) {}
}
