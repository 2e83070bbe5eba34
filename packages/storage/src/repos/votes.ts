/** VotesRepo: to be written. */
import type { Driver } from '../driver.js';

export class VotesRepo {
  constructor(protected readonly db: Driver) {}
}
