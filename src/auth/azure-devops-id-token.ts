/**
 * The Azure DevOps Pipelines ID token (`azure-devops-oidc`; docs/auth.md#workload-identity-federation),
 * as the Go SDK asks for it, from the pipeline's predefined variables:
 *
 *   POST {SYSTEM_TEAMFOUNDATIONCOLLECTIONURI}{SYSTEM_TEAMPROJECTID}/_apis/distributedtask/hubs/{SYSTEM_HOSTTYPE}
 *        /plans/{SYSTEM_PLANID}/jobs/{SYSTEM_JOBID}/oidctoken?api-version=7.2-preview.1
 *   Authorization: Bearer {SYSTEM_ACCESSTOKEN}
 *   → {"oidcToken": "<jwt>"}
 *
 * The token's audience is fixed by Azure DevOps (`api://AzureADTokenExchange`); it is exchanged at
 * the Databricks token endpoint like every workload identity token (wif.ts), so the service
 * principal needs a federation policy for it. `SYSTEM_ACCESSTOKEN` must be mapped into the step's
 * environment (`env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)`).
 */
import { AuthConfigError, CredentialUnavailableError } from "./errors.js";
import { isSafeUrl } from "./host.js";
import { processEnv } from "./pat.js";
import { readTokenField, sendTokenRequest, type TokenHttpOptions } from "./token-http.js";
import type { IdTokenSource } from "./wif.js";

/** The pipeline variables the ID token request needs, in the order they are checked. */
export const AZURE_DEVOPS_VARIABLES = /* @__PURE__ */ Object.freeze(["SYSTEM_ACCESSTOKEN", "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI", "SYSTEM_TEAMPROJECTID", "SYSTEM_HOSTTYPE", "SYSTEM_PLANID", "SYSTEM_JOBID"] as const);

export interface AzureDevOpsIdTokenOptions extends Pick<TokenHttpOptions, "fetch" | "retry" | "timeoutMs"> {
  /** Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The Azure DevOps ID token source. Throws `CredentialUnavailableError` outside a pipeline. */
export function azureDevOpsIdToken(options: AzureDevOpsIdTokenOptions = {}): IdTokenSource {
  const provider = "azure-devops-oidc";
  const env = options.env ?? processEnv();
  const missing = AZURE_DEVOPS_VARIABLES.filter((name) => !env[name]?.trim());
  if (missing.length) throw new CredentialUnavailableError(provider, `not in an Azure DevOps pipeline (${missing.join(", ")} not set)`);
  const v = (name: (typeof AZURE_DEVOPS_VARIABLES)[number]) => env[name]!.trim();
  const collection = v("SYSTEM_TEAMFOUNDATIONCOLLECTIONURI").replace(/\/+$/, "");
  if (!isSafeUrl(collection)) throw new AuthConfigError(provider, "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI must use https");
  const path = [v("SYSTEM_TEAMPROJECTID"), "_apis/distributedtask/hubs", v("SYSTEM_HOSTTYPE"), "plans", v("SYSTEM_PLANID"), "jobs", v("SYSTEM_JOBID"), "oidctoken"]
    .map((part, i) => (i === 1 ? part : encodeURIComponent(part)))
    .join("/");
  const url = `${collection}/${path}?api-version=7.2-preview.1`;
  const accessToken = v("SYSTEM_ACCESSTOKEN");
  return async ({ signal }) => {
    const ctx = { provider, secrets: [accessToken], url, ...(signal ? { signal } : {}) };
    const response = await sendTokenRequest(
      () => new Request(url, { method: "POST", headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/json", "Content-Type": "application/json" } }),
      ctx,
      options,
    );
    return readTokenField(response, ctx, "oidcToken", "the Azure DevOps ID token response");
  };
}
