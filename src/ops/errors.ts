/**
 * Every error class of the core SDK but two small families kept next to their code: the token
 * providers' `AuthError` family (auth/errors.ts) and the waits' and pagination's errors
 * (ops/lro/errors.ts), plus `InvalidResponseError` (ops/call.ts).
 *
 *   LakebaseError                     base of every error the SDK throws; `isLakebaseError(e)`
 *   ├─ ValidationError                bad input refused before any request
 *   ├─ RequestTimeoutError            one attempt ran past `timeoutMs`
 *   ├─ NetworkError                   no whole answer: refused port, unknown host, reset
 *   └─ ApiError                       the server said no, or a long-running operation failed
 *      ├─ BadRequestError
 *      ├─ UnauthenticatedError
 *      ├─ PermissionDeniedError
 *      ├─ NotFoundError
 *      ├─ ConflictError
 *      │  └─ AlreadyExistsError
 *      ├─ RateLimitedError
 *      ├─ UnavailableError
 *      └─ InternalError
 *
 * The ApiError class is picked in one place, `errorClassFor`. A known `error_code` (a member of
 * the spec's `ErrorCode` schema listed below) stands for a status, and wins over the response's
 * status: a 400 saying RESOURCE_DOES_NOT_EXIST is a NotFoundError.
 * Any other code, or none, leaves the choice to the status. A failed long-running operation
 * carries no HTTP status: it gets the code's status (500 for a code outside the table).
 *
 *   class                  status    error_code
 *   BadRequestError        400       BAD_REQUEST, INVALID_PARAMETER_VALUE, INVALID_STATE
 *   UnauthenticatedError   401       UNAUTHENTICATED
 *   PermissionDeniedError  403       PERMISSION_DENIED
 *   NotFoundError          404       NOT_FOUND, RESOURCE_DOES_NOT_EXIST
 *   AlreadyExistsError     409       ALREADY_EXISTS, RESOURCE_ALREADY_EXISTS   (a ConflictError)
 *   ConflictError          409       ABORTED, RESOURCE_CONFLICT, other codes at 409
 *   RateLimitedError       429       RESOURCE_EXHAUSTED, REQUEST_LIMIT_EXCEEDED
 *   InternalError          500       INTERNAL_ERROR, DATA_LOSS, UNKNOWN (when the server sends it)
 *   UnavailableError       503, 504  TEMPORARILY_UNAVAILABLE, DEADLINE_EXCEEDED
 *   ApiError               499, 501  CANCELLED, NOT_IMPLEMENTED
 *   ApiError               any other status (405, 410, 422, 502, …) with any other code
 *
 * 499 and 501 get no class of their own: a request the caller cancelled, or a method the server
 * does not have, is not something a program handles by type; `status` and `errorCode` say it.
 * Nor is there a generic "ClientError"/"ServerError" layer: use `status` for those.
 * Whether to try again is `isRetryable`, not the class: after a 504 the server may have done the
 * work, so only 429, 503 and their codes are retryable.
 *
 * `errorCode` is the spec's open enum (`ErrorCode`): the known codes autocomplete, and any other
 * string a server sends is kept as is. `details` are parsed on first read, not when the error is
 * built. Nothing here ever reads request headers: an ApiError cannot carry an Authorization value.
 */

import type { ErrorCode } from "../generated/models.js";
import { prototypeName, setOwnName } from "./class-name.js";
import { redactSecrets } from "./redact.js";
import { networkErrorCodes, PRE_SEND_ERROR_CODES } from "./network-codes.js";
import {
  findDetail,
  findWireDetail,
  mapDetailStrings,
  parseErrorDetails,
  type BadRequestDetail,
  type ErrorDetail,
  type ErrorInfoDetail,
  type RequestInfoDetail,
  type RetryInfoDetail,
} from "./error-details.js";
import {
  codeString,
  MAX_MESSAGE_BYTES,
  parseErrorResponse,
  redactErrorInit,
  truncateUtf8,
  withoutUndefined,
  type ApiErrorInit,
  type RawErrorResponse,
} from "./parse-error-body.js";

export type { ApiErrorInit, RawErrorResponse } from "./parse-error-body.js";
export type { ErrorDetail } from "./error-details.js";
export type { ErrorCode } from "../generated/models.js";

/**
 * Marks `LakebaseError.prototype` of every copy of this package loaded in the process (the ESM and
 * the CommonJS build, two versions side by side): `Symbol.for` keys are shared process-wide.
 */
const BRAND = Symbol.for("lakebase-sdk.LakebaseError");
/** Whether `LakebaseError.prototype` carries BRAND yet (see the constructor). */
let branded = false;

