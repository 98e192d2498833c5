/** `pat`: a Databricks personal access token, sent as is (docs/auth.md#pat). */
import { AuthConfigError, CredentialUnavailableError } from "./errors.js";
import { staticToken, type NamedTokenProvider } from "./token-provider.js";

export interface PatOptions {
  /** The token; defaults to `DATABRICKS_TOKEN` from `env`. */
  readonly token?: string;
  /** Where to read `DATABRICKS_TOKEN` from. Default `process.env` when there is one. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The environment of the current process, or `{}` where there is none (browsers, some edge runtimes). */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

/**
 * A personal access token (`DATABRICKS_TOKEN`). The token is trimmed; one containing whitespace is
 * refused. Throws `CredentialUnavailableError` when there is no token. A 401 with it is final.
 *
 * @example
 * createLakebaseClient({ host, auth: patCredentials() }); // reads DATABRICKS_TOKEN
 */
export function patCredentials(options: PatOptions = {}): NamedTokenProvider {
  const raw = options.token ?? (options.env ?? processEnv()).DATABRICKS_TOKEN;
  const token = raw?.trim();
  if (!token) throw new CredentialUnavailableError("pat", "no token (set DATABRICKS_TOKEN or `token` in a profile)");
  if (/\s/.test(token)) throw new AuthConfigError("pat", "the token contains whitespace");
  return staticToken(token, { name: "pat" });
}
