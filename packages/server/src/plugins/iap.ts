/**
 * `/api/v1/iap` receipt validation (asobi-reference.md §2.18; guides/iap.md): `POST /iap/apple` verifies a
 * StoreKit 2 signed transaction (ES256 JWS, x5c chain to a configured root, bundle id), `POST /iap/google`
 * asks the Play Developer API about a purchase token. A verified transaction is claimed for the caller in
 * `iap_transactions` (unique per provider and transaction id): the same player resubmitting gets
 * `duplicate: true`, another player 409 `iap.transaction_already_claimed`. Beyond the reference, an
 * optional `grants` map credits a wallet and/or grants an item for a product, exactly once per transaction.
 *
 * Not in the default plugin list: pass it to `createServer(options, { plugins: [createIapPlugin({...})] })`.
 * Only the providers that are configured get a route.
 */
import { createHash } from 'node:crypto';
import { isStorageError } from '@hajime/storage';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { me } from '../hooks.js';
import { APPLE_JWS_MAX_BYTES, IapVerificationError, createAppleVerifier, type AppleTransactionPayload } from '../iap/apple.js';
import { IapUpstreamError, createGoogleVerifier, type GooglePurchase, type GoogleVerifierSettings } from '../iap/google.js';
import type { FetchLike } from '../internal/outbound-http.js';

/** What a verified purchase of one product gives the buyer (beyond the reference). */
export interface IapGrant {
  /** Wallet currency to credit (with `amount`). */
  readonly currency?: string;
  /** Units credited per purchased unit (Apple `quantity` multiplies it); a positive integer. */
  readonly amount?: number;
  /** Item definition slug granted as a new inventory stack. */
  readonly item?: string;
  /** Units in that stack per purchased unit (default 1). */
  readonly quantity?: number;
}

export interface IapPluginOptions {
  /** Enables `POST /iap/apple`. */
  readonly apple?: {
    /** Trusted roots, PEM (Apple Root CA - G3 for production receipts; Hajime bundles none). */
    readonly rootCertificates: readonly string[];
    readonly bundleId: string;
  };
  /** Enables `POST /iap/google`. */
  readonly google?: {
    readonly packageName: string;
    /** Default `https://androidpublisher.googleapis.com`; plain http only to a loopback host. */
    readonly apiBaseUrl?: string;
    /**
     * Returns an OAuth2 bearer token with the `https://www.googleapis.com/auth/androidpublisher` scope,
     * e.g. minted from a service-account key by google-auth-library (`(await auth.getClient()).getAccessToken()`).
     * Called once per verification: cache inside it.
     */
    readonly accessToken: () => Promise<string>;
    readonly fetch?: FetchLike;
    readonly timeoutMs?: number;
  };
  /** product id → what a verified purchase grants (optional; without it IAP only records claims). */
  readonly grants?: Readonly<Record<string, IapGrant>>;
}

const CURRENCY_RE = /^[A-Za-z0-9_.-]{1,32}$/;
/** Apple reply fields missing from the payload come back as this string (asobi's wire behaviour). */
export const IAP_MISSING = 'undefined';

function checkGrants(grants: Readonly<Record<string, IapGrant>>): void {
  for (const [product, g] of Object.entries(grants)) {
    const where = `option grants[${JSON.stringify(product)}]`;
    if (g.currency === undefined && g.item === undefined) throw new Error(`${where} must name a currency or an item`);
    if (g.currency !== undefined) {
      if (typeof g.currency !== 'string' || !CURRENCY_RE.test(g.currency)) throw new Error(`${where}.currency must be 1..32 letters, digits, _ - .`);
      if (!Number.isSafeInteger(g.amount) || (g.amount as number) < 1) throw new Error(`${where}.amount must be a positive integer`);
    } else if (g.amount !== undefined) throw new Error(`${where}.amount needs a currency`);
    if (g.item !== undefined && (typeof g.item !== 'string' || g.item === '')) throw new Error(`${where}.item must be an item slug`);
    if (g.quantity !== undefined && (!Number.isSafeInteger(g.quantity) || g.quantity < 1 || g.quantity > 1_000_000)) throw new Error(`${where}.quantity must be an integer in 1..1,000,000`);
  }
}

function field(v: unknown): string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : IAP_MISSING;
}

function transactionIdOf(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return undefined;
}

const scalar = { type: ['string', 'number', 'boolean'] } as const;

