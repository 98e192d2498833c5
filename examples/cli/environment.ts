// The client, from the same environment variables the Databricks CLI and SDKs read, which is also
// what the emulator prints on start (`export DATABRICKS_HOST=…`, `export DATABRICKS_TOKEN=…`).
import { createLakebaseClient, type LakebaseClient } from "lakebase-sdk";
import { UsageError } from "./usage.js";

export function clientFromEnvironment(env: Readonly<Record<string, string | undefined>>): LakebaseClient {
  const host = env.DATABRICKS_HOST;
  const token = env.DATABRICKS_TOKEN;
  // Missing configuration is the caller's to fix, like a missing argument: a usage error (exit 2).
  if (!host) throw new UsageError("DATABRICKS_HOST is not set (the workspace URL)");
  if (!token) throw new UsageError("DATABRICKS_TOKEN is not set (a personal access token or OAuth token)");
  return createLakebaseClient({ host, auth: token, userAgent: "lakebase-example-cli/0.1" });
}
