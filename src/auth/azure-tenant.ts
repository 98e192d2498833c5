/**
 * The tenant of an Azure Databricks workspace, read from the `Location` of `GET {host}/aad/auth`
 * (`https://login…/{tenant}/oauth2/authorize?…`), the redirect not followed (docs/auth.md#azure).
 */
import { AuthenticationFailedError } from "./errors.js";
import { sendTokenRequest, type TokenHttpOptions } from "./token-http.js";

/** The workspace's Entra tenant id. */
export async function discoverAzureTenant(provider: string, host: string, http: TokenHttpOptions, signal?: AbortSignal): Promise<string> {
  const url = `${host}/aad/auth`;
  const response = await sendTokenRequest(() => new Request(url), { provider, secrets: [], url, ...(signal ? { signal } : {}) }, http);
  await response.body?.cancel().catch(() => {});
  const location = response.headers.get("location");
  const match = location ? /^https:\/\/[^/]+\/([^/?#]+)\//.exec(location) : null;
  if (!match?.[1]) {
    throw new AuthenticationFailedError(provider, `could not discover the tenant id from ${url} (HTTP ${response.status}); set ARM_TENANT_ID`, { status: response.status, endpoint: url });
  }
  return decodeURIComponent(match[1]);
}

/** `discoverAzureTenant`, once per provider: concurrent callers share it, a failure is not remembered. */
export function memoizeTenant(known: string | undefined, discover: (signal?: AbortSignal) => Promise<string>): (signal?: AbortSignal) => Promise<string> {
  let tenant: Promise<string> | undefined = known ? Promise.resolve(known) : undefined;
  return (signal) => {
    if (!tenant) {
      const pending = discover(signal);
      tenant = pending;
      pending.catch(() => {
        if (tenant === pending) tenant = undefined;
      });
    }
    return tenant;
  };
}
