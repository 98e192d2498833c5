/**
 * The default chain's links for the Azure and Google credential types (docs/auth.md#azure,
 * docs/auth.md#google), in the Go SDK's order: each throws `CredentialUnavailableError` when its
 * attributes are not set or the host is not of its cloud. Node-only (the Azure CLI, key files,
 * Application Default Credentials).
 */
import { existsSync, readFileSync } from "node:fs";
import { azureClientSecretCredentials } from "./azure.js";
import { azureCliCredentials } from "./azure-cli.js";
import { azureFederatedCredentials } from "./azure-github-oidc.js";
import { azureMsiCredentials } from "./azure-msi.js";
import type { CachedTokenProviderOptions } from "./cache.js";
import type { CredentialLink } from "./chain.js";
import { isTrue, type DatabricksConfigAttributes } from "./config.js";
import { CredentialUnavailableError } from "./errors.js";
import { googleApplicationDefaultCredentials } from "./google-adc.js";
import { googleCredentials } from "./google-credentials.js";
import { googleIdCredentials } from "./google-id.js";
import { isAzureHost, isGcpHost } from "./host.js";
import type { TokenHttpOptions } from "./token-http.js";
import { githubActionsIdToken } from "./wif.js";

/** What the links read: the resolved attributes, the environment, HTTP options and the chain's checks. */
export interface CloudLinkContext {
  readonly values: Readonly<DatabricksConfigAttributes>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly http: TokenHttpOptions & { readonly cache?: CachedTokenProviderOptions };
  readonly homeDir?: string;
  /** Throws `CredentialUnavailableError` naming the missing attributes. */
  readonly need: (name: string, pairs: [string, string | undefined][]) => void;
  /** The host, or `CredentialUnavailableError`. */
  readonly needHost: (name: string) => string;
}

/** The cloud types' links, keyed by `auth_type`. */
export function cloudLinks(ctx: CloudLinkContext): Record<"github-oidc-azure" | "azure-msi" | "azure-client-secret" | "azure-cli" | "google-credentials" | "google-id", CredentialLink> {
  const { values: v, env, http, need, needHost } = ctx;
  const needAzure = (name: string) => {
    if (!isAzureHost(v.host) && !v.azureWorkspaceResourceId) throw new CredentialUnavailableError(name, "the host is not an Azure Databricks workspace");
  };
  const needGcp = (name: string): string => {
    const host = needHost(name);
    if (!isGcpHost(host)) throw new CredentialUnavailableError(name, "the host is not a Databricks on Google Cloud workspace");
    return host;
  };
  const azureCommon = {
    ...(v.host ? { host: v.host } : {}),
    ...(v.azureWorkspaceResourceId ? { workspaceResourceId: v.azureWorkspaceResourceId } : {}),
    ...(v.azureEnvironment ? { environment: v.azureEnvironment } : {}),
    ...http,
  };

  return {
    "github-oidc-azure": {
      name: "github-oidc-azure",
      create: () => {
        const name = "github-oidc-azure";
        need(name, [["azure_client_id (ARM_CLIENT_ID)", v.azureClientId], ["azure_tenant_id (ARM_TENANT_ID)", v.azureTenantId], ["ACTIONS_ID_TOKEN_REQUEST_URL", v.actionsIdTokenRequestUrl], ["ACTIONS_ID_TOKEN_REQUEST_TOKEN", v.actionsIdTokenRequestToken]]);
        const host = needHost(name);
        if (!isAzureHost(host)) throw new CredentialUnavailableError(name, "the host is not an Azure Databricks workspace");
        const idToken = githubActionsIdToken({ requestUrl: v.actionsIdTokenRequestUrl!, requestToken: v.actionsIdTokenRequestToken!, ...http });
        return azureFederatedCredentials({ ...azureCommon, host, clientId: v.azureClientId!, tenantId: v.azureTenantId!, idToken });
      },
    },
    "azure-msi": {
      name: "azure-msi",
      create: () => {
        if (!isTrue(v.azureUseMsi)) throw new CredentialUnavailableError("azure-msi", "azure_use_msi (ARM_USE_MSI) is not true");
        needAzure("azure-msi");
        return azureMsiCredentials({ ...azureCommon, ...(v.azureClientId ? { clientId: v.azureClientId } : {}) });
      },
    },
    "azure-client-secret": {
      name: "azure-client-secret",
      create: () => {
        need("azure-client-secret", [["azure_client_id (ARM_CLIENT_ID)", v.azureClientId], ["azure_client_secret (ARM_CLIENT_SECRET)", v.azureClientSecret]]);
        needAzure("azure-client-secret");
        return azureClientSecretCredentials({
          ...azureCommon,
          clientId: v.azureClientId!,
          clientSecret: v.azureClientSecret!,
          ...(v.azureTenantId ? { tenantId: v.azureTenantId } : {}),
        });
      },
    },
    "azure-cli": {
      name: "azure-cli",
      create: () => {
        needAzure("azure-cli");
        return azureCliCredentials({ ...azureCommon, env, ...(v.azureTenantId ? { tenantId: v.azureTenantId } : {}) });
      },
    },
    "google-credentials": {
      name: "google-credentials",
      create: () => {
        need("google-credentials", [["google_credentials (GOOGLE_CREDENTIALS)", v.googleCredentials]]);
        const host = needGcp("google-credentials");
        // As the Go SDK: a path to the key file, else the JSON itself.
        const credentials = existsSync(v.googleCredentials!) ? readFileSync(v.googleCredentials!, "utf8") : v.googleCredentials!;
        return googleCredentials({ host, credentials, ...http });
      },
    },
    "google-id": {
      name: "google-id",
      create: () => {
        need("google-id", [["google_service_account (DATABRICKS_GOOGLE_SERVICE_ACCOUNT)", v.googleServiceAccount]]);
        const host = needGcp("google-id");
        const source = googleApplicationDefaultCredentials({ env, ...(ctx.homeDir ? { homeDir: ctx.homeDir } : {}), ...http });
        return googleIdCredentials({ host, serviceAccount: v.googleServiceAccount!, source, ...http });
      },
    },
  };
}
