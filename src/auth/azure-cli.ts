/**
 * `azure-cli`: the identity signed in with `az login` (docs/auth.md#azure-cli), as the Go SDK
 * asks the Azure CLI for it:
 *
 *   az account show --output json                                  (once: a managed identity?)
 *   az account get-access-token --resource <r> --output json [--tenant T] [--subscription S]
 *   → {"accessToken": "…", "expiresOn": "YYYY-MM-DD HH:MM:SS.ffffff" (local time), "expires_on": <epoch s>}
 *
 * Tenant: `ARM_TENANT_ID`, else the workspace's (GET {host}/aad/auth), passed as `--tenant` except
 * for a managed-identity login (the CLI refuses it there); a service principal that fails with
 * the tenant is asked again without it (federated logins). `--subscription` (from
 * `azure_workspace_resource_id`) only when no tenant is known, falling back to none. The
 * management token goes in `X-Databricks-Azure-SP-Management-Token` when the login can get one.
 * Not configured: no `az` on PATH, or not logged in. Node-only.
 */
import { azureCloudOf } from "./azure-cloud.js";
import { AZURE_EARLY_EXPIRY_MS } from "./azure-cloud.js";
import { azureProvider, type AzureCredentials } from "./azure-provider.js";
import { discoverAzureTenant, memoizeTenant } from "./azure-tenant.js";
import type { CachedTokenProviderOptions } from "./cache.js";
import { parseExpiry } from "./cli.js";
import { AuthenticationFailedError, CredentialUnavailableError, InvalidTokenResponseError } from "./errors.js";
import { runCommand } from "./run-command.js";
import { accessToken, scrub } from "./secrets.js";
import type { AccessToken } from "./token-provider.js";
import type { TokenHttpOptions } from "./token-http.js";

export interface AzureCliOptions extends TokenHttpOptions {
  /** The Azure Databricks workspace URL; or give `workspaceResourceId`. */
  readonly host?: string;
  /** `azure_workspace_resource_id` (`DATABRICKS_AZURE_RESOURCE_ID`). */
  readonly workspaceResourceId?: string;
  /** `ARM_TENANT_ID`; else discovered from the workspace. */
  readonly tenantId?: string;
  /** `ARM_ENVIRONMENT`; default: the host's cloud. */
  readonly environment?: string;
  /** The `az` executable. Default `az` on the PATH of `env`. */
  readonly azPath?: string;
  /** Environment for `az` (and its PATH lookup). Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Timeout of one `az` run, in ms. Default 60 000. */
  readonly commandTimeoutMs?: number;
  /** Send `X-Databricks-Azure-SP-Management-Token`. Default true. */
  readonly managementToken?: boolean;
  readonly cache?: CachedTokenProviderOptions;
}

/** Texts of `az` that mean "not signed in here" (the chain moves on). */
const NOT_LOGGED_IN = /No subscription found|az login|Please run 'az login'|not logged in/i;

/**
 * Azure CLI credentials for Azure Databricks.
 *
 * @example
 * const auth = azureCliCredentials({ host: "https://adb-123.4.azuredatabricks.net" });
 */
export function azureCliCredentials(options: AzureCliOptions): AzureCredentials {
  const name = "azure-cli";
  const env = options.env ?? process.env;
  const az = options.azPath ?? "az";
  const timeoutMs = options.commandTimeoutMs ?? 60_000;
  const subscription = options.workspaceResourceId?.split("/")[2] || undefined;
  const run = async (args: string[], signal?: AbortSignal) => {
    const result = await runCommand(az, args, { env, timeoutMs, signal });
    if (result.startError) throw new CredentialUnavailableError(name, "the Azure CLI (az) was not found on PATH");
    if (!result.ok && NOT_LOGGED_IN.test(result.stderr)) throw new CredentialUnavailableError(name, "the Azure CLI is not logged in (run `az login`)");
    return result;
  };
  let login: Promise<{ type?: string; name?: string }> | undefined;
  const account = (signal?: AbortSignal) => {
    login ??= run(["account", "show", "--output", "json"], signal).then((r) => {
      if (!r.ok) throw new AuthenticationFailedError(name, `\`az account show\` failed: ${scrub(r.stderr.trim(), [])}`);
      try {
        const user = (JSON.parse(r.stdout) as { user?: { type?: unknown; name?: unknown } }).user;
        return { ...(typeof user?.type === "string" ? { type: user.type } : {}), ...(typeof user?.name === "string" ? { name: user.name } : {}) };
      } catch {
        return {};
      }
    });
    login.catch(() => (login = undefined));
    return login;
  };

  let provider: AzureCredentials | undefined;
  // Best effort, as the Go SDK's loadAzureTenantId: without a tenant `az` uses the login's default.
  const tenantId = memoizeTenant(options.tenantId, async (signal) => {
    try {
      return await discoverAzureTenant(name, await provider!.workspaceHost(signal), { ...options, retry: false }, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      return "";
    }
  });

  const getAccessToken = async (resource: string, tenant: string, signal?: AbortSignal): Promise<{ ok: boolean; stdout: string; stderr: string }> => {
    const args = ["account", "get-access-token", "--resource", resource, "--output", "json", ...(tenant ? ["--tenant", tenant] : [])];
    if (subscription && !tenant) {
      const withSubscription = await run([...args, "--subscription", subscription], signal);
      if (withSubscription.ok) return withSubscription;
    }
    return run(args, signal);
  };

  provider = azureProvider({
    name,
    label: "AzureCliCredentials",
    host: options.host,
    workspaceResourceId: options.workspaceResourceId,
    cloud: azureCloudOf(name, options.environment, options.host),
    managementToken: options.managementToken,
    http: options,
    cache: options.cache,
    async token(resource, signal) {
      const user = await account(signal);
      const managedIdentity = user.type === "servicePrincipal" && (user.name === "systemAssignedIdentity" || user.name === "userAssignedIdentity");
      const tenant = managedIdentity ? "" : await tenantId(signal);
      let result = await getAccessToken(resource, tenant, signal);
      if (!result.ok && tenant && user.type === "servicePrincipal") result = await getAccessToken(resource, "", signal);
      if (!result.ok) throw new AuthenticationFailedError(name, `\`az account get-access-token\` failed: ${scrub(result.stderr.trim(), [result.stdout])}`);
      return parseAzureCliToken(name, result.stdout);
    },
  });
  return provider;
}

/** `az account get-access-token` output → a token expiring 40 s early (`expires_on` epoch seconds, else `expiresOn` local time). */
export function parseAzureCliToken(name: string, stdout: string): AccessToken {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    throw new InvalidTokenResponseError(name, "the Azure CLI output is not JSON");
  }
  if (!body || typeof body.accessToken !== "string" || body.accessToken === "") throw new InvalidTokenResponseError(name, "the Azure CLI output has no accessToken");
  const epoch = typeof body.expires_on === "number" ? body.expires_on * 1000 : undefined;
  const expiresAt = epoch ?? (typeof body.expiresOn === "string" ? parseExpiry(body.expiresOn) : undefined);
  if (expiresAt === undefined) throw new InvalidTokenResponseError(name, "the Azure CLI output has no readable expiresOn");
  return accessToken(body.accessToken, expiresAt - AZURE_EARLY_EXPIRY_MS);
}
