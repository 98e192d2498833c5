import { inspect } from "node:util";
import nock from "nock";
import { describe, expect, it } from "vitest";
import * as errorsModule from "../../src/ops/errors.js";
import {
  AlreadyExistsError,
  ApiError,
  BadRequestError,
  ConflictError,
  InternalError,
  LakebaseError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitedError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
  apiErrorFromOperation,
  apiErrorFromResponse,
  createApiError,
  errorClassFor,
  statusForErrorCode,
  type ApiErrorClass,
  type ErrorCode,
} from "../../src/ops/errors.js";
import { parseDuration, parseErrorDetails } from "../../src/ops/error-details.js";
import { MAX_RAW_BODY_BYTES, parseErrorBody, parseRetryAfter, truncateUtf8 } from "../../src/ops/parse-error-body.js";
import { toRequest, type Outgoing } from "../../src/ops/exchange.js";
import { createRetrying } from "../../src/ops/retry.js";
import { createLakebaseClient } from "../../src/client.js";

const T = "type.googleapis.com/google.rpc.";

function fromJson(status: number, body: unknown, headers?: Record<string, string>, extra?: { method?: string; url?: string; statusText?: string }) {
  return apiErrorFromResponse({
    status,
    bodyText: JSON.stringify(body),
    ...(headers ? { headers: new Headers(headers) } : {}),
    ...extra,
  });
}

// ------------------------------------------------------------------------------------------------

describe("one class per family, no synonyms", () => {
  it("the ApiError classes are exactly the nine families and the base", () => {
    const apiClasses = Object.entries(errorsModule)
      .filter(([, value]) => typeof value === "function" && (value === ApiError || value.prototype instanceof ApiError))
      .map(([name]) => name)
      .sort();
    expect(apiClasses).toEqual([
      "AlreadyExistsError",
      "ApiError",
      "BadRequestError",
      "ConflictError",
      "InternalError",
      "NotFoundError",
      "PermissionDeniedError",
      "RateLimitedError",
      "UnauthenticatedError",
      "UnavailableError",
    ]);
    // AlreadyExists is a kind of conflict; every other family sits right under ApiError.
    expect(Object.getPrototypeOf(AlreadyExistsError.prototype)).toBe(ConflictError.prototype);
  });

  it("errorCode is the spec's open enum: known codes and any other string", () => {
    const known: ErrorCode = "NOT_FOUND";
    const other: ErrorCode = "A_CODE_FROM_THE_FUTURE";
    expect(fromJson(404, { error_code: other }).errorCode).toBe(other);
    expect(fromJson(404, { error_code: known }).errorCode).toBe(known);
  });
});

