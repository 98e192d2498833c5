import { operations, type OperationId } from "../../generated/operations.js";
import { errors } from "../http-errors.js";
import type { Handler, Json } from "../state.js";
import { checkDurations } from "./durations.js";
import { checkEnums } from "./enums.js";
import { checkNames } from "./names.js";
import { checkOneofs } from "./oneofs.js";
import { bodyMember } from "./paths.js";
import { checkQuery } from "./query.js";

/**
 * What the live service refuses before it looks anything up, driven by the operation table
 * (docs/api-behaviour.md#emulator-validation): required and patterned query ids, a body wrapped
 * in its resource's name, Duration strings and their bounds, resource-name fields, enum values,
 * oneof members. Rules that need the stored resource (compute-unit limits, expirations in the
 * future, `update_mask=*`) run in the handlers.
 */
export function checkRequest(id: OperationId, query: URLSearchParams, body: Json | undefined): void {
  checkQuery(id, query);
  if (!operations[id].body || body === undefined) return;
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw errors.invalid(`The request body must be a ${operations[id].body!.schema} object`);
  // `{"role": {...}}` instead of the bare resource: the service ignores the unknown key and finds
  // the resource empty (docs/api-behaviour.md#wire-conventions).
  const member = bodyMember(id);
  if (member && Object.keys(body).length === 1 && body[member] !== undefined && typeof body[member] === "object") throw errors.required(member);
  checkDurations(id, body);
  checkNames(id, body);
  checkEnums(id, body);
  checkOneofs(id, body);
}

/** A handler that runs only on a request `checkRequest` lets through. */
export function validated(id: OperationId, handler: Handler): Handler {
  return (ctx, input) => {
    checkRequest(id, input.query, input.body);
    return handler(ctx, input);
  };
}
