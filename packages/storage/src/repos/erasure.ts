/** ErasureRepo: to be written. */
import type { Driver } from '../driver.js';

export class ErasureRepo {
  constructor(protected readonly db: Driver) {}
}
