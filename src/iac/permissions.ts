/*
 * Project permissions (`/api/2.0/permissions/database-projects/{project_id}`): the direct ACL
 * entries as the desired state writes them. Inherited entries (workspace admins) are not the
 * desired state's to manage and are left out when reading.
 */
import { getProjectPermissions, setProjectPermissions } from "../generated/functions.js";
import type { Lakebase } from "../ops/context.js";
import type { ProjectPermission } from "./types.js";

/** The fields that name a permission's principal: exactly one is set. */
export const PRINCIPALS = ["user_name", "group_name", "service_principal_name"] as const;

/** The project's direct permissions, one entry per principal and level. */
export async function readProjectPermissions(lakebase: Lakebase, project: string, options: { signal?: AbortSignal }): Promise<ProjectPermission[]> {
  const acl = await getProjectPermissions(lakebase, project as never, options);
  const out: ProjectPermission[] = [];
  for (const entry of acl.access_control_list ?? []) {
    const principal = PRINCIPALS.find((k) => typeof entry[k] === "string");
    if (!principal) continue;
    for (const permission of entry.all_permissions ?? []) {
      if (permission.inherited || !permission.permission_level) continue;
      out.push({ level: permission.permission_level as ProjectPermission["level"], [principal]: entry[principal] });
    }
  }
  return out;
}

/** Replaces the project's direct permissions with `permissions` (PUT, as the bundle engine sets them). */
export async function writeProjectPermissions(lakebase: Lakebase, project: string, permissions: readonly ProjectPermission[], options: { signal?: AbortSignal }): Promise<void> {
  const access_control_list = permissions.map(({ level, ...principal }) => ({ ...principal, permission_level: level }));
  await setProjectPermissions(lakebase, project as never, { access_control_list }, options);
}
