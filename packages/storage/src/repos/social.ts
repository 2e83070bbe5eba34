/** SocialRepo: to be written. */
import type { Driver } from '../driver.js';

export class SocialRepo {
  constructor(protected readonly db: Driver) {}
}
