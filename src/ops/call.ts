import type { OperationId, OperationInfo } from "../generated/operations.js";
import { apiErrorFromResponse, LakebaseError, ValidationError } from "./errors.js";
import { checkId, isIdParam } from "./ids.js";
import { parseName } from "./name-parse.js";
import { checkOperationName } from "./names.js";
import { startCall } from "./call-trace.js";
import type { EventSink } from "./events.js";
import type { Reply, Transport } from "./exchange.js";
import { isWellFormed } from "./well-formed.js";

/** Per-call options every method accepts next to its API parameters. */
export interface CallOptions {
  /** Cancels the request, including any retry sleep. */
  readonly signal?: AbortSignal;
  /** Extra request headers (for example a tracing header). */
  readonly headers?: Record<string, string>;
  /** This call's per-attempt timeout in ms, instead of the client's `timeoutMs`. */
  readonly timeoutMs?: number;
}

/** What the `onRequest` hook sees (the `request` event, reduced): never headers, never the body, never a token. */
export interface RequestInfo {
  readonly operationId: OperationId;
  readonly method: string;
  readonly path: string;
}

/** A set of response validators by schema name: the `schemas` export of `lakebase-sdk/schemas`. */
export type SchemaSet = Readonly<Record<string, { safeParse(value: unknown): SafeParseResult }>>;
interface SafeParseResult {
  readonly success: boolean;
  readonly error?: { readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[] };
}

export interface CallContext {
  /** The workspace URL, without a trailing slash. */
  readonly baseUrl: string;
  /** The stack every request goes through: retry, then the per-attempt deadline, auth and fetch. */
  readonly transport: Transport;
  /** Sent with every request (Accept, User-Agent, workspace id). */
  readonly headers: Readonly<Record<string, string>>;
  /** Loads the validators when `validateResponses` is on; undefined when it is off. */
  readonly loadSchemas?: () => Promise<SchemaSet>;
  /** The client's event listeners (events.ts); undefined when it has none, so a call without them costs one check. */
  readonly events?: EventSink | undefined;
}

export interface CallArgs {
  /** The resource name (`kind: "name"` operations) or parent name (`kind: "parent"`). */
  readonly resource?: string;
  readonly query?: Readonly<Record<string, unknown>>;
  readonly body?: unknown;
  readonly options?: CallOptions;
}

/** The response body was not the JSON the API promises (for example an HTML page with status 200). */
export class InvalidResponseError extends LakebaseError {
  static override readonly typeName: string = "InvalidResponseError";

  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/** A request whose input has been checked: nothing left to refuse, ready to send (maybe many times). */
export interface PreparedCall {
  readonly op: OperationInfo;
  readonly path: Record<string, string>;
  readonly query: Record<string, unknown>;
  readonly body: unknown;
}

/**
 * Checks the name and query of an API method and builds its path and query. Throws
 * ValidationError. A method with a body adds it with `prepareCallWithBody` (body-checks.ts), so the
 * body rules stay out of bundles that only read.
 */
export function prepareCall(op: OperationInfo, args: Pick<CallArgs, "resource" | "query"> = {}): PreparedCall {
  return {
    op,
    path: checkResourceName(op, args.resource),
    query: queryParams(op, args.query ?? {}),
    body: undefined,
  };
}

/** What a sent call gives back: the decoded body and the response headers (for Retry-After on polls). */
export interface CallResult<T> {
  readonly data: T;
  readonly headers: Headers;
}

/** A per-call timeout must be a positive, finite number of milliseconds. */
function checkTimeout(timeoutMs: unknown): number {
  if (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new ValidationError("timeoutMs", "must be a finite number of milliseconds greater than 0");
  }
  return timeoutMs;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Extra headers are checked like any other input: a name that is not an HTTP token or a value with
 * a line break would otherwise be a TypeError from `Headers`, and the SDK sets Authorization itself.
 */
function checkHeaders(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  if (headers === null || typeof headers !== "object") throw new ValidationError("headers", "must be an object of header names to string values");
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new ValidationError("headers", `"${name.slice(0, 40)}" is not an HTTP header name`);
    if (name.toLowerCase() === "authorization") throw new ValidationError(`headers.${name}`, "is set by the client's auth option");
    if (typeof value !== "string" || /[\r\n\0]/.test(value)) throw new ValidationError(`headers.${name}`, "must be a string without line breaks or NUL");
  }
  return headers;
}

/** Sends a prepared call; `extraQuery` varies per send (a page token). Errors are typed. */
export async function sendCall<T>(
  ctx: CallContext,
  call: PreparedCall,
  options: CallOptions = {},
  extraQuery?: Record<string, unknown>,
): Promise<CallResult<T>> {
  const { op } = call;
  const headers: Record<string, string> = { ...ctx.headers, ...checkHeaders(options.headers) };
  let body: string | undefined;
  if (call.body !== undefined) {
    body = JSON.stringify(call.body);
    headers["Content-Type"] = "application/json";
  }
  const timeoutMs = options.timeoutMs === undefined ? undefined : checkTimeout(options.timeoutMs);
  const url = requestUrl(ctx.baseUrl, call, extraQuery);
  const traced = ctx.events && startCall(ctx.events, op, url, body);
  // The body is read once, by the transport; the typed error and the result are both built from it.
  let reply: Reply;
  try {
    reply = await ctx.transport({ method: op.method, url, headers, body, signal: options.signal, timeoutMs, trace: traced?.trace });
  } catch (error) {
    traced?.end(undefined, error);
    throw error;
  }
  traced?.end(reply);
  if (reply.status < 200 || reply.status > 299) {
    throw apiErrorFromResponse({ status: reply.status, statusText: reply.statusText, headers: reply.headers, bodyText: reply.text, method: op.method, url: reply.url });
  }
  const parsed = parseJson(reply.text, reply.status, op);
  if (ctx.loadSchemas && op.response) validate(await ctx.loadSchemas(), op.response, parsed, op);
  return { data: parsed as T, headers: reply.headers };
}

/** The URL of a prepared call: ids percent-encoded (verbatim where the spec says so), query as Go's url.Values sends it. */
function requestUrl(baseUrl: string, call: PreparedCall, extraQuery: Record<string, unknown> | undefined): string {
  const path = call.op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = call.path[name]!;
    return call.op.verbatimPathParams.includes(name) ? value : encodeURIComponent(value);
  });
  const query = serializeQuery(extraQuery ? { ...call.query, ...extraQuery } : call.query);
  return `${baseUrl}${path}${query ? `?${query}` : ""}`;
}

