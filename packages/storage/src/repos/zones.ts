/** ZonesRepo: to be written. */
import type { Driver } from '../driver.js';

export class ZonesRepo {
  constructor(protected readonly db: Driver) {}
}
