/**
 * Error class hierarchy of the SDK (reference §9.2).
 *
 *   LakebaseError
 *   ├─ ValidationError                       bad input caught before sending
 *   └─ ApiError                              server said no (or a failed long-running operation)
 *      ├─ BadRequestError 400                ├ InvalidStateError, InvalidParameterValueError
 *      ├─ UnauthenticatedError 401
 *      ├─ PermissionDeniedError 403
 *      ├─ NotFoundError 404                  ├ ResourceDoesNotExistError
 *      ├─ ResourceConflictError 409          ├ AbortedError, AlreadyExistsError, ResourceAlreadyExistsError
 *      ├─ TooManyRequestsError 429           ├ ResourceExhaustedError, RequestLimitExceededError
 *      ├─ CancelledError 499
 *      ├─ InternalError 500                  ├ UnknownError, DataLossError
 *      ├─ NotImplementedError 501
 *      ├─ TemporarilyUnavailableError 503
 *      └─ DeadlineExceededError 504
 *
 * The class is picked by `error_code` first, then by HTTP status. Statuses without a mapping
 * (e.g. 405, 410, 502) produce a plain `ApiError` — there is deliberately no generic
 * "ServerError"/"ClientError" layer; use `err.status` for those.
 *
 * Nothing here ever reads request headers: an ApiError cannot carry an Authorization value.
 */

import { setName } from "./class-name.js";
import { redactSecrets } from "./redact.js";
import { networkErrorCodes, PRE_SEND_ERROR_CODES } from "./network-codes.js";
import {
  findDetail,
  parseErrorDetails,
  type BadRequestDetail,
  type ErrorDetail,
  type ErrorInfoDetail,
  type RequestInfoDetail,
  type RetryInfoDetail,
} from "./error-details.js";
import { parseErrorResponse, redactErrorInit, truncateUtf8, type ApiErrorInit, type RawErrorResponse } from "./parse-error-body.js";

export type { ApiErrorInit, RawErrorResponse } from "./parse-error-body.js";
export type { ErrorDetail } from "./error-details.js";


/**
 * Marks `LakebaseError.prototype` of every copy of this package loaded in the process (the ESM and
 * the CommonJS build, two versions side by side): `Symbol.for` keys are shared process-wide.
 */
const BRAND = Symbol.for("lakebase-sdk.LakebaseError");

function ownName(proto: object): string | undefined {
  const name = Object.getOwnPropertyDescriptor(proto, "name")?.value;
  return typeof name === "string" ? name : undefined;
}

/**
 * `value` is an instance of the class named like `cls` in another copy of this package: a branded
 * error whose prototype chain (up to LakebaseError) has a prototype named like `cls.prototype`.
 * Classes are named by `setName` on their prototype; a class without its own prototype name
 * (such as a user's subclass) matches only through the ordinary prototype check.
 */
function isSameClassFromAnotherCopy(cls: { prototype: object }, value: unknown): boolean {
  if (typeof value !== "object" || value === null || (value as { [BRAND]?: unknown })[BRAND] !== true) return false;
  const name = ownName(cls.prototype);
  if (name === undefined) return false;
  for (let proto = Object.getPrototypeOf(value) as object | null; proto !== null && BRAND in proto; proto = Object.getPrototypeOf(proto) as object | null) {
    if (ownName(proto) === name) return true;
  }
  return false;
}

/** Base of every error this SDK throws. Its message is scrubbed of secrets (see auth/secrets.ts). */
export class LakebaseError extends Error {
  static {
    setName(this, "LakebaseError");
    Object.defineProperty(this.prototype, BRAND, { value: true, enumerable: false });
  }

  /**
   * `instanceof` also recognises errors thrown by another copy of this package (an ESM and a
   * CommonJS copy in one process), by class name. Inherited by every subclass, checked per class.
   */
  static override [Symbol.hasInstance]<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    return Function.prototype[Symbol.hasInstance].call(this, value) || isSameClassFromAnotherCopy(this, value);
  }

  constructor(message?: string, options?: { cause?: unknown }) {
    super(message === undefined ? undefined : redactSecrets(message), options);
    // Keep `instanceof` working even if compiled to a target that breaks Error subclassing.
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

const MAX_VALUE_IN_MESSAGE = 100;

function safeValue(value: unknown): string | number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.length <= MAX_VALUE_IN_MESSAGE && redactSecrets(value) === value) return value;
  return undefined;
}

/** Bad input caught before any request is sent. */
export class ValidationError extends LakebaseError {
  static {
    setName(this, "ValidationError");
  }

