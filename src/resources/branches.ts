import type { Branch, BranchInput, ListBranchesResponse, Operation } from "../generated/models.js";
import { callOperation, type CallContext, type CallOptions } from "../ops/call.js";
import type { ValidBranchName, ValidProjectName } from "../ops/names.js";
import { splitOptions, type OptionsOf, type UpdateMaskOption } from "./shared.js";

/** Branches of a project (`projects/{project_id}/branches/{branch_id}`). */
export function branchesApi(ctx: CallContext) {
  return {
    /** CreateBranch under `parent` (a project name). Returns the long-running Operation. */
    create<P extends string>(
      parent: P & ValidProjectName<P>,
      branchId: string,
      branch: BranchInput,
      options?: OptionsOf<"CreateBranch", "branch_id">,
    ): Promise<Operation> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "CreateBranch", {
        resource: parent,
        query: { ...query, branch_id: branchId },
        body: branch,
        options: call,
      });
    },
    /** GetBranch. */
    get<N extends string>(name: N & ValidBranchName<N>, options?: CallOptions): Promise<Branch> {
      return callOperation(ctx, "GetBranch", { resource: name, options });
    },
    /** ListBranches: one page. */
    list<P extends string>(parent: P & ValidProjectName<P>, options?: OptionsOf<"ListBranches">): Promise<ListBranchesResponse> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "ListBranches", { resource: parent, query, options: call });
    },
    /** UpdateBranch with an explicit `update_mask` (`spec.is_protected`, `spec.expiration`). */
    update<N extends string>(
      name: N & ValidBranchName<N>,
      branch: BranchInput,
      options: UpdateMaskOption & CallOptions,
    ): Promise<Operation> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "UpdateBranch", { resource: name, query, body: branch, options: call });
    },
    /** DeleteBranch: soft delete unless `purge: true`. */
    delete<N extends string>(name: N & ValidBranchName<N>, options?: OptionsOf<"DeleteBranch">): Promise<Operation> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "DeleteBranch", { resource: name, query, options: call });
    },
    /** UndeleteBranch: restores a soft-deleted branch. */
    undelete<N extends string>(name: N & ValidBranchName<N>, options?: CallOptions): Promise<Operation> {
      return callOperation(ctx, "UndeleteBranch", { resource: name, body: {}, options });
    },
  };
}

export type BranchesApi = ReturnType<typeof branchesApi>;