describe("status → class", () => {
  const rows: [number, ApiErrorClass, string][] = [
    [400, BadRequestError, "BadRequestError"],
    [401, UnauthenticatedError, "UnauthenticatedError"],
    [403, PermissionDeniedError, "PermissionDeniedError"],
    [404, NotFoundError, "NotFoundError"],
    [409, ConflictError, "ConflictError"],
    [429, RateLimitedError, "RateLimitedError"],
    [499, ApiError, "ApiError"], // CANCELLED: no family of its own
    [500, InternalError, "InternalError"],
    [501, ApiError, "ApiError"], // NOT_IMPLEMENTED: no family of its own
    [503, UnavailableError, "UnavailableError"],
    [504, UnavailableError, "UnavailableError"],
  ];

  it.each(rows)("HTTP %i → %o", (status, Cls, name) => {
    const err = fromJson(status, { message: "m" });
    expect(err).toBeInstanceOf(Cls);
    expect(err.constructor).toBe(Cls);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toBeInstanceOf(LakebaseError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(name);
    expect(err.status).toBe(status);
    expect(err.errorCode).toBe("UNKNOWN"); // absent code is reported as UNKNOWN …
    if (Cls !== InternalError) expect(err).not.toBeInstanceOf(InternalError); // … but does not pick the UNKNOWN code's class
    expect(errorClassFor(status)).toBe(Cls);
    expect(String(err.stack)).toContain(`${name}: UNKNOWN: m`);
  });

  it.each([405, 410, 418, 422, 502, 505])("unmapped HTTP %i → the ApiError base class", (status) => {
    const err = fromJson(status, { error_code: "SOMETHING_ELSE", message: "m" });
    expect(err.constructor).toBe(ApiError);
    expect(err.name).toBe("ApiError");
    expect(errorClassFor(status, "SOMETHING_ELSE")).toBe(ApiError);
  });
});

describe("error_code → class (wins over status)", () => {
  // The codes that once had a class of their own: each now picks its family, and keeps its code.
  const rows: [string, ApiErrorClass, ApiErrorClass, number][] = [
    ["INVALID_STATE", BadRequestError, ApiError, 400],
    ["INVALID_PARAMETER_VALUE", BadRequestError, ApiError, 400],
    ["RESOURCE_DOES_NOT_EXIST", NotFoundError, ApiError, 404],
    ["ABORTED", ConflictError, ApiError, 409],
    ["ALREADY_EXISTS", AlreadyExistsError, ConflictError, 409],
    ["RESOURCE_ALREADY_EXISTS", AlreadyExistsError, ConflictError, 409],
    ["RESOURCE_EXHAUSTED", RateLimitedError, ApiError, 429],
    ["REQUEST_LIMIT_EXCEEDED", RateLimitedError, ApiError, 429],
    ["UNKNOWN", InternalError, ApiError, 500],
    ["DATA_LOSS", InternalError, ApiError, 500],
  ];

  it.each(rows)("%s → %o (subclass of %o)", (code, Cls, Parent, status) => {
    for (const s of [status, 400, 500, 418]) {
      const err = fromJson(s, { error_code: code, message: "m" });
      expect(err.constructor).toBe(Cls);
      expect(err).toBeInstanceOf(Parent);
      expect(err.status).toBe(s);
      expect(err.errorCode).toBe(code);
      expect(err.name).toBe(Cls.name);
    }
    expect(Object.getPrototypeOf(Cls.prototype)).toBe(Parent.prototype);
    expect(errorClassFor(200, code)).toBe(Cls);
    expect(statusForErrorCode(code)).toBe(status);
  });

  it("status 400 with RESOURCE_DOES_NOT_EXIST → NotFoundError (isMissing)", () => {
    const err = fromJson(400, { error_code: "RESOURCE_DOES_NOT_EXIST", message: "gone" });
    expect(err.constructor).toBe(NotFoundError);
    expect(err.errorCode).toBe("RESOURCE_DOES_NOT_EXIST");
    expect(err).not.toBeInstanceOf(BadRequestError);
    expect(err.isMissing).toBe(true);
  });

  const plain: [string, ApiErrorClass][] = [
    ["NOT_FOUND", NotFoundError],
    ["BAD_REQUEST", BadRequestError],
    ["PERMISSION_DENIED", PermissionDeniedError],
    ["UNAUTHENTICATED", UnauthenticatedError],
    ["RESOURCE_CONFLICT", ConflictError],
    ["TEMPORARILY_UNAVAILABLE", UnavailableError],
    ["DEADLINE_EXCEEDED", UnavailableError],
    ["INTERNAL_ERROR", InternalError],
    ["NOT_IMPLEMENTED", ApiError],
    ["CANCELLED", ApiError],
  ];
  it.each(plain)("plain code %s → %o regardless of status", (code, Cls) => {
    const err = fromJson(400, { error_code: code, message: "m" });
    expect(err.constructor).toBe(Cls);
    expect(err.errorCode).toBe(code);
    expect(errorClassFor(418, code)).toBe(Cls);
  });

  it("an unmapped code falls back to the status class", () => {
    expect(fromJson(404, { error_code: "FEATURE_DISABLED", message: "m" }).constructor).toBe(NotFoundError);
    expect(errorClassFor(409, "WHATEVER")).toBe(ConflictError);
  });

  it("errors observed from the postgres API map as expected", () => {
    const dupRole = fromJson(400, { error_code: "BAD_REQUEST", message: "role with that name already exists" });
    expect(dupRole).toBeInstanceOf(BadRequestError);
    const dupProject = fromJson(409, { error_code: "ALREADY_EXISTS", message: "project with such id already exists in the workspace" });
    expect(dupProject).toBeInstanceOf(AlreadyExistsError);
    const missing = fromJson(404, { error_code: "NOT_FOUND", message: "project id not found [TraceId: 00ab]" });
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.isMissing).toBe(true);
    const badId = fromJson(400, {
      error_code: "INVALID_PARAMETER_VALUE",
      message: "Field 'branch_id' is required, expected non-default value (not \"\")!",
    });
    expect(badId).toBeInstanceOf(BadRequestError);
    expect(badId.errorCode).toBe("INVALID_PARAMETER_VALUE");
    expect(badId.message).toBe("INVALID_PARAMETER_VALUE: Field 'branch_id' is required, expected non-default value (not \"\")!");
  });
});

