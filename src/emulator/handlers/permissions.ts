import { errors } from "../http-errors.js";
import { projectAt } from "../lookup.js";
import type { EmulatorContext, Handler, Json, ProjectRecord } from "../state.js";
import { validated } from "../validate/index.js";

/*
 * Project permissions (the workspace Permissions API for `database-projects`, the spec's
 * Permissions tag). A project starts with its owner's CAN_MANAGE as a direct entry and the
 * `admins` group's CAN_MANAGE inherited from the workspace root, as workspace objects do. PUT
 * replaces the direct entries, PATCH adds to them; inherited entries stay either way.
 * Principals are not checked against any directory: every name is accepted.
 */

const PERMISSIONS = "project-permissions";
const PRINCIPALS = ["user_name", "group_name", "service_principal_name"] as const;
const LEVELS = new Set(["CAN_USE", "CAN_MANAGE"]);

/**
 * Direct entries of a project, `"<principal field>:<name>" → levels` (plain JSON, so the store can
 * be saved as it is), made on first use from its owner.
 */
function directOf(ctx: EmulatorContext, project: ProjectRecord): Record<string, string[]> {
  const store = ctx.store.collection<Json>(PERMISSIONS);
  let entry = store.get(project.name);
  if (!entry) {
    entry = { name: project.name, _direct: { [`user_name:${String(project.status.owner ?? "")}`]: ["CAN_MANAGE"] } };
    store.set(project.name, entry);
  }
  return entry._direct as Record<string, string[]>;
}

function grant(direct: Record<string, string[]>, key: string, level: string): void {
  const levels = (direct[key] ??= []);
  if (!levels.includes(level)) levels.push(level);
}

function answer(project: ProjectRecord, direct: Record<string, string[]>): Json {
  const acl: Json[] = Object.entries(direct).map(([key, levels]) => {
    const [principal, name] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
    return { [principal]: name, all_permissions: [...levels].sort().map((level) => ({ permission_level: level, inherited: false })) };
  });
  acl.push({ group_name: "admins", all_permissions: [{ permission_level: "CAN_MANAGE", inherited: true, inherited_from_object: ["/database-projects/"] }] });
  return { object_id: `/database-projects/${project.project_id}`, object_type: "database-projects", access_control_list: acl };
}

/** The request's entries as `principal key → level`, each with exactly one principal and a known level. */
function requested(body: Json | undefined): [string, string][] {
  const list = body?.access_control_list;
  if (!Array.isArray(list)) throw errors.required("access_control_list");
  return list.map((entry: Json, i) => {
    const principals = PRINCIPALS.filter((k) => typeof entry?.[k] === "string" && entry[k] !== "");
    if (principals.length !== 1) throw errors.invalid(`access_control_list[${i}] must name exactly one of ${PRINCIPALS.join(", ")}`);
    const level = entry.permission_level;
    if (!LEVELS.has(level)) throw errors.invalidValue(`access_control_list[${i}].permission_level`, `must be one of ${[...LEVELS].join(", ")}`, level);
    return [`${principals[0]}:${entry[principals[0]!]}`, level];
  });
}

export const getProjectPermissions: Handler = validated("GetProjectPermissions", (ctx, { params }) => {
  const project = projectAt(ctx, params);
  return answer(project, directOf(ctx, project));
});

export const setProjectPermissions: Handler = validated("SetProjectPermissions", (ctx, { params, body }) => {
  const project = projectAt(ctx, params);
  const entries = requested(body);
  const direct = directOf(ctx, project);
  for (const key of Object.keys(direct)) delete direct[key];
  for (const [key, level] of entries) grant(direct, key, level);
  return answer(project, direct);
});

export const updateProjectPermissions: Handler = validated("UpdateProjectPermissions", (ctx, { params, body }) => {
  const project = projectAt(ctx, params);
  const direct = directOf(ctx, project);
  for (const [key, level] of requested(body)) grant(direct, key, level);
  return answer(project, direct);
});
