/**
 * `oauth-m2m`: a Databricks service principal with an OAuth secret, client-credentials grant
 * (docs/auth.md#oauth-m2m):
 *
 *   POST {token_endpoint}
 *   Authorization: Basic base64(urlencode(client_id) ":" urlencode(client_secret))
 *   Content-Type: application/x-www-form-urlencoded
 *
 *   grant_type=client_credentials&scope=all-apis
 *
 * The token endpoint is `{host}/oidc/accounts/{account_id}/v1/token` for an account host and is
 * discovered through `{host}/oidc/.well-known/oauth-authorization-server` for a workspace.
 */
import { cachedTokenProvider, type CachedTokenProviderOptions } from "./cache.js";
import { AuthConfigError, CredentialUnavailableError } from "./errors.js";
import { isSafeUrl, requireHost } from "./host.js";
import { memoizeEndpoints, resolveOidcEndpoints } from "./oidc-endpoints.js";
import { normaliseScopes } from "./scopes.js";
import { accessToken, describeProvider } from "./secrets.js";
import { basicAuthorization, formBody, readTokenResponse, sendTokenRequest, type TokenHttpOptions } from "./token-http.js";
import type { NamedTokenProvider } from "./token-provider.js";

export interface OAuthM2MOptions extends TokenHttpOptions {
  /** Workspace URL, or the account console (`https://accounts.cloud.databricks.com`) with `accountId`. */
  readonly host: string;
  /** The service principal's application id (`DATABRICKS_CLIENT_ID`). */
  readonly clientId: string;
  /** Its OAuth secret (`DATABRICKS_CLIENT_SECRET`). */
  readonly clientSecret: string;
  /** Required for an account host. */
  readonly accountId?: string;
  /** Scopes; default `all-apis`. */
  readonly scopes?: readonly string[] | string;
  /** Skip discovery and use this token endpoint. */
  readonly tokenEndpoint?: string;
  /** An RFC 8414 discovery document to read the token endpoint from. */
  readonly discoveryUrl?: string;
  /** Cache tuning (refresh margins, clock). */
  readonly cache?: CachedTokenProviderOptions;
  /** Name reported by the provider. Default `"oauth-m2m"`. */
  readonly name?: string;
}

/**
 * OAuth machine-to-machine credentials for a Databricks service principal, cached and refreshed
 * ahead of expiry. Throws `CredentialUnavailableError` when the client id or secret is missing.
 *
 * @example
 * const auth = oauthM2MCredentials({ host, clientId, clientSecret });
 * const client = createLakebaseClient({ host, auth });
 */
export function oauthM2MCredentials(options: OAuthM2MOptions): NamedTokenProvider {
  const name = options.name ?? "oauth-m2m";
  if (!options.clientId) throw new CredentialUnavailableError(name, "no client_id (DATABRICKS_CLIENT_ID)");
  if (!options.clientSecret) throw new CredentialUnavailableError(name, "no client_secret (DATABRICKS_CLIENT_SECRET)");
  const host = requireHost(name, options.host);
  const { clientId, clientSecret } = options;
  const scope = normaliseScopes(options.scopes).join(" ");
  if (options.tokenEndpoint !== undefined && !isSafeUrl(options.tokenEndpoint)) {
    throw new AuthConfigError(name, "tokenEndpoint must use https (plain http only on loopback)");
  }
  const clock = options.clock ?? options.cache?.clock ?? Date.now;
  const endpoints = memoizeEndpoints((signal) =>
    options.tokenEndpoint
      ? Promise.resolve({ tokenEndpoint: options.tokenEndpoint, authorizationEndpoint: "" })
      : resolveOidcEndpoints(name, { ...options, host, ...(signal ? { signal } : {}) }),
  );

  const inner: NamedTokenProvider = {
    name,
    async getToken(opts) {
      const { tokenEndpoint } = await endpoints(opts?.signal);
      const ctx = { provider: name, secrets: [clientSecret], url: tokenEndpoint, ...(opts?.signal ? { signal: opts.signal } : {}) };
      const response = await sendTokenRequest(
        () =>
          new Request(tokenEndpoint, {
            method: "POST",
            headers: {
              Authorization: basicAuthorization(clientId, clientSecret),
              "Content-Type": "application/x-www-form-urlencoded",
              Accept: "application/json",
            },
            body: formBody({ grant_type: "client_credentials", scope }),
          }),
        ctx,
        options,
      );
      const token = await readTokenResponse(response, ctx, clock);
      return accessToken(token.accessToken, token.expiresAt);
    },
  };
  return describeProvider(cachedTokenProvider(inner, { clock, ...options.cache }), "OAuthM2MCredentials", { host, clientId });
}
