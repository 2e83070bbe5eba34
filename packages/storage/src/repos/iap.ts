/** IapRepo: to be written. */
import type { Driver } from '../driver.js';

export class IapRepo {
  constructor(protected readonly db: Driver) {}
}