/** Query values as Go's url.Values would send them; zero values (false, "", 0) are omitted as the SDKs do. */
function serializeQuery(query: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === false || value === "" || value === 0) continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return parts.join("&");
}

/** The path parameters of `resource` (a name or a parent name, as the operation's target says); ValidationError when it is not one. */
export function checkResourceName(op: OperationInfo, resource: string | undefined): Record<string, string> {
  if (op.target.kind === "none") return {};
  // An operation name is spliced whole (x-verbatim); what keeps it on an operation is that its
  // resource part parses as a known kind.
  if (op.verbatimPathParams.length > 0) return { [op.verbatimPathParams[0]!]: checkOperationName(resource, op.target.kind) };
  return parseName(op.target.template, resource, op.target.kind);
}

function queryParams(op: OperationInfo, input: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const spec = op.query[key];
    if (!spec) throw new ValidationError(key, `is not a parameter of ${op.id}`);
    out[key] = checkQueryValue(op, key, value, spec);
  }
  for (const [key, spec] of Object.entries(op.query)) {
    // "" is a zero value: serializeQuery leaves it out, so a required parameter given "" would go missing.
    if (spec.required && (out[key] === undefined || out[key] === "")) {
      throw new ValidationError(key, `is required by ${op.id}`);
    }
  }
  return out;
}

function checkQueryValue(
  op: OperationInfo,
  key: string,
  value: unknown,
  spec: OperationInfo["query"][string],
): unknown {
  // `update_mask` arrives here already checked against the resource's rules and joined (masks/validate.ts).
  if (isIdParam(key)) return checkId(key, value);
  switch (spec.type) {
    case "boolean":
      if (typeof value !== "boolean") throw new ValidationError(key, "must be a boolean");
      return value;
    case "integer": {
      if (typeof value !== "number" || !Number.isInteger(value)) throw new ValidationError(key, "must be an integer");
      if (spec.minimum !== undefined && value < spec.minimum) throw new ValidationError(key, `must be ≥ ${spec.minimum}`);
      if (spec.maximum !== undefined && value > spec.maximum) {
        throw new ValidationError(key, `must be ≤ ${spec.maximum} for ${op.id}`);
      }
      return value;
    }
    default:
      if (typeof value !== "string") throw new ValidationError(key, "must be a string");
      if (!isWellFormed(value)) throw new ValidationError(key, "must be well-formed Unicode (no lone surrogate)");
      return value;
  }
}

function parseJson(text: string | undefined, status: number, op: OperationInfo): unknown {
  if (text === undefined || text === "") {
    if (op.response) throw new InvalidResponseError(`${op.id}: empty response body (HTTP ${status})`, status);
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidResponseError(`${op.id}: response body is not JSON (HTTP ${status})`, status);
  }
}

/** Opt-in response validation against the spec's zod schemas. */
function validate(schemas: SchemaSet, schemaName: string, value: unknown, op: OperationInfo): void {
  const schema = schemas[schemaName];
  if (!schema) return;
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = (result.error?.issues ?? [])
      .slice(0, 5)
      .map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    throw new InvalidResponseError(`${op.id}: response does not match ${schemaName}: ${issues}`, 200);
  }
}
