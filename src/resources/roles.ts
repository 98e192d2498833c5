import type { ListRolesResponse, Operation, Role, RoleInput } from "../generated/models.js";
import { callOperation, type CallContext, type CallOptions } from "../ops/call.js";
import type { ValidBranchName, ValidRoleName } from "../ops/names.js";
import { splitOptions, type OptionsOf, type UpdateMaskOption } from "./shared.js";

/** Postgres roles of a branch (`…/branches/{branch_id}/roles/{role_id}`). */
export function rolesApi(ctx: CallContext) {
  return {
    /** CreateRole under `parent` (a branch name); `role_id` is optional (the server generates one). */
    create<P extends string>(parent: P & ValidBranchName<P>, role: RoleInput, options?: OptionsOf<"CreateRole">): Promise<Operation> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "CreateRole", { resource: parent, query, body: role, options: call });
    },
    /** GetRole. */
    get<N extends string>(name: N & ValidRoleName<N>, options?: CallOptions): Promise<Role> {
      return callOperation(ctx, "GetRole", { resource: name, options });
    },
    /** ListRoles: one page. */
    list<P extends string>(parent: P & ValidBranchName<P>, options?: OptionsOf<"ListRoles">): Promise<ListRolesResponse> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "ListRoles", { resource: parent, query, options: call });
    },
    /** UpdateRole with an explicit `update_mask`; `spec.postgres_role` cannot be changed. */
    update<N extends string>(name: N & ValidRoleName<N>, role: RoleInput, options: UpdateMaskOption & CallOptions): Promise<Operation> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "UpdateRole", { resource: name, query, body: role, options: call });
    },
    /** DeleteRole; `reassign_owned_to` hands the role's objects to another role (needs a running compute). */
    delete<N extends string>(name: N & ValidRoleName<N>, options?: OptionsOf<"DeleteRole">): Promise<Operation> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "DeleteRole", { resource: name, query, options: call });
    },
  };
}

export type RolesApi = ReturnType<typeof rolesApi>;
