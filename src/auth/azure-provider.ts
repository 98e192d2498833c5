/**
 * What every Azure credential type shares (docs/auth.md#azure), given a way to get an Entra token
 * for a resource: the cached Databricks token (the Azure Databricks application id as resource),
 * the `X-Databricks-Azure-SP-Management-Token` header (a second cached token, for the cloud's
 * service-management resource; left out when it cannot be had, as the Go SDK does for the Azure
 * CLI), the `X-Databricks-Azure-Workspace-Resource-Id` header, and the workspace URL looked up
 * from `azure_workspace_resource_id` through Azure Resource Manager when no host is given:
 *
 *   GET {arm}{resource id}?api-version=2018-04-01   (Bearer: a token for {arm})
 *   → {"properties": {"workspaceUrl": "adb-….azuredatabricks.net"}}
 */
import { AZURE_DATABRICKS_RESOURCE_ID } from "./azure-resource-id.js";
import { AZURE_SP_MANAGEMENT_TOKEN_HEADER, AZURE_WORKSPACE_RESOURCE_ID_HEADER, type AzureCloud } from "./azure-cloud.js";
import { cachedTokenProvider, type CachedTokenProviderOptions } from "./cache.js";
import { AuthConfigError, AuthenticationFailedError, InvalidTokenResponseError } from "./errors.js";
import { bestEffortHeader, withExtraHeaders, type ExtraHeadersProvider } from "./extra-headers.js";
import { requireHost } from "./host.js";
import { describeProvider } from "./secrets.js";
import { endpointLabel, failedResponse, sendTokenRequest, type TokenHttpOptions } from "./token-http.js";
import type { AccessToken, NamedTokenProvider } from "./token-provider.js";

/** An uncached Entra token for `resource` (an application id or a resource URL). */
export type AzureTokenSource = (resource: string, signal?: AbortSignal) => Promise<AccessToken>;

export interface AzureProviderInit {
  readonly name: string;
  /** Label of the provider's string form (`AzureCliCredentials`). */
  readonly label: string;
  readonly host?: string | undefined;
  readonly workspaceResourceId?: string | undefined;
  readonly cloud: AzureCloud;
  readonly token: AzureTokenSource;
  /** Override the Databricks resource (application id). */
  readonly resource?: string | undefined;
  /** Send the management-token header. Default true. */
  readonly managementToken?: boolean | undefined;
  readonly http: TokenHttpOptions;
  readonly cache?: CachedTokenProviderOptions | undefined;
  /** Non-secret facts for the string form. */
  readonly facts?: Record<string, string | undefined>;
}

/** An Azure credential: a token provider with the Azure headers, and the workspace URL. */
export interface AzureCredentials extends NamedTokenProvider, ExtraHeadersProvider {
  /** The workspace URL: the host given, else the one `azure_workspace_resource_id` names (looked up once). */
  workspaceHost(signal?: AbortSignal): Promise<string>;
}

/** Assemble an Azure credential from its token source. */
export function azureProvider(init: AzureProviderInit): AzureCredentials {
  const { name, cloud, token } = init;
  const host = init.host ? requireHost(name, init.host) : undefined;
  if (!host && !init.workspaceResourceId) throw new AuthConfigError(name, "host or azure_workspace_resource_id (DATABRICKS_AZURE_RESOURCE_ID) is required");
  const clock = init.http.clock ?? init.cache?.clock ?? Date.now;
  const cacheOptions = { clock, ...init.cache };
  const resource = init.resource ?? AZURE_DATABRICKS_RESOURCE_ID;
  const primary = cachedTokenProvider({ name, getToken: (opts) => token(resource, opts?.signal) }, cacheOptions);
  const management = cachedTokenProvider({ name: `${name} (management)`, getToken: (opts) => token(cloud.management, opts?.signal) }, cacheOptions);
  const managementHeader = bestEffortHeader(AZURE_SP_MANAGEMENT_TOKEN_HEADER, async (signal) => (await management.getToken(signal ? { signal } : {})).accessToken, undefined, clock);

  let lookup: Promise<string> | undefined;
  const workspaceHost = (signal?: AbortSignal): Promise<string> => {
    if (host) return Promise.resolve(host);
    if (!lookup) {
      lookup = lookupWorkspaceHost(name, cloud, init.workspaceResourceId!, token, init.http, signal);
      lookup.catch(() => (lookup = undefined));
    }
    return lookup;
  };

  // The cached provider itself (so it is never wrapped in a second cache), with its Azure extras.
  const provider = describeProvider(Object.assign(primary, { workspaceHost }), init.label, { host, cloud: cloud.name, ...init.facts });
  return withExtraHeaders(provider, async ({ signal }) => ({
    ...(init.managementToken === false ? {} : await managementHeader(signal ? { signal } : {})),
    ...(init.workspaceResourceId ? { [AZURE_WORKSPACE_RESOURCE_ID_HEADER]: init.workspaceResourceId } : {}),
  }));
}

async function lookupWorkspaceHost(name: string, cloud: AzureCloud, resourceId: string, token: AzureTokenSource, http: TokenHttpOptions, signal?: AbortSignal): Promise<string> {
  const arm = await token(cloud.resourceManager, signal);
  const url = `${cloud.resourceManager.replace(/\/+$/, "")}/${resourceId.replace(/^\/+/, "")}?api-version=2018-04-01`;
  const ctx = { provider: name, secrets: [arm.accessToken], url, ...(signal ? { signal } : {}) };
  const response = await sendTokenRequest(() => new Request(url, { headers: { Authorization: `Bearer ${arm.accessToken}`, Accept: "application/json" } }), ctx, http);
  const text = await response.text().catch(() => "");
  if (!response.ok) throw failedResponse(response.status, text, ctx, endpointLabel(url));
  let workspaceUrl: unknown;
  try {
    workspaceUrl = (JSON.parse(text) as { properties?: { workspaceUrl?: unknown } }).properties?.workspaceUrl;
  } catch {
    throw new InvalidTokenResponseError(name, `the Azure Resource Manager answer for the workspace is not JSON`, { status: response.status });
  }
  if (typeof workspaceUrl !== "string" || workspaceUrl === "") {
    throw new AuthenticationFailedError(name, "Azure Resource Manager did not return properties.workspaceUrl for azure_workspace_resource_id", { status: response.status, endpoint: endpointLabel(url) });
  }
  return requireHost(name, workspaceUrl);
}