describe("isMissing / isRetryable", () => {
  it("isMissing covers 404, NOT_FOUND and RESOURCE_DOES_NOT_EXIST only", () => {
    expect(fromJson(404, {}).isMissing).toBe(true);
    expect(fromJson(400, { error_code: "NOT_FOUND" }).isMissing).toBe(true);
    expect(fromJson(500, { error_code: "RESOURCE_DOES_NOT_EXIST" }).isMissing).toBe(true);
    expect(fromJson(400, { error_code: "BAD_REQUEST" }).isMissing).toBe(false);
    expect(fromJson(409, { error_code: "ALREADY_EXISTS" }).isMissing).toBe(false);
  });

  it("isRetryable: 429, 503, RESOURCE_EXHAUSTED, REQUEST_LIMIT_EXCEEDED, TEMPORARILY_UNAVAILABLE", () => {
    expect(fromJson(429, {}).isRetryable).toBe(true);
    expect(fromJson(503, {}).isRetryable).toBe(true);
    expect(fromJson(400, { error_code: "RESOURCE_EXHAUSTED" }).isRetryable).toBe(true);
    expect(fromJson(400, { error_code: "REQUEST_LIMIT_EXCEEDED" }).isRetryable).toBe(true);
    expect(fromJson(500, { error_code: "TEMPORARILY_UNAVAILABLE" }).isRetryable).toBe(true);
    expect(fromJson(500, { error_code: "INTERNAL_ERROR" }).isRetryable).toBe(false);
    expect(fromJson(502, {}).isRetryable).toBe(false);
    expect(fromJson(404, {}).isRetryable).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------------

describe("details", () => {
  it("parses every known @type", () => {
    const details = parseErrorDetails([
      { "@type": `${T}ErrorInfo`, reason: "R", domain: "databricks.com", metadata: { k: "v", n: 3 } },
      { "@type": `${T}RequestInfo`, request_id: "req-1", serving_data: "sd" },
      { "@type": `${T}RetryInfo`, retry_delay: "3.000000001s" },
      { "@type": `${T}DebugInfo`, stack_entries: ["a", "b"], detail: "dbg" },
      { "@type": `${T}QuotaFailure`, violations: [{ subject: "s", description: "d" }] },
      { "@type": `${T}PreconditionFailure`, violations: [{ type: "TOS", subject: "s", description: "d" }] },
      { "@type": `${T}BadRequest`, field_violations: [{ field: "branch_id", description: "required" }] },
      { "@type": `${T}ResourceInfo`, resource_type: "branch", resource_name: "projects/p/branches/b", owner: "o", description: "d" },
      { "@type": `${T}Help`, links: [{ description: "docs", url: "https://docs.example/x" }] },
    ]);
    expect(details).toEqual([
      { type: "ErrorInfo", typeUrl: `${T}ErrorInfo`, reason: "R", domain: "databricks.com", metadata: { k: "v", n: "3" } },
      { type: "RequestInfo", typeUrl: `${T}RequestInfo`, request_id: "req-1", serving_data: "sd" },
      { type: "RetryInfo", typeUrl: `${T}RetryInfo`, retry_delay: "3.000000001s", retryDelayMs: expect.closeTo(3000.000001, 6) },
      { type: "DebugInfo", typeUrl: `${T}DebugInfo`, stack_entries: ["a", "b"], detail: "dbg" },
      { type: "QuotaFailure", typeUrl: `${T}QuotaFailure`, violations: [{ subject: "s", description: "d" }] },
      { type: "PreconditionFailure", typeUrl: `${T}PreconditionFailure`, violations: [{ type: "TOS", subject: "s", description: "d" }] },
      { type: "BadRequest", typeUrl: `${T}BadRequest`, field_violations: [{ field: "branch_id", description: "required" }] },
      {
        type: "ResourceInfo",
        typeUrl: `${T}ResourceInfo`,
        resource_type: "branch",
        resource_name: "projects/p/branches/b",
        owner: "o",
        description: "d",
      },
      { type: "Help", typeUrl: `${T}Help`, links: [{ description: "docs", url: "https://docs.example/x" }] },
    ]);
  });

  it("keeps unknown @type and malformed entries raw", () => {
    const weird = { "@type": "type.googleapis.com/databricks.Custom", foo: [1, 2] };
    const details = parseErrorDetails([weird, "str", null, { no_type: true }]);
    expect(details).toEqual([
      { type: "unknown", typeUrl: "type.googleapis.com/databricks.Custom", raw: weird },
      { type: "unknown", typeUrl: "", raw: "str" },
      { type: "unknown", typeUrl: "", raw: null },
      { type: "unknown", typeUrl: "", raw: { no_type: true } },
    ]);
  });

  it("is tolerant: non-arrays, wrong field types, missing fields never throw", () => {
    expect(parseErrorDetails(undefined)).toEqual([]);
    expect(parseErrorDetails({ "@type": `${T}ErrorInfo` })).toEqual([]);
    expect(parseErrorDetails([{ "@type": `${T}ErrorInfo`, metadata: "nope", reason: 5 }])).toEqual([
      { type: "ErrorInfo", typeUrl: `${T}ErrorInfo`, reason: "5", domain: "", metadata: {} },
    ]);
    expect(parseErrorDetails([{ "@type": `${T}BadRequest`, field_violations: [null, { field: "f" }] }])).toEqual([
      { type: "BadRequest", typeUrl: `${T}BadRequest`, field_violations: [{ field: "f", description: "" }] },
    ]);
    expect(parseErrorDetails([{ "@type": `${T}RetryInfo`, retry_delay: "soon" }])).toEqual([
      { type: "RetryInfo", typeUrl: `${T}RetryInfo`, retry_delay: "soon" },
    ]);
    expect(parseErrorDetails([{ "@type": `${T}RetryInfo`, retry_delay: { seconds: 2, nanos: 500000000 } }])).toEqual([
      { type: "RetryInfo", typeUrl: `${T}RetryInfo`, retry_delay: "2.500000000s", retryDelayMs: 2500 },
    ]);
  });

  it("parseDuration handles proto Duration strings", () => {
    expect(parseDuration("3s")).toBe(3000);
    expect(parseDuration("3.000000001s")).toBeCloseTo(3000.000001, 6);
    expect(parseDuration("0.5s")).toBe(500);
    expect(parseDuration(".25s")).toBe(250);
    expect(parseDuration("1.5s")).toBe(1500);
    expect(parseDuration("-2s")).toBe(-2000);
    expect(parseDuration(" 10s ")).toBe(10000);
    for (const bad of ["", "s", "3", "3ms", "abc", "1.2.3s", "1m"]) expect(parseDuration(bad)).toBeUndefined();
    expect(parseDuration(undefined as unknown as string)).toBeUndefined();
  });

  it("helpers return the first detail of each kind", () => {
    const err = fromJson(400, {
      error_code: "INVALID_PARAMETER_VALUE",
      message: "bad",
      details: [
        { "@type": `${T}BadRequest`, field_violations: [{ field: "a", description: "x" }] },
        { "@type": `${T}ErrorInfo`, reason: "first", domain: "d" },
        { "@type": `${T}ErrorInfo`, reason: "second", domain: "d" },
        { "@type": `${T}RetryInfo`, retry_delay: "1s" },
      ],
    });
    expect(err.errorInfo?.reason).toBe("first");
    expect(err.badRequest?.field_violations).toEqual([{ field: "a", description: "x" }]);
    expect(err.retryInfo?.retryDelayMs).toBe(1000);
    expect(err.requestInfo).toBeUndefined();
  });

  it("are parsed on first read, once, not when the error is built", () => {
    let reads = 0;
    const entry = {
      get "@type"() {
        reads += 1;
        return `${T}ErrorInfo`;
      },
      reason: "R",
      domain: "d",
    };
    const err = createApiError({ status: 400, errorCode: "BAD_REQUEST", serverMessage: "m", details: [entry] });
    expect(reads).toBe(0);
    expect(err.errorInfo?.reason).toBe("R");
    const afterFirst = reads;
    expect(afterFirst).toBeGreaterThan(0);
    expect(err.details).toBe(err.details);
    expect(err.managedByParent).toBe(false);
    expect(JSON.parse(JSON.stringify(err)).details).toEqual([{ type: "ErrorInfo", typeUrl: `${T}ErrorInfo`, reason: "R", domain: "d", metadata: {} }]);
    expect(reads).toBe(afterFirst);
  });

  it("an operation error reads its request id and retry delay from details, and parses the rest on first read", () => {
    let reasonReads = 0;
    const errorInfo = {
      "@type": `${T}ErrorInfo`,
      get reason() {
        reasonReads += 1;
        return "R";
      },
    };
    const err = apiErrorFromOperation(
      { error_code: "RESOURCE_EXHAUSTED", message: "m", details: [errorInfo, { "@type": `${T}RequestInfo`, request_id: "rq" }, { "@type": `${T}RetryInfo`, retry_delay: "2s" }] },
      "op",
    );
    expect(err.requestId).toBe("rq");
    expect(err.retryAfterMs).toBe(2000);
    expect(reasonReads).toBe(0);
    expect(err.details.map((d) => d.type)).toEqual(["ErrorInfo", "RequestInfo", "RetryInfo"]);
    expect(reasonReads).toBe(1);
    expect(err.errorInfo?.reason).toBe("R");
    expect(reasonReads).toBe(1);
  });

  it("MANAGED_BY_PARENT (the spec's ErrorDetailAny) sets managedByParent", () => {
    const err = fromJson(400, {
      error_code: "BAD_REQUEST",
      message: "Cannot delete root branch 'projects/p/branches/production'. Root branches cannot be deleted independently.",
      details: [
        {
          "@type": `${T}ErrorInfo`,
          reason: "RESOURCE_CONFLICT",
          domain: "databricks.com",
          metadata: { declarative_context: "MANAGED_BY_PARENT" },
        },
      ],
    });
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.managedByParent).toBe(true);
    expect(err.errorInfo?.reason).toBe("RESOURCE_CONFLICT");
    expect(fromJson(400, { error_code: "BAD_REQUEST", message: "cannot delete protected branch" }).managedByParent).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------------

describe("body shapes", () => {
  it("standard JSON; numeric error_code becomes a string", () => {
    const err = fromJson(400, { error_code: 1234, message: "legacy number" });
    expect(err.errorCode).toBe("1234");
    expect(err.message).toBe("1234: legacy number");
    expect(err.constructor).toBe(BadRequestError);
  });

  it('legacy {"error": "..."}', () => {
    const err = fromJson(500, { error: "Something broke" });
    expect(err.message).toBe("UNKNOWN: Something broke");
    expect(err.serverMessage).toBe("Something broke");
    expect(err).toBeInstanceOf(InternalError);
  });

  it("SCIM {detail, status, scimType}", () => {
    const err = fromJson(409, { schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], detail: "User already exists", status: "409", scimType: "uniqueness" });
    expect(err.errorCode).toBe("SCIM_409");
    expect(err.message).toBe("SCIM_409: User already exists");
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).not.toBeInstanceOf(AlreadyExistsError);
  });

  it("plain text ERROR_CODE: message", () => {
    const err = apiErrorFromResponse({ status: 404, bodyText: "RESOURCE_DOES_NOT_EXIST: branch not found\n" });
    expect(err.errorCode).toBe("RESOURCE_DOES_NOT_EXIST");
    expect(err.serverMessage).toBe("branch not found");
    expect(err.constructor).toBe(NotFoundError);
  });

  it("HTML with <pre>message</pre>", () => {
    const html = "<html><head><title>Error 400</title></head><body><h2>HTTP ERROR 400</h2><pre>Bad &quot;request&quot; &lt;x&gt;</pre></body></html>";
    const err = apiErrorFromResponse({ status: 400, statusText: "Bad Request", bodyText: html });
    expect(err.serverMessage).toBe('Bad "request" <x>');
    expect(err.message).toBe('UNKNOWN: Bad "request" <x>');
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.rawBody).toBeUndefined();
  });

  it("HTML: a name that only Object.prototype knows is not an entity (&constructor; stays as written)", () => {
    const err = apiErrorFromResponse({ status: 400, bodyText: "<pre>a &constructor; &toString; &amp; b</pre>" });
    expect(err.serverMessage).toBe("a &constructor; &toString; & b");
  });

  it("HTML without <pre> (nginx 502 page) → status text + note, no HTML dump", () => {
    const html =
      "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n" +
      "<!-- padding -->".repeat(500);
    const err = apiErrorFromResponse({ status: 502, statusText: "Bad Gateway", bodyText: html });
    expect(err.errorCode).toBe("UNKNOWN");
    expect(err.message).toBe("UNKNOWN: Bad Gateway (non-JSON response body)");
    expect(err.constructor).toBe(ApiError);
    expect(err.message).not.toContain("<");
    expect(new TextEncoder().encode(err.rawBody ?? "").length).toBeLessThanOrEqual(MAX_RAW_BODY_BYTES);
    expect(err.rawBody?.startsWith("<html>")).toBe(true);
    expect(JSON.stringify(err)).not.toContain("<html>");
    expect(inspect(err)).not.toContain("padding");
  });

  it("HTML without <pre> and without status text", () => {
    const err = apiErrorFromResponse({ status: 502, bodyText: "<html><body>oops</body></html>" });
    expect(err.message).toBe("UNKNOWN: HTTP 502 (non-JSON response body)");
  });

  it("empty body → status text or HTTP <status>", () => {
    expect(apiErrorFromResponse({ status: 404, statusText: "Not Found", bodyText: "" }).message).toBe("UNKNOWN: Not Found");
    expect(apiErrorFromResponse({ status: 503, bodyText: "  \n" }).message).toBe("UNKNOWN: HTTP 503");
    expect(apiErrorFromResponse({ status: 503, bodyText: "" })).toBeInstanceOf(UnavailableError);
  });

  it("unrecognised text and JSON keep a truncated raw body", () => {
    const long = "x".repeat(10_000);
    const text = apiErrorFromResponse({ status: 500, bodyText: `weird failure ${long}` });
    expect(text.errorCode).toBe("UNKNOWN");
    expect(text.message.length).toBeLessThan(600);
    expect(text.rawBody?.length).toBeLessThanOrEqual(MAX_RAW_BODY_BYTES);
    const obj = apiErrorFromResponse({ status: 500, statusText: "Internal Server Error", bodyText: JSON.stringify({ foo: long }) });
    expect(obj.message).toBe("UNKNOWN: Internal Server Error (unrecognized error body)");
    expect(obj.rawBody?.length).toBeLessThanOrEqual(MAX_RAW_BODY_BYTES);
    const broken = apiErrorFromResponse({ status: 500, bodyText: '{"error_code": "X", ' });
    expect(broken.errorCode).toBe("UNKNOWN");
  });

  it("truncateUtf8 never exceeds the byte limit nor splits a code point", () => {
    const s = "é😀".repeat(2000);
    const t = truncateUtf8(s, 2048);
    expect(new TextEncoder().encode(t).length).toBeLessThanOrEqual(2048);
    expect(t.endsWith("…")).toBe(true);
    expect(t).not.toContain("\uFFFD");
    expect(truncateUtf8("short", 2048)).toBe("short");
  });

  it("parseErrorBody reports the recognised format", () => {
    expect(parseErrorBody('{"error_code":"A","message":"b"}', 400).format).toBe("json");
    expect(parseErrorBody('{"error":"b"}', 400).format).toBe("legacy");
    expect(parseErrorBody('{"detail":"d","status":"404"}', 404).format).toBe("scim");
    expect(parseErrorBody("A_B: c", 400).format).toBe("text");
    expect(parseErrorBody("<pre>x</pre>", 400).format).toBe("html");
    expect(parseErrorBody("", 400).format).toBe("empty");
    expect(parseErrorBody("??", 400).format).toBe("unknown");
  });
});

describe("request id, retry-after, method/path, message", () => {
  it("requestId from a RequestInfo detail wins over headers", () => {
    const err = fromJson(
      404,
      { error_code: "NOT_FOUND", message: "project id not found", details: [{ "@type": `${T}RequestInfo`, request_id: "from-detail", serving_data: "" }] },
      { "x-request-id": "from-header" },
    );
    expect(err.requestId).toBe("from-detail");
    expect(err.message).toBe("NOT_FOUND: project id not found (request id from-detail)");
  });

  it("requestId from x-request-id, then x-databricks-request-id", () => {
    expect(fromJson(404, { message: "m" }, { "x-request-id": "a-1" }).requestId).toBe("a-1");
    expect(fromJson(404, { message: "m" }, { "x-databricks-request-id": "b-2" }).requestId).toBe("b-2");
    expect(fromJson(404, { message: "m" }).requestId).toBeUndefined();
    expect(fromJson(404, { message: "m" }).message).toBe("UNKNOWN: m");
  });

  it("retryAfterMs: Retry-After seconds, HTTP date, RetryInfo — the larger wins", () => {
    expect(fromJson(429, {}, { "retry-after": "3" }).retryAfterMs).toBe(3000);
    const date = fromJson(503, {}, { "retry-after": new Date(Date.now() + 10_000).toUTCString() }).retryAfterMs ?? 0;
    expect(date).toBeGreaterThan(8_000);
    expect(date).toBeLessThanOrEqual(10_000);
    const both = fromJson(429, { details: [{ "@type": `${T}RetryInfo`, retry_delay: "5s" }] }, { "retry-after": "2" });
    expect(both.retryAfterMs).toBe(5000);
    expect(fromJson(429, {}).retryAfterMs).toBeUndefined();
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:27:58 GMT"))).toBe(2000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:29:00 GMT"))).toBe(0);
    for (const bad of [null, undefined, "", "-1", "soon-ish 12", "1e3"]) expect(parseRetryAfter(bad)).toBeUndefined();
  });

  it("method is upper-cased and path keeps only the URL pathname", () => {
    const err = fromJson(404, { error_code: "NOT_FOUND", message: "m" }, undefined, {
      method: "get",
      url: "https://user:pw@adb-123.azuredatabricks.net/api/2.0/postgres/projects/p1?page_token=abc#frag",
    });
    expect(err.method).toBe("GET");
    expect(err.path).toBe("/api/2.0/postgres/projects/p1");
    expect(JSON.stringify(err)).not.toMatch(/azuredatabricks|page_token|pw/);
    expect(fromJson(404, {}, undefined, { url: "/api/2.0/x?y=1" }).path).toBe("/api/2.0/x");
  });

  it("toJSON is a safe summary", () => {
    const err = fromJson(409, { error_code: "ALREADY_EXISTS", message: "dup" }, { "x-request-id": "r" }, { method: "POST", url: "https://h/api/2.0/postgres/projects?project_id=p" });
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      name: "AlreadyExistsError",
      message: "ALREADY_EXISTS: dup (request id r)",
      status: 409,
      errorCode: "ALREADY_EXISTS",
      requestId: "r",
      method: "POST",
      path: "/api/2.0/postgres/projects",
      details: [],
    });
  });
});

