/**
 * Typed parsing of the `details[]` array of a Databricks error body (proto `Any` entries keyed by
 * `@type`). Everything here is tolerant: malformed input never throws, unknown entries are kept raw.
 */

const TYPE_PREFIX = "type.googleapis.com/google.rpc.";

export const ERROR_DETAIL_TYPE_URLS = {
  ErrorInfo: `${TYPE_PREFIX}ErrorInfo`,
  RequestInfo: `${TYPE_PREFIX}RequestInfo`,
  RetryInfo: `${TYPE_PREFIX}RetryInfo`,
  DebugInfo: `${TYPE_PREFIX}DebugInfo`,
  QuotaFailure: `${TYPE_PREFIX}QuotaFailure`,
  PreconditionFailure: `${TYPE_PREFIX}PreconditionFailure`,
  BadRequest: `${TYPE_PREFIX}BadRequest`,
  ResourceInfo: `${TYPE_PREFIX}ResourceInfo`,
  Help: `${TYPE_PREFIX}Help`,
} as const;

export type KnownErrorDetailType = keyof typeof ERROR_DETAIL_TYPE_URLS;

interface DetailBase<T extends string> {
  /** Discriminant: the short proto message name, or "unknown". */
  readonly type: T;
  /** The `@type` URL exactly as received. */
  readonly typeUrl: string;
}

export interface ErrorInfoDetail extends DetailBase<"ErrorInfo"> {
  reason: string;
  domain: string;
  metadata: Record<string, string>;
}

export interface RequestInfoDetail extends DetailBase<"RequestInfo"> {
  request_id: string;
  serving_data: string;
}

export interface RetryInfoDetail extends DetailBase<"RetryInfo"> {
  /** Proto Duration string as received, e.g. "3.000000001s" ("" when absent). */
  retry_delay: string;
  /** `retry_delay` in milliseconds (fractional), undefined when absent or unparsable. */
  retryDelayMs?: number;
}

export interface DebugInfoDetail extends DetailBase<"DebugInfo"> {
  stack_entries: string[];
  detail: string;
}

export interface QuotaFailureDetail extends DetailBase<"QuotaFailure"> {
  violations: { subject: string; description: string }[];
}

export interface PreconditionFailureDetail extends DetailBase<"PreconditionFailure"> {
  violations: { type: string; subject: string; description: string }[];
}

export interface BadRequestDetail extends DetailBase<"BadRequest"> {
  field_violations: { field: string; description: string }[];
}

export interface ResourceInfoDetail extends DetailBase<"ResourceInfo"> {
  resource_type: string;
  resource_name: string;
  owner: string;
  description: string;
}

export interface HelpDetail extends DetailBase<"Help"> {
  links: { description: string; url: string }[];
}

export interface UnknownErrorDetail extends DetailBase<"unknown"> {
  /** The entry exactly as received (also used for entries that are not objects or lack `@type`). */
  raw: unknown;
}

export type ErrorDetail =
  | ErrorInfoDetail
  | RequestInfoDetail
  | RetryInfoDetail
  | DebugInfoDetail
  | QuotaFailureDetail
  | PreconditionFailureDetail
  | BadRequestDetail
  | ResourceInfoDetail
  | HelpDetail
  | UnknownErrorDetail;

/** Narrow helper: the detail variant whose `type` is `T`. */
export type ErrorDetailOf<T extends ErrorDetail["type"]> = Extract<ErrorDetail, { type: T }>;

// ---------------------------------------------------------------------------------------------

const DURATION_RE = /^\s*([+-])?(\d*)(?:\.(\d*))?s\s*$/;

/**
 * Parse a proto3 JSON `Duration` ("3s", "3.000000001s", "-1.5s", ".5s") into milliseconds.
 * Returns undefined for anything else. Never throws.
 */
export function parseDuration(s: string): number | undefined {
  if (typeof s !== "string") return undefined;
  const m = DURATION_RE.exec(s);
  if (!m) return undefined;
  const whole = m[2] ?? "";
  const frac = m[3] ?? "";
  if (whole === "" && frac === "") return undefined;
  const seconds = whole === "" ? 0 : Number(whole);
  // Fractional part as nanoseconds (extra digits beyond 9 are treated as a finer fraction).
  const fracMs = frac === "" ? 0 : Number(`0.${frac}`) * 1000;
  const ms = seconds * 1000 + fracMs;
  if (!Number.isFinite(ms)) return undefined;
  return m[1] === "-" ? -ms : ms;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  return "";
}

function list<T>(v: unknown, map: (item: Record<string, unknown>) => T): T[] {
  if (!Array.isArray(v)) return [];
  const out: T[] = [];
  for (const item of v) if (isRecord(item)) out.push(map(item));
  return out;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  for (const [k, val] of Object.entries(v)) {
    if (val === null || val === undefined || typeof val === "object") continue;
    out[k] = str(val);
  }
  return out;
}

/** Duration may arrive as the canonical string or (non-canonically) as {seconds, nanos}. */
function durationString(v: unknown): string {
  if (typeof v === "string") return v;
  if (isRecord(v)) {
    const seconds = Number(v.seconds ?? 0);
    const nanos = Number(v.nanos ?? 0);
    if (Number.isFinite(seconds) && Number.isFinite(nanos)) {
      if (nanos === 0) return `${seconds}s`;
      const sign = seconds < 0 || nanos < 0 ? "-" : "";
      const frac = String(Math.abs(Math.trunc(nanos))).padStart(9, "0");
      return `${sign}${Math.abs(Math.trunc(seconds))}.${frac}s`;
    }
  }
  return "";
}

