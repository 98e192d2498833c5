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

const traceId = () => Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join("");

export const errors = {
  required: (field: string) => new HttpError(400, "INVALID_PARAMETER_VALUE", `Field '${field}' is required, expected non-default value (not "")!`),
  invalid: (message: string) => new HttpError(400, "INVALID_PARAMETER_VALUE", message),
  badRequest: (message: string) => new HttpError(400, "BAD_REQUEST", message),
  notFound: (kind: string) => new HttpError(404, "NOT_FOUND", `${kind} id not found [TraceId: ${traceId()}]`),
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
  // [inference] Databricks answers a missing credential with 401 and an unknown one with 403.
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
