/**
 * `azure-msi`: an Azure managed identity, through the Instance Metadata Service of the VM (or
 * container) the code runs on (docs/auth.md#azure-managed-identity), as the Go SDK asks it:
 *
 *   GET http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=<r>[&client_id=<id>]
 *   Metadata: true
 *   → {"access_token": "…", "expires_on": "<epoch seconds>", "token_type": "Bearer"}
 *
 * `ARM_USE_MSI=true` turns it on; `azure_client_id` (`ARM_CLIENT_ID`) picks a user-assigned
 * identity. IMDS is plain http on a link-local address that never leaves the host, which is why
 * it is the one token endpoint allowed without TLS. 10 s per attempt, as upstream.
 */
import { azureCloudOf } from "./azure-cloud.js";
import { AZURE_EARLY_EXPIRY_MS } from "./azure-cloud.js";
import { azureProvider, type AzureCredentials } from "./azure-provider.js";
import type { CachedTokenProviderOptions } from "./cache.js";
import { accessToken } from "./secrets.js";
import { readTokenResponse, sendTokenRequest, type TokenHttpOptions } from "./token-http.js";

/** The Azure Instance Metadata Service token endpoint. */
export const AZURE_IMDS_TOKEN_ENDPOINT = "http://169.254.169.254/metadata/identity/oauth2/token";

export interface AzureMsiOptions extends TokenHttpOptions {
  /** The Azure Databricks workspace URL; or give `workspaceResourceId`. */
  readonly host?: string;
  /** `azure_workspace_resource_id` (`DATABRICKS_AZURE_RESOURCE_ID`). */
  readonly workspaceResourceId?: string;
  /** A user-assigned identity's client id (`ARM_CLIENT_ID`); omit for the system-assigned one. */
  readonly clientId?: string;
  /** `ARM_ENVIRONMENT`; default: the host's cloud. */
  readonly environment?: string;
  /** Override the IMDS token endpoint (a test server). */
  readonly endpoint?: string;
  /** Send `X-Databricks-Azure-SP-Management-Token`. Default true. */
  readonly managementToken?: boolean;
  readonly cache?: CachedTokenProviderOptions;
}

/**
 * Managed identity credentials for Azure Databricks.
 *
 * @example
 * const auth = azureMsiCredentials({ host: "https://adb-123.4.azuredatabricks.net" });
 */
export function azureMsiCredentials(options: AzureMsiOptions): AzureCredentials {
  const name = "azure-msi";
  const endpoint = options.endpoint ?? AZURE_IMDS_TOKEN_ENDPOINT;
  const http = { ...options, timeoutMs: options.timeoutMs ?? 10_000 };
  return azureProvider({
    name,
    label: "AzureMsiCredentials",
    host: options.host,
    workspaceResourceId: options.workspaceResourceId,
    cloud: azureCloudOf(name, options.environment, options.host),
    managementToken: options.managementToken,
    http,
    cache: options.cache,
    facts: { clientId: options.clientId },
    async token(resource, signal) {
      const url = new URL(endpoint);
      url.searchParams.set("api-version", "2018-02-01");
      url.searchParams.set("resource", resource);
      if (options.clientId) url.searchParams.set("client_id", options.clientId);
      const ctx = { provider: name, secrets: [], url: url.href, ...(signal ? { signal } : {}) };
      const response = await sendTokenRequest(() => new Request(url, { headers: { Metadata: "true", Accept: "application/json" } }), ctx, http);
      const token = await readTokenResponse(response, ctx, options.clock ?? Date.now);
      return accessToken(token.accessToken, token.expiresAt === undefined ? undefined : token.expiresAt - AZURE_EARLY_EXPIRY_MS);
    },
  });
}
