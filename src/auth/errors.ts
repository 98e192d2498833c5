/**
 * Errors raised while obtaining a token. None of them ever carries a token, a client secret, a
 * refresh token or an ID token: messages are built from names, statuses and endpoint paths only,
 * and any server-supplied text is scrubbed of the secrets the provider knows about.
 *
 *   LakebaseError
 *   └─ AuthError                         base; `provider` names the credential type
 *      ├─ CredentialUnavailableError     not configured here: a chain moves on to the next provider
 *      │  └─ NoCredentialsError          a chain found nothing; `attempts` says why each was skipped
 *      ├─ AuthConfigError                configured, but wrongly (bad config file, two methods, …)
 *      ├─ AuthenticationFailedError      the token endpoint (or CLI) refused or kept failing
 *      └─ InvalidTokenResponseError      the token endpoint answered something that is not a token
 */
import { LakebaseError } from "../ops/errors.js";

/** Base class of every authentication error. */
export class AuthError extends LakebaseError {
  static override readonly typeName: string = "AuthError";
  /** The credential type that raised it (`"oauth-m2m"`, `"databricks-cli"`, …). */
  readonly provider: string;

  constructor(provider: string, message: string, options?: { cause?: unknown }) {
    super(`${provider}: ${message}`, options);
    this.provider = provider;
  }
}

/**
 * The provider is not configured in this environment (a required attribute is missing, the CLI is
 * not installed, …). Only this error makes a credential chain try the next provider; every other
 * error stops the chain, so a configured-but-broken credential is never silently skipped.
 */
export class CredentialUnavailableError extends AuthError {
  static override readonly typeName: string = "CredentialUnavailableError";
  /** Why it is not configured, in words (no secrets). */
  readonly reason: string;

  constructor(provider: string, reason: string, options?: { cause?: unknown }) {
    super(provider, `not configured: ${reason}`, options);
    this.reason = reason;
  }
}

/** One line of a chain's report: a provider and why it was skipped. */
export interface SkippedProvider {
  readonly provider: string;
  readonly reason: string;
}

/** No provider of a chain was configured. `attempts` lists each provider and why it was skipped. */
export class NoCredentialsError extends CredentialUnavailableError {
  static override readonly typeName: string = "NoCredentialsError";
  readonly attempts: readonly SkippedProvider[];

  constructor(chain: string, attempts: readonly SkippedProvider[], hint?: string) {
    const lines = attempts.map((a) => `  - ${a.provider}: ${a.reason}`).join("\n");
    const reason = `no credentials found; tried:\n${lines}${hint ? `\n${hint}` : ""}`;
    super(chain, reason);
    this.message = `${chain}: ${reason}`;
    this.attempts = Object.freeze([...attempts]);
  }
}

/** The credentials are present but misconfigured (e.g. two methods at once, a missing profile). */
export class AuthConfigError extends AuthError {
  static override readonly typeName: string = "AuthConfigError";
}

/** Details of a refused or failed token request. */
export interface AuthenticationFailedInit {
  /** HTTP status of the last attempt, when there was a response. */
  readonly status?: number;
  /** The OAuth `error` code (`invalid_client`, `invalid_grant`, …), when the server sent one. */
  readonly oauthError?: string;
  /** Where the request went: origin + path, never a query string. */
  readonly endpoint?: string;
  readonly cause?: unknown;
}

/** The token endpoint (or the CLI, or the metadata service) refused to issue a token, or kept failing. */
export class AuthenticationFailedError extends AuthError {
  static override readonly typeName: string = "AuthenticationFailedError";
  declare readonly status?: number;
  declare readonly oauthError?: string;
  declare readonly endpoint?: string;

  constructor(provider: string, message: string, init: AuthenticationFailedInit = {}) {
    super(provider, message, init.cause === undefined ? undefined : { cause: init.cause });
    if (init.status !== undefined) this.status = init.status;
    if (init.oauthError !== undefined) this.oauthError = init.oauthError;
    if (init.endpoint !== undefined) this.endpoint = init.endpoint;
  }
}

/** The token endpoint answered 2xx with something that is not a token (not JSON, no `access_token`). */
export class InvalidTokenResponseError extends AuthError {
  static override readonly typeName: string = "InvalidTokenResponseError";
  declare readonly status?: number;
  declare readonly endpoint?: string;

  constructor(provider: string, message: string, init: { status?: number; endpoint?: string } = {}) {
    super(provider, message);
    if (init.status !== undefined) this.status = init.status;
    if (init.endpoint !== undefined) this.endpoint = init.endpoint;
  }
}
