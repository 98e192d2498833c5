/**
 * lakebase-sdk: the typed client for the Databricks Lakebase Postgres API (`/api/2.0/postgres`).
 * This entry is fetch-only (no `node:` imports) so it runs in edge runtimes; zod loads only
 * when `validateResponses` is on, and the schemas live in `lakebase-sdk/schemas`. Token
 * providers are in `lakebase-sdk/auth` (and `lakebase-sdk/auth/node`), the openapi-fetch client in
 * `lakebase-sdk/raw`. What is exported here is what a user writes by name; `api/index.api.md`
 * lists it.
 */

// Clients: the namespaced one, and the smallest one the generated functions take.
export { createCoreClient, createLakebaseClient, type LakebaseClient, type LakebaseClientInit, type LakebaseClientOptions } from "./client.js";
export type { Lakebase } from "./ops/context.js";
// One function per operation (`createBranch(client, parent, id, body)`), generated from the spec.
export * from "./generated/functions.js";
export { waitForEndpointReady } from "./client/endpoints.js";
export { resumeOperation } from "./client/operations.js";
export { currentUser, type CurrentUser } from "./client/current-user.js";
export type { ConflictRetryOptions, Handle, QueryOf, UpdateParams } from "./ops/methods.js";
export type { CallOptions, RequestInfo, SchemaSet } from "./ops/call.js";
export type { FetchLike, RetryOptions, RetryInfoEvent } from "./ops/retry.js";
export type { AccessToken, AuthOption, GetTokenOptions, TokenProvider } from "./ops/token-provider.js";
// Events: what `onEvent` and the debug logger hear (types only).
export type {
  CallEventBase,
  LakebaseEvent,
  LakebaseEventListener,
  PageEvent,
  PollEvent,
  RequestEvent,
  ResponseEvent,
  RetryEvent,
  TokenRefreshEvent,
  WaitProgress,
} from "./ops/events.js";

// Errors: the SDK's own, and the server's in a few classes picked by status and error_code.
export {
  LakebaseError,
  ValidationError,
  ApiError,
  BadRequestError,
  UnauthenticatedError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  AlreadyExistsError,
  RateLimitedError,
  UnavailableError,
  InternalError,
  RequestTimeoutError,
  NetworkError,
  isLakebaseError,
  isMissing,
  type ErrorCode,
  type ErrorDetail,
} from "./ops/errors.js";
export { InvalidResponseError } from "./ops/call.js";
// What `createLakebaseClient()` throws when it fills in host and auth (no host; no credentials or
// two methods configured, on the first request): catchable without importing lakebase-sdk/auth.
export { AuthError, AuthConfigError, NoCredentialsError } from "./auth/errors.js";
export { OperationTimeoutError, PaginationLoopError, WaitTimeoutError } from "./ops/lro/errors.js";

// Long-running operations and lists.
export { OperationHandle } from "./ops/lro/operation.js";
export type { LroMetadata, LroOperationId, LroResult, OperationProgress, WaitOptions } from "./ops/lro/types.js";
export type { ReadinessOptions } from "./ops/lro/readiness.js";
export { Paginated, type Page, type PagesOptions } from "./ops/paginate.js";

// Names and masks.
export { names, type NameParts, type OperationName } from "./ops/names.js";
// Builders from a parent name (`endpointName(branch.name, "primary")`), name types and checks: every kind of the spec.
export * from "./generated/name-exports.js";
export { fieldMask, type FieldMaskApi, type FieldPath, type MaskPath, type MaskResource } from "./ops/masks/index.js";

// Models: every schema of the spec (`Branch`, `BranchInput`, …).
export type * from "./generated/models.js";
export type { OperationId, OperationInfo } from "./generated/operations.js";
export type { paths, components } from "./generated/openapi.js";
export { SDK_VERSION } from "./version.js";
