/** AuditRepo: to be written. */
import type { Driver } from '../driver.js';

export class AuditRepo {
  constructor(protected readonly db: Driver) {}
}
