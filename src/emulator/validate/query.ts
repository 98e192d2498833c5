import { ID_PATTERNS, operations, type OperationId } from "../../generated/operations.js";
import { errors } from "../http-errors.js";

/** Refuses an id that breaks the spec's pattern for it, with the live message (docs/api-behaviour.md#id-rules). */
export function checkId(field: string, value: string): string {
  const pattern = ID_PATTERNS[field];
  if (pattern !== undefined && !new RegExp(pattern).test(value)) throw errors.invalidValue(field, `must match pattern ${pattern}`, value);
  return value;
}

/**
 * The query as the operation table describes it: every required parameter non-empty (the live
 * `Field 'branch_id' is required, expected non-default value (not "")!`), every id by its
 * pattern (`ID_PATTERNS`, the live database_id message shape).
 */
export function checkQuery(id: OperationId, query: URLSearchParams): void {
  for (const [name, rule] of Object.entries(operations[id].query)) {
    const value = query.get(name);
    if (rule.required && !value) throw errors.required(name);
    if (value) checkId(name, value);
  }
}
