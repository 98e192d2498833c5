import type { BranchInput, DatabaseInput, EndpointInput, ProjectInput, RoleInput } from "../generated/models.js";
import type { BranchName, DatabaseName, EndpointName, ProjectName, RoleName } from "../generated/names.js";

/** The resource kinds a desired state describes, in the order they are created. */
export type ResourceKind = "project" | "branch" | "endpoint" | "role" | "database";

/** A JSON object as the API reads and writes it. */
export type Json = Record<string, unknown>;

/** A direct permission on a project (`/api/2.0/permissions/database-projects/{id}`): one principal, one level. */
export interface ProjectPermission {
  readonly level: "CAN_USE" | "CAN_MANAGE";
  readonly user_name?: string;
  readonly group_name?: string;
  readonly service_principal_name?: string;
}

interface DesiredBase<N extends string> {
  /** The full resource name: `projects/p`, `projects/p/branches/dev`, … (the parent and id come from it). */
  readonly name: N;
  /**
   * Delete it (when it exists) instead of creating or updating it. Resources that are simply left
   * out of the desired state are deleted only with `plan(…, { prune: true })`.
   */
  readonly absent?: boolean;
}

export interface DesiredProject extends DesiredBase<ProjectName> {
  readonly spec?: NonNullable<ProjectInput["spec"]>;
  /** Direct permissions, replacing the project's direct ACL when they differ (inherited ones are kept). */
  readonly permissions?: readonly ProjectPermission[];
  /** Delete with `purge=true` (hard delete, id free at once) when this project is deleted. */
  readonly purgeOnDelete?: boolean;
}
export interface DesiredBranch extends DesiredBase<BranchName> {
  readonly spec?: NonNullable<BranchInput["spec"]>;
}
export interface DesiredEndpoint extends DesiredBase<EndpointName> {
  readonly spec?: NonNullable<EndpointInput["spec"]>;
}
export interface DesiredDatabase extends DesiredBase<DatabaseName> {
  readonly spec?: NonNullable<DatabaseInput["spec"]>;
}
export interface DesiredRole extends DesiredBase<RoleName> {
  readonly spec?: NonNullable<RoleInput["spec"]>;
}

/**
 * A declarative description of Lakebase resources: what should exist, with which settings. Fields
 * left out are not managed (the server's value stays and is never shown as a change).
 */
export interface DesiredState {
  readonly projects?: readonly DesiredProject[];
  readonly branches?: readonly DesiredBranch[];
  readonly endpoints?: readonly DesiredEndpoint[];
  readonly roles?: readonly DesiredRole[];
  readonly databases?: readonly DesiredDatabase[];
}

/** The typed lists, which a bundle-shaped input must not have (so a typed state that fails its checks is not taken for a bundle). */
type NoTypedLists = { readonly [K in keyof DesiredState]?: never };

/**
 * A bundle parsed from YAML (`{ resources: { postgres_projects: … } }`) or its resources section
 * (`{ postgres_projects, postgres_branches, … }`): fields flat, `${resources.<kind>.<key>.id}` references.
 */
export type BundleResources =
  | ({ readonly resources: Readonly<Record<string, unknown>> } & NoTypedLists)
  | ({ readonly [kind: `postgres_${string}`]: unknown } & NoTypedLists);

/** One desired resource, whatever its kind (the form plan and apply work on). */
export interface DesiredResource {
  readonly kind: ResourceKind;
  readonly name: string;
  readonly parent: string | undefined;
  readonly id: string;
  /** The create body (`{ spec }`); also what an update sends, masked. */
  readonly body: Json;
  readonly absent: boolean;
  readonly permissions?: readonly ProjectPermission[];
  readonly purgeOnDelete?: boolean;
  /** Where it came from, for messages: `postgres_branches.dev_branch` for a bundle, else the name. */
  readonly source: string;
}

/** One field that differs: its mask path, what the server shows now, what is desired. */
export interface FieldChange {
  readonly path: string;
  readonly current: unknown;
  readonly desired: unknown;
}

export type PlannedAction = "create" | "update" | "delete" | "recreate" | "noop";

/** What `apply` will do to one resource, and why. */
export interface PlannedChange {
  readonly action: PlannedAction;
  readonly kind: ResourceKind;
  readonly name: string;
  /** Field by field (updates, recreates); empty for creates and deletes. */
  readonly fields: readonly FieldChange[];
  /** The `update_mask` an update sends (leaf paths, as `fieldMask.diff` derives them). */
  readonly mask?: readonly string[];
  /** The permission entries to set, when they differ (projects). */
  readonly permissions?: { readonly current: readonly ProjectPermission[]; readonly desired: readonly ProjectPermission[] };
  /** Why, when it is not obvious: "adopts the implicit production branch", "pruned: not in the desired state", … */
  readonly reason?: string;
  /** The desired resource (absent for pruned deletes). */
  readonly desired?: DesiredResource;
  /** The resource as read at plan time (absent when it does not exist). */
  readonly current?: Json;
  /** It is created by its parent (a project's `production` branch, a branch's `primary` endpoint): adopted, never created. */
  readonly implicit?: boolean;
}

export interface Plan {
  /** One entry per resource considered, in apply order (creates parent first, deletes child first), no-ops included. */
  readonly resources: readonly PlannedChange[];
  /** The entries that change something (no no-ops): empty when the live state already matches. */
  readonly changes: readonly PlannedChange[];
  /** "2 to create, 1 to update, 0 to delete, 5 unchanged" and one block per change. */
  toString(): string;
}

export interface PlanOptions {
  /** Delete resources under the desired projects and branches that the desired state leaves out (default false). */
  readonly prune?: boolean;
  /** Plan a change to an immutable field as delete + create instead of refusing it (default false). */
  readonly allowRecreate?: boolean;
  readonly signal?: AbortSignal;
}

/** What happened to one resource. */
export interface AppliedResource {
  readonly action: "created" | "updated" | "unchanged" | "deleted";
  readonly kind: ResourceKind;
  readonly name: string;
  /** The resource as the server answered it (absent after a delete). */
  readonly resource?: Json;
}

/** A step of `apply`, for a progress line or a log. */
export interface ApplyProgress {
  readonly kind: ResourceKind;
  readonly name: string;
  readonly action: PlannedAction;
  readonly phase: "started" | "waiting" | "done" | "failed";
  /** The long-running operation being waited on, once submitted: resume it with `client.operations.resume` after a crash. */
  readonly operation?: string;
  readonly elapsedMs: number;
  readonly error?: unknown;
}

export interface ApplyOptions {
  /** How many resources of one level (all branches, then all endpoints and roles, …) change at once (default 4). */
  readonly concurrency?: number;
  readonly onProgress?: (progress: ApplyProgress) => void;
  readonly signal?: AbortSignal;
  /** Bound on each operation wait, in ms (default 20 minutes). */
  readonly timeoutMs?: number;
  /** First delay between polls of an operation or an endpoint's readiness (the SDK's defaults otherwise). */
  readonly pollIntervalMs?: number;
}
