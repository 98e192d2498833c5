import type { Operation } from "../generated/models.js";
import { operations } from "../generated/operations.js";
import { callOperation, type CallOptions } from "../ops/call.js";
import { ValidationError } from "../ops/errors.js";
import { OperationHandle } from "../ops/lro/operation.js";
import type { LroMetadata, LroOperationId, LroResult } from "../ops/lro/types.js";
import { checkOperationName, type OperationName } from "../ops/names.js";
import type { ResourceContext } from "./shared.js";

/** Long-running operations: every mutation answers with one; poll it by name, or resume a wait. */
export function operationsApi(ctx: ResourceContext) {
  return {
    /** GetOperation. The name (e.g. `projects/p/branches/b/operations/Ab+/c=`) is spliced into the path verbatim. */
    get(name: OperationName | (string & {}), options?: CallOptions): Promise<Operation> {
      return callOperation(ctx, "GetOperation", { resource: name, options });
    },
    /**
     * Rebuilds the typed handle of an operation from its bare name, in another process (the next
     * serverless invocation, a CLI rerun). `kind` is the mutation's operation id ("CreateBranch"),
     * from which the result type comes: `await client.operations.resume(name, "CreateBranch")`
     * yields a Branch. No request is sent until it is awaited or polled.
     */
    resume<K extends LroOperationId>(name: string, kind: K): OperationHandle<LroResult<K>, LroMetadata<K>> {
      checkOperationName(name, "name");
      const lro = (operations as Record<string, { lro: { response: string } | null }>)[kind]?.lro;
      if (!lro) throw new ValidationError("kind", `must be the id of a mutating operation such as "CreateBranch", got ${JSON.stringify(kind)}`);
      return new OperationHandle(ctx.driver, { kind, resultSchema: lro.response }, Promise.resolve({ name, done: false }));
    },
  };
}

export type OperationsApi = ReturnType<typeof operationsApi>;
