/**
 * `azure-client-secret`: a Microsoft Entra ID service principal with a client secret, for Azure
 * Databricks (docs/auth.md#azure-service-principal). Entra's v1 token endpoint issues a token for the Azure Databricks
 * resource (application id `2ff814a6-3304-4ab8-85cb-cd0e6f879c1d`):
 *
 *   POST {login}/{tenant}/oauth2/token
 *   Content-Type: application/x-www-form-urlencoded
 *
 *   grant_type=client_credentials&client_id=…&client_secret=…&resource=2ff814a6-…
 *
 * A missing tenant id is read from the `Location` header of `GET {host}/aad/auth` (not followed).
 * Tokens are treated as expiring 40 s early: Azure Databricks rejects tokens with ≤ 30 s left.
 */
import { cachedTokenProvider, type CachedTokenProviderOptions } from "./cache.js";
import { AuthConfigError, AuthenticationFailedError, CredentialUnavailableError } from "./errors.js";
import { requireHost } from "./host.js";
import { accessToken, describeProvider } from "./secrets.js";
import { formBody, readTokenResponse, sendTokenRequest, type TokenHttpOptions } from "./token-http.js";
import type { NamedTokenProvider } from "./token-provider.js";

/** The Azure Databricks first-party application id (production). */
export const AZURE_DATABRICKS_RESOURCE_ID = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";

/**
 * Entra login endpoints per `ARM_ENVIRONMENT`. Marked pure: esbuild does not know Object.freeze
 * has no side effects, and would keep this table in every bundle of `lakebase-sdk/auth`.
 */
export const AZURE_LOGIN_ENDPOINTS: Readonly<Record<string, string>> = /* @__PURE__ */ Object.freeze({
  PUBLIC: "https://login.microsoftonline.com/",
  USGOVERNMENT: "https://login.microsoftonline.us/",
  CHINA: "https://login.chinacloudapi.cn/",
});

const EARLY_EXPIRY_MS = 40_000;

export interface AzureClientSecretOptions extends TokenHttpOptions {
  /** The Azure Databricks workspace URL (`https://adb-….azuredatabricks.net`). */
  readonly host: string;
  /** `ARM_CLIENT_ID`. */
  readonly clientId: string;
  /** `ARM_CLIENT_SECRET`. */
  readonly clientSecret: string;
  /** `ARM_TENANT_ID`; discovered from the workspace when absent. */
  readonly tenantId?: string;
  /** `ARM_ENVIRONMENT`: PUBLIC (default), USGOVERNMENT or CHINA. */
  readonly environment?: string;
  /** Override the Entra login endpoint (e.g. a test server). */
  readonly loginEndpoint?: string;
  /** Override the resource (application id) the token is for. */
  readonly resource?: string;
  readonly cache?: CachedTokenProviderOptions;
}

/**
 * Azure service principal (Entra client secret) credentials for an Azure Databricks workspace.
 * The service principal must already be a user of the workspace (the management-token header the
 * official SDKs add for auto-provisioning is not sent).
 */
export function azureClientSecretCredentials(options: AzureClientSecretOptions): NamedTokenProvider {
  const name = "azure-client-secret";
  if (!options.clientId) throw new CredentialUnavailableError(name, "no azure_client_id (ARM_CLIENT_ID)");
  if (!options.clientSecret) throw new CredentialUnavailableError(name, "no azure_client_secret (ARM_CLIENT_SECRET)");
  const host = requireHost(name, options.host);
  const environment = (options.environment ?? "PUBLIC").toUpperCase();
  const login = options.loginEndpoint ?? AZURE_LOGIN_ENDPOINTS[environment];
  if (!login) throw new AuthConfigError(name, `unknown ARM_ENVIRONMENT ${JSON.stringify(environment)} (PUBLIC, USGOVERNMENT or CHINA)`);
  const loginBase = login.endsWith("/") ? login : `${login}/`;
  const resource = options.resource ?? AZURE_DATABRICKS_RESOURCE_ID;
  const { clientId, clientSecret } = options;
  const clock = options.clock ?? options.cache?.clock ?? Date.now;
  let tenant: Promise<string> | undefined = options.tenantId ? Promise.resolve(options.tenantId) : undefined;

  const tenantId = (signal?: AbortSignal): Promise<string> => {
    if (!tenant) {
      tenant = discoverTenant(name, host, options, signal);
      tenant.catch(() => (tenant = undefined));
    }
    return tenant;
  };

  const inner: NamedTokenProvider = {
    name,
    async getToken(opts) {
      const id = await tenantId(opts?.signal);
      const url = `${loginBase}${encodeURIComponent(id)}/oauth2/token`;
      const ctx = { provider: name, secrets: [clientSecret], url, ...(opts?.signal ? { signal: opts.signal } : {}) };
      const response = await sendTokenRequest(
        () =>
          new Request(url, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
            body: formBody({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret, resource }),
          }),
        ctx,
        options,
      );
      const token = await readTokenResponse(response, ctx, clock);
      return accessToken(token.accessToken, token.expiresAt === undefined ? undefined : token.expiresAt - EARLY_EXPIRY_MS);
    },
  };
  return describeProvider(cachedTokenProvider(inner, { clock, ...options.cache }), "AzureClientSecretCredentials", { host, clientId });
}

/** The tenant id from the `Location` of `GET {host}/aad/auth` (`https://login…/{tenant}/oauth2/authorize?…`). */
async function discoverTenant(name: string, host: string, options: TokenHttpOptions, signal?: AbortSignal): Promise<string> {
  const url = `${host}/aad/auth`;
  const response = await sendTokenRequest(() => new Request(url), { provider: name, secrets: [], url, ...(signal ? { signal } : {}) }, options);
  await response.body?.cancel().catch(() => {});
  const location = response.headers.get("location");
  const match = location ? /^https:\/\/[^/]+\/([^/?#]+)\//.exec(location) : null;
  if (!match?.[1]) {
    throw new AuthenticationFailedError(name, `could not discover the tenant id from ${url} (HTTP ${response.status}); set ARM_TENANT_ID`, { status: response.status, endpoint: url });
  }
  return decodeURIComponent(match[1]);
}
