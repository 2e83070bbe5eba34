/**
 * Apple StoreKit 2 signed transactions (asobi-reference.md §2.18): a compact JWS with `alg: ES256` and an
 * `x5c` header carrying the certificate chain (leaf, intermediate(s), root). Verification, all offline:
 * every certificate in the chain is issued and signed by the next one and inside its validity window at
 * `now`; the chain ends in one of the configured root certificates (the last `x5c` entry equals a
 * configured root, or is signed by one); the JWS signature verifies with the leaf's P-256 key; the
 * payload's `bundleId` equals the configured one. Failures are {@link IapVerificationError}s with a
 * machine-readable `reason` (the route answers 422 `iap.invalid_receipt` with `details.reason`).
 */
import { X509Certificate, createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';

/** Why a receipt was refused (`details.reason` of `iap.invalid_receipt`). */
export type IapInvalidReason =
  | 'malformed'
  | 'unsupported_alg'
  | 'missing_x5c'
  | 'bad_certificate'
  | 'chain_invalid'
  | 'certificate_expired'
  | 'untrusted_root'
  | 'bad_signature'
  | 'bundle_id_mismatch'
  | 'product_mismatch'
  | 'package_mismatch'
  | 'unknown_token'
  | 'cancelled'
  | 'pending';

export class IapVerificationError extends Error {
  override readonly name = 'IapVerificationError';
  constructor(
    readonly reason: IapInvalidReason,
    message?: string,
  ) {
    super(message ?? reason);
  }
}

export interface AppleVerifierSettings {
  /** Trusted root certificates, PEM (Apple Root CA - G3 in production; a test CA in tests). Not bundled. */
  readonly rootCertificates: readonly string[];
  /** The app's bundle id; a transaction for any other bundle is refused. */
  readonly bundleId: string;
  /** Wall-clock milliseconds (default `Date.now`). */
  readonly now?: () => number;
}

/** The decoded payload of a verified StoreKit 2 transaction (JWSTransactionDecodedPayload), loosely typed. */
export type AppleTransactionPayload = Record<string, unknown> & {
  readonly bundleId?: unknown;
  readonly transactionId?: unknown;
  readonly originalTransactionId?: unknown;
  readonly productId?: unknown;
  readonly purchaseDate?: unknown;
  readonly expiresDate?: unknown;
  readonly quantity?: unknown;
  readonly type?: unknown;
};

export interface AppleVerifier {
  /** Verifies a signed transaction; resolves with its payload or throws {@link IapVerificationError}. */
  verify(signedTransaction: string): AppleTransactionPayload;
}

/** Largest signed transaction accepted (Apple's are a few KB). */
export const APPLE_JWS_MAX_BYTES = 16_384;

function b64urlJson(part: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) throw new IapVerificationError('malformed', 'not base64url');
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw new IapVerificationError('malformed', 'not JSON');
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses the configured PEM roots; throws an Error naming the option (at boot). */
function parseRoots(pems: readonly string[]): X509Certificate[] {
  if (!Array.isArray(pems) || pems.length === 0) throw new Error('option apple.rootCertificates must list at least one PEM certificate');
  return pems.map((pem, i) => {
    try {
      return new X509Certificate(pem);
    } catch {
      throw new Error(`option apple.rootCertificates[${i}] is not a PEM certificate`);
    }
  });
}

function within(cert: X509Certificate, nowMs: number): boolean {
  return Date.parse(cert.validFrom) <= nowMs && nowMs <= Date.parse(cert.validTo);
}

/** `issuer` issued and signed `cert`. */
function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

export function createAppleVerifier(settings: AppleVerifierSettings): AppleVerifier {
  const roots = parseRoots(settings.rootCertificates);
  if (typeof settings.bundleId !== 'string' || settings.bundleId === '') throw new Error('option apple.bundleId must be a non-empty string');
  const bundleId = settings.bundleId;
  const now = settings.now ?? Date.now;

  function chain(x5c: unknown, nowMs: number): KeyObject {
    if (!Array.isArray(x5c) || x5c.length < 2 || x5c.length > 5 || !x5c.every((c) => typeof c === 'string' && c !== '')) throw new IapVerificationError('missing_x5c');
    let certs: X509Certificate[];
    try {
      certs = (x5c as string[]).map((c) => new X509Certificate(Buffer.from(c, 'base64')));
    } catch {
      throw new IapVerificationError('bad_certificate');
    }
    for (let i = 0; i < certs.length - 1; i++) {
      const issuer = certs[i + 1]!;
      if (!issuer.ca || !signedBy(certs[i]!, issuer)) throw new IapVerificationError('chain_invalid');
    }
    if (!certs.every((c) => within(c, nowMs))) throw new IapVerificationError('certificate_expired');
    const top = certs[certs.length - 1]!;
    const trusted = roots.some((r) => r.raw.equals(top.raw) || (r.ca && within(r, nowMs) && signedBy(top, r)));
    if (!trusted) throw new IapVerificationError('untrusted_root');
    const key = certs[0]!.publicKey;
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new IapVerificationError('bad_certificate', 'leaf key is not P-256');
    return createPublicKey(key.export({ format: 'pem', type: 'spki' }));
  }

  return {
    verify(signedTransaction) {
      if (typeof signedTransaction !== 'string' || signedTransaction.length > APPLE_JWS_MAX_BYTES) throw new IapVerificationError('malformed');
      const parts = signedTransaction.split('.');
      if (parts.length !== 3) throw new IapVerificationError('malformed', 'not a compact JWS');
      const [h, p, s] = parts as [string, string, string];
      const header = b64urlJson(h);
      if (!isObject(header)) throw new IapVerificationError('malformed');
      if (header['alg'] !== 'ES256') throw new IapVerificationError('unsupported_alg');
      if (header['crit'] !== undefined) throw new IapVerificationError('malformed', 'crit is not supported');
      const key = chain(header['x5c'], now());
      if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new IapVerificationError('malformed');
      const signature = Buffer.from(s, 'base64url');
      if (signature.length !== 64) throw new IapVerificationError('bad_signature');
      const ok = verifySignature('sha256', Buffer.from(`${h}.${p}`, 'ascii'), { key, dsaEncoding: 'ieee-p1363' }, signature);
      if (!ok) throw new IapVerificationError('bad_signature');
      const payload = b64urlJson(p);
      if (!isObject(payload)) throw new IapVerificationError('malformed');
      if (payload['bundleId'] !== bundleId) throw new IapVerificationError('bundle_id_mismatch');
      return payload as AppleTransactionPayload;
    },
  };
}
