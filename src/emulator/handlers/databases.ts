import { errors } from "../http-errors.js";
import { generatedId } from "../ids.js";
import { branchAt, databaseAt } from "../lookup.js";
import { resolveUpdate } from "../masks.js";
import { startUpdate } from "./update.js";
import { iso, listPage, queryFlag, view, type EmulatorContext, type Handler, type Json } from "../state.js";
import { validated } from "../validate/index.js";

function roleOf(ctx: EmulatorContext, branchName: string, roleName: unknown): Json {
  const role = ctx.store.roles.get(String(roleName));
  if (!role || role.parent !== branchName) {
    throw errors.roleNotFound(String(roleName).split("/").pop() ?? "");
  }
  return role;
}

export const createDatabase: Handler = validated("CreateDatabase", (ctx, { params, query, body }) => {
  const spec = body?.spec ?? {};
  if (!spec.role) throw errors.required("database.spec.role");
  if (!spec.postgres_database) throw errors.required("database.spec.postgres_database");
  const branch = branchAt(ctx, params);
  // database_id is optional; a given one was checked against its pattern with the request
  const databaseId = query.get("database_id") || generatedId.database();
  const name = `${branch.name}/databases/${databaseId}`;
  const replace = queryFlag(query, "replace_existing");
  const siblings = ctx.store.childrenOf(ctx.store.databases, branch.name);
  if (!replace && (ctx.store.databases.has(name) || siblings.some((d) => d.status.postgres_database === spec.postgres_database))) {
    throw errors.badRequest("database with that name already exists");
  }
  const role = roleOf(ctx, branch.name, spec.role);
  const nowMs = ctx.now();
  const database = {
    name,
    parent: branch.name,
    database_id: databaseId,
    create_time: iso(nowMs),
    update_time: iso(nowMs),
    status: { database_id: databaseId, postgres_database: spec.postgres_database, role: role.name },
  };
  ctx.store.databases.set(name, database);
  return ctx.operations.start({
    resource: name,
    kind: "Database",
    run: async () => {
      await ctx.backend.createDatabase(branch.uid, spec.postgres_database, role.status.postgres_role);
      return view(database);
    },
  });
});

export const getDatabase: Handler = (ctx, { params }) => view(databaseAt(ctx, params));

export const listDatabases: Handler = (ctx, { params, query }) => {
  const branch = branchAt(ctx, params);
  return listPage(ctx, ctx.store.childrenOf(ctx.store.databases, branch.name), `${branch.name}/databases`, "databases", query);
};

export const updateDatabase: Handler = validated("UpdateDatabase", (ctx, { params, query, body }) => {
  const db = databaseAt(ctx, params);
  const branch = ctx.store.branch(db.parent);
  const assignments = resolveUpdate("UpdateDatabase", query.get("update_mask"), body, db.status);
  const newRole = assignments.find((a) => a.path === "role");
  if (newRole) roleOf(ctx, branch.name, newRole.value);
  const before = db.status.postgres_database;
  return startUpdate(ctx, db, "Database", assignments, async () => {
    if (db.status.postgres_database !== before) await ctx.backend.renameDatabase(branch.uid, before, db.status.postgres_database);
  });
});

export const deleteDatabase: Handler = validated("DeleteDatabase", (ctx, { params }) => {
  const db = databaseAt(ctx, params);
  const branch = ctx.store.branch(db.parent);
  return ctx.operations.start({
    resource: db.name,
    kind: "Database",
    run: async () => {
      await ctx.backend.dropDatabase(branch.uid, db.status.postgres_database);
      ctx.store.databases.delete(db.name);
      return undefined;
    },
  });
});
