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
  const m = typeof s === "string" ? DURATION_RE.exec(s) : null;
  const whole = m?.[2] ?? "";
  const frac = m?.[3] ?? "";
  if (whole === "" && frac === "") return undefined; // no match, or no digit ("s", ".s")
  // Fractional part as nanoseconds (extra digits beyond 9 are treated as a finer fraction).
  // Number("") and Number("0.") are both 0.
  const ms = Number(whole) * 1000 + Number(`0.${frac}`) * 1000;
  if (!Number.isFinite(ms)) return undefined;
  return m?.[1] === "-" ? -ms : ms;
}

/** A plain object: not null, not an array. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Scalars as text; anything else (absent, null, objects) as "". */
function str(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  return "";
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(str) : [];
}

/** Scalar values as text; null, absent and nested values are dropped. */
function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) {
    for (const [k, val] of Object.entries(v)) if (val != null && typeof val !== "object") out[k] = str(val);
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

/**
 * How one field of a detail is read from whatever the wire holds (never throws): a function, or,
 * for a list of messages whose fields are all strings, the names of those fields (items that are
 * not objects are dropped).
 */
type FieldReader = ((v: unknown) => unknown) | readonly string[];

/**
 * Every known detail's fields, in the order they appear on the parsed object (after `type` and
 * `typeUrl`), each with its reader. Plain data, read by `parseErrorDetail`: a bundle that never
 * parses details can drop it. The mapped type keeps it in step with ERROR_DETAIL_TYPE_URLS.
 */
const DETAIL_FIELDS: { readonly [K in KnownErrorDetailType]: Readonly<Record<string, FieldReader>> } = {
  ErrorInfo: { reason: str, domain: str, metadata: stringMap },
  RequestInfo: { request_id: str, serving_data: str },
  RetryInfo: { retry_delay: durationString },
  DebugInfo: { stack_entries: strings, detail: str },
  QuotaFailure: { violations: ["subject", "description"] },
  PreconditionFailure: { violations: ["type", "subject", "description"] },
  BadRequest: { field_violations: ["field", "description"] },
  ResourceInfo: { resource_type: str, resource_name: str, owner: str, description: str },
  Help: { links: ["description", "url"] },
};

function readField(reader: FieldReader, v: unknown): unknown {
  if (typeof reader === "function") return reader(v);
  if (!Array.isArray(v)) return [];
  return v.filter(isRecord).map((item) => Object.fromEntries(reader.map((key) => [key, str(item[key])])));
}

/** An entry's `@type` as text ("" when the entry is not an object). */
function typeUrlOf(entry: unknown): string {
  return isRecord(entry) ? str(entry["@type"]) : "";
}

/**
 * The known detail a type URL names ("type.googleapis.com/google.rpc.ErrorInfo" → "ErrorInfo"):
 * the part after the last "/" must be `google.rpc.<Name>`.
 */
function knownTypeOf(typeUrl: string): KnownErrorDetailType | undefined {
  const name = /(?:^|\/)google\.rpc\.(\w+)$/.exec(typeUrl)?.[1];
  return name !== undefined && Object.hasOwn(DETAIL_FIELDS, name) ? (name as KnownErrorDetailType) : undefined;
}

/** Parse one `details[]` entry. Never throws. */
export function parseErrorDetail(entry: unknown): ErrorDetail {
  const typeUrl = typeUrlOf(entry);
  const type = knownTypeOf(typeUrl);
  // Not an object, no `@type`, or not a type listed (a non-string `@type` never is): kept as received.
  if (type === undefined) return { type: "unknown", typeUrl, raw: entry };
  const e = entry as Record<string, unknown>;
  const detail: Record<string, unknown> = { type, typeUrl };
  for (const [key, reader] of Object.entries(DETAIL_FIELDS[type])) detail[key] = readField(reader, e[key]);
  if (type === "RetryInfo") {
    const ms = parseDuration(detail.retry_delay as string);
    if (ms !== undefined) detail.retryDelayMs = ms;
  }
  return detail as unknown as ErrorDetail;
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
  const entry = Array.isArray(raw) ? raw.find((item) => knownTypeOf(typeUrlOf(item)) === type) : undefined;
  return entry === undefined ? undefined : (parseErrorDetail(entry) as ErrorDetailOf<T>);
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
