/**
 * Guest device credentials: the client keeps `{device_id, device_secret}` (32..128 random bytes, base64);
 * the server stores only `HMAC-SHA256(pepper, salt16 || secret)` with its salt and key id in the guest
 * identity's metadata, and compares in constant time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface GuestVerifier {
  readonly verifier: string;
  readonly salt: string;
  readonly key_id: string;
  readonly revoked: boolean;
}

/** Decodes and checks a device secret: base64 of 32..128 bytes. Returns undefined when malformed. */
export function decodeDeviceSecret(secret: unknown): Buffer | undefined {
  if (typeof secret !== 'string' || secret.length > 256 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(secret)) return undefined;
  const bytes = Buffer.from(secret.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length >= 32 && bytes.length <= 128 ? bytes : undefined;
}

function mac(pepper: string, salt: Buffer, secret: Buffer): Buffer {
  return createHmac('sha256', pepper).update(salt).update(secret).digest();
}

export function makeVerifier(pepper: string, keyId: string, secret: Buffer): GuestVerifier {
  const salt = randomBytes(16);
  return { verifier: mac(pepper, salt, secret).toString('base64'), salt: salt.toString('base64'), key_id: keyId, revoked: false };
}

export function checkVerifier(pepper: string, stored: Partial<GuestVerifier>, secret: Buffer): boolean {
  if (stored.revoked === true || typeof stored.verifier !== 'string' || typeof stored.salt !== 'string') return false;
  const expected = Buffer.from(stored.verifier, 'base64');
  const actual = mac(pepper, Buffer.from(stored.salt, 'base64'), secret);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A guest username: `guest_` and 16 hex characters. */
export function guestUsername(): string {
  return `guest_${randomBytes(8).toString('hex')}`;
}