/**
 * `value` is an instance of the class named like `cls` in another copy of this package: a branded
 * error whose prototype chain (up to LakebaseError) has a prototype named like `cls.prototype`.
 * Classes name themselves by a static `typeName` (ops/class-name.ts); a class
 * without its own prototype name (such as a user's subclass) matches only through the ordinary
 * prototype check.
 */
function isSameClassFromAnotherCopy(cls: { prototype: object }, value: unknown): boolean {
  if (typeof value !== "object" || value === null || (value as { [BRAND]?: unknown })[BRAND] !== true) return false;
  const name = prototypeName(cls.prototype);
  if (name === undefined) return false;
  for (let proto = Object.getPrototypeOf(value) as object | null; proto !== null && BRAND in proto; proto = Object.getPrototypeOf(proto) as object | null) {
    if (prototypeName(proto) === name) return true;
  }
  return false;
}

/** Base of every error this SDK throws. Its message is scrubbed of secrets (see auth/secrets.ts). */
export class LakebaseError extends Error {
  /**
   * The class's name, as a string that survives minification: each subclass declares its own in
   * one line, and `name` reads it (see ops/class-name.ts).
   */
  static readonly typeName: string = "LakebaseError";
  override get name(): string {
    return (this.constructor as typeof LakebaseError).typeName;
  }
  override set name(value: string) {
    setOwnName(this, value);
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
    // The brand goes on the prototype when the first error is built rather than in a `static {}`
    // block, which would run as the module loads and so keep this class (and everything it uses)
    // in bundles that never throw (see ops/class-name.ts). Only instances are ever checked for it.
    if (!branded) {
      Object.defineProperty(LakebaseError.prototype, BRAND, { value: true, enumerable: false });
      branded = true;
    }
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
  static override readonly typeName: string = "ValidationError";

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

/** The optional fields an ApiError copies from its init and shows in `toJSON`, in that order. */
const OPTIONAL_FIELDS = ["requestId", "method", "path", "retryAfterMs", "operationName"] as const;
type OptionalFields = Partial<Pick<ApiErrorInit, (typeof OPTIONAL_FIELDS)[number]>>;

/** The optional fields of `from` that are set: an absent field stays absent, not undefined. */
function definedFields(from: OptionalFields): OptionalFields {
  const out: Record<string, unknown> = {};
  for (const key of OPTIONAL_FIELDS) if (from[key] !== undefined) out[key] = from[key];
  return out;
}

/** An error answered by the server (HTTP non-2xx) or carried by a failed long-running operation. */
export class ApiError extends LakebaseError {
  static override readonly typeName: string = "ApiError";

  /** HTTP status (for operation errors: the status the error_code stands for, 500 when unknown). */
  readonly status: number;
  /** The server's `error_code`, e.g. "NOT_FOUND"; "UNKNOWN" when the server sent none. */
  readonly errorCode: ErrorCode;
  /** From a RequestInfo detail, else the x-request-id / x-databricks-request-id response header. */
  declare readonly requestId?: string;
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

  /**
   * The `details` value as received, until `details` is first read. Private (not shown by
   * `inspect`, not in JSON): it is scrubbed of secrets only when parsed.
   */
  #wireDetails: unknown;
  #details: readonly ErrorDetail[] | undefined;

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
    this.#wireDetails = init.details;
    Object.assign(this, definedFields(init));
    if (init.rawBody !== undefined) {
      // Not enumerable and not writable: defineProperty's defaults.
      Object.defineProperty(this, "rawBody", { value: truncateUtf8(init.rawBody), configurable: true });
    }
  }

  /**
   * The body's `details[]`, typed by `@type` (unknown types kept raw) and scrubbed of secrets.
   * Parsed on first read and kept: building an error costs nothing for details nobody reads.
   */
  get details(): readonly ErrorDetail[] {
    if (this.#details === undefined) {
      this.#details = #wireDetails in this ? mapDetailStrings(parseErrorDetails(this.#wireDetails), redactSecrets) : [];
      this.#wireDetails = undefined;
    }
    return this.#details;
  }

  /** The NotFound family: a NotFoundError, or HTTP 404 whatever the code. */
  get isMissing(): boolean {
    return this instanceof NotFoundError || this.status === 404 || statusOfErrorCode(this.errorCode) === 404;
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
    errorCode: ErrorCode;
    requestId?: string;
    method?: string;
    path?: string;
    retryAfterMs?: number;
    operationName?: string;
    details: readonly ErrorDetail[];
  } {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      errorCode: this.errorCode,
      details: this.details,
      ...definedFields(this),
    };
  }
}

// --- the families (see the table at the top) ------------------------------------------------

