/*
 * The five kinds plan/apply manage, each as the same small set of calls (read, list children,
 * create, update, delete), so plan.ts and apply.ts never switch on a kind. Calls go through the
 * generated functions: the same checks, retries and operation handles as any other SDK call.
 */
import {
  createBranch,
  createDatabase,
  createEndpoint,
  createProject,
  createRole,
  deleteBranch,
  deleteDatabase,
  deleteEndpoint,
  deleteProject,
  deleteRole,
  getBranch,
  getDatabase,
  getEndpoint,
  getProject,
  getRole,
  listBranches,
  listDatabases,
  listEndpoints,
  listRoles,
  undeleteBranch,
  undeleteProject,
  updateBranch,
  updateDatabase,
  updateEndpoint,
  updateProject,
  updateRole,
} from "../generated/functions.js";
import type { CallOptions } from "../ops/call.js";
import type { Lakebase } from "../ops/context.js";
import type { OperationHandle } from "../ops/lro/operation.js";
import type { MaskResource } from "../ops/masks/index.js";
import type { DesiredState, Json, ResourceKind } from "./types.js";

type AnyHandle = OperationHandle<unknown, unknown>;

/** What plan and apply need of one kind. Names are plain strings here: they were checked when the desired state was read. */
export interface KindCalls {
  readonly kind: ResourceKind;
  /** Creation order: parents first. Deletes run in the reverse order. */
  readonly level: number;
  /** The kind of its parent (none for projects). */
  readonly parentKind?: ResourceKind;
  /** The collection segment in names (`branches` in `projects/p/branches/b`), also the kind's list in a DesiredState. */
  readonly collection: keyof DesiredState;
  readonly mask: MaskResource;
  get(lakebase: Lakebase, name: string, options: CallOptions): Promise<Json>;
  list(lakebase: Lakebase, parent: string, options: CallOptions): AsyncIterable<Json>;
  create(lakebase: Lakebase, parent: string | undefined, id: string, body: Json, options: CallOptions): AnyHandle;
  update(lakebase: Lakebase, name: string, body: Json, mask: readonly string[], options: CallOptions): AnyHandle;
  remove(lakebase: Lakebase, name: string, purge: boolean, options: CallOptions): AnyHandle;
  /** Restores a soft-deleted resource (projects and branches; the others are deleted for good). */
  undelete?(lakebase: Lakebase, name: string, options: CallOptions): AnyHandle;
}

// The generated functions check their name arguments at the type level (`N & ValidBranchName<N>`);
// these loosened views take the names plan.ts already checked at run time.
type Loose = (...args: any[]) => any;
const call = <F extends Loose>(f: F) => f as unknown as (...args: any[]) => any;

export const KINDS: Readonly<Record<ResourceKind, KindCalls>> = {
  project: {
    kind: "project",
    level: 0,
    collection: "projects",
    mask: "project",
    get: (lb, name, o) => call(getProject)(lb, name, o),
    list: () => {
      throw new TypeError("projects are never listed: prune works below the desired projects");
    },
    create: (lb, _parent, id, body, o) => call(createProject)(lb, id, body, o),
    update: (lb, name, body, mask, o) => call(updateProject)(lb, name, body, { update_mask: mask }, o),
    remove: (lb, name, purge, o) => call(deleteProject)(lb, name, purge ? { purge: true } : undefined, o),
    undelete: (lb, name, o) => call(undeleteProject)(lb, name, o),
  },
  branch: {
    kind: "branch",
    level: 1,
    parentKind: "project",
    collection: "branches",
    mask: "branch",
    get: (lb, name, o) => call(getBranch)(lb, name, o),
    list: (lb, parent, o) => call(listBranches)(lb, parent, undefined, o),
    create: (lb, parent, id, body, o) => call(createBranch)(lb, parent, id, body, undefined, o),
    update: (lb, name, body, mask, o) => call(updateBranch)(lb, name, body, { update_mask: mask }, o),
    remove: (lb, name, purge, o) => call(deleteBranch)(lb, name, purge ? { purge: true } : undefined, o),
    undelete: (lb, name, o) => call(undeleteBranch)(lb, name, o),
  },
  endpoint: {
    kind: "endpoint",
    level: 2,
    parentKind: "branch",
    collection: "endpoints",
    mask: "endpoint",
    get: (lb, name, o) => call(getEndpoint)(lb, name, o),
    list: (lb, parent, o) => call(listEndpoints)(lb, parent, undefined, o),
    create: (lb, parent, id, body, o) => call(createEndpoint)(lb, parent, id, body, undefined, o),
    update: (lb, name, body, mask, o) => call(updateEndpoint)(lb, name, body, { update_mask: mask }, o),
    remove: (lb, name, _purge, o) => call(deleteEndpoint)(lb, name, o),
  },
  role: {
    kind: "role",
    level: 2,
    parentKind: "branch",
    collection: "roles",
    mask: "role",
    get: (lb, name, o) => call(getRole)(lb, name, o),
    list: (lb, parent, o) => call(listRoles)(lb, parent, undefined, o),
    create: (lb, parent, id, body, o) => call(createRole)(lb, parent, id, body, undefined, o),
    update: (lb, name, body, mask, o) => call(updateRole)(lb, name, body, { update_mask: mask }, o),
    remove: (lb, name, _purge, o) => call(deleteRole)(lb, name, undefined, o),
  },
  database: {
    kind: "database",
    level: 3,
    parentKind: "branch",
    collection: "databases",
    mask: "database",
    get: (lb, name, o) => call(getDatabase)(lb, name, o),
    list: (lb, parent, o) => call(listDatabases)(lb, parent, undefined, o),
    create: (lb, parent, id, body, o) => call(createDatabase)(lb, parent, id, body, undefined, o),
    update: (lb, name, body, mask, o) => call(updateDatabase)(lb, name, body, { update_mask: mask }, o),
    remove: (lb, name, _purge, o) => call(deleteDatabase)(lb, name, o),
  },
};

/** The kinds in creation order. */
export const KIND_ORDER: readonly ResourceKind[] = ["project", "branch", "endpoint", "role", "database"];

/** The kinds whose parent is `kind`. */
export function childKinds(kind: ResourceKind): ResourceKind[] {
  return KIND_ORDER.filter((k) => KINDS[k].parentKind === kind);
}

/**
 * Resources the service makes with their parent (docs/api-behaviour.md#resource-names-and-ids):
 * a project's `production` branch and a branch's `primary` read-write endpoint, which it will not
 * delete on their own (MANAGED_BY_PARENT). A desired state adopts them: never creates them.
 */
export function isImplicit(kind: ResourceKind, id: string): boolean {
  return (kind === "branch" && id === "production") || (kind === "endpoint" && id === "primary");
}

/**
 * What prune never deletes: the implicit resources, the default branch, and what every branch is
 * made with: the `databricks_postgres` database and the project owner's role
 * (docs/api-behaviour.md#resource-names-and-ids).
 */
export function isMadeWithParent(kind: ResourceKind, child: Json, projectOwner: unknown): boolean {
  const name = String(child.name ?? "");
  const status = (child.status ?? {}) as Json;
  if (isImplicit(kind, name.slice(name.lastIndexOf("/") + 1))) return true;
  if (kind === "branch") return status.default === true;
  if (kind === "database") return status.postgres_database === "databricks_postgres";
  if (kind === "role") return projectOwner !== undefined && status.postgres_role === projectOwner;
  return false;
}
