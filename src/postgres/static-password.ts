import { rememberSecret } from "../ops/redact.js";
import type { DatabaseCredentialProvider } from "./credential-provider.js";

/**
 * The credential source of native Postgres login (`enable_pg_native_login`): one password the
 * caller already has, so nothing is ever minted (`requests` stays 0) and nothing can be refreshed.
 */
export function staticPassword(password: string): DatabaseCredentialProvider {
  rememberSecret(password); // scrubbed from any error text that quotes it
  return { getPassword: async () => password, invalidate() {}, requests: 0 };
}
