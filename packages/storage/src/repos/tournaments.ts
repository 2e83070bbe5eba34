/** TournamentsRepo: to be written. */
import type { Driver } from '../driver.js';

export class TournamentsRepo {
  constructor(protected readonly db: Driver) {}
}