  /** Name of the offending field/parameter (e.g. "project_id", "update_mask"). */
  readonly field: string;
  /** The rule that was violated, in words. */
  readonly rule: string;
  /** The offending value, kept only when it is a finite number or a short (≤ 100 chars) string. */
  declare readonly value?: string | number;

  /**
   * @param opts.value offending value; appended to the message as ` (got "…")` only when it is a
   *   finite number or a string of at most 100 characters. Callers pass ids and paths, never secrets.
   */
  constructor(field: string, rule: string, opts?: { value?: unknown }) {
    const v = opts && "value" in opts ? safeValue(opts.value) : undefined;
    super(`Invalid ${field}: ${rule}${v === undefined ? "" : ` (got ${JSON.stringify(v)})`}`);
    this.field = field;
    this.rule = rule;
    if (v !== undefined) this.value = v;
  }
}

/** An error answered by the server (HTTP non-2xx) or carried by a failed long-running operation. */
export class ApiError extends LakebaseError {
  static {
    setName(this, "ApiError");
  }

  /** HTTP status (for operation errors: derived from error_code). */
  readonly status: number;
  /** e.g. "NOT_FOUND"; "UNKNOWN" when the server sent none. */
  readonly errorCode: string;
  /** From a RequestInfo detail, else the x-request-id / x-databricks-request-id response header. */
  declare readonly requestId?: string;
  /** Parsed `details[]`; unknown `@type`s are kept raw. */
  readonly details: ErrorDetail[];
  /** Request method (upper-case). */
  declare readonly method?: string;
  /** Request URL pathname only (no host, no query). */
  declare readonly path?: string;
  /** Larger of Retry-After and RetryInfo.retry_delay, in ms. */
  declare readonly retryAfterMs?: number;
  /** Set when the error came from a failed Operation. */
  declare readonly operationName?: string;
  /** The message as said by the server (no code prefix). */
  readonly serverMessage: string;
  /** Raw body text (≤ 2 KiB), only when the body was not structured JSON. Not enumerable. */
  declare readonly rawBody?: string;

  constructor(raw: ApiErrorInit) {
    // Server text may quote a secret back (a 401 echoing the bearer token): scrubbed here, once for every path.
    const init = redactErrorInit(raw);
    const errorCode = init.errorCode ?? "UNKNOWN";
    const suffix = init.requestId ? ` (request id ${init.requestId})` : "";
    const core = `${errorCode}: ${init.serverMessage}`;
    super(init.operationName !== undefined ? `operation ${init.operationName} failed: ${core}${suffix}` : `${core}${suffix}`);
    this.status = init.status;
    this.errorCode = errorCode;
    this.serverMessage = init.serverMessage;
    this.details = init.details;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.method !== undefined) this.method = init.method;
    if (init.path !== undefined) this.path = init.path;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.operationName !== undefined) this.operationName = init.operationName;
    if (init.rawBody !== undefined) {
      Object.defineProperty(this, "rawBody", {
        value: truncateUtf8(init.rawBody),
        enumerable: false,
        writable: false,
        configurable: true,
      });
    }
  }

  /** NotFound family: 404, NOT_FOUND or RESOURCE_DOES_NOT_EXIST. */
  get isMissing(): boolean {
    return (
      this instanceof NotFoundError ||
      this.status === 404 ||
      this.errorCode === "NOT_FOUND" ||
      this.errorCode === "RESOURCE_DOES_NOT_EXIST"
    );
  }

  /** 429, 503, RESOURCE_EXHAUSTED, REQUEST_LIMIT_EXCEEDED or TEMPORARILY_UNAVAILABLE. */
  get isRetryable(): boolean {
    return this.status === 429 || this.status === 503 || RETRYABLE_ERROR_CODES.has(this.errorCode);
  }

  /**
   * Deleting an implicitly-managed child (root branch, read-write endpoint): an ErrorInfo with
   * metadata.declarative_context === "MANAGED_BY_PARENT". Safe to ignore — the parent's delete cascades.
   */
  get managedByParent(): boolean {
    return this.details.some(
      (d) => d.type === "ErrorInfo" && d.metadata.declarative_context === "MANAGED_BY_PARENT",
    );
  }

  /** First ErrorInfo detail, if any. */
  get errorInfo(): ErrorInfoDetail | undefined {
    return findDetail(this.details, "ErrorInfo");
  }

  /** First RequestInfo detail, if any. */
  get requestInfo(): RequestInfoDetail | undefined {
    return findDetail(this.details, "RequestInfo");
  }

  /** First RetryInfo detail, if any. */
  get retryInfo(): RetryInfoDetail | undefined {
    return findDetail(this.details, "RetryInfo");
  }

  /** First BadRequest (field violations) detail, if any. */
  get badRequest(): BadRequestDetail | undefined {
    return findDetail(this.details, "BadRequest");
  }

  /** Safe summary: no headers, no body beyond the server's message and details. */
  toJSON(): {
    name: string;
    message: string;
    status: number;
    errorCode: string;
    requestId?: string;
    method?: string;
    path?: string;
    retryAfterMs?: number;
    operationName?: string;
    details: ErrorDetail[];
  } {
    const out: ReturnType<ApiError["toJSON"]> = {
      name: this.name,
      message: this.message,
      status: this.status,
      errorCode: this.errorCode,
      details: this.details,
    };
    if (this.requestId !== undefined) out.requestId = this.requestId;
    if (this.method !== undefined) out.method = this.method;
    if (this.path !== undefined) out.path = this.path;
    if (this.retryAfterMs !== undefined) out.retryAfterMs = this.retryAfterMs;
    if (this.operationName !== undefined) out.operationName = this.operationName;
    return out;
  }
}

