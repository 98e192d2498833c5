/**
 * `metadata-service`: a local token server, as IDE extensions run one (docs/auth.md#metadata-service).
 *
 *   GET <DATABRICKS_METADATA_SERVICE_URL>
 *   X-Databricks-Metadata-Version: 1
 *   X-Databricks-Host: <host>
 *   → {"access_token": "…", "token_type": "Bearer", "expires_on": <unix seconds>}
 *
 * Only `localhost` / `127.0.0.1` URLs are accepted. The URL itself is treated as a secret: it
 * never appears in a message.
 */
import { cachedTokenProvider, type CachedTokenProviderOptions } from "./cache.js";
import { AuthConfigError, CredentialUnavailableError } from "./errors.js";
import { requireHost } from "./host.js";
import { accessToken, describeProvider } from "./secrets.js";
import { readTokenResponse, sendTokenRequest, type TokenHttpOptions } from "./token-http.js";
import type { NamedTokenProvider } from "./token-provider.js";

export interface MetadataServiceOptions extends TokenHttpOptions {
  /** The workspace URL the token is for (sent as `X-Databricks-Host`). */
  readonly host: string;
  /** `DATABRICKS_METADATA_SERVICE_URL`. */
  readonly url: string;
  readonly cache?: CachedTokenProviderOptions;
}

/** Credentials served by a local metadata service (10 s timeout per attempt by default). */
export function metadataServiceCredentials(options: MetadataServiceOptions): NamedTokenProvider {
  const name = "metadata-service";
  if (!options.url) throw new CredentialUnavailableError(name, "no metadata_service_url (DATABRICKS_METADATA_SERVICE_URL)");
  const host = requireHost(name, options.host);
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new AuthConfigError(name, "metadata_service_url is not a URL");
  }
  if (!(url.protocol === "http:" || url.protocol === "https:") || !["localhost", "127.0.0.1"].includes(url.hostname)) {
    throw new AuthConfigError(name, "metadata_service_url must point at localhost or 127.0.0.1");
  }
  const href = url.href;
  const clock = options.clock ?? options.cache?.clock ?? Date.now;
  const inner: NamedTokenProvider = {
    name,
    async getToken(opts) {
      const ctx = { provider: name, secrets: [href, url.pathname], hideUrl: true, ...(opts?.signal ? { signal: opts.signal } : {}) };
      const response = await sendTokenRequest(
        () => new Request(href, { headers: { "X-Databricks-Metadata-Version": "1", "X-Databricks-Host": host, Accept: "application/json" } }),
        ctx,
        { ...options, timeoutMs: options.timeoutMs ?? 10_000 },
      );
      const token = await readTokenResponse(response, ctx, clock);
      return accessToken(token.accessToken, token.expiresAt);
    },
  };
  return describeProvider(cachedTokenProvider(inner, { clock, ...options.cache }), "MetadataServiceCredentials", { host });
}
