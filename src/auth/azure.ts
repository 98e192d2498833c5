/**
 * `azure-client-secret`: a Microsoft Entra ID service principal with a client secret, for Azure
 * Databricks (docs/auth.md#azure-service-principal). Entra's v1 token endpoint issues a token for
 * the Azure Databricks resource (application id `2ff814a6-3304-4ab8-85cb-cd0e6f879c1d`), see
 * entra-token.ts; a second one, for the cloud's service-management resource, travels in
 * `X-Databricks-Azure-SP-Management-Token` so that the workspace can add a service principal that
 * is not yet one of its users (see azure-provider.ts).
 *
 * A missing tenant id is read from the `Location` header of `GET {host}/aad/auth` (not followed).
 * Without a host, `azure_workspace_resource_id` names the workspace (looked up through Azure
 * Resource Manager; the tenant id is then required).
 */
import { AZURE_CLOUDS, azureCloudOf } from "./azure-cloud.js";
import { azureProvider, type AzureCredentials } from "./azure-provider.js";
import { discoverAzureTenant, memoizeTenant } from "./azure-tenant.js";
import type { CachedTokenProviderOptions } from "./cache.js";
import { entraToken } from "./entra-token.js";
import { AuthConfigError, CredentialUnavailableError } from "./errors.js";
import type { TokenHttpOptions } from "./token-http.js";

export { AZURE_DATABRICKS_RESOURCE_ID } from "./azure-resource-id.js";

/**
 * Entra login endpoints per `ARM_ENVIRONMENT`. Built by a function marked pure: a table built in
 * place (`Object.entries(…).map(…)`) would be kept by every bundle that loads this module's chunk,
 * the OAuth M2M one included.
 */
export const AZURE_LOGIN_ENDPOINTS: Readonly<Record<string, string>> = /* @__PURE__ */ loginEndpoints();

function loginEndpoints(): Readonly<Record<string, string>> {
  return Object.freeze(Object.fromEntries(Object.entries(AZURE_CLOUDS).map(([name, cloud]) => [name, cloud.login])));
}

export interface AzureClientSecretOptions extends TokenHttpOptions {
  /** The Azure Databricks workspace URL (`https://adb-….azuredatabricks.net`); or give `workspaceResourceId`. */
  readonly host?: string;
  /** `azure_workspace_resource_id` (`DATABRICKS_AZURE_RESOURCE_ID`): sent as a header, and names the workspace when `host` is absent. */
  readonly workspaceResourceId?: string;
  /** `ARM_CLIENT_ID`. */
  readonly clientId: string;
  /** `ARM_CLIENT_SECRET`. */
  readonly clientSecret: string;
  /** `ARM_TENANT_ID`; discovered from the workspace when absent. */
  readonly tenantId?: string;
  /** `ARM_ENVIRONMENT`: PUBLIC, USGOVERNMENT or CHINA; default: the host's cloud. */
  readonly environment?: string;
  /** Override the Entra login endpoint (e.g. a test server). */
  readonly loginEndpoint?: string;
  /** Override the resource (application id) the token is for. */
  readonly resource?: string;
  /** Send `X-Databricks-Azure-SP-Management-Token`. Default true. */
  readonly managementToken?: boolean;
  readonly cache?: CachedTokenProviderOptions;
}

/**
 * Azure service principal (Entra client secret) credentials for an Azure Databricks workspace.
 *
 * @example
 * const auth = azureClientSecretCredentials({ host, clientId, clientSecret, tenantId });
 */
export function azureClientSecretCredentials(options: AzureClientSecretOptions): AzureCredentials {
  const name = "azure-client-secret";
  if (!options.clientId) throw new CredentialUnavailableError(name, "no azure_client_id (ARM_CLIENT_ID)");
  if (!options.clientSecret) throw new CredentialUnavailableError(name, "no azure_client_secret (ARM_CLIENT_SECRET)");
  const cloud = azureCloudOf(name, options.environment, options.host);
  const login = options.loginEndpoint ?? cloud.login;
  if (!options.host && !options.tenantId) throw new AuthConfigError(name, "azure_tenant_id (ARM_TENANT_ID) is required when the workspace is named by azure_workspace_resource_id");
  const { clientId, clientSecret } = options;
  let provider: AzureCredentials | undefined;
  const tenantId = memoizeTenant(options.tenantId, async (signal) => discoverAzureTenant(name, await provider!.workspaceHost(signal), options, signal));
  provider = azureProvider({
    name,
    label: "AzureClientSecretCredentials",
    host: options.host,
    workspaceResourceId: options.workspaceResourceId,
    cloud,
    resource: options.resource,
    managementToken: options.managementToken,
    http: options,
    cache: options.cache,
    facts: { clientId },
    token: async (resource, signal) => entraToken({ provider: name, login, tenantId: await tenantId(signal), clientId, resource, credential: { clientSecret }, signal }, options),
  });
  return provider;
}