// --- by HTTP status --------------------------------------------------------------------------

/** HTTP 400. */
export class BadRequestError extends ApiError {
  static {
    setName(this, "BadRequestError");
  }
}
/** HTTP 401. */
export class UnauthenticatedError extends ApiError {
  static {
    setName(this, "UnauthenticatedError");
  }
}
/** HTTP 403. */
export class PermissionDeniedError extends ApiError {
  static {
    setName(this, "PermissionDeniedError");
  }
}
/** HTTP 404. */
export class NotFoundError extends ApiError {
  static {
    setName(this, "NotFoundError");
  }
}
/** HTTP 409. */
export class ResourceConflictError extends ApiError {
  static {
    setName(this, "ResourceConflictError");
  }
}
/** HTTP 429. */
export class TooManyRequestsError extends ApiError {
  static {
    setName(this, "TooManyRequestsError");
  }
}
/** HTTP 499. */
export class CancelledError extends ApiError {
  static {
    setName(this, "CancelledError");
  }
}
/** HTTP 500. */
export class InternalError extends ApiError {
  static {
    setName(this, "InternalError");
  }
}
/** HTTP 501. */
export class NotImplementedError extends ApiError {
  static {
    setName(this, "NotImplementedError");
  }
}
/** HTTP 503. */
export class TemporarilyUnavailableError extends ApiError {
  static {
    setName(this, "TemporarilyUnavailableError");
  }
}
/** HTTP 504. */
export class DeadlineExceededError extends ApiError {
  static {
    setName(this, "DeadlineExceededError");
  }
}

// --- by error_code ---------------------------------------------------------------------------

/** INVALID_STATE. */
export class InvalidStateError extends BadRequestError {
  static {
    setName(this, "InvalidStateError");
  }
}
/** INVALID_PARAMETER_VALUE. */
export class InvalidParameterValueError extends BadRequestError {
  static {
    setName(this, "InvalidParameterValueError");
  }
}
/** RESOURCE_DOES_NOT_EXIST. */
export class ResourceDoesNotExistError extends NotFoundError {
  static {
    setName(this, "ResourceDoesNotExistError");
  }
}
/** ABORTED. */
export class AbortedError extends ResourceConflictError {
  static {
    setName(this, "AbortedError");
  }
}
/** ALREADY_EXISTS. */
export class AlreadyExistsError extends ResourceConflictError {
  static {
    setName(this, "AlreadyExistsError");
  }
}
/** RESOURCE_ALREADY_EXISTS. */
export class ResourceAlreadyExistsError extends ResourceConflictError {
  static {
    setName(this, "ResourceAlreadyExistsError");
  }
}
/** RESOURCE_EXHAUSTED. */
export class ResourceExhaustedError extends TooManyRequestsError {
  static {
    setName(this, "ResourceExhaustedError");
  }
}
/** REQUEST_LIMIT_EXCEEDED. */
export class RequestLimitExceededError extends TooManyRequestsError {
  static {
    setName(this, "RequestLimitExceededError");
  }
}
/** UNKNOWN (only when the server explicitly sent it). */
export class UnknownError extends InternalError {
  static {
    setName(this, "UnknownError");
  }
}
/** DATA_LOSS. */
export class DataLossError extends InternalError {
  static {
    setName(this, "DataLossError");
  }
}

// --- mapping ---------------------------------------------------------------------------------

