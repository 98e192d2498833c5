import type { TokenRefreshEvent } from "./events.js";
import { accessToken } from "./redact.js";

/**
 * The credential contract every auth provider fulfils: a plain async function style, as in the
 * AWS v3 credential providers. The client asks for a token per request attempt and, after a
 * 401, once more with `forceRefresh: true`.
 */
export interface AccessToken {
  /** The bearer token. Never logged, never put in an error. */
  readonly accessToken: string;
  /** Expiry as epoch milliseconds, when known. */
  readonly expiresAt?: number;
}

export interface GetTokenOptions {
  readonly signal?: AbortSignal;
  /** The previous token was rejected (401): do not answer from a cache. */
  readonly forceRefresh?: boolean;
  /**
   * The asking client's event listeners (`createLakebaseClient({ onEvent })`), given only when it
   * has some: a provider that refreshes reports each refresh here, as the SDK's cached providers
   * do. A provider of your own may ignore it.
   */
  readonly onRefresh?: (event: TokenRefreshEvent) => void;
}

export interface TokenProvider {
  getToken(options?: GetTokenOptions): Promise<AccessToken> | AccessToken;
}

/**
 * A provider that says which credential type it is (`"pat"`, `"oauth-m2m"`, `"databricks-cli"`, …),
 * as the Databricks `auth_type` names them. Every provider this SDK builds carries a name.
 */
export interface NamedTokenProvider extends TokenProvider {
  /** The credential type, e.g. `"oauth-m2m"`. Never contains a secret. */
  readonly name: string;
}

/** What `createLakebaseClient({ auth })` accepts: a token provider, or a static token (a PAT). */
export type AuthOption = TokenProvider | string;

const REDACTED = "[redacted token]";

/**
 * A provider for a fixed token such as a personal access token. Its string forms never show the token.
 * @param options.name the credential type it reports (default `"static"`).
 */
export function staticToken(token: string, options?: { readonly name?: string }): NamedTokenProvider {
  if (typeof token !== "string" || token.trim().length === 0) {
    throw new TypeError("staticToken: the token must be a non-empty string");
  }
  const name = options?.name ?? "static";
  // Redacted string forms (as the OAuth providers hand out), and remembered for scrubbing server echoes.
  const value: AccessToken = accessToken(token);
  const provider: NamedTokenProvider & { toString(): string; toJSON(): unknown } = {
    name,
    getToken: () => value,
    toString: () => `StaticTokenProvider(${REDACTED})`,
    toJSON: () => ({ type: name, token: REDACTED }),
    [Symbol.for("nodejs.util.inspect.custom")]: () => `StaticTokenProvider(${REDACTED})`,
  };
  staticProviders.add(provider);
  return provider;
}

/** Providers whose token never changes: a 401 from them is final, no refresh can help. */
const staticProviders = new WeakSet<TokenProvider>();

/** Normalises the `auth` option. */
export function toTokenProvider(auth: AuthOption): TokenProvider {
  if (typeof auth === "string") return staticToken(auth);
  if (auth && typeof auth.getToken === "function") return auth;
  throw new TypeError("auth must be a token string or an object with getToken()");
}

/** True when asking the provider again can yield a different token (so a 401 is worth one replay). */
export function canRefresh(provider: TokenProvider): boolean {
  // A wrapper (a chain) answers for the provider it selected through `refreshable`.
  return !staticProviders.has(provider) && (provider as { readonly refreshable?: boolean }).refreshable !== false;
}