const appleReply = {
  type: 'object',
  properties: {
    product_id: scalar,
    transaction_id: scalar,
    original_transaction_id: scalar,
    purchase_date: scalar,
    expires_date: scalar,
    quantity: scalar,
    type: scalar,
    valid: { type: 'boolean' },
    duplicate: { type: 'boolean' },
  },
  required: ['product_id', 'transaction_id', 'original_transaction_id', 'purchase_date', 'expires_date', 'quantity', 'type', 'valid', 'duplicate'],
} as const;

const googleReply = {
  type: 'object',
  properties: {
    product_id: { type: 'string' },
    order_id: { type: 'string' },
    purchase_time: { type: 'string' },
    consumption_state: scalar,
    acknowledged: { type: 'boolean' },
    valid: { type: 'boolean' },
    duplicate: { type: 'boolean' },
  },
  required: ['product_id', 'order_id', 'purchase_time', 'consumption_state', 'acknowledged', 'valid', 'duplicate'],
} as const;

function invalid(e: unknown): never {
  if (e instanceof IapVerificationError) throw new ApiError('iap.invalid_receipt', { reason: e.reason });
  if (e instanceof IapUpstreamError) throw new ApiError('service_unavailable', { service: 'google_play', reason: e.reason, ...(e.status === undefined ? {} : { status: e.status }) });
  throw e;
}

/**
 * Builds the IAP plugin. Throws at once on a bad configuration (unparsable root, empty bundle id, bad
 * package name, non-https API base URL, malformed grants).
 *
 * @example
 * const iap = createIapPlugin({
 *   apple: { rootCertificates: [readFileSync('AppleRootCA-G3.pem', 'utf8')], bundleId: 'com.example.game' },
 *   google: { packageName: 'com.example.game', accessToken: () => tokens.get() },
 *   grants: { gems_100: { currency: 'gems', amount: 100 }, starter_pack: { item: 'starter_sword' } },
 * });
 * const server = await createServer({ storage }, { plugins: [iap] });
 */
