import type { Identity } from "../auth.js";
import { errors } from "../http-errors.js";
import { newUid } from "../ids.js";
import { branchAt, branchNamed, projectAt } from "../lookup.js";
import { resolveUpdate } from "../masks.js";
import { startUpdate } from "./update.js";
import {
  iso,
  listPage,
  queryFlag,
  view,
  type BranchOrigin,
  type BranchRecord,
  type EmulatorContext,
  type Handler,
  type Json,
  type ProjectRecord,
} from "../state.js";
import { durationMs } from "../validate/durations.js";
import { futureExpiration } from "../validate/expiration.js";
import { validated } from "../validate/index.js";
import { closeEndpointRuntime, createEndpointRecord, openEndpointRuntime } from "./endpoints.js";
import { provisionOwnerRole } from "./roles.js";

const RETENTION_MS = 7 * 24 * 3600_000;

interface BranchOptions {
  readonly isDefault?: boolean;
  readonly isProtected?: boolean;
  readonly origin?: BranchOrigin;
  readonly spec?: Json;
  readonly endpointSpec?: Json;
  readonly owner: Identity;
}

/**
 * The expiration a branch spec asks for (one of ttl / expire_time / no_expiry; the oneof and the
 * Duration were checked on the request), which must lie in the future.
 */
function expiration(spec: Json, createdMs: number, nowMs: number): string | undefined {
  const at = futureExpiration("branch.spec", spec, createdMs, nowMs);
  return at === undefined ? undefined : iso(at);
}

/** A live branch as the origin of a new one: its data now, its roles and databases now. */
export function branchOrigin(ctx: EmulatorContext, source: BranchRecord): BranchOrigin {
  const nowMs = ctx.now();
  return {
    backendId: source.uid,
    branchName: source.name,
    roles: ctx.store.childrenOf(ctx.store.roles, source.name).map((r) => structuredClone(r)),
    databases: ctx.store.childrenOf(ctx.store.databases, source.name).map((d) => structuredClone(d)),
    status: { source_branch: source.name, source_branch_lsn: `0/${(nowMs % 0xffffff).toString(16).toUpperCase()}`, source_branch_time: iso(nowMs) },
  };
}

/**
 * Registers a branch, its read-write `primary` endpoint and (for a root branch) the owner role
 * and `databricks_postgres`; a child inherits its origin's roles and databases. The Postgres
 * work (create or copy-on-write fork, open the endpoint) runs in `ready`.
 */
