/** `file-oidc`: an ID token read from a file on every exchange (e.g. a projected Kubernetes token). Node-only. */
import { readFile } from "node:fs/promises";
import { AuthConfigError, CredentialUnavailableError } from "./errors.js";
import type { IdTokenSource } from "./wif.js";

/**
 * An ID token source reading `path` (`DATABRICKS_OIDC_TOKEN_FILEPATH`) each time. A missing file
 * is an `AuthConfigError` (the path was configured); an empty one `CredentialUnavailableError`.
 */
export function idTokenFromFile(path: string): IdTokenSource {
  return async () => {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      throw new AuthConfigError("file-oidc", `cannot read the ID token file ${path}: ${(error as { code?: string }).code ?? "error"}`);
    }
    const token = text.trim();
    if (!token) throw new CredentialUnavailableError("file-oidc", `the ID token file ${path} is empty`);
    return token;
  };
}
