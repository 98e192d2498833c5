import { LRO_RESULTS } from "../generated/operations.js";
import { driverOf } from "../ops/lro/driver.js";
import { contextOf, type Lakebase } from "../ops/context.js";
import { ValidationError } from "../ops/errors.js";
import { OperationHandle } from "../ops/lro/operation.js";
import type { LroMetadata, LroOperationId, LroResult } from "../ops/lro/types.js";
import { checkOperationName } from "../ops/names.js";

/**
 * Rebuilds the typed handle of an operation from its bare name, in another process (the next
 * serverless invocation, a CLI rerun). `kind` is the mutation's operation id ("CreateBranch"), from
 * which the result type comes: `await resumeOperation(client, name, "CreateBranch")` yields a
 * Branch. No request is sent until it is awaited or polled. Also `client.operations.resume(…)`.
 */
export function resumeOperation<K extends LroOperationId>(lakebase: Lakebase, name: string, kind: K): OperationHandle<LroResult<K>, LroMetadata<K>>;
/**
 * Without `kind` (a name from a log or another tool, which does not say what the operation was):
 * the result is the resource as the server sent it, or `undefined` for a delete or undelete
 * (its response is `google.protobuf.Empty`).
 */
export function resumeOperation(lakebase: Lakebase, name: string): OperationHandle<Record<string, unknown> | undefined, unknown>;
export function resumeOperation(lakebase: Lakebase, name: string, kind?: LroOperationId): OperationHandle<any, any> {
  checkOperationName(name, "name");
  if (kind === undefined) return new OperationHandle(driverOf(contextOf(lakebase)), {}, Promise.resolve({ name, done: false }));
  const resultSchema = Object.prototype.hasOwnProperty.call(LRO_RESULTS, kind) ? (LRO_RESULTS as Record<string, string>)[kind] : undefined;
  if (!resultSchema) throw new ValidationError("kind", `must be the id of a mutating operation such as "CreateBranch", got ${JSON.stringify(kind)}`);
  return new OperationHandle(driverOf(contextOf(lakebase)), { kind, resultSchema }, Promise.resolve({ name, done: false }));
}