export function createBranchRecords(ctx: EmulatorContext, project: ProjectRecord, branchId: string, options: BranchOptions): { branch: BranchRecord; ready: Promise<void> } {
  const name = `${project.name}/branches/${branchId}`;
  const nowMs = ctx.now();
  const spec = options.spec ?? {};
  const expireTime = expiration(spec, nowMs, nowMs);
  const origin = options.origin;
  const branch: BranchRecord = {
    name,
    branch_id: branchId,
    parent: project.name,
    uid: newUid.branch(),
    create_time: iso(nowMs),
    update_time: iso(nowMs),
    status: {
      branch_id: branchId,
      current_state: "INIT",
      default: options.isDefault ?? false,
      is_protected: options.isProtected ?? spec.is_protected ?? false,
      logical_size_bytes: 0,
      state_change_time: iso(nowMs),
      ...(expireTime ? { expire_time: expireTime } : {}),
      ...(origin ? structuredClone(origin.status) : {}),
    },
  };
  ctx.store.branches.set(name, branch);

  if (origin) {
    for (const role of origin.roles) {
      ctx.store.roles.set(`${name}/roles/${role.role_id}`, { ...structuredClone(role), name: `${name}/roles/${role.role_id}`, parent: name });
    }
    for (const db of origin.databases) {
      const copy = structuredClone(db);
      copy.name = `${name}/databases/${db.database_id}`;
      copy.parent = name;
      copy.status.role = String(copy.status.role).replace(`${origin.branchName}/`, `${name}/`);
      ctx.store.databases.set(copy.name, copy);
    }
  } else {
    const roleId = "owner";
    const roleName = `${name}/roles/${roleId}`;
    ctx.store.roles.set(roleName, {
      name: roleName,
      parent: name,
      role_id: roleId,
      create_time: iso(nowMs),
      update_time: iso(nowMs),
      status: {
        role_id: roleId,
        postgres_role: options.owner.userName,
        identity_type: options.owner.kind === "user" ? "USER" : "SERVICE_PRINCIPAL",
        auth_method: "LAKEBASE_OAUTH_V1",
        membership_roles: ["DATABRICKS_SUPERUSER"],
        attributes: { createdb: true, createrole: true, bypassrls: false },
      },
    });
    const dbName = `${name}/databases/databricks-postgres`;
    ctx.store.databases.set(dbName, {
      name: dbName,
      parent: name,
      database_id: "databricks-postgres",
      create_time: iso(nowMs),
      update_time: iso(nowMs),
      status: { database_id: "databricks-postgres", postgres_database: "databricks_postgres", role: roleName },
    });
  }

  const endpoint = createEndpointRecord(ctx, branch, "primary", { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", ...(options.endpointSpec ?? {}) });
  const ready = (async () => {
    if (origin) await ctx.backend.forkBranch(origin.backendId, branch.uid);
    else {
      // A root branch runs the project's Postgres major (or its substitute, see postgres/by-version.ts).
      await ctx.backend.createBranch(branch.uid, { pgMajor: Number(project.status.pg_version), project: project.name });
      // The owner's role as the service makes it (LOGIN, databricks_superuser, owner of databricks_postgres).
      await provisionOwnerRole(ctx, branch.uid, ctx.store.roles.get(`${name}/roles/owner`)!.status);
    }
    await openEndpointRuntime(ctx, endpoint);
    branch.status.current_state = "READY";
    branch.status.state_change_time = iso(ctx.now());
  })();
  ready.catch(() => undefined);
  return { branch, ready };
}

/**
 * The rollback of a branch's create (operations.ts): a failed create leaves no resource, so
 * GetBranch answers 404 and the same id can be created again, instead of a record stuck in INIT
 * that a plan would take for an existing branch. What the backend made of it goes too.
 */
export async function forgetBranch(ctx: EmulatorContext, branch: BranchRecord): Promise<void> {
  ctx.store.branches.delete(branch.name);
  // A fork that failed half-way may have left nothing for the backend to drop: its refusal is moot.
  for (const endpoint of ctx.store.childrenOf(ctx.store.endpoints, branch.name)) await closeEndpointRuntime(ctx, endpoint).catch(() => undefined);
  await ctx.backend.dropBranch(branch.uid).catch(() => undefined);
  for (const map of [ctx.store.endpoints, ctx.store.databases, ctx.store.roles] as Map<string, Json>[]) {
    for (const [key, item] of map) if (item.parent === branch.name) map.delete(key);
  }
}

/** Closes a branch's endpoints; with `purge`, drops its Postgres data and its child records. */
export async function dropBranchRuntime(ctx: EmulatorContext, branch: BranchRecord, options: { purge: boolean }): Promise<void> {
  for (const endpoint of ctx.store.childrenOf(ctx.store.endpoints, branch.name)) await closeEndpointRuntime(ctx, endpoint);
  if (!options.purge) return;
  await ctx.backend.dropBranch(branch.uid);
  for (const map of [ctx.store.endpoints, ctx.store.databases, ctx.store.roles] as Map<string, Json>[]) {
    for (const [key, item] of map) if (item.parent === branch.name) map.delete(key);
  }
}

export async function reopenBranchRuntime(ctx: EmulatorContext, branch: BranchRecord): Promise<void> {
  for (const endpoint of ctx.store.childrenOf(ctx.store.endpoints, branch.name)) await openEndpointRuntime(ctx, endpoint);
}

/** The fields that place a new branch on a live branch; any other `source_<kind>` names a stored origin. */
const BRANCH_POINT = ["source_branch", "source_branch_lsn", "source_branch_time"];

/**
 * Where a new branch starts: `spec.source_branch` (default: the project's default branch), or
 * exactly one other `spec.source_<kind>` naming a resource of the same project that a handler
 * module keeps with an `_origin` once it can seed a branch. Then the source_branch fields must
 * be empty.
 */
function resolveOrigin(ctx: EmulatorContext, project: ProjectRecord, spec: Json): BranchOrigin {
  const set = (k: string) => spec[k] !== undefined && spec[k] !== null;
  const named = Object.keys(spec).filter((k) => k.startsWith("source_") && !BRANCH_POINT.includes(k) && set(k));
  if (named.length === 0) {
    const source = branchNamed(ctx, spec.source_branch ?? project.status.default_branch);
    if (source.parent !== project.name) throw errors.invalidValue("branch.spec.source_branch", `must be a branch of ${project.name}`, spec.source_branch);
    return branchOrigin(ctx, source);
  }
  const field = named[0]!;
  if (named.length > 1 || BRANCH_POINT.some(set)) {
    throw errors.invalid(`Only one of ${[...named, ...BRANCH_POINT.filter(set)].join(", ")} may be set: with ${field}, source_branch, source_branch_lsn and source_branch_time must be empty`);
  }
  const record = ctx.store.record(String(spec[field]));
  if (!record) throw errors.notFound(field.slice("source_".length).replace(/_/g, " "));
  if (!String(record.name).startsWith(`${project.name}/`)) throw errors.invalid(`${field} must belong to the same project`);
  if (!record._origin) throw errors.invalid(`${field} '${record.name}' is not available yet`);
  return record._origin as BranchOrigin;
}

export const createBranch: Handler = validated("CreateBranch", (ctx, { params, query, body, identity }) => {
  const project = projectAt(ctx, params);
  const branchId = query.get("branch_id")!;
  const name = `${project.name}/branches/${branchId}`;
  const existing = ctx.store.branches.get(name);
  if (existing && !queryFlag(query, "replace_existing")) throw errors.alreadyExists("branch");
  const spec = body?.spec ?? {};
  if (existing) {
    // replace_existing: update in place
    return updateBranchWith(ctx, existing, spec);
  }
  const origin = resolveOrigin(ctx, project, spec);
  const { branch, ready } = createBranchRecords(ctx, project, branchId, { origin, spec, owner: identity });
  return ctx.operations.start({
    resource: branch.name,
    kind: "Branch",
    run: async () => {
      await ready;
      return view(branch);
    },
    rollback: () => forgetBranch(ctx, branch),
  });
});

function updateBranchWith(ctx: EmulatorContext, branch: BranchRecord, spec: Json) {
  const expireTime = expiration(spec, Date.parse(String(branch.create_time)), ctx.now());
  return ctx.operations.start({
    resource: branch.name,
    kind: "Branch",
    run: async () => {
      if (spec.is_protected !== undefined) branch.status.is_protected = spec.is_protected;
      if (expireTime) branch.status.expire_time = expireTime;
      if (spec.no_expiry) delete branch.status.expire_time;
      return view(branch);
    },
  });
}

export const getBranch: Handler = (ctx, { params }) => view(branchAt(ctx, params, { allowDeleted: true }));

export const listBranches: Handler = (ctx, { params, query }) => {
  const project = projectAt(ctx, params);
  const showDeleted = queryFlag(query, "show_deleted");
  const items = ctx.store.childrenOf(ctx.store.branches, project.name).filter((b) => showDeleted || !b.delete_time);
  return listPage(ctx, items, `${project.name}/branches|${showDeleted}`, "branches", query);
};

export const updateBranch: Handler = validated("UpdateBranch", (ctx, { params, query, body }) => {
  const branch = branchAt(ctx, params);
  const assignments = resolveUpdate("UpdateBranch", query.get("update_mask"), body, branch.status);
  const created = Date.parse(String(branch.create_time));
  // only what the update applies: ttl counts from the branch's creation
  const applied = Object.fromEntries(assignments.filter((a) => !a.clear && (a.path === "ttl" || a.path === "expire_time")).map((a) => [a.path, a.value]));
  expiration(applied, created, ctx.now());
  return startUpdate(ctx, branch, "Branch", assignments, () => {
    // the status shows the effective expiration only
    if (branch.status.ttl !== undefined) branch.status.expire_time = iso(created + durationMs(branch.status.ttl));
    if (branch.status.no_expiry) delete branch.status.expire_time;
    delete branch.status.ttl;
    delete branch.status.no_expiry;
  });
});

export const deleteBranch: Handler = validated("DeleteBranch", (ctx, { params, query }) => {
  const branch = branchAt(ctx, params, { allowDeleted: true });
  const purge = queryFlag(query, "purge");
  if (branch.delete_time && !purge) throw errors.notFound("branch");
  // The root branch (created with the project, no source) goes only with its project.
  if (!branch.status.source_branch) {
    throw errors.managedByParent(`Cannot delete root branch '${branch.name}'. Root branches cannot be deleted independently.`);
  }
  if (branch.status.is_protected) throw errors.badRequest("cannot delete protected branch");
  return ctx.operations.start({
    resource: branch.name,
    kind: "Branch",
    run: async () => {
      await dropBranchRuntime(ctx, branch, { purge });
      if (purge) ctx.store.branches.delete(branch.name);
      else {
        branch.delete_time = iso(ctx.now());
        branch.status.delete_time = branch.delete_time;
        branch.status.purge_time = iso(ctx.now() + RETENTION_MS);
      }
      return undefined;
    },
  });
});

export const undeleteBranch: Handler = validated("UndeleteBranch", (ctx, { params }) => {
  const branch = branchAt(ctx, params, { allowDeleted: true });
  if (!branch.delete_time) throw errors.badRequest("branch is not deleted");
  return ctx.operations.start({
    resource: branch.name,
    kind: "Branch",
    run: async () => {
      delete branch.delete_time;
      delete branch.status.delete_time;
      delete branch.status.purge_time;
      await reopenBranchRuntime(ctx, branch);
      return undefined;
    },
  });
});
