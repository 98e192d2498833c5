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
import { findWireDetail } from "./error-details.js";

/** Upper bound, in UTF-8 bytes, of any raw response body text kept on an error. */
export const MAX_RAW_BODY_BYTES = 2048;
/** Upper bound, in UTF-8 bytes, of a message derived from unstructured text. */
const MAX_TEXT_MESSAGE_BYTES = 512;
/** Upper bound, in UTF-8 bytes, of a server-provided structured message. */
const MAX_MESSAGE_BYTES = 4096;

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

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/**
 * Truncate `s` so that its UTF-8 encoding (including the "…" marker when truncated) is at most
 * `maxBytes` bytes. Never splits a code point.
 */
export function truncateUtf8(s: string, maxBytes: number = MAX_RAW_BODY_BYTES): string {
  if (s.length * 3 <= maxBytes || encoder.encode(s).length <= maxBytes) return s;
  const marker = "…"; // 3 bytes
  const budget = Math.max(0, maxBytes - 3);
  let used = 0;
  let end = 0;
  for (const ch of s) {
    const n = utf8Length(ch.codePointAt(0) ?? 0);
    if (used + n > budget) break;
    used += n;
    end += ch.length;
  }
  return s.slice(0, end) + marker;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function fallbackMessage(status: number, statusText?: string): string {
  const t = statusText?.trim();
  return t ? t : `HTTP ${status}`;
}

function codeString(v: unknown): string | undefined {
  if (typeof v === "string") return v.trim() === "" ? undefined : v.trim();
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeHtml(s: string): string {
  return s
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ent: string) => {
      if (ent[0] === "#") {
        const cp = ent[1] === "x" || ent[1] === "X" ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
        return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
      }
      return NAMED_ENTITIES[ent.toLowerCase()] ?? whole;
    });
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

// ---------------------------------------------------------------------------------------------

const PLAIN_TEXT_RE = /^([A-Z][A-Z0-9_]*[A-Z0-9]):[ \t]*([\s\S]*)$/;
const PRE_RE = /<pre\b[^>]*>([\s\S]*?)<\/pre\s*>/i;

function parseJsonBody(
  obj: Record<string, unknown>,
  status: number,
  statusText: string | undefined,
): ParsedErrorBody | undefined {
  // Standard Databricks shape.
  if ("error_code" in obj || typeof obj.message === "string" || Array.isArray(obj.details)) {
    const errorCode = codeString(obj.error_code);
    const msg = typeof obj.message === "string" && obj.message !== "" ? obj.message : undefined;
    const parsed: ParsedErrorBody = {
      format: "json",
      message: truncateUtf8(msg ?? fallbackMessage(status, statusText), MAX_MESSAGE_BYTES),
    };
    if (obj.details !== undefined) parsed.details = obj.details;
    if (errorCode !== undefined) parsed.errorCode = errorCode;
    return parsed;
  }
  // Legacy API 1.2 shape.
  if (typeof obj.error === "string") {
    return {
      format: "legacy",
      message: truncateUtf8(obj.error || fallbackMessage(status, statusText), MAX_MESSAGE_BYTES),
    };
  }
  // SCIM shape.
  if ("detail" in obj && ("status" in obj || "scimType" in obj || "schemas" in obj)) {
    const scimStatus = codeString(obj.status) ?? String(status);
    const detail = typeof obj.detail === "string" ? obj.detail : "";
    const scimType = typeof obj.scimType === "string" ? obj.scimType : "";
    return {
      format: "scim",
      errorCode: `SCIM_${scimStatus}`,
      message: truncateUtf8(detail || scimType || fallbackMessage(status, statusText), MAX_MESSAGE_BYTES),
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
  const trimmed = text.trim();
  if (trimmed === "") {
    return { format: "empty", message: fallbackMessage(status, statusText) };
  }

  if (trimmed[0] === "{" || trimmed[0] === "[") {
    let json: unknown;
    let ok = false;
    try {
      json = JSON.parse(trimmed);
      ok = true;
    } catch {
      // fall through to text handling
    }
    if (ok) {
      const parsed = isRecord(json) ? parseJsonBody(json, status, statusText) : undefined;
      if (parsed) return parsed;
      return {
        format: "unknown",
        message: `${fallbackMessage(status, statusText)} (unrecognized error body)`,
        rawBody: truncateUtf8(text),
      };
    }
  }

  if (trimmed[0] === "<") {
    const pre = PRE_RE.exec(trimmed);
    const preText = pre ? oneLine(decodeHtml(pre[1] ?? "")) : "";
    if (preText !== "") {
      return { format: "html", message: truncateUtf8(preText, MAX_TEXT_MESSAGE_BYTES) };
    }
    return {
      format: "html",
      message: `${fallbackMessage(status, statusText)} (non-JSON response body)`,
      rawBody: truncateUtf8(text),
    };
  }

  const plain = PLAIN_TEXT_RE.exec(trimmed);
  if (plain) {
    const msg = oneLine(plain[2] ?? "");
    return {
      format: "text",
      errorCode: plain[1] as string,
      message: truncateUtf8(msg || fallbackMessage(status, statusText), MAX_TEXT_MESSAGE_BYTES),
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
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === "") return undefined;
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
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** The pathname of `url` (no host, no query, no fragment, no credentials). */
export function requestPath(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url, "http://localhost").pathname;
  } catch {
    const p = url.split(/[?#]/, 1)[0];
    return p === undefined || p === "" ? undefined : p;
  }
}

/**
 * Server-requested delay in ms: the larger of `Retry-After` and `RetryInfo.retry_delay`.
 * `details` is the body's `details` value as received.
 */
export function serverRetryDelayMs(
  headers: Headers | undefined,
  details: unknown,
  nowMs: number = Date.now(),
): number | undefined {
  const fromHeader = parseRetryAfter(headers?.get("retry-after"), nowMs);
  const info = findWireDetail(details, "RetryInfo");
  const fromBody = info?.retryDelayMs !== undefined ? Math.max(0, info.retryDelayMs) : undefined;
  if (fromHeader === undefined) return fromBody;
  if (fromBody === undefined) return fromHeader;
  return Math.max(fromHeader, fromBody);
}

/**
 * `init` with every server-supplied text scrubbed of secrets: message, error code, request id
 * and raw body. Idempotent; the ApiError constructor applies it to whatever it is given (a parsed
 * response, a failed operation, a hand-built init). The details are left as received: the error
 * scrubs them, at any depth, when it parses them on first read.
 */
export function redactErrorInit(init: ApiErrorInit): ApiErrorInit {
  const out: ApiErrorInit = { ...init, serverMessage: redactSecrets(init.serverMessage) };
  if (init.errorCode !== undefined) out.errorCode = redactSecrets(init.errorCode);
  if (init.requestId !== undefined) out.requestId = redactSecrets(init.requestId);
  if (init.statusText !== undefined) out.statusText = redactSecrets(init.statusText);
  if (init.rawBody !== undefined) out.rawBody = redactSecrets(init.rawBody);
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

/** Collect every ApiError field from a raw HTTP error response. Never throws. */
export function parseErrorResponse(input: RawErrorResponse): ApiErrorInit {
  const parsed = parseErrorBody(input.bodyText, input.status, input.statusText);
  const init: ApiErrorInit = {
    status: input.status,
    serverMessage: parsed.message,
  };
  if (parsed.details !== undefined) init.details = parsed.details;
  if (input.statusText) init.statusText = input.statusText;
  if (parsed.errorCode !== undefined) init.errorCode = parsed.errorCode;
  if (parsed.rawBody !== undefined) init.rawBody = parsed.rawBody;

  const fromDetail = findWireDetail(parsed.details, "RequestInfo")?.request_id;
  const requestId =
    (fromDetail ? fromDetail : undefined) ??
    input.headers?.get("x-request-id") ??
    input.headers?.get("x-databricks-request-id") ??
    undefined;
  if (requestId) init.requestId = requestId;

  const retryAfterMs = serverRetryDelayMs(input.headers, parsed.details);
  if (retryAfterMs !== undefined) init.retryAfterMs = retryAfterMs;

  if (input.method) init.method = input.method.toUpperCase();
  const path = requestPath(input.url);
  if (path !== undefined) init.path = path;
  return init;
}
