/**
 * lakebase-sdk: the typed client for the Databricks Lakebase Postgres API (`/api/2.0/postgres`).
 * This entry is fetch-only (no `node:` imports) so it runs in edge runtimes; zod loads only
 * when `validateResponses` is on, and the schemas live in `lakebase-sdk/schemas`.
 */
export { createLakebaseClient, type LakebaseClient, type LakebaseClientOptions } from "./client.js";
export { staticToken, type AccessToken, type AuthOption, type GetTokenOptions, type TokenProvider } from "./auth/token-provider.js";
export type { CallOptions, RequestInfo } from "./ops/call.js";
export { InvalidResponseError } from "./ops/call.js";
export type { FetchLike, RetryOptions } from "./ops/retry.js";
export { RequestTimeoutError } from "./ops/transport.js";
export * from "./ops/errors.js";
export {
  names,
  parseName,
  formatName,
  type ProjectName,
  type BranchName,
  type EndpointName,
  type DatabaseName,
  type RoleName,
  type DataApiName,
  type CdfConfigName,
  type CdfStatusName,
  type CatalogName,
  type SyncedTableName,
  type OperationName,
} from "./ops/names.js";
export { operations, type OperationId, type OperationInfo } from "./generated/operations.js";
export type * from "./generated/models.js";
export type { paths, components } from "./generated/openapi.js";
export { SDK_VERSION } from "./version.js";
