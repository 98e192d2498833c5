/**
 * What `createLakebaseClient()` fills in from the environment where the runtime has no Node
 * (the core entry's `default` export condition: browsers, workers, edge functions): the host
 * from `DATABRICKS_HOST`, a personal access token from `DATABRICKS_TOKEN`, and the knobs. Read
 * through `globalThis.process?.env`, so the entry stays fetch-only (docs/auth.md#zero-argument-client).
 * OAuth and the rest of the default chain need their providers (`lakebase-sdk/auth`) or Node,
 * where the `node` condition resolves to a build with the full chain (node-defaults.ts).
 */
import { idsFromHostQuery } from "../auth/host-query.js";
import type { LakebaseClientInit } from "../client.js";
import type { LakebaseClientOptions } from "./core.js";
import { withKnobs } from "./knobs.js";

function readEnv(): Record<string, string | undefined> {
  try {
    return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  } catch {
    return {}; // Deno without --allow-env
  }
}

/** Host and auth from the environment, or a TypeError that names what to set or pass. */
export function envDefaults(options: LakebaseClientInit): LakebaseClientOptions {
  const env = readEnv();
  const host = options.host ?? env.DATABRICKS_HOST;
  const auth = options.auth ?? env.DATABRICKS_TOKEN;
  if (!host || !auth) {
    throw new TypeError(
      `createLakebaseClient: no ${!host ? "host" : "auth"}; set DATABRICKS_HOST and DATABRICKS_TOKEN, or pass { host, auth } (OAuth providers are in lakebase-sdk/auth; under Node the default credential chain applies)`,
    );
  }
  return withKnobs({ ...options, host, auth }, {
    workspaceId: env.DATABRICKS_WORKSPACE_ID ?? idsFromHostQuery(host).workspaceId,
    httpTimeoutSeconds: env.DATABRICKS_HTTP_TIMEOUT_SECONDS,
    retryTimeoutSeconds: env.DATABRICKS_RETRY_TIMEOUT_SECONDS,
    rateLimit: env.DATABRICKS_RATE_LIMIT,
    debugHeaders: env.DATABRICKS_DEBUG_HEADERS,
  });
}