/** 400: the request is malformed or a value is out of range (BAD_REQUEST, INVALID_PARAMETER_VALUE, INVALID_STATE). */
export class BadRequestError extends ApiError {
  static override readonly typeName: string = "BadRequestError";
}
/** 401: no valid credential (UNAUTHENTICATED). */
export class UnauthenticatedError extends ApiError {
  static override readonly typeName: string = "UnauthenticatedError";
}
/** 403: the caller may not do this (PERMISSION_DENIED). */
export class PermissionDeniedError extends ApiError {
  static override readonly typeName: string = "PermissionDeniedError";
}
/** 404: the resource does not exist (NOT_FOUND, RESOURCE_DOES_NOT_EXIST). `isMissing` is true. */
export class NotFoundError extends ApiError {
  static override readonly typeName: string = "NotFoundError";
}
/** 409: the request conflicts with the resource's state (ABORTED, RESOURCE_CONFLICT, …). */
export class ConflictError extends ApiError {
  static override readonly typeName: string = "ConflictError";
}
/** 409: a resource with that name already exists (ALREADY_EXISTS, RESOURCE_ALREADY_EXISTS). */
export class AlreadyExistsError extends ConflictError {
  static override readonly typeName: string = "AlreadyExistsError";
}
/** 429: throttled (RESOURCE_EXHAUSTED, REQUEST_LIMIT_EXCEEDED). Retried by the client; `retryAfterMs` says when. */
export class RateLimitedError extends ApiError {
  static override readonly typeName: string = "RateLimitedError";
}
/**
 * 503 or 504: the service could not answer now (TEMPORARILY_UNAVAILABLE, DEADLINE_EXCEEDED). A 503
 * is retried by the client; after a 504 the work may have been done, so only reads are retried.
 */
export class UnavailableError extends ApiError {
  static override readonly typeName: string = "UnavailableError";
}
/** 500: the server failed (INTERNAL_ERROR, DATA_LOSS, or UNKNOWN when the server sends it). */
export class InternalError extends ApiError {
  static override readonly typeName: string = "InternalError";
}

// --- mapping ---------------------------------------------------------------------------------

export type ApiErrorClass = new (init: ApiErrorInit) => ApiError;

/** Error codes the transport retries and `isRetryable` reports (besides HTTP 429/503). */
export const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  "RESOURCE_EXHAUSTED",
  "REQUEST_LIMIT_EXCEEDED",
  "TEMPORARILY_UNAVAILABLE",
]);

/**
 * The table at the top: each status with its class and the error codes that stand for it. The first
 * row of a status is its class when a response carries no known code (409: ConflictError).
 */
const FAMILIES: readonly (readonly [status: number, cls: ApiErrorClass, codes: readonly string[]])[] = [
  [400, BadRequestError, ["BAD_REQUEST", "INVALID_PARAMETER_VALUE", "INVALID_STATE"]],
  [401, UnauthenticatedError, ["UNAUTHENTICATED"]],
  [403, PermissionDeniedError, ["PERMISSION_DENIED"]],
  [404, NotFoundError, ["NOT_FOUND", "RESOURCE_DOES_NOT_EXIST"]],
  [409, ConflictError, ["ABORTED", "RESOURCE_CONFLICT"]],
  [409, AlreadyExistsError, ["ALREADY_EXISTS", "RESOURCE_ALREADY_EXISTS"]],
  [429, RateLimitedError, ["RESOURCE_EXHAUSTED", "REQUEST_LIMIT_EXCEEDED"]],
  [499, ApiError, ["CANCELLED"]],
  [500, InternalError, ["INTERNAL_ERROR", "DATA_LOSS", "UNKNOWN"]],
  [501, ApiError, ["NOT_IMPLEMENTED"]],
  [503, UnavailableError, ["TEMPORARILY_UNAVAILABLE"]],
  [504, UnavailableError, ["DEADLINE_EXCEEDED"]],
];

/** The row of a known error_code; undefined for any other code. */
function familyOfErrorCode(errorCode: ErrorCode | undefined) {
  return errorCode === undefined ? undefined : FAMILIES.find(([, , codes]) => codes.includes(errorCode));
}

/** The HTTP status an error_code stands for; undefined for any other code. */
function statusOfErrorCode(errorCode: ErrorCode | undefined): number | undefined {
  return familyOfErrorCode(errorCode)?.[0];
}

/**
 * The ApiError class for a status / error_code pair: the one place a class is picked. A known
 * `errorCode` stands for its status and wins over `status`; otherwise `status` decides; a status
 * without a family gives the `ApiError` base class. Pass `errorCode` only when the server actually
 * sent one (an absent code is reported as "UNKNOWN" but is not the UNKNOWN code).
 */
export function errorClassFor(status: number, errorCode?: ErrorCode): ApiErrorClass {
  const family = familyOfErrorCode(errorCode) ?? FAMILIES.find(([s]) => s === status);
  return family?.[1] ?? ApiError;
}

