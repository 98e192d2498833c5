/**
 * Turn a raw HTTP error (status, headers, body text) into the plain fields an ApiError is built
 * from. Pure and tolerant: never throws, never looks at request headers, keeps at most 2 KiB of
 * any raw body. Secrets a server quotes back (a bearer token, a PAT, a JWT, any remembered secret,
 * see auth/secrets.ts) are scrubbed from every text kept.
 *
 * Body shapes understood (the spec's `DatabricksError` schema, and what older services and
 * proxies in front of them send):
 *  - JSON `{error_code, message, details}`  (error_code string or number → String)
 *  - legacy JSON `{"error": "..."}`           → message
 *  - SCIM JSON `{detail, status, scimType}`   → error_code `SCIM_<status>`
 *  - plain text `ERROR_CODE: message`
 *  - HTML with `<pre>message</pre>`           → message
 *  - other HTML (proxy error pages)           → `<status text> (non-JSON response body)`
 *  - empty                                     → status text or `HTTP <status>`
 *  - anything else                             → error code absent ("UNKNOWN"), truncated text
 */

import { redactSecrets } from "./redact.js";
import { findWireDetail, isRecord } from "./error-details.js";

/** Upper bound, in UTF-8 bytes, of any raw response body text kept on an error. */
export const MAX_RAW_BODY_BYTES = 2048;
/** Upper bound, in UTF-8 bytes, of a message derived from unstructured text. */
const MAX_TEXT_MESSAGE_BYTES = 512;
/** Upper bound, in UTF-8 bytes, of a server-provided structured message. */
export const MAX_MESSAGE_BYTES = 4096;

export type ErrorBodyFormat = "json" | "legacy" | "scim" | "text" | "html" | "empty" | "unknown";

export interface ParsedErrorBody {
  /** Which shape was recognised. */
  format: ErrorBodyFormat;
  /** error_code as found in the body (stringified), or undefined when the body carries none. */
  errorCode?: string;
  /** Human-readable server message (never empty). */
  message: string;
  /**
   * The body's `details` value as received, not parsed: an ApiError parses (and scrubs) it when its
   * `details` is first read. Absent when the body has none.
   */
  details?: unknown;
  /** Raw body text (≤ 2 KiB) kept only when the body was not a recognised structured shape. */
  rawBody?: string;
}

/** Everything needed to build an ApiError. */
export interface ApiErrorInit {
  status: number;
  statusText?: string;
  /** Code as found (undefined → "UNKNOWN" on the error, and the class is chosen by status alone). */
  errorCode?: string;
  /** Message as said by the server (without code prefix). */
  serverMessage: string;
  /** The `details[]` value as received on the wire (`@type` entries); parsed on first read of `error.details`. */
  details?: unknown;
  requestId?: string;
  method?: string;
  /** URL pathname only. */
  path?: string;
  retryAfterMs?: number;
  operationName?: string;
  rawBody?: string;
}

// ---------------------------------------------------------------------------------------------
// small helpers

const encoder = new TextEncoder();

/**
 * Truncate `s` so that its UTF-8 encoding (including the "…" marker when truncated) is at most
 * `maxBytes` bytes. Never splits a code point.
 */
export function truncateUtf8(s: string, maxBytes: number = MAX_RAW_BODY_BYTES): string {
  if (s.length * 3 <= maxBytes || encoder.encode(s).length <= maxBytes) return s;
  const budget = Math.max(0, maxBytes - 3); // room left beside the 3-byte "…"
  let used = 0;
  let end = 0;
  // for…of walks code points, so a surrogate pair is kept or cut whole.
  for (const ch of s) {
    used += encoder.encode(ch).length;
    if (used > budget) break;
    end += ch.length;
  }
  return `${s.slice(0, end)}…`;
}

