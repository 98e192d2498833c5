/**
 * lakebase-sdk: the typed client for the Databricks Lakebase Postgres API (`/api/2.0/postgres`).
 * This entry is fetch-only (no `node:` imports) so it runs in edge runtimes; zod loads only
 * when `validateResponses` is on, and the schemas live in `lakebase-sdk/schemas`.
 */
export { createCoreClient, createLakebaseClient, type LakebaseClient, type LakebaseClientOptions } from "./client.js";
export type { Lakebase } from "./ops/context.js";
export * from "./generated/functions.js";
export { waitForEndpointReady, isEndpointReady } from "./client/endpoints.js";
export { resumeOperation } from "./client/operations.js";
export { currentUser, type CurrentUser } from "./client/current-user.js";
export type { ConflictRetryOptions, Handle, QueryOf, UpdateParams } from "./ops/methods.js";
export { staticToken, type AccessToken, type AuthOption, type GetTokenOptions, type TokenProvider } from "./auth/token-provider.js";
export type { CallOptions, RequestInfo } from "./ops/call.js";
export { InvalidResponseError } from "./ops/call.js";
export type { FetchLike, RetryOptions } from "./ops/retry.js";
export * from "./ops/errors.js";
export {
  names,
  parseName,
  formatName,
  NAME_TEMPLATES,
  type ResourceKind,
  type NameParts,
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
export { ID_RULES, validateId } from "./ops/ids.js";
export { SDK_VERSION } from "./version.js";
export { OperationHandle } from "./ops/lro/operation.js";
export type { LroMetadata, LroOperationId, LroResult, OperationProgress, WaitOptions } from "./ops/lro/types.js";
export { OperationTimeoutError, PaginationLoopError, WaitTimeoutError } from "./ops/lro/errors.js";
export type { ReadinessOptions } from "./ops/lro/readiness.js";
export { Paginated, type Page, type PagesOptions } from "./ops/paginate.js";
export { fieldMask, type FieldMaskApi, type FieldPath, type MaskPath, type MaskResource } from "./ops/masks/index.js";
export { type NamedTokenProvider } from "./auth/token-provider.js";
export { AuthError, CredentialUnavailableError, NoCredentialsError, AuthConfigError, AuthenticationFailedError, InvalidTokenResponseError, type SkippedProvider, type AuthenticationFailedInit } from "./auth/errors.js";
export { cachedTokenProvider, isCachedTokenProvider, type CachedTokenProviderOptions, type TokenRefreshEvent } from "./auth/cache.js";
export { chainCredentials, type ChainOptions, type ChainedTokenProvider, type CredentialLink, type SelectedCredential } from "./auth/chain.js";
export type { TokenHttpOptions, TokenRetryOptions } from "./auth/token-http.js";
export { patCredentials, type PatOptions } from "./auth/pat.js";
export { oauthM2MCredentials, type OAuthM2MOptions } from "./auth/m2m.js";
export { databricksAppsCredentials, type DatabricksAppsOptions } from "./auth/apps.js";
export { azureClientSecretCredentials, AZURE_DATABRICKS_RESOURCE_ID, AZURE_LOGIN_ENDPOINTS, type AzureClientSecretOptions } from "./auth/azure.js";
export { metadataServiceCredentials, type MetadataServiceOptions } from "./auth/metadata-service.js";
export { workloadIdentityCredentials, idTokenFromEnv, githubActionsIdToken, type IdTokenSource, type WorkloadIdentityOptions, type GitHubActionsIdTokenOptions } from "./auth/wif.js";