describe("operation errors", () => {
  const table: [string | undefined, number, ApiErrorClass][] = [
    ["NOT_FOUND", 404, NotFoundError],
    ["RESOURCE_DOES_NOT_EXIST", 404, NotFoundError],
    ["ALREADY_EXISTS", 409, AlreadyExistsError],
    ["RESOURCE_ALREADY_EXISTS", 409, AlreadyExistsError],
    ["ABORTED", 409, ConflictError],
    ["RESOURCE_CONFLICT", 409, ConflictError],
    ["INVALID_PARAMETER_VALUE", 400, BadRequestError],
    ["BAD_REQUEST", 400, BadRequestError],
    ["INVALID_STATE", 400, BadRequestError],
    ["PERMISSION_DENIED", 403, PermissionDeniedError],
    ["UNAUTHENTICATED", 401, UnauthenticatedError],
    ["RESOURCE_EXHAUSTED", 429, RateLimitedError],
    ["REQUEST_LIMIT_EXCEEDED", 429, RateLimitedError],
    ["TEMPORARILY_UNAVAILABLE", 503, UnavailableError],
    ["DEADLINE_EXCEEDED", 504, UnavailableError],
    ["NOT_IMPLEMENTED", 501, ApiError],
    ["CANCELLED", 499, ApiError],
    ["INTERNAL_ERROR", 500, InternalError],
    ["DATA_LOSS", 500, InternalError],
    ["SOMETHING_NEW", 500, InternalError],
    [undefined, 500, InternalError],
  ];

  it.each(table)("%s → status %i, %o", (code, status, Cls) => {
    const err = apiErrorFromOperation(
      { ...(code !== undefined ? { error_code: code } : {}), message: "it broke" },
      "projects/p1/operations/op-1",
    );
    expect(err.status).toBe(status);
    expect(statusForErrorCode(code)).toBe(status);
    expect(err.constructor).toBe(Cls);
    expect(err.operationName).toBe("projects/p1/operations/op-1");
    expect(err.errorCode).toBe(code ?? "UNKNOWN");
    expect(err.message).toBe(`operation projects/p1/operations/op-1 failed: ${code ?? "UNKNOWN"}: it broke`);
  });

  it("carries details, request id and retry delay; tolerates an absent error", () => {
    const err = apiErrorFromOperation(
      {
        error_code: "RESOURCE_EXHAUSTED",
        message: "no capacity",
        details: [
          { "@type": `${T}RequestInfo`, request_id: "rq" },
          { "@type": `${T}RetryInfo`, retry_delay: "2s" },
        ],
      },
      "op-x",
    );
    expect(err.requestId).toBe("rq");
    expect(err.retryAfterMs).toBe(2000);
    expect(err.isRetryable).toBe(true);
    expect(err.message).toBe("operation op-x failed: RESOURCE_EXHAUSTED: no capacity (request id rq)");

    const none = apiErrorFromOperation(undefined, "op-y");
    expect(none).toBeInstanceOf(InternalError);
    expect(none.status).toBe(500);
    expect(none.message).toBe("operation op-y failed: UNKNOWN: (no error message)");
    expect(apiErrorFromOperation({ error_code: 7 }, "op-z").errorCode).toBe("7");
  });
});

