/**
 * Databricks Apps: the platform injects the app's service principal as `DATABRICKS_CLIENT_ID` /
 * `DATABRICKS_CLIENT_SECRET` (with `DATABRICKS_HOST`), so an app authenticates with OAuth M2M
 * (docs/auth.md#databricks-apps).
 */
import { CredentialUnavailableError } from "./errors.js";
import { oauthM2MCredentials, type OAuthM2MOptions } from "./m2m.js";
import { processEnv } from "./pat.js";
import type { NamedTokenProvider } from "./token-provider.js";

export interface DatabricksAppsOptions extends Omit<OAuthM2MOptions, "host" | "clientId" | "clientSecret" | "name"> {
  /** Where to read the injected variables. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The app's own service principal inside Databricks Apps (reports the name `"oauth-m2m"`, as the
 * official SDKs do). Throws `CredentialUnavailableError` outside an app.
 *
 * @example
 * const client = createLakebaseClient({ host: process.env.DATABRICKS_HOST!, auth: databricksAppsCredentials() });
 */
export function databricksAppsCredentials(options: DatabricksAppsOptions = {}): NamedTokenProvider {
  const env = options.env ?? processEnv();
  const missing = ["DATABRICKS_HOST", "DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET"].filter((k) => !env[k]);
  if (missing.length > 0) {
    throw new CredentialUnavailableError("oauth-m2m", `not running in Databricks Apps (${missing.join(", ")} not set)`);
  }
  const { env: _env, ...rest } = options;
  return oauthM2MCredentials({ ...rest, host: env.DATABRICKS_HOST!, clientId: env.DATABRICKS_CLIENT_ID!, clientSecret: env.DATABRICKS_CLIENT_SECRET! });
}
