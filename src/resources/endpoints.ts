import type { Endpoint, EndpointInput, ListEndpointsResponse, Operation } from "../generated/models.js";
import { callOperation, type CallContext, type CallOptions } from "../ops/call.js";
import type { ValidBranchName, ValidEndpointName } from "../ops/names.js";
import { splitOptions, type OptionsOf, type UpdateMaskOption } from "./shared.js";

/** Compute endpoints of a branch (`…/branches/{branch_id}/endpoints/{endpoint_id}`). */
export function endpointsApi(ctx: CallContext) {
  return {
    /** CreateEndpoint under `parent` (a branch name); `spec.endpoint_type` is required. */
    create<P extends string>(
      parent: P & ValidBranchName<P>,
      endpointId: string,
      endpoint: EndpointInput,
      options?: OptionsOf<"CreateEndpoint", "endpoint_id">,
    ): Promise<Operation> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "CreateEndpoint", {
        resource: parent,
        query: { ...query, endpoint_id: endpointId },
        body: endpoint,
        options: call,
      });
    },
    /** GetEndpoint. */
    get<N extends string>(name: N & ValidEndpointName<N>, options?: CallOptions): Promise<Endpoint> {
      return callOperation(ctx, "GetEndpoint", { resource: name, options });
    },
    /** ListEndpoints: one page. */
    list<P extends string>(parent: P & ValidBranchName<P>, options?: OptionsOf<"ListEndpoints">): Promise<ListEndpointsResponse> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "ListEndpoints", { resource: parent, query, options: call });
    },
    /** UpdateEndpoint with an explicit `update_mask` (suspension members are masked as `spec.suspension`). */
    update<N extends string>(
      name: N & ValidEndpointName<N>,
      endpoint: EndpointInput,
      options: UpdateMaskOption & CallOptions,
    ): Promise<Operation> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "UpdateEndpoint", { resource: name, query, body: endpoint, options: call });
    },
    /** DeleteEndpoint. The branch's read-write endpoint cannot be deleted (MANAGED_BY_PARENT). */
    delete<N extends string>(name: N & ValidEndpointName<N>, options?: CallOptions): Promise<Operation> {
      return callOperation(ctx, "DeleteEndpoint", { resource: name, options });
    },
  };
}

export type EndpointsApi = ReturnType<typeof endpointsApi>;