/** HTTP status an error_code stands for (used for operation errors); 500 when unknown. */
export function statusForErrorCode(errorCode: ErrorCode | undefined): number {
  return statusOfErrorCode(errorCode) ?? 500;
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
  const errorCode = codeString(opError?.error_code);
  const message = opError?.message;
  const details = opError?.details;
  // Only the two entries the error's own fields need are parsed now; the rest on first read.
  const retryMs = findWireDetail(details, "RetryInfo")?.retryDelayMs;
  return createApiError(
    withoutUndefined({
      status: statusForErrorCode(errorCode),
      // Scrubbed before truncation, so a cut can never leave half a secret behind.
      serverMessage: typeof message === "string" && message !== "" ? truncateUtf8(redactSecrets(message), MAX_MESSAGE_BYTES) : "(no error message)",
      details,
      operationName,
      errorCode,
      requestId: findWireDetail(details, "RequestInfo")?.request_id || undefined,
      retryAfterMs: retryMs === undefined ? undefined : Math.max(0, retryMs),
    }),
  );
}

/** True for any error thrown by this SDK, including by another copy of it (ESM and CommonJS). */
export function isLakebaseError(e: unknown): e is LakebaseError {
  return typeof e === "object" && e !== null && (e as { [BRAND]?: unknown })[BRAND] === true;
}

/** True when `e` is an ApiError in the NotFound family. */
export function isMissing(e: unknown): boolean {
  return e instanceof ApiError && e.isMissing;
}

/** What a mutation that may have reached the server tells its caller to do (timeouts, broken connections). */
const OUTCOME_UNKNOWN = "; the request was sent and not retried: the server may have done the work — read the resource (or resume its operation) before trying again";

/**
 * A request attempt ran past `timeoutMs` (headers or body). As with `NetworkError`,
 * `outcomeUnknown` is true for a mutation: it was sent and not retried, and the server may have
 * done the work — read the resource, or resume its operation, before trying again.
 */
export class RequestTimeoutError extends LakebaseError {
  static override readonly typeName: string = "RequestTimeoutError";

  readonly timeoutMs: number;
  /** True when a mutation may have reached the server: its outcome is unknown. */
  readonly outcomeUnknown: boolean;
  /** @param outcomeUnknown default: the method is a mutation (not GET, HEAD or OPTIONS). */
  constructor(timeoutMs: number, method: string, path: string, outcomeUnknown = !/^(GET|HEAD|OPTIONS)$/i.test(method)) {
    super(
`${method} ${path} timed out after ${timeoutMs} ms${outcomeUnknown ? OUTCOME_UNKNOWN : ""}`,
    );
    this.timeoutMs = timeoutMs;
    this.outcomeUnknown = outcomeUnknown;
  }
}

/**
 * The server could not be reached, or the connection broke before a whole answer arrived (a
 * refused port, an unknown host, a reset). `outcomeUnknown` is true for a mutation whose request
 * may have reached the server: it was not re-sent, and the work may or may not have been done —
 * read the resource, or resume its operation, before trying again.
 */
export class NetworkError extends LakebaseError {
  static override readonly typeName: string = "NetworkError";

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
  /** The HTTP status of an answer whose body broke off (its headers had arrived). */
  declare readonly status?: number;

  constructor(init: { host: string; method: string; path: string; cause: unknown; outcomeUnknown: boolean; operationName?: string; status?: number }) {
    const codes = networkErrorCodes(init.cause);
    const code = codes.find((c) => PRE_SEND_ERROR_CODES.has(c)) ?? codes[0] ?? errorNameOf(init.cause);
    const what = PRE_SEND_ERROR_CODES.has(code)
      ? `could not connect to ${init.host} (${code})`
      : `the connection to ${init.host} failed (${code})${init.status === undefined ? "" : ` in the body of an HTTP ${init.status} answer`}`;
    const advice = init.operationName
      ? `; operation ${init.operationName} may still be running — resume the wait with client.operations.resume(${JSON.stringify(init.operationName)})`
      : init.outcomeUnknown
        ? OUTCOME_UNKNOWN
        : "";
    super(`${init.method} ${init.path}: ${what}${advice}`, { cause: init.cause });
    this.host = init.host;
    this.method = init.method;
    this.path = init.path;
    this.code = code;
    this.outcomeUnknown = init.outcomeUnknown;
    if (init.operationName !== undefined) this.operationName = init.operationName;
    if (init.status !== undefined) this.status = init.status;
  }
}

function errorNameOf(err: unknown): string {
  return typeof err === "object" && err !== null && typeof (err as { name?: unknown }).name === "string" ? (err as { name: string }).name : "error";
}
