/**
 * `lakebase-sdk/iac`: declarative plan and apply for Lakebase projects, branches, endpoints, roles
 * and databases, for infrastructure-as-code layers, CLIs and scripts.
 *
 * ```ts
 * import { createLakebaseClient } from "lakebase-sdk";
 * import { plan, apply } from "lakebase-sdk/iac";
 *
 * const desired = {
 *   projects: [{ name: "projects/shop", spec: { display_name: "Shop", pg_version: 17 } }],
 *   branches: [{ name: "projects/shop/branches/dev", spec: { no_expiry: true } }],
 *   endpoints: [{ name: "projects/shop/branches/dev/endpoints/primary", spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", autoscaling_limit_max_cu: 2 } }],
 * };
 * const changes = await plan(client, desired);
 * console.log(String(changes)); // Plan: 2 to create, 1 to update, …
 * const applied = await apply(client, changes, { onProgress: (p) => console.log(p.phase, p.name) });
 * ```
 *
 * A bundle's `resources` section (`postgres_projects`, `postgres_branches`, … with fields flat and
 * `${resources.<kind>.<key>.id}` references) is accepted as is in place of the typed description.
 * Planning again after an apply is empty: oneof members (`no_expiry`, `ttl`, `no_suspension`) are
 * compared by their effect on the status (docs/api-behaviour.md#convergence-of-oneof-members).
 */
export { apply } from "./apply.js";
export { ApplyError, RecreateRequiredError } from "./errors.js";
export { formatPlan } from "./format.js";
export { plan } from "./plan.js";
export type {
  AppliedResource,
  BundleResources,
  ApplyOptions,
  ApplyProgress,
  DesiredBranch,
  DesiredDatabase,
  DesiredEndpoint,
  DesiredProject,
  DesiredResource,
  DesiredRole,
  DesiredState,
  FieldChange,
  Json,
  Plan,
  PlannedAction,
  PlannedChange,
  PlanOptions,
  ProjectPermission,
  ResourceKind,
} from "./types.js";
