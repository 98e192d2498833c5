/**
 * Error answers with the bodies and messages the live service uses (docs/api-behaviour.md#errors). Where
 * that page marks a message (unconfirmed), the emulator still uses it as written there.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(status: number, errorCode: string, message: string, details?: unknown[], headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.body = { error_code: errorCode, message, ...(details ? { details } : {}) };
    this.headers = headers;
  }
}

/** A value as a message quotes it: strings as they are, anything else as JSON. */
const shown = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

const traceId = () => Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join("");

export const errors = {
  required: (field: string) => new HttpError(400, "INVALID_PARAMETER_VALUE", `Field '${field}' is required, expected non-default value (not "")!`),
  invalid: (message: string) => new HttpError(400, "INVALID_PARAMETER_VALUE", message),
  /**
   * A value that breaks a documented rule, in the shape of the live id message
   * (`Field database_id must match pattern …, got 'Invalid_DB_ID'.`); the rule's wording is the
   * emulator's own where no live text is known (docs/api-behaviour.md#emulator-validation).
   */
  invalidValue: (field: string, rule: string, value: unknown) => new HttpError(400, "INVALID_PARAMETER_VALUE", `Field ${field} ${rule}, got '${shown(value)}'.`),
  badRequest: (message: string) => new HttpError(400, "BAD_REQUEST", message),
  notFound: (kind: string) => new HttpError(404, "NOT_FOUND", `${kind} id not found [TraceId: ${traceId()}]`),
  /** A database owned by a role the branch does not have (live, with its trace id). */
  roleNotFound: (roleId: string) => new HttpError(404, "NOT_FOUND", `role not found; role_id:"${roleId}" [TraceId: ${traceId()}]`),
  alreadyExists: (kind: string) =>
    new HttpError(409, "ALREADY_EXISTS", kind === "project" ? "project with such id already exists in the workspace" : `${kind} with such id already exists`),
  unknownMaskPath: (path: string) => new HttpError(400, "INVALID_PARAMETER_VALUE", `Unknown field path in update_mask: '${path}'`),
  maskedButAbsent: (path: string) => new HttpError(400, "INVALID_PARAMETER_VALUE", `Field '${path}' is in update_mask but not provided in request`),
  managedByParent: (message: string) =>
    new HttpError(400, "BAD_REQUEST", message, [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "RESOURCE_CONFLICT",
        domain: "databricks.com",
        metadata: { declarative_context: "MANAGED_BY_PARENT" },
      },
    ]),
  // Databricks answers a missing credential with 401 and an unknown one with 403 (unconfirmed, docs/api-behaviour.md#messages-the-service-uses).
  unauthenticated: (message = "Credential was not sent or was of an unsupported type for this API.") =>
    new HttpError(401, "UNAUTHENTICATED", `${message} [ReqId: ${traceId()}]`),
  invalidToken: () => new HttpError(403, "PERMISSION_DENIED", "Invalid access token."),
  noRoute: (method: string, path: string) => new HttpError(404, "ENDPOINT_NOT_FOUND", `No API found for '${method} ${path}'`),
  throttled: (retryAfterSeconds: number) =>
    new HttpError(
      429,
      "REQUEST_LIMIT_EXCEEDED",
      "The request was rejected because of rate limiting (emulator fault injection).",
      [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retry_delay: `${retryAfterSeconds}s` }],
      { "Retry-After": String(retryAfterSeconds) },
    ),
  unavailable: (retryAfterSeconds: number) =>
    new HttpError(503, "TEMPORARILY_UNAVAILABLE", "The service is temporarily unavailable (emulator fault injection).", undefined, {
      "Retry-After": String(retryAfterSeconds),
    }),
};
