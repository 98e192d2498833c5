/**
 * `google-credentials`: a Google service-account key (`GOOGLE_CREDENTIALS`: the JSON itself, or
 * in the default chain a path to it) for a Databricks on Google Cloud workspace
 * (docs/auth.md#google-service-account-key), as the Go SDK does: the bearer token is a Google ID
 * token whose audience is the workspace URL, and `X-Databricks-GCP-SA-Access-Token` carries the
 * service account's access token (cloud-platform + compute scopes), left out when it cannot be
 * had. Both are minted from the key with a signed assertion (google-service-account.ts), so this
 * type needs no Google library and runs wherever WebCrypto does.
 */
import { cachedTokenProvider, type CachedTokenProviderOptions } from "./cache.js";
import { CredentialUnavailableError } from "./errors.js";
import { bestEffortHeader, withExtraHeaders, type ExtraHeadersProvider } from "./extra-headers.js";
import { GCP_SA_SCOPES, parseServiceAccountKey, serviceAccountToken } from "./google-service-account.js";
import { requireHost } from "./host.js";
import { describeProvider } from "./secrets.js";
import type { TokenHttpOptions } from "./token-http.js";
import type { NamedTokenProvider } from "./token-provider.js";

/** The header that carries the GCP service account's access token. */
export const GCP_SA_ACCESS_TOKEN_HEADER = "X-Databricks-GCP-SA-Access-Token";

export interface GoogleCredentialsOptions extends TokenHttpOptions {
  /** The workspace URL (`https://….gcp.databricks.com`): the ID token's audience. */
  readonly host: string;
  /** The service-account key: its JSON text or the parsed object. */
  readonly credentials: string | object;
  /** Send `X-Databricks-GCP-SA-Access-Token`. Default true. */
  readonly serviceAccountAccessToken?: boolean;
  readonly cache?: CachedTokenProviderOptions;
}

/**
 * Service-account key credentials for Databricks on Google Cloud.
 *
 * @example
 * const auth = googleCredentials({ host, credentials: process.env.GOOGLE_CREDENTIALS! });
 */
export function googleCredentials(options: GoogleCredentialsOptions): NamedTokenProvider & ExtraHeadersProvider {
  const name = "google-credentials";
  if (!options.credentials) throw new CredentialUnavailableError(name, "no google_credentials (GOOGLE_CREDENTIALS)");
  const host = requireHost(name, options.host);
  const key = parseServiceAccountKey(name, options.credentials);
  const cacheOptions = { ...(options.clock ? { clock: options.clock } : {}), ...options.cache };
  const idToken = cachedTokenProvider({ name, getToken: (opts) => serviceAccountToken(name, key, { audience: host }, options, opts?.signal) }, cacheOptions);
  const saToken = cachedTokenProvider({ name: `${name} (service account)`, getToken: (opts) => serviceAccountToken(name, key, { scopes: GCP_SA_SCOPES }, options, opts?.signal) }, cacheOptions);
  const header = bestEffortHeader(GCP_SA_ACCESS_TOKEN_HEADER, async (signal) => (await saToken.getToken(signal ? { signal } : {})).accessToken, undefined, options.clock);
  const provider = describeProvider(idToken, "GoogleCredentials", { host, serviceAccount: key.client_email });
  return withExtraHeaders(provider, (opts) => (options.serviceAccountAccessToken === false ? {} : header(opts)));
}
