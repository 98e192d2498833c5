/**
 * `github-oidc-azure`: a GitHub Actions job that signs in to Entra ID with a federated identity
 * credential (docs/auth.md#github-actions-to-entra-id), as in the Go SDK: the job's ID token
 * (audience `api://AzureADTokenExchange`) is the client assertion of an Entra client-credentials
 * request (entra-token.ts) for the Azure Databricks resource. Needs `ARM_CLIENT_ID`,
 * `ARM_TENANT_ID`, the host, and `permissions: id-token: write`. A fresh ID token is read for
 * every Entra request. No management-token header (upstream sends none for this type).
 */
import { azureCloudOf } from "./azure-cloud.js";
import { azureProvider, type AzureCredentials } from "./azure-provider.js";
import type { CachedTokenProviderOptions } from "./cache.js";
import { entraToken } from "./entra-token.js";
import { AuthenticationFailedError, CredentialUnavailableError } from "./errors.js";
import type { TokenHttpOptions } from "./token-http.js";
import type { IdTokenSource } from "./wif.js";

/** The audience Entra ID expects of a federated token. */
export const AZURE_TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

export interface AzureFederatedOptions extends TokenHttpOptions {
  /** The Azure Databricks workspace URL. */
  readonly host: string;
  /** The Entra application (`ARM_CLIENT_ID`). */
  readonly clientId: string;
  /** `ARM_TENANT_ID`. */
  readonly tenantId: string;
  /** The federated token: e.g. `githubActionsIdToken()`. Asked with audience `api://AzureADTokenExchange`. */
  readonly idToken: IdTokenSource;
  /** `ARM_ENVIRONMENT`; default: the host's cloud. */
  readonly environment?: string;
  /** Override the Entra login endpoint (a test server). */
  readonly loginEndpoint?: string;
  /** Name reported. Default `"github-oidc-azure"`. */
  readonly name?: string;
  readonly cache?: CachedTokenProviderOptions;
}

/**
 * Entra ID credentials from a federated ID token (GitHub Actions by default use).
 *
 * @example
 * const auth = azureFederatedCredentials({ host, clientId, tenantId, idToken: githubActionsIdToken() });
 */
export function azureFederatedCredentials(options: AzureFederatedOptions): AzureCredentials {
  const name = options.name ?? "github-oidc-azure";
  if (!options.clientId) throw new CredentialUnavailableError(name, "no azure_client_id (ARM_CLIENT_ID)");
  if (!options.tenantId) throw new CredentialUnavailableError(name, "no azure_tenant_id (ARM_TENANT_ID)");
  const cloud = azureCloudOf(name, options.environment, options.host);
  const login = options.loginEndpoint ?? cloud.login;
  const { clientId, tenantId } = options;
  return azureProvider({
    name,
    label: "AzureFederatedCredentials",
    host: options.host,
    cloud,
    managementToken: false,
    http: options,
    cache: options.cache,
    facts: { clientId },
    async token(resource, signal) {
      const assertion = await options.idToken({ audience: AZURE_TOKEN_EXCHANGE_AUDIENCE, ...(signal ? { signal } : {}) });
      if (typeof assertion !== "string" || assertion.trim() === "") throw new AuthenticationFailedError(name, "the ID token source returned no token");
      return entraToken({ provider: name, login, tenantId, clientId, resource, credential: { clientAssertion: assertion.trim() }, signal }, options);
    },
  });
}
