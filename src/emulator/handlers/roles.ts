import { errors } from "../http-errors.js";
import { generatedId } from "../ids.js";
import { branchAt, roleAt } from "../lookup.js";
import { resolveUpdate } from "../masks.js";
import { startUpdate } from "./update.js";
import { iso, listPage, queryFlag, view, type EmulatorContext, type Handler, type Json } from "../state.js";
import { validated } from "../validate/index.js";
import { DATABRICKS_SUPERUSER } from "../postgres/role-sql.js";
import { quoteIdent } from "../postgres/sql.js";

const ATTRIBUTES = ["createdb", "createrole", "bypassrls"] as const;

/** The Postgres role each `membership_roles` value stands for (docs/api-behaviour.md#identities-and-postgres-roles-in-the-emulator). */
const MEMBERSHIP_ROLES: Readonly<Record<string, string>> = { DATABRICKS_SUPERUSER };

/**
 * Makes the Postgres role a Lakebase role record stands for match it: created if missing (LOGIN),
 * its three attributes, LOGIN unless `auth_method` is `NO_LOGIN`, and exactly the memberships
 * `membership_roles` lists (`DATABRICKS_SUPERUSER` → `databricks_superuser`; a value the emulator
 * does not know is ignored). Runs as `postgres` in the branch.
 */
export async function syncPostgresRole(ctx: EmulatorContext, branchUid: string, status: Json): Promise<void> {
  // The emulator's own superuser and the system role stay as the emulator made them.
  if (status.postgres_role === "postgres" || status.postgres_role === DATABRICKS_SUPERUSER) throw new Error(`role "${status.postgres_role}" is reserved`);
  const role = quoteIdent(String(status.postgres_role));
  await ctx.backend.createRole(branchUid, String(status.postgres_role), status.attributes ?? {});
  const wanted = new Set<string>((status.membership_roles ?? []).map((m: string) => MEMBERSHIP_ROLES[m]).filter(Boolean));
  const statements = [`ALTER ROLE ${role} ${status.auth_method === "NO_LOGIN" ? "NOLOGIN" : "LOGIN"}`];
  for (const member of Object.values(MEMBERSHIP_ROLES)) {
    statements.push(wanted.has(member) ? `GRANT ${quoteIdent(member)} TO ${role}` : `REVOKE ${quoteIdent(member)} FROM ${role}`);
  }
  await ctx.backend.query(branchUid, "postgres", statements.join("; "));
}

/**
 * The project owner's role on a new root branch, as the service makes it: the role (LOGIN,
 * member of `databricks_superuser`, per its record) and the owner of the default database, so that
 * it can create schemas and tables there (`public` belongs to the database owner from PostgreSQL 15).
 * For handlers/branches.ts, in place of its bare `backend.createRole` for the owner.
 */
export async function provisionOwnerRole(ctx: EmulatorContext, branchUid: string, status: Json, database = "databricks_postgres"): Promise<void> {
  await syncPostgresRole(ctx, branchUid, status);
  // current_database(): on PGlite every Lakebase database name reaches the one database, `postgres`.
  const owner = String(status.postgres_role).replace(/'/g, "''");
  await ctx.backend.query(branchUid, database, `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I OWNER TO %I', current_database(), '${owner}'); END $$`);
}

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
      await syncPostgresRole(ctx, branch.uid, role.status);
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
  const branch = ctx.store.branch(found.parent);
  return startUpdate(ctx, found, "Role", effective, async () => {
    settleAttributes(found.status);
    await syncPostgresRole(ctx, branch.uid, found.status);
  });
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
        if (target) {
          for (const db of owned) db.status.role = target.name;
          // The role's objects go to the target in every database (what is left goes to postgres in dropRole).
          const databases = new Set(["postgres", ...ctx.store.childrenOf(ctx.store.databases, branch.name).map((d) => String(d.status.postgres_database))]);
          for (const database of databases) {
            await ctx.backend
              .query(branch.uid, database, `REASSIGN OWNED BY ${quoteIdent(found.status.postgres_role)} TO ${quoteIdent(target.status.postgres_role)}`)
              .catch((error: { code?: string }) => {
                if (error?.code !== "3D000" && error?.code !== "42704") throw error; // no such database / role
              });
          }
        }
      }
      await ctx.backend.dropRole(branch.uid, found.status.postgres_role);
      ctx.store.roles.delete(found.name);
      return undefined;
    },
  });
});
