/**
 * The port that checks a third-party sign-in token (OIDC ID token of google/apple/microsoft/discord, or a
 * Steam session ticket) and says who it belongs to. The default verifier knows no provider: every
 * provider answers `auth.unsupported_provider` until one is configured.
 */
import { ApiError } from '../api-error.js';

export const PROVIDERS = ['google', 'apple', 'microsoft', 'discord', 'steam'] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface VerifiedIdentity {
  readonly provider: Provider;
  readonly provider_uid: string;
  readonly email?: string;
  readonly display_name?: string;
  readonly metadata?: Record<string, unknown>;
}

export interface IdentityVerifier {
  /** Providers that are configured. */
  readonly providers: readonly Provider[];
  /** Verifies `token` for `provider`; throws ApiError (`auth.unsupported_provider`, `auth.invalid_provider_token`). */
  verify(provider: string, token: string): Promise<VerifiedIdentity>;
}

export const NO_PROVIDERS: IdentityVerifier = Object.freeze({
  providers: [],
  async verify(provider: string): Promise<VerifiedIdentity> {
    throw new ApiError('auth.unsupported_provider', { provider });
  },
});