/** Short proto message name from a type URL ("type.googleapis.com/google.rpc.ErrorInfo" → "ErrorInfo"). */
function knownTypeOf(typeUrl: string): KnownErrorDetailType | undefined {
  const lastSlash = typeUrl.lastIndexOf("/");
  const fullName = typeUrl.slice(lastSlash + 1);
  if (!fullName.startsWith("google.rpc.")) return undefined;
  const name = fullName.slice("google.rpc.".length);
  return Object.prototype.hasOwnProperty.call(ERROR_DETAIL_TYPE_URLS, name)
    ? (name as KnownErrorDetailType)
    : undefined;
}

/** Parse one `details[]` entry. Never throws. */
export function parseErrorDetail(entry: unknown): ErrorDetail {
  if (!isRecord(entry) || typeof entry["@type"] !== "string") {
    return { type: "unknown", typeUrl: isRecord(entry) ? str(entry["@type"]) : "", raw: entry };
  }
  const typeUrl = entry["@type"];
  const e = entry;
  switch (knownTypeOf(typeUrl)) {
    case "ErrorInfo":
      return { type: "ErrorInfo", typeUrl, reason: str(e.reason), domain: str(e.domain), metadata: stringMap(e.metadata) };
    case "RequestInfo":
      return { type: "RequestInfo", typeUrl, request_id: str(e.request_id), serving_data: str(e.serving_data) };
    case "RetryInfo": {
      const retry_delay = durationString(e.retry_delay);
      const ms = retry_delay === "" ? undefined : parseDuration(retry_delay);
      const d: RetryInfoDetail = { type: "RetryInfo", typeUrl, retry_delay };
      if (ms !== undefined) d.retryDelayMs = ms;
      return d;
    }
    case "DebugInfo":
      return {
        type: "DebugInfo",
        typeUrl,
        stack_entries: Array.isArray(e.stack_entries) ? e.stack_entries.map(str) : [],
        detail: str(e.detail),
      };
    case "QuotaFailure":
      return {
        type: "QuotaFailure",
        typeUrl,
        violations: list(e.violations, (v) => ({ subject: str(v.subject), description: str(v.description) })),
      };
    case "PreconditionFailure":
      return {
        type: "PreconditionFailure",
        typeUrl,
        violations: list(e.violations, (v) => ({
          type: str(v.type),
          subject: str(v.subject),
          description: str(v.description),
        })),
      };
    case "BadRequest":
      return {
        type: "BadRequest",
        typeUrl,
        field_violations: list(e.field_violations, (v) => ({ field: str(v.field), description: str(v.description) })),
      };
    case "ResourceInfo":
      return {
        type: "ResourceInfo",
        typeUrl,
        resource_type: str(e.resource_type),
        resource_name: str(e.resource_name),
        owner: str(e.owner),
        description: str(e.description),
      };
    case "Help":
      return {
        type: "Help",
        typeUrl,
        links: list(e.links, (v) => ({ description: str(v.description), url: str(v.url) })),
      };
    default:
      return { type: "unknown", typeUrl, raw: entry };
  }
}

/** Parse a `details` value (normally an array). Non-arrays yield []. Never throws. */
export function parseErrorDetails(raw: unknown): ErrorDetail[] {
  if (!Array.isArray(raw)) return [];
  return raw.map(parseErrorDetail);
}

/** First detail of the given kind, if any. */
export function findDetail<T extends ErrorDetail["type"]>(
  details: readonly ErrorDetail[],
  type: T,
): ErrorDetailOf<T> | undefined {
  return details.find((d): d is ErrorDetailOf<T> => d.type === type);
}

/**
 * The first entry of kind `type` in a `details` value as received (not yet parsed), parsed alone:
 * what an error needs at construction (its request id, its retry delay) without parsing the rest.
 */
export function findWireDetail<T extends KnownErrorDetailType>(raw: unknown, type: T): ErrorDetailOf<T> | undefined {
  if (!Array.isArray(raw)) return undefined;
  for (const entry of raw) {
    if (isRecord(entry) && typeof entry["@type"] === "string" && knownTypeOf(entry["@type"]) === type) {
      return parseErrorDetail(entry) as ErrorDetailOf<T>;
    }
  }
  return undefined;
}

/** Error details are shallow; anything nested deeper is dropped rather than kept unmapped. */
const MAX_DEPTH = 32;

function mapStrings(value: unknown, map: (text: string) => string, depth: number): unknown {
  if (typeof value === "string") return map(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > MAX_DEPTH) return "(nested too deep)";
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map, depth + 1));
  // fromEntries defines own properties, so a "__proto__" key in server JSON stays plain data.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, map, depth + 1)]));
}

/**
 * The details with every string value passed through `map`, at any depth, including the raw
 * value of unknown entries (used to scrub secrets a server quoted back). Never throws.
 */
export function mapDetailStrings(details: readonly ErrorDetail[], map: (text: string) => string): ErrorDetail[] {
  return details.map((detail) => mapStrings(detail, map, 0) as ErrorDetail);
}
