/** NotificationsRepo: to be written. */
import type { Driver } from '../driver.js';

export class NotificationsRepo {
  constructor(protected readonly db: Driver) {}
}
