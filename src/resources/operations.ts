import type { Operation } from "../generated/models.js";
import { callOperation, type CallContext, type CallOptions } from "../ops/call.js";
import type { OperationName } from "../ops/names.js";

/** Long-running operations: every mutation answers with one; poll it by name. */
export function operationsApi(ctx: CallContext) {
  return {
    /** GetOperation. The name (e.g. `projects/p/branches/b/operations/Ab+/c=`) is spliced into the path verbatim. */
    get(name: OperationName | (string & {}), options?: CallOptions): Promise<Operation> {
      return callOperation(ctx, "GetOperation", { resource: name, options });
    },
  };
}

export type OperationsApi = ReturnType<typeof operationsApi>;
