/** Tokens are stored as the hex SHA-256 of the opaque string the client holds. */
import { createHash } from 'node:crypto';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
