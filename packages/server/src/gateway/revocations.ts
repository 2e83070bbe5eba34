/**
 * Revocations that race a token resolution. A session resolving a token (an await on the auth cache or
 * the database) is not yet in its player's delivery group, so a revocation broadcast meanwhile would miss
 * it. `begin()` marks the start of a resolution; `end(mark, principal)` says whether that principal's
 * sessions (all of the player's, or its token family's) were revoked since. Entries are kept only while
 * a resolution is in flight, so memory stays bounded.
 */
import type { Principal, Revocation } from '../auth/auth-service.js';

interface Entry {
  readonly seq: number;
  readonly playerId: string;
  readonly familyId: string | undefined;
}

export class RevocationLog {
  #seq = 0;
  #inflight = 0;
  readonly #recent: Entry[] = [];

  /** Records a revocation (remembered only while a resolution is in flight). */
  record(r: Pick<Revocation, 'playerId' | 'familyId'>): void {
    this.#seq++;
    if (this.#inflight > 0) this.#recent.push({ seq: this.#seq, playerId: r.playerId, familyId: r.familyId });
  }

  /** A resolution starts; returns its mark. */
  begin(): number {
    this.#inflight++;
    return this.#seq;
  }

  /** A resolution ended with `principal` (undefined: it failed); true when it was revoked meanwhile. */
  end(mark: number, principal: Principal | undefined): boolean {
    this.#inflight = Math.max(0, this.#inflight - 1);
    let revoked = false;
    if (principal !== undefined) {
      for (const r of this.#recent) {
        if (r.seq > mark && r.playerId === principal.playerId && (r.familyId === undefined || r.familyId === principal.familyId)) revoked = true;
      }
    }
    if (this.#inflight === 0) this.#recent.length = 0;
    return revoked;
  }

  /** Revocations currently remembered (for tests and leak checks). */
  get size(): number {
    return this.#recent.length;
  }
}