export function createIapPlugin(options: IapPluginOptions): (app: FastifyInstance, ctx: ServerContext) => Promise<void> {
  const grants = options.grants ?? {};
  checkGrants(grants);
  let clock: (() => number) | undefined;
  const apple = options.apple === undefined ? undefined : createAppleVerifier({ ...options.apple, now: () => (clock ?? Date.now)() });
  const google =
    options.google === undefined
      ? undefined
      : createGoogleVerifier({
          packageName: options.google.packageName,
          accessToken: options.google.accessToken,
          ...(options.google.apiBaseUrl === undefined ? {} : { apiBaseUrl: options.google.apiBaseUrl }),
          ...(options.google.fetch === undefined ? {} : { fetch: options.google.fetch }),
          ...(options.google.timeoutMs === undefined ? {} : { timeoutMs: options.google.timeoutMs }),
        } satisfies GoogleVerifierSettings);

  return async function iapPlugin(app: FastifyInstance, ctx: ServerContext): Promise<void> {
    const { storage } = ctx;
    clock = () => ctx.system.clock.epochMs();
    const security = [{ bearer: [] }];

    /** Claims the transaction for the caller, then applies the product's grant (once per transaction). */
    async function claim(provider: 'apple' | 'google', playerId: string, transactionId: string, originalId: string | undefined, productId: string, units: number): Promise<boolean> {
      const { duplicate } = await storage.iap.claim({ provider, transaction_id: transactionId, original_transaction_id: originalId ?? null, product_id: productId, player_id: playerId });
      const grant = grants[productId];
      if (grant !== undefined && units > 0) await applyGrant(grant, provider, playerId, transactionId, productId, units, duplicate);
      return duplicate;
    }

    async function applyGrant(grant: IapGrant, provider: string, playerId: string, transactionId: string, productId: string, units: number, duplicate: boolean): Promise<void> {
      const reference = { provider, transaction_id: transactionId, product_id: productId };
      if (grant.currency !== undefined && grant.amount !== undefined) {
        // Keyed by the transaction: a resubmission replays the ledger row instead of crediting again, and
        // also completes a grant that failed after the claim was stored.
        const key = `iap:${provider}:${createHash('sha256').update(transactionId).digest('hex')}`;
        await storage.economy.grant(playerId, grant.currency, grant.amount * units, { reason: 'iap', reference_type: `iap_${provider}`, reference_id: transactionId.slice(0, 128), idempotency_key: key, metadata: reference });
      }
      if (grant.item !== undefined && !duplicate) {
        await storage.economy.grantItem(playerId, grant.item, Math.min((grant.quantity ?? 1) * units, 1_000_000), { source: 'iap', ...reference });
      }
    }

    if (apple !== undefined) {
      app.post(
        '/iap/apple',
        {
          config: { auth: true, rateLimit: 'iap' },
          schema: {
            tags: ['iap'],
            summary: 'Verify an Apple StoreKit 2 signed transaction and claim it for you',
            description:
              'ES256 JWS whose x5c chain ends in a configured root; the bundle id must match. `valid` is false only for an expired subscription. ' +
              'Fields missing from the transaction come back as the string "undefined". Resubmitting your own transaction answers `duplicate: true`.',
            security,
            body: { type: 'object', required: ['signed_transaction'], properties: { signed_transaction: { type: 'string', minLength: 1, maxLength: APPLE_JWS_MAX_BYTES } } },
            response: { 200: appleReply },
          },
        },
        async (request) => {
          const playerId = me(request);
          const { signed_transaction: jws } = request.body as { signed_transaction: string };
          let tx: AppleTransactionPayload;
          try {
            tx = apple.verify(jws);
          } catch (e) {
            invalid(e);
          }
          const transactionId = transactionIdOf(tx.transactionId);
          if (transactionId === undefined) throw new ApiError('iap.missing_transaction_id', { provider: 'apple' });
          const productId = typeof tx.productId === 'string' ? tx.productId : '';
          const units = Number.isSafeInteger(tx.quantity) && (tx.quantity as number) > 0 ? (tx.quantity as number) : 1;
          const expired = typeof tx.expiresDate === 'number' && tx.expiresDate <= ctx.system.clock.epochMs();
          const duplicate = await claimOrMap('apple', () => claim('apple', playerId, transactionId, transactionIdOf(tx.originalTransactionId), productId, expired ? 0 : units));
          return {
            product_id: field(tx.productId),
            transaction_id: field(tx.transactionId),
            original_transaction_id: field(tx.originalTransactionId),
            purchase_date: field(tx.purchaseDate),
            expires_date: field(tx.expiresDate),
            quantity: field(tx.quantity),
            type: field(tx.type),
            valid: !expired,
            duplicate,
          };
        },
      );
    }

    if (google !== undefined) {
      app.post(
        '/iap/google',
        {
          config: { auth: true, rateLimit: 'iap' },
          schema: {
            tags: ['iap'],
            summary: 'Verify a Google Play purchase token with the Play Developer API and claim it for you',
            description: 'Cancelled and pending purchases, and tokens Google does not know, are `iap.invalid_receipt` (`details.reason`). The order id is the transaction id.',
            security,
            body: {
              type: 'object',
              required: ['product_id', 'purchase_token'],
              properties: { product_id: { type: 'string', minLength: 1, maxLength: 255 }, purchase_token: { type: 'string', minLength: 1, maxLength: 4096 } },
            },
            response: { 200: googleReply },
          },
        },
        async (request) => {
          const playerId = me(request);
          const { product_id: productId, purchase_token: token } = request.body as { product_id: string; purchase_token: string };
          let purchase: GooglePurchase;
          try {
            purchase = await google.verify(productId, token);
          } catch (e) {
            invalid(e);
          }
          const orderId = transactionIdOf(purchase.orderId);
          if (orderId === undefined) throw new ApiError('iap.missing_transaction_id', { provider: 'google' });
          const units = Number.isSafeInteger(purchase['quantity']) && (purchase['quantity'] as number) > 0 ? (purchase['quantity'] as number) : 1;
          const duplicate = await claimOrMap('google', () => claim('google', playerId, orderId, undefined, productId, units));
          return {
            product_id: productId,
            order_id: orderId,
            purchase_time: purchase.purchaseTimeMillis === undefined || purchase.purchaseTimeMillis === null ? IAP_MISSING : String(purchase.purchaseTimeMillis),
            consumption_state: field(purchase.consumptionState),
            acknowledged: purchase.acknowledgementState === 1,
            valid: true,
            duplicate,
          };
        },
      );
    }
  };
}

/** Storage errors of a claim, as wire errors (the generic mapping covers the rest). */
async function claimOrMap(provider: string, run: () => Promise<boolean>): Promise<boolean> {
  try {
    return await run();
  } catch (e) {
    if (isStorageError(e, 'STO_ERR_ALREADY_CLAIMED')) throw new ApiError('iap.transaction_already_claimed', { provider, ...((e as { details?: Record<string, unknown> }).details ?? {}) });
    throw e;
  }
}