/** The text of an `error_code` (or SCIM `status`): a non-blank string, trimmed, or a finite number. */
export function codeString(v: unknown): string | undefined {
  if (typeof v === "string") return v.trim() || undefined;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeHtml(s: string): string {
  return s
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ent: string) => {
      if (ent[0] === "#") {
        // "#x41" → Number("0x41"), hex; "#65" → Number("065"), decimal.
        const cp = Number(`0${ent.slice(1)}`);
        return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
      }
      // Own keys only: `&constructor;` is not an entity, whatever Object.prototype holds.
      const name = ent.toLowerCase();
      return Object.prototype.hasOwnProperty.call(NAMED_ENTITIES, name) ? NAMED_ENTITIES[name]! : whole;
    });
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

// ---------------------------------------------------------------------------------------------

const PLAIN_TEXT_RE = /^([A-Z][A-Z0-9_]*[A-Z0-9]):[ \t]*([\s\S]*)$/;
const PRE_RE = /<pre\b[^>]*>([\s\S]*?)<\/pre\s*>/i;

/** A structured JSON error body; undefined for an object of no shape known here. */
function parseJsonBody(obj: Record<string, unknown>, status: number, fallback: () => string): ParsedErrorBody | undefined {
  const message = (text: unknown) => truncateUtf8(typeof text === "string" && text !== "" ? text : fallback(), MAX_MESSAGE_BYTES);
  // Standard Databricks shape.
  if ("error_code" in obj || typeof obj.message === "string" || Array.isArray(obj.details)) {
    return withoutUndefined<ParsedErrorBody>({ format: "json", message: message(obj.message), details: obj.details, errorCode: codeString(obj.error_code) });
  }
  // Legacy API 1.2 shape.
  if (typeof obj.error === "string") return { format: "legacy", message: message(obj.error) };
  // SCIM shape: the message is its detail, else its scimType.
  if ("detail" in obj && ("status" in obj || "scimType" in obj || "schemas" in obj)) {
    return {
      format: "scim",
      errorCode: `SCIM_${codeString(obj.status) ?? status}`,
      message: message(typeof obj.detail === "string" && obj.detail !== "" ? obj.detail : obj.scimType),
    };
  }
  return undefined;
}

/**
 * Parse an error response body. `status`/`statusText` are used for fallback messages only.
 * Never throws.
 */
export function parseErrorBody(bodyText: string, status: number, statusText?: string): ParsedErrorBody {
  // Scrubbed before anything is cut to size, so no truncation can leave half a secret behind;
  // the parsed strings are scrubbed again (JSON escapes can hide a value from the raw pass). The
  // details are scrubbed again when an error parses them.
  const parsed = parseScrubbedBody(typeof bodyText === "string" ? redactSecrets(bodyText) : "", status, statusText);
  const out: ParsedErrorBody = { ...parsed, message: redactSecrets(parsed.message) };
  if (parsed.errorCode !== undefined) out.errorCode = redactSecrets(parsed.errorCode);
  return out;
}

