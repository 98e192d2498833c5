import type { OperationInfo } from "../generated/operations.js";
import { checkDuration } from "./durations.js";
import { ValidationError } from "./errors.js";
import { parseName } from "./name-parse.js";
import { checkResourceName, prepareCall, type CallArgs, type PreparedCall } from "./call.js";

/**
 * The largest request body sent, as UTF-8 JSON: 1 MiB. The API documents no limit; its bodies are
 * one resource's spec (the largest being a `pg_settings` map or a credential's claims), kilobytes
 * at most. A body above this is a mistake (a file read into a field), refused here rather than
 * uploaded to be rejected by a gateway.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

type BodyRules = NonNullable<OperationInfo["body"]>;

/** The value at a dotted path, or undefined when an intermediate is missing or not an object. */
function at(body: object, path: string): unknown {
  let current: unknown = body;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
    current = Object.prototype.hasOwnProperty.call(current, key) ? (current as Record<string, unknown>)[key] : undefined;
  }
  return current;
}

/**
 * Checks a request body as the operation table describes it (from the spec): no output-only
 * field (`readOnly`: `status`, `uid`, `create_time`, …; types already refuse them, this catches
 * plain JavaScript), every Duration field well formed and inside its `x-duration-bounds`, and the
 * serialized JSON within MAX_BODY_BYTES. Throws a ValidationError naming the field.
 */
export function checkBody(rules: BodyRules, body: object): void {
  for (const path of rules.outputOnly) {
    const value = at(body, path);
    // null is proto3 JSON for "unset": harmless, and what some layers send for every absent field.
    if (value !== undefined && value !== null) {
      throw new ValidationError(path, "is output only (set by the server); remove it from the request");
    }
  }
  for (const [path, template] of Object.entries(rules.names)) {
    const value = at(body, path);
    if (value !== undefined) parseName(template, value, path);
  }
  for (const [path, bounds] of Object.entries(rules.durations)) {
    const value = at(body, path);
    if (value !== undefined && value !== null) checkDuration(path, value, bounds);
  }
  let json: string;
  try {
    json = JSON.stringify(body);
  } catch (error) {
    throw new ValidationError("body", `must be plain JSON data (${error instanceof Error ? error.message : String(error)})`);
  }
  // UTF-8 needs at least one byte per UTF-16 unit, so only a long string needs counting.
  if (json.length > MAX_BODY_BYTES || (json.length * 3 > MAX_BODY_BYTES && new TextEncoder().encode(json).length > MAX_BODY_BYTES)) {
    throw new ValidationError("body", `must serialize to at most ${MAX_BODY_BYTES} bytes of JSON (1 MiB)`);
  }
}

/** `prepareCall` for a method with a body: name, query, then the body, each checked in that order. */
export function prepareCallWithBody(op: OperationInfo, args: Omit<CallArgs, "options">): PreparedCall {
  const call = prepareCall(op, args);
  return { ...call, body: requestBody(op, args.body) };
}

/**
 * Checks the resource name and the body alone: for callers that compute the query from the body
 * (the update mask from the patch) and want a bad name or body refused before that.
 */
export function checkNameAndBody(op: OperationInfo, args: Pick<CallArgs, "resource" | "body">): void {
  checkResourceName(op, args.resource);
  requestBody(op, args.body);
}

function requestBody(op: OperationInfo, body: unknown): unknown {
  if (!op.body) return undefined;
  const value = body === undefined && op.body.schema === "UndeleteRequest" ? {} : body;
  if (value === undefined) {
    if (op.body.required) throw new ValidationError("body", `is required by ${op.id}`);
    return undefined;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ValidationError("body", `must be a ${op.body.schema ?? "JSON"} object`);
  }
  checkBody(op.body, value);
  return value;
}
