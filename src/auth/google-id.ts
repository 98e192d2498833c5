/**
 * `google-id`: a Google identity that may impersonate a service account
 * (`DATABRICKS_GOOGLE_SERVICE_ACCOUNT`) mints an ID token for a Databricks on Google Cloud
 * workspace through the IAM Credentials API (docs/auth.md#google-impersonation), as the Go SDK
 * does with `impersonate.IDTokenSource`:
 *
 *   POST https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/{sa}:generateIdToken
 *   Authorization: Bearer <the caller's Google access token>
 *   {"audience": "<workspace URL>", "includeEmail": true}              → {"token": "<jwt>"}
 *
 *   POST …/serviceAccounts/{sa}:generateAccessToken
 *   {"scope": ["…/cloud-platform", "…/compute"]}                       → {"accessToken", "expireTime"}
 *
 * The second one goes in `X-Databricks-GCP-SA-Access-Token`, left out when it cannot be had. The
 * caller's own token comes from `source` (in the default chain: Application Default Credentials,
 * google-adc.ts). Upstream turns its background refresh off for this type (Google caches); here
 * the one cache refreshes ahead as for every other type.
 */
import { cachedTokenProvider, type CachedTokenProviderOptions } from "./cache.js";
import { AuthConfigError, CredentialUnavailableError, InvalidTokenResponseError } from "./errors.js";
import { bestEffortHeader, withExtraHeaders, type ExtraHeadersProvider } from "./extra-headers.js";
import { GCP_SA_ACCESS_TOKEN_HEADER } from "./google-credentials.js";
import { GCP_SA_SCOPES } from "./google-service-account.js";
import { isSafeUrl, requireHost } from "./host.js";
import { jwtExpiry } from "./jwt-sign.js";
import { accessToken, describeProvider } from "./secrets.js";
import { endpointLabel, failedResponse, sendTokenRequest, type TokenHttpOptions } from "./token-http.js";
import type { AccessToken, NamedTokenProvider, TokenProvider } from "./token-provider.js";

/** The IAM Credentials API. */
export const GOOGLE_IAM_CREDENTIALS_ENDPOINT = "https://iamcredentials.googleapis.com";

export interface GoogleIdOptions extends TokenHttpOptions {
  /** The workspace URL: the ID token's audience. */
  readonly host: string;
  /** The service account to impersonate (`DATABRICKS_GOOGLE_SERVICE_ACCOUNT`). */
  readonly serviceAccount: string;
  /** The caller's Google access token (cloud-platform scope), e.g. `googleApplicationDefaultCredentials()`. */
  readonly source: TokenProvider;
  /** Override the IAM Credentials API (a test server). */
  readonly iamEndpoint?: string;
  /** Send `X-Databricks-GCP-SA-Access-Token`. Default true. */
  readonly serviceAccountAccessToken?: boolean;
  readonly cache?: CachedTokenProviderOptions;
}

/**
 * Impersonated service-account ID tokens for Databricks on Google Cloud.
 *
 * @example
 * const auth = googleIdCredentials({ host, serviceAccount: "sa@p.iam.gserviceaccount.com", source: googleApplicationDefaultCredentials() });
 */
export function googleIdCredentials(options: GoogleIdOptions): NamedTokenProvider & ExtraHeadersProvider {
  const name = "google-id";
  if (!options.serviceAccount) throw new CredentialUnavailableError(name, "no google_service_account (DATABRICKS_GOOGLE_SERVICE_ACCOUNT)");
  const host = requireHost(name, options.host);
  const iam = (options.iamEndpoint ?? GOOGLE_IAM_CREDENTIALS_ENDPOINT).replace(/\/+$/, "");
  if (!isSafeUrl(iam)) throw new AuthConfigError(name, "iamEndpoint must use https (plain http only on loopback)");
  const base = `${iam}/v1/projects/-/serviceAccounts/${encodeURIComponent(options.serviceAccount)}`;

  const call = async (method: "generateIdToken" | "generateAccessToken", body: unknown, signal?: AbortSignal): Promise<Record<string, unknown>> => {
    const caller = await options.source.getToken(signal ? { signal } : {});
    const url = `${base}:${method}`;
    const ctx = { provider: name, secrets: [caller.accessToken], url, ...(signal ? { signal } : {}) };
    const response = await sendTokenRequest(
      () => new Request(url, { method: "POST", headers: { Authorization: `Bearer ${caller.accessToken}`, "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body) }),
      ctx,
      options,
    );
    const text = await response.text().catch(() => "");
    if (!response.ok) throw failedResponse(response.status, text, ctx, endpointLabel(url));
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new InvalidTokenResponseError(name, `the IAM Credentials ${method} answer is not JSON`, { status: response.status });
    }
  };

  const idToken = async (signal?: AbortSignal): Promise<AccessToken> => {
    const { token } = await call("generateIdToken", { audience: host, includeEmail: true }, signal);
    if (typeof token !== "string" || token === "") throw new InvalidTokenResponseError(name, "generateIdToken returned no token");
    return accessToken(token, jwtExpiry(token));
  };
  const saToken = async (signal?: AbortSignal): Promise<AccessToken> => {
    const answer = await call("generateAccessToken", { scope: GCP_SA_SCOPES }, signal);
    if (typeof answer.accessToken !== "string" || answer.accessToken === "") throw new InvalidTokenResponseError(name, "generateAccessToken returned no accessToken");
    const expiresAt = typeof answer.expireTime === "string" ? Date.parse(answer.expireTime) : NaN;
    return accessToken(answer.accessToken, Number.isNaN(expiresAt) ? undefined : expiresAt);
  };

  const cacheOptions = { ...(options.clock ? { clock: options.clock } : {}), ...options.cache };
  const primary = cachedTokenProvider({ name, getToken: (opts) => idToken(opts?.signal) }, cacheOptions);
  const secondary = cachedTokenProvider({ name: `${name} (service account)`, getToken: (opts) => saToken(opts?.signal) }, cacheOptions);
  const header = bestEffortHeader(GCP_SA_ACCESS_TOKEN_HEADER, async (signal) => (await secondary.getToken(signal ? { signal } : {})).accessToken, undefined, options.clock);
  const provider = describeProvider(primary, "GoogleIdCredentials", { host, serviceAccount: options.serviceAccount });
  return withExtraHeaders(provider, (opts) => (options.serviceAccountAccessToken === false ? {} : header(opts)));
}
