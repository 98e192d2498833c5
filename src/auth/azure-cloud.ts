/**
 * The Azure clouds Azure Databricks runs in (docs/auth.md#azure): per cloud, the Entra ID login
 * endpoint, the service-management resource (the audience of the
 * `X-Databricks-Azure-SP-Management-Token` header) and Azure Resource Manager (where a workspace
 * resource id is looked up). The cloud is `ARM_ENVIRONMENT` when set, else the one the host's
 * domain names, else PUBLIC, as in the Go SDK.
 */
import { AuthConfigError } from "./errors.js";

/** One Azure cloud's endpoints (each ends with `/`). */
export interface AzureCloud {
  readonly name: string;
  /** Entra ID (`https://login.microsoftonline.com/`). */
  readonly login: string;
  /** The service-management resource a management token is issued for. */
  readonly management: string;
  /** Azure Resource Manager (`https://management.azure.com/`). */
  readonly resourceManager: string;
}

/** Marked pure: esbuild would otherwise keep the table in every bundle of `lakebase-sdk/auth`. */
export const AZURE_CLOUDS: Readonly<Record<string, AzureCloud>> = /* @__PURE__ */ Object.freeze({
  PUBLIC: { name: "PUBLIC", login: "https://login.microsoftonline.com/", management: "https://management.core.windows.net/", resourceManager: "https://management.azure.com/" },
  USGOVERNMENT: { name: "USGOVERNMENT", login: "https://login.microsoftonline.us/", management: "https://management.core.usgovcloudapi.net/", resourceManager: "https://management.usgovcloudapi.net/" },
  CHINA: { name: "CHINA", login: "https://login.chinacloudapi.cn/", management: "https://management.core.chinacloudapi.cn/", resourceManager: "https://management.chinacloudapi.cn/" },
});

/** The cloud for `ARM_ENVIRONMENT` (any case), else the host's domain, else PUBLIC. */
export function azureCloudOf(provider: string, environment: string | undefined, host?: string): AzureCloud {
  if (environment) {
    const cloud = AZURE_CLOUDS[environment.toUpperCase()];
    if (!cloud) throw new AuthConfigError(provider, `unknown ARM_ENVIRONMENT ${JSON.stringify(environment)} (PUBLIC, USGOVERNMENT or CHINA)`);
    return cloud;
  }
  if (host && /\.databricks\.azure\.us(:\d+)?\/?$/i.test(host)) return AZURE_CLOUDS.USGOVERNMENT!;
  if (host && /\.databricks\.azure\.cn(:\d+)?\/?$/i.test(host)) return AZURE_CLOUDS.CHINA!;
  return AZURE_CLOUDS.PUBLIC!;
}

/** The header that carries the service-management token (the Go SDK's name). */
export const AZURE_SP_MANAGEMENT_TOKEN_HEADER = "X-Databricks-Azure-SP-Management-Token";
/** The header that carries `azure_workspace_resource_id`. */
export const AZURE_WORKSPACE_RESOURCE_ID_HEADER = "X-Databricks-Azure-Workspace-Resource-Id";
/** Entra tokens are treated as expiring this early: Azure Databricks rejects tokens with ≤ 30 s left. */
export const AZURE_EARLY_EXPIRY_MS = 40_000;