export type ApiErrorClass = new (init: ApiErrorInit) => ApiError;

/** Error codes the transport retries and `isRetryable` reports (besides HTTP 429/503). */
export const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  "RESOURCE_EXHAUSTED",
  "REQUEST_LIMIT_EXCEEDED",
  "TEMPORARILY_UNAVAILABLE",
]);

const STATUS_CLASSES: ReadonlyMap<number, ApiErrorClass> = new Map<number, ApiErrorClass>([
  [400, BadRequestError],
  [401, UnauthenticatedError],
  [403, PermissionDeniedError],
  [404, NotFoundError],
  [409, ResourceConflictError],
  [429, TooManyRequestsError],
  [499, CancelledError],
  [500, InternalError],
  [501, NotImplementedError],
  [503, TemporarilyUnavailableError],
  [504, DeadlineExceededError],
]);

const CODE_CLASSES: ReadonlyMap<string, ApiErrorClass> = new Map<string, ApiErrorClass>([
  // specific codes (§9.2 second table)
  ["INVALID_STATE", InvalidStateError],
  ["INVALID_PARAMETER_VALUE", InvalidParameterValueError],
  ["RESOURCE_DOES_NOT_EXIST", ResourceDoesNotExistError],
  ["ABORTED", AbortedError],
  ["ALREADY_EXISTS", AlreadyExistsError],
  ["RESOURCE_ALREADY_EXISTS", ResourceAlreadyExistsError],
  ["RESOURCE_EXHAUSTED", ResourceExhaustedError],
  ["REQUEST_LIMIT_EXCEEDED", RequestLimitExceededError],
  ["UNKNOWN", UnknownError],
  ["DATA_LOSS", DataLossError],
  // plain codes that name a status class
  ["BAD_REQUEST", BadRequestError],
  ["UNAUTHENTICATED", UnauthenticatedError],
  ["PERMISSION_DENIED", PermissionDeniedError],
  ["NOT_FOUND", NotFoundError],
  ["RESOURCE_CONFLICT", ResourceConflictError],
  ["CANCELLED", CancelledError],
  ["INTERNAL_ERROR", InternalError],
  ["NOT_IMPLEMENTED", NotImplementedError],
  ["TEMPORARILY_UNAVAILABLE", TemporarilyUnavailableError],
  ["DEADLINE_EXCEEDED", DeadlineExceededError],
]);

const CODE_STATUS: ReadonlyMap<string, number> = new Map<string, number>([
  ["NOT_FOUND", 404],
  ["RESOURCE_DOES_NOT_EXIST", 404],
  ["ALREADY_EXISTS", 409],
  ["RESOURCE_ALREADY_EXISTS", 409],
  ["ABORTED", 409],
  ["RESOURCE_CONFLICT", 409],
  ["INVALID_PARAMETER_VALUE", 400],
  ["BAD_REQUEST", 400],
  ["INVALID_STATE", 400],
  ["PERMISSION_DENIED", 403],
  ["UNAUTHENTICATED", 401],
  ["RESOURCE_EXHAUSTED", 429],
  ["REQUEST_LIMIT_EXCEEDED", 429],
  ["TEMPORARILY_UNAVAILABLE", 503],
  ["DEADLINE_EXCEEDED", 504],
  ["NOT_IMPLEMENTED", 501],
  ["CANCELLED", 499],
]);

/**
 * The ApiError subclass for a status / error_code pair. A known `errorCode` wins over the status;
 * otherwise the status decides; unmapped statuses (4xx or 5xx) give the `ApiError` base class.
 * Pass `errorCode` only when the server actually sent one (an absent code is not "UNKNOWN").
 */
export function errorClassFor(status: number, errorCode?: string): ApiErrorClass {
  if (errorCode !== undefined) {
    const byCode = CODE_CLASSES.get(errorCode);
    if (byCode) return byCode;
  }
  return STATUS_CLASSES.get(status) ?? ApiError;
}

/** HTTP status implied by an error_code (used for operation errors); 500 when unknown. */
export function statusForErrorCode(errorCode: string | undefined): number {
  return (errorCode !== undefined ? CODE_STATUS.get(errorCode) : undefined) ?? 500;
}

/** Build an ApiError of the right subclass from already-parsed fields. */
export function createApiError(init: ApiErrorInit): ApiError {
  const Cls = errorClassFor(init.status, init.errorCode);
  return new Cls(init);
}

// --- factories -------------------------------------------------------------------------------

/**
 * Build the typed error for a non-2xx HTTP response. `url` is reduced to its pathname; headers
 * are consulted only for the request id and Retry-After.
 */
