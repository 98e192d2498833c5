/**
 * Workload identity federation (docs/auth.md#workload-identity-federation): an OIDC ID token from the workload's identity
 * provider (GitHub Actions, a file, an env var, …) is exchanged for a Databricks token with
 * RFC 8693 token exchange at the Databricks token endpoint:
 *
 *   POST {token_endpoint}
 *   Content-Type: application/x-www-form-urlencoded
 *
 *   grant_type=urn:ietf:params:oauth:grant-type:token-exchange
 *   &subject_token_type=urn:ietf:params:oauth:token-type:jwt
 *   &subject_token=<ID token>&scope=all-apis&client_id=<service principal id>
 *
 * `client_id` is left out for account-wide federation. The ID token is requested for an audience:
 * the explicit `audience`, else the account id (account hosts), else the token endpoint URL.
 * Every refresh reads a fresh ID token.
 */
import { cachedTokenProvider, type CachedTokenProviderOptions } from "./cache.js";
import { AuthConfigError, AuthenticationFailedError, CredentialUnavailableError } from "./errors.js";
import { isAccountHost, isSafeUrl, requireHost } from "./host.js";
import { memoizeEndpoints, resolveOidcEndpoints } from "./oidc-endpoints.js";
import { processEnv } from "./pat.js";
import { normaliseScopes } from "./scopes.js";
import { accessToken, describeProvider } from "./secrets.js";
import { formBody, readTokenField, readTokenResponse, sendTokenRequest, type TokenHttpOptions } from "./token-http.js";
import type { NamedTokenProvider } from "./token-provider.js";

/** Where an ID token comes from. Called for every exchange; the audience is the one to request. */
export type IdTokenSource = (context: { readonly audience: string; readonly signal?: AbortSignal }) => Promise<string> | string;

export interface WorkloadIdentityOptions extends TokenHttpOptions {
  /** Workspace URL, or an account host with `accountId`. */
  readonly host: string;
  /** Produces the external ID token (JWT). */
  readonly idToken: IdTokenSource;
  /** The service principal's application id; omit for account-wide federation. */
  readonly clientId?: string;
  readonly accountId?: string;
  /** Audience of the ID token (`DATABRICKS_TOKEN_AUDIENCE`). */
  readonly audience?: string;
  readonly scopes?: readonly string[] | string;
  readonly tokenEndpoint?: string;
  readonly discoveryUrl?: string;
  readonly cache?: CachedTokenProviderOptions;
  /** Name reported by the provider, e.g. `"github-oidc"`. Default `"workload-identity"`. */
  readonly name?: string;
}

/**
 * Workload identity federation: exchange the workload's OIDC ID token for a Databricks token.
 *
 * @example
 * // GitHub Actions (permissions: id-token: write)
 * const auth = workloadIdentityCredentials({ host, clientId, idToken: githubActionsIdToken() });
 */
export function workloadIdentityCredentials(options: WorkloadIdentityOptions): NamedTokenProvider {
  const name = options.name ?? "workload-identity";
  if (typeof options.idToken !== "function") throw new CredentialUnavailableError(name, "no ID token source");
  const host = requireHost(name, options.host);
  if (options.tokenEndpoint !== undefined && !isSafeUrl(options.tokenEndpoint)) {
    throw new AuthConfigError(name, "tokenEndpoint must use https (plain http only on loopback)");
  }
  const accountId = isAccountHost(host) ? options.accountId : undefined;
  const scope = normaliseScopes(options.scopes).join(" ");
  const clock = options.clock ?? options.cache?.clock ?? Date.now;
  const endpoints = memoizeEndpoints((signal) =>
    options.tokenEndpoint
      ? Promise.resolve({ tokenEndpoint: options.tokenEndpoint, authorizationEndpoint: "" })
      : resolveOidcEndpoints(name, { ...options, host, ...(accountId ? { accountId } : {}), ...(signal ? { signal } : {}) }),
  );

  const inner: NamedTokenProvider = {
    name,
    async getToken(opts) {
      const { tokenEndpoint } = await endpoints(opts?.signal);
      const audience = options.audience || accountId || tokenEndpoint;
      const subject = await options.idToken({ audience, ...(opts?.signal ? { signal: opts.signal } : {}) });
      if (typeof subject !== "string" || subject.trim() === "") throw new AuthenticationFailedError(name, "the ID token source returned no token");
      const ctx = { provider: name, secrets: [subject], url: tokenEndpoint, ...(opts?.signal ? { signal: opts.signal } : {}) };
      const response = await sendTokenRequest(
        () =>
          new Request(tokenEndpoint, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
            body: formBody({
              grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
              subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
              subject_token: subject.trim(),
              scope,
              client_id: options.clientId || undefined,
            }),
          }),
        ctx,
        options,
      );
      const token = await readTokenResponse(response, ctx, clock);
      return accessToken(token.accessToken, token.expiresAt);
    },
  };
  return describeProvider(cachedTokenProvider(inner, { clock, ...options.cache }), "WorkloadIdentityCredentials", { name, host, clientId: options.clientId });
}

/**
 * An ID token read from an environment variable on every exchange (`env-oidc`; default variable
 * `DATABRICKS_OIDC_TOKEN`).
 */
export function idTokenFromEnv(variable = "DATABRICKS_OIDC_TOKEN", env?: Readonly<Record<string, string | undefined>>): IdTokenSource {
  return () => {
    const value = (env ?? processEnv())[variable]?.trim();
    if (!value) throw new CredentialUnavailableError("env-oidc", `environment variable ${variable} is empty`);
    return value;
  };
}

export interface GitHubActionsIdTokenOptions extends Pick<TokenHttpOptions, "fetch" | "retry" | "timeoutMs"> {
  /** Default `ACTIONS_ID_TOKEN_REQUEST_URL`. */
  readonly requestUrl?: string;
  /** Default `ACTIONS_ID_TOKEN_REQUEST_TOKEN`. */
  readonly requestToken?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The GitHub Actions ID token (`github-oidc`): `GET ${ACTIONS_ID_TOKEN_REQUEST_URL}&audience=<aud>`
 * with `Authorization: Bearer ${ACTIONS_ID_TOKEN_REQUEST_TOKEN}` → `{"value": "<jwt>"}`. The job
 * needs `permissions: id-token: write`. Throws `CredentialUnavailableError` outside Actions.
 */
export function githubActionsIdToken(options: GitHubActionsIdTokenOptions = {}): IdTokenSource {
  const env = options.env ?? processEnv();
  const requestUrl = options.requestUrl ?? env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = options.requestToken ?? env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  const provider = "github-oidc";
  if (!requestUrl || !requestToken) {
    throw new CredentialUnavailableError(provider, "ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set (is `id-token: write` granted?)");
  }
  if (!isSafeUrl(requestUrl)) throw new AuthConfigError(provider, "ACTIONS_ID_TOKEN_REQUEST_URL must use https");
  return async ({ audience, signal }) => {
    const url = new URL(requestUrl);
    url.searchParams.set("audience", audience);
    // The request URL can carry opaque run identifiers: it is never put in a message.
    const ctx = { provider, secrets: [requestToken], hideUrl: true, ...(signal ? { signal } : {}) };
    const response = await sendTokenRequest(
      () => new Request(url, { headers: { Authorization: `Bearer ${requestToken}`, Accept: "application/json" } }),
      ctx,
      options,
    );
    return readTokenField(response, ctx, "value", "the GitHub ID token response");
  };
}