function parseScrubbedBody(text: string, status: number, statusText?: string): ParsedErrorBody {
  // What a message falls back to when the body says nothing.
  const fallback = () => statusText?.trim() || `HTTP ${status}`;
  const trimmed = text.trim();
  if (trimmed === "") return { format: "empty", message: fallback() };

  if (/^[{[]/.test(trimmed)) {
    try {
      const json: unknown = JSON.parse(trimmed); // the only call here that can throw
      return (
        (isRecord(json) && parseJsonBody(json, status, fallback)) || {
          format: "unknown",
          message: `${fallback()} (unrecognized error body)`,
          rawBody: truncateUtf8(text),
        }
      );
    } catch {
      // not JSON after all: read as text below
    }
  }

  if (trimmed[0] === "<") {
    const preText = oneLine(decodeHtml(PRE_RE.exec(trimmed)?.[1] ?? ""));
    return preText !== ""
      ? { format: "html", message: truncateUtf8(preText, MAX_TEXT_MESSAGE_BYTES) }
      : { format: "html", message: `${fallback()} (non-JSON response body)`, rawBody: truncateUtf8(text) };
  }

  const plain = PLAIN_TEXT_RE.exec(trimmed);
  if (plain) {
    return {
      format: "text",
      errorCode: plain[1] as string,
      message: truncateUtf8(oneLine(plain[2] ?? "") || fallback(), MAX_TEXT_MESSAGE_BYTES),
    };
  }

  return {
    format: "unknown",
    message: truncateUtf8(oneLine(trimmed), MAX_TEXT_MESSAGE_BYTES),
    rawBody: truncateUtf8(text),
  };
}

/**
 * Parse a `Retry-After` header value: delta-seconds (e.g. "1", "1.5") or an HTTP-date.
 * Returns milliseconds (≥ 0) or undefined when absent/invalid.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) {
    const secs = Number(v);
    return Number.isFinite(secs) ? secs * 1000 : undefined;
  }
  // HTTP-date (IMF-fixdate, RFC 850 or asctime) always names a month; reject other junk that the
  // lenient Date.parse would accept.
  if (!/\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/i.test(v) || !/\d{1,2}:\d{2}/.test(v)) {
    return undefined;
  }
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The pathname of `url` (no host, no query, no fragment, no credentials). */
export function requestPath(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url, "http://localhost").pathname;
  } catch {
    return url.split(/[?#]/, 1)[0] || undefined;
  }
}

/**
 * Server-requested delay in ms: the larger of `Retry-After` and `RetryInfo.retry_delay` (a
 * negative delay counts as 0). `details` is the body's `details` value as received.
 */
export function serverRetryDelayMs(
  headers: Headers | undefined,
  details: unknown,
  nowMs: number = Date.now(),
): number | undefined {
  const fromHeader = parseRetryAfter(headers?.get("retry-after"), nowMs);
  const fromBody = findWireDetail(details, "RetryInfo")?.retryDelayMs;
  // A header delay is never negative, so 0 stands in for it when absent (and floors the body's).
  return fromBody === undefined ? fromHeader : Math.max(fromHeader ?? 0, fromBody);
}

/** `obj` without its undefined properties: optional fields stay absent rather than undefined. */
export function withoutUndefined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

/**
 * `init` with every server-supplied text scrubbed of secrets: message, error code, request id
 * and raw body. Idempotent; the ApiError constructor applies it to whatever it is given (a parsed
 * response, a failed operation, a hand-built init). The details are left as received: the error
 * scrubs them, at any depth, when it parses them on first read.
 */
export function redactErrorInit(init: ApiErrorInit): ApiErrorInit {
  const out: ApiErrorInit = { ...init, serverMessage: redactSecrets(init.serverMessage) };
  for (const key of ["errorCode", "requestId", "statusText", "rawBody"] as const) {
    const text = init[key];
    if (text !== undefined) out[key] = redactSecrets(text);
  }
  return out;
}

export interface RawErrorResponse {
  status: number;
  statusText?: string;
  headers?: Headers;
  bodyText: string;
  method?: string;
  url?: string;
}

/** The server's request id header (an empty `x-request-id` ends the search): for errors and `response` events. */
export function requestIdOf(headers: Headers): string | null {
  return headers.get("x-request-id") ?? headers.get("x-databricks-request-id");
}

/** Collect every ApiError field from a raw HTTP error response. Never throws. */
export function parseErrorResponse(input: RawErrorResponse): ApiErrorInit {
  const { status, statusText, headers, method } = input;
  const parsed = parseErrorBody(input.bodyText, status, statusText);
  // A RequestInfo detail wins over the headers. (An empty x-request-id header ends the search.)
  const requestId = findWireDetail(parsed.details, "RequestInfo")?.request_id || (headers && requestIdOf(headers));
  return withoutUndefined({
    status,
    serverMessage: parsed.message,
    details: parsed.details,
    statusText: statusText || undefined,
    errorCode: parsed.errorCode,
    rawBody: parsed.rawBody,
    requestId: requestId || undefined,
    retryAfterMs: serverRetryDelayMs(headers, parsed.details),
    method: method ? method.toUpperCase() : undefined,
    path: requestPath(input.url),
  });
}
