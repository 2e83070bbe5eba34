/** SavesRepo: to be written. */
import type { Driver } from '../driver.js';

export class SavesRepo {
  constructor(protected readonly db: Driver) {}
}
