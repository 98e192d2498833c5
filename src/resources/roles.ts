import type { Role, RoleInput } from "../generated/models.js";
import { callOperation, type CallOptions } from "../ops/call.js";
import type { ValidBranchName, ValidRoleName } from "../ops/names.js";
import { listing, mutation, splitOptions, updateMutation, type ListOptionsOf, type OptionsOf, type ResourceContext, type UpdateOptions } from "./shared.js";

/** Postgres roles of a branch (`…/branches/{branch_id}/roles/{role_id}`). */
export function rolesApi(ctx: ResourceContext) {
  return {
    /** CreateRole under `parent` (a branch name); `role_id` is optional (the server generates one). */
    create<P extends string>(parent: P & ValidBranchName<P>, role: RoleInput, options?: OptionsOf<"CreateRole">) {
      const { query, call } = splitOptions(options);
      return mutation(ctx, "CreateRole", { resource: parent, query, body: role, options: call });
    },
    /** GetRole. */
    get<N extends string>(name: N & ValidRoleName<N>, options?: CallOptions): Promise<Role> {
      return callOperation(ctx, "GetRole", { resource: name, options });
    },
    /** ListRoles: every role of the branch, fetched page by page as you iterate. */
    list<P extends string>(parent: P & ValidBranchName<P>, options?: ListOptionsOf<"ListRoles">) {
      const { query, call } = splitOptions(options);
      return listing<Role>(ctx, "ListRoles", { resource: parent, query }, call);
    },
    /** UpdateRole (attributes per leaf); `spec.postgres_role` cannot be changed. The mask is derived when omitted. */
    update<N extends string>(name: N & ValidRoleName<N>, role: RoleInput, options?: UpdateOptions<"role">) {
      return updateMutation(ctx, "UpdateRole", "role", name, role, options);
    },
    /** DeleteRole; `reassign_owned_to` hands the role's objects to another role (needs a running compute). */
    delete<N extends string>(name: N & ValidRoleName<N>, options?: OptionsOf<"DeleteRole">) {
      const { query, call } = splitOptions(options);
      return mutation(ctx, "DeleteRole", { resource: name, query, options: call });
    },
  };
}

export type RolesApi = ReturnType<typeof rolesApi>;