export function apiErrorFromResponse(input: RawErrorResponse): ApiError {
  return createApiError(parseErrorResponse(input));
}

/**
 * Build the typed error carried by a failed long-running Operation (`operation.error`). The status
 * is derived from the error_code (e.g. NOT_FOUND → 404; unknown → 500).
 */
export function apiErrorFromOperation(
  opError: { error_code?: string | number; message?: string; details?: unknown[] } | undefined,
  operationName: string,
): ApiError {
  const rawCode = opError?.error_code;
  const errorCode =
    typeof rawCode === "number" && Number.isFinite(rawCode)
      ? String(rawCode)
      : typeof rawCode === "string" && rawCode.trim() !== ""
        ? rawCode.trim()
        : undefined;
  const details = parseErrorDetails(opError?.details);
  // Scrubbed before truncation, so a cut can never leave half a secret behind.
  const message =
    typeof opError?.message === "string" && opError.message !== ""
      ? truncateUtf8(redactSecrets(opError.message), 4096)
      : "(no error message)";
  const init: ApiErrorInit = {
    status: statusForErrorCode(errorCode),
    serverMessage: message,
    details,
    operationName,
  };
  if (errorCode !== undefined) init.errorCode = errorCode;
  const requestId = findDetail(details, "RequestInfo")?.request_id;
  if (requestId) init.requestId = requestId;
  const retryMs = findDetail(details, "RetryInfo")?.retryDelayMs;
  if (retryMs !== undefined) init.retryAfterMs = Math.max(0, retryMs);
  return createApiError(init);
}

/** True for any error thrown by this SDK, including by another copy of it (ESM and CommonJS). */
export function isLakebaseError(e: unknown): e is LakebaseError {
  return typeof e === "object" && e !== null && (e as { [BRAND]?: unknown })[BRAND] === true;
}

/** True when `e` is an ApiError in the NotFound family. */
export function isMissing(e: unknown): boolean {
  return e instanceof ApiError && e.isMissing;
}

/** A request attempt ran past `timeoutMs` (headers or body). */
export class RequestTimeoutError extends LakebaseError {
  static {
    setName(this, "RequestTimeoutError");
  }

  readonly timeoutMs: number;
  constructor(timeoutMs: number, method: string, path: string) {
    super(`${method} ${path} timed out after ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The server could not be reached, or the connection broke before a whole answer arrived (a
 * refused port, an unknown host, a reset). `outcomeUnknown` is true for a mutation whose request
 * may have reached the server: it was not re-sent, and the work may or may not have been done —
 * read the resource, or resume its operation, before trying again.
 */
export class NetworkError extends LakebaseError {
  static {
    setName(this, "NetworkError");
  }

  /** The host (and port) that was being talked to. */
  readonly host: string;
  readonly method: string;
  /** URL pathname only. */
  readonly path: string;
  /** The first transport error code seen (`ECONNREFUSED`, `ECONNRESET`, …), or the error's name. */
  readonly code: string;
  /** True when a mutation may have reached the server: its outcome is unknown. */
  readonly outcomeUnknown: boolean;
  /** Set when the failure ended a wait on a long-running operation: resume it by this name. */
  declare readonly operationName?: string;

  constructor(init: { host: string; method: string; path: string; cause: unknown; outcomeUnknown: boolean; operationName?: string }) {
    const codes = networkErrorCodes(init.cause);
    const code = codes.find((c) => PRE_SEND_ERROR_CODES.has(c)) ?? codes[0] ?? errorNameOf(init.cause);
    const what = PRE_SEND_ERROR_CODES.has(code) ? `could not connect to ${init.host} (${code})` : `the connection to ${init.host} failed (${code})`;
    const advice = init.operationName
      ? `; operation ${init.operationName} may still be running — resume the wait with client.operations.resume(${JSON.stringify(init.operationName)})`
      : init.outcomeUnknown
        ? "; the request was sent and not retried: the server may have done the work — read the resource (or resume its operation) before trying again"
        : "";
    super(`${init.method} ${init.path}: ${what}${advice}`, { cause: init.cause });
    this.host = init.host;
    this.method = init.method;
    this.path = init.path;
    this.code = code;
    this.outcomeUnknown = init.outcomeUnknown;
    if (init.operationName !== undefined) this.operationName = init.operationName;
  }
}

function errorNameOf(err: unknown): string {
  return typeof err === "object" && err !== null && typeof (err as { name?: unknown }).name === "string" ? (err as { name: string }).name : "error";
}
