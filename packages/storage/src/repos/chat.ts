/** ChatRepo: to be written. */
import type { Driver } from '../driver.js';

export class ChatRepo {
  constructor(protected readonly db: Driver) {}
}
