/** ObjectsRepo: to be written. */
import type { Driver } from '../driver.js';

export class ObjectsRepo {
  constructor(protected readonly db: Driver) {}
}
