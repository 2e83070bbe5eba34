/** LeaderboardsRepo: to be written. */
import type { Driver } from '../driver.js';

export class LeaderboardsRepo {
  constructor(protected readonly db: Driver) {}
}
