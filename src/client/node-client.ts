import { clientWith, type LakebaseClientInit, type LakebaseClient } from "../client.js";
import { nodeDefaults } from "./node-defaults.js";

/**
 * A client with one namespace per resource kind and one method per API method. With `host` or
 * `auth` left out (or no argument at all) they come from the default credential chain: the
 * `DATABRICKS_*` variables, a `~/.databrickscfg` profile, a CLI login or a cloud identity, and the
 * host it names; `DATABRICKS_WORKSPACE_ID` and the knobs are followed (docs/auth.md#zero-argument-client).
 *
 * @example
 * import { createLakebaseClient } from "lakebase-sdk";
 * const client = createLakebaseClient(); // DATABRICKS_HOST + any credential the chain finds
 */
export function createLakebaseClient(options?: LakebaseClientInit): LakebaseClient {
  return clientWith(options, nodeDefaults);
}
