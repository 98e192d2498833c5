/**
 * lakebase-sdk under Node: the package's `node` export condition resolves here (package.json
 * "exports"), everything else resolves to src/index.ts. The API is the same, type for type; only
 * `createLakebaseClient()` differs in what it fills in when `host` or `auth` is left out: the
 * default credential chain and the host it names (src/client/node-defaults.ts) instead of
 * `DATABRICKS_HOST` + `DATABRICKS_TOKEN` (docs/auth.md#zero-argument-client). The core entry
 * itself stays fetch-only for browsers, workers and edge functions.
 */
export * from "./index.js";
export { createLakebaseClient } from "./client/node-client.js";
