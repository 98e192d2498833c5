import { errors } from "../http-errors.js";
import { generatedId } from "../ids.js";
import { branchAt, roleAt } from "../lookup.js";
import { resolveUpdate } from "../masks.js";
import { startUpdate } from "./update.js";
import { iso, listPage, queryFlag, view, type Handler, type Json } from "../state.js";
import { validated } from "../validate/index.js";

const ATTRIBUTES = ["createdb", "createrole", "bypassrls"] as const;

/** `status.attributes` always carries its three booleans (docs/api-behaviour.md#server-materialised-defaults), also after a masked `spec.attributes` replaced them. */
function settleAttributes(status: Json): void {
  const attributes = (status.attributes ??= {});
  for (const key of ATTRIBUTES) attributes[key] ??= false;
}

/** auth_method derived from identity_type when omitted (docs/api-behaviour.md#server-materialised-defaults). */
function authMethodFor(identityType: string | undefined): string {
  return identityType && identityType !== "IDENTITY_TYPE_UNSPECIFIED" ? "LAKEBASE_OAUTH_V1" : "PG_PASSWORD_SCRAM_SHA_256";
}

export const createRole: Handler = validated("CreateRole", (ctx, { params, query, body }) => {
  const spec = body?.spec ?? {};
  if (!spec.postgres_role) throw errors.required("role.spec.postgres_role");
  const branch = branchAt(ctx, params);
  const roleId = query.get("role_id") || generatedId.role();
  if (roleId.includes("/")) throw errors.invalid(`Field role_id must not contain '/', got '${roleId}'.`);
  const name = `${branch.name}/roles/${roleId}`;
  const replace = queryFlag(query, "replace_existing");
  const siblings = ctx.store.childrenOf(ctx.store.roles, branch.name);
  if (!replace && (ctx.store.roles.has(name) || siblings.some((r) => r.status.postgres_role === spec.postgres_role))) {
    throw errors.badRequest("role with that name already exists");
  }
  const identityType = spec.identity_type ?? "IDENTITY_TYPE_UNSPECIFIED";
  const nowMs = ctx.now();
  const role = {
    name,
    parent: branch.name,
    role_id: roleId,
    create_time: iso(nowMs),
    update_time: iso(nowMs),
    status: {
      role_id: roleId,
      postgres_role: spec.postgres_role,
      identity_type: identityType,
      auth_method: spec.auth_method ?? authMethodFor(identityType),
      // replace_existing overwrites membership_roles, it does not merge (docs/api-behaviour.md#create-delete-and-undelete)
      membership_roles: spec.membership_roles ?? [],
      attributes: { createdb: false, createrole: false, bypassrls: false, ...(spec.attributes ?? {}) },
    },
  };
  ctx.store.roles.set(name, role);
  return ctx.operations.start({
    resource: name,
    kind: "Role",
    run: async () => {
      await ctx.backend.createRole(branch.uid, spec.postgres_role, role.status.attributes);
      return view(role);
    },
  });
});

export const getRole: Handler = (ctx, { params }) => view(roleAt(ctx, params));

export const listRoles: Handler = (ctx, { params, query }) => {
  const branch = branchAt(ctx, params);
  return listPage(ctx, ctx.store.childrenOf(ctx.store.roles, branch.name), `${branch.name}/roles`, "roles", query);
};

export const updateRole: Handler = validated("UpdateRole", (ctx, { params, query, body }) => {
  const found = roleAt(ctx, params);
  const assignments = resolveUpdate("UpdateRole", query.get("update_mask"), body, found.status);
  // spec.postgres_role cannot change: rejected in a mask, silently ignored under `spec` (docs/api-behaviour.md#update-mask-rules, rule 9)
  const effective = assignments.filter((a) => a.path !== "postgres_role");
  return startUpdate(ctx, found, "Role", effective, () => settleAttributes(found.status));
});

export const deleteRole: Handler = validated("DeleteRole", (ctx, { params, query }) => {
  const found = roleAt(ctx, params);
  const branch = ctx.store.branch(found.parent);
  const reassignTo = query.get("reassign_owned_to");
  const owned = ctx.store.childrenOf(ctx.store.databases, branch.name).filter((d) => d.status.role === found.name);
  if (owned.length > 0 && !reassignTo) {
    throw errors.badRequest(`role owns ${owned.length} database(s); pass reassign_owned_to or delete them first`);
  }
  return ctx.operations.start({
    resource: found.name,
    kind: "Role",
    run: async () => {
      if (reassignTo) {
        const target = ctx.store.childrenOf(ctx.store.roles, branch.name).find((r) => r.status.postgres_role === reassignTo || r.role_id === reassignTo || r.name === reassignTo);
        if (target) for (const db of owned) db.status.role = target.name;
      }
      await ctx.backend.dropRole(branch.uid, found.status.postgres_role);
      ctx.store.roles.delete(found.name);
      return undefined;
    },
  });
});
