import type { Branch, BranchInput } from "../generated/models.js";
import { callOperation, type CallOptions } from "../ops/call.js";
import type { ValidBranchName, ValidProjectName } from "../ops/names.js";
import { listing, mutation, splitOptions, updateMutation, type ListOptionsOf, type OptionsOf, type ResourceContext, type UpdateOptions } from "./shared.js";

/** Branches of a project (`projects/{project_id}/branches/{branch_id}`). */
export function branchesApi(ctx: ResourceContext) {
  return {
    /** CreateBranch under `parent` (a project name). Await the handle for the Branch. */
    create<P extends string>(parent: P & ValidProjectName<P>, branchId: string, branch: BranchInput, options?: OptionsOf<"CreateBranch", "branch_id">) {
      const { query, call } = splitOptions(options);
      return mutation(ctx, "CreateBranch", { resource: parent, query: { ...query, branch_id: branchId }, body: branch, options: call });
    },
    /** GetBranch. */
    get<N extends string>(name: N & ValidBranchName<N>, options?: CallOptions): Promise<Branch> {
      return callOperation(ctx, "GetBranch", { resource: name, options });
    },
    /** ListBranches: every branch of the project, fetched page by page as you iterate. */
    list<P extends string>(parent: P & ValidProjectName<P>, options?: ListOptionsOf<"ListBranches">) {
      const { query, call } = splitOptions(options);
      return listing<Branch>(ctx, "ListBranches", { resource: parent, query }, call);
    },
    /** UpdateBranch (`spec.is_protected`, expiration masked as `spec.expiration`); the mask is derived when omitted. */
    update<N extends string>(name: N & ValidBranchName<N>, branch: BranchInput, options?: UpdateOptions<"branch">) {
      return updateMutation(ctx, "UpdateBranch", "branch", name, branch, options);
    },
    /** DeleteBranch: soft delete unless `purge: true`. */
    delete<N extends string>(name: N & ValidBranchName<N>, options?: OptionsOf<"DeleteBranch">) {
      const { query, call } = splitOptions(options);
      return mutation(ctx, "DeleteBranch", { resource: name, query, options: call });
    },
    /** UndeleteBranch: restores a soft-deleted branch. */
    undelete<N extends string>(name: N & ValidBranchName<N>, options?: CallOptions) {
      return mutation(ctx, "UndeleteBranch", { resource: name, body: {}, options });
    },
  };
}

export type BranchesApi = ReturnType<typeof branchesApi>;