describe("ValidationError", () => {
  it("has field, rule and a safe message", () => {
    const e = new ValidationError("project_id", "must match ^[a-z][a-z0-9-]{2,62}$", { value: "Bad_ID" });
    expect(e).toBeInstanceOf(ValidationError);
    expect(e).toBeInstanceOf(LakebaseError);
    expect(e).not.toBeInstanceOf(ApiError);
    expect(e.name).toBe("ValidationError");
    expect(e.field).toBe("project_id");
    expect(e.rule).toBe("must match ^[a-z][a-z0-9-]{2,62}$");
    expect(e.message).toBe('Invalid project_id: must match ^[a-z][a-z0-9-]{2,62}$ (got "Bad_ID")');
    expect(e.value).toBe("Bad_ID");
  });

  it("omits long strings and non-primitive values", () => {
    expect(new ValidationError("f", "r").message).toBe("Invalid f: r");
    expect(new ValidationError("f", "r", { value: "x".repeat(500) }).message).toBe("Invalid f: r");
    expect(new ValidationError("f", "r", { value: { token: "s" } }).message).toBe("Invalid f: r");
    expect(new ValidationError("f", "r", { value: 42 }).message).toBe("Invalid f: r (got 42)");
  });
});

describe("secret safety", () => {
  it("an error that came through the retry transport never contains the request's bearer token", async () => {
    const token = "dapi0123456789abcdefSECRETTOKEN";
    nock.disableNetConnect();
    try {
      const scope = nock("https://adb-1.example.net")
        .get("/api/2.0/postgres/projects/p1")
        .query(true)
        // Both answers quote the Authorization header they received, so the token reaches the error builder.
        .reply(function () {
          return [404, { error_code: "NOT_FOUND", message: `project id not found for ${String(this.req.headers.authorization)} [TraceId: 00f]` }, { "x-request-id": "rid-9" }];
        })
        .post("/api/2.0/postgres/projects")
        .query(true)
        .reply(function () {
          return [503, { error_code: "TEMPORARILY_UNAVAILABLE", message: `try later (Authorization: ${String(this.req.headers.authorization)})` }];
        });

      // The retry layer over attempts sent by real fetch, the token set by hand in the headers (so
      // nothing remembered it: only its shape gets it scrubbed).
      const doFetch = createRetrying(async (outgoing) => {
        const response = await fetch(toRequest(outgoing, undefined, undefined));
        return { status: response.status, statusText: response.statusText, headers: response.headers, url: response.url, text: await response.text() };
      }, { maxRetries: 0 });
      const requests: Outgoing[] = [
        { method: "GET", url: "https://adb-1.example.net/api/2.0/postgres/projects/p1?x=1", headers: { Authorization: `Bearer ${token}` } },
        {
          method: "POST",
          url: "https://adb-1.example.net/api/2.0/postgres/projects?project_id=p1",
          body: "{}",
          headers: { Authorization: `Bearer ${token}`, "content-type": "application/json" },
        },
      ];
      for (const req of requests) {
        const res = await doFetch(req);
        const err = apiErrorFromResponse({
          status: res.status,
          statusText: res.statusText,
          headers: res.headers,
          bodyText: res.text,
          method: req.method,
          url: req.url,
        });
        expect(err).toBeInstanceOf(ApiError);
        for (const out of [String(err), JSON.stringify(err), inspect(err, { depth: 10, showHidden: true }), String(err.stack)]) {
          expect(out).not.toContain(token);
          expect(out).not.toContain("adb-1.example.net");
        }
      }
      expect(scope.isDone()).toBe(true);
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });

  describe("a server that echoes the token never gets it into an error", () => {
    const HOST = "https://ws.example.com";
    const OP = "projects/p/branches/dev/operations/op1";
    const tokens = {
      "a personal access token": "dapi0123456789abcdef0123456789abcdef",
      "an OAuth access token (JWT)": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzcC0xMjMifQ.c2lnbmF0dXJlLWJ5dGVz",
      "an opaque token from a custom provider": "opaque-7f3k9x2m4q8w1z",
    };

    /** Every printed form of an error, hidden properties included. */
    const printed = (error: Error) => [
      error.message,
      String(error),
      JSON.stringify(error),
      error.stack ?? "",
      inspect(error, { showHidden: true, depth: 10 }),
    ];

    const run = async (token: string, send: (client: ReturnType<typeof createLakebaseClient>) => Promise<unknown>) => {
      nock.disableNetConnect();
      try {
        const client = createLakebaseClient({ host: HOST, auth: { getToken: () => ({ accessToken: token }) }, retry: false });
        return await send(client).then(
          () => undefined,
          (e: unknown) => e,
        );
      } finally {
        nock.cleanAll();
        nock.enableNetConnect();
      }
    };

    for (const [label, token] of Object.entries(tokens)) {
      for (const status of [401, 500]) {
        it(`${label}: HTTP ${status} whose message quotes the Authorization header and the bare token`, async () => {
          const error = await run(token, (client) => {
            nock(HOST)
              .get("/api/2.0/postgres/projects/p")
              .times(2) // a 401 may be replayed once with a refreshed token
              .reply(function () {
                const header = String(this.req.headers.authorization);
                return [status, { error_code: status === 401 ? "UNAUTHENTICATED" : "INTERNAL_ERROR", message: `rejected ${header}; token was ${header.slice(7)}` }];
              });
            return client.projects.get("projects/p");
          });
          expect(error).toBeInstanceOf(ApiError);
          expect((error as ApiError).status).toBe(status);
          for (const text of [...printed(error as Error), (error as ApiError).serverMessage]) expect(text).not.toContain(token);
        });
      }

      it(`${label}: a failed operation whose error message quotes the token`, async () => {
        const error = await run(token, (client) => {
          let header = "";
          nock(HOST)
            .post("/api/2.0/postgres/projects/p/branches")
            .query({ branch_id: "dev" })
            .reply(function () {
              header = String(this.req.headers.authorization);
              return [200, { name: OP, done: false }];
            });
          nock(HOST)
            .get(`/api/2.0/postgres/${OP}`)
            .reply(() => [200, { name: OP, done: true, error: { error_code: "INTERNAL_ERROR", message: `provisioning failed for ${header} (token ${header.slice(7)})` } }]);
          return client.branches.create("projects/p", "dev", { spec: {} }).wait({ pollIntervalMs: 5 });
        });
        expect(error).toBeInstanceOf(InternalError);
        expect((error as ApiError).operationName).toBe(OP);
        for (const text of [...printed(error as Error), (error as ApiError).serverMessage]) expect(text).not.toContain(token);
      });
    }
  });
});
