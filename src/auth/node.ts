/**
 * `lakebase-sdk/auth/node`: the Node-only credential providers (they use the file system, child
 * processes or a local HTTP server) and the default credential chain. The HTTP-only providers
 * live in the core entry `lakebase-sdk`, which stays free of `node:` imports.
 *
 * @example
 * import { createLakebaseClient } from "lakebase-sdk";
 * import { defaultCredentials } from "lakebase-sdk/auth/node";
 * const auth = defaultCredentials();
 * const client = createLakebaseClient({ host: auth.host!, auth });
 */
export { AuthConfigError } from "./errors.js";
export {
  defaultCredentials,
  DEFAULT_CHAIN_ORDER,
  SUPPORTED_AUTH_TYPES,
  type DefaultCredentialsOptions,
  type DefaultCredentialsProvider,
} from "./default-credentials.js";
export {
  loadDatabricksConfig,
  ATTRIBUTES as DATABRICKS_CONFIG_ATTRIBUTES,
  type DatabricksConfig,
  type DatabricksConfigAttributes,
  type DatabricksConfigInput,
  type AttributeName,
  type AttributeSource,
} from "./config.js";
export { parseDatabricksConfig, selectProfile, type ConfigSections, type ProfileChoice } from "./config-file.js";
export { databricksCliCredentials, parseCliToken, parseExpiry, type DatabricksCliOptions } from "./cli.js";
export { externalBrowserCredentials, type ExternalBrowserOptions } from "./u2m.js";
export { DEFAULT_CALLBACK_PORTS, type CallbackPorts } from "./callback-server.js";
export { defaultTokenCachePath, readTokenFile, writeTokenFile, type StoredToken } from "./token-file.js";
export { idTokenFromFile } from "./id-token-file.js";
export { azureCliCredentials, parseAzureCliToken, type AzureCliOptions } from "./azure-cli.js";
export { googleApplicationDefaultCredentials, type GoogleAdcOptions } from "./google-adc.js";
export { idsFromHostQuery } from "./config.js";
