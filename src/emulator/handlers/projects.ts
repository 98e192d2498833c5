import type { Identity } from "../auth.js";
import { errors } from "../http-errors.js";
import { newUid } from "../ids.js";
import { branchNamed, projectAt } from "../lookup.js";
import { preview, resolveUpdate } from "../masks.js";
import { OperationError } from "../operations.js";
import { DEFAULT_PG_MAJOR } from "../postgres/index.js";
import { Reply, warningHeader } from "../reply.js";
import { startUpdate } from "./update.js";
import { iso, listPage, queryFlag, view, type EmulatorContext, type Handler, type Json, type ProjectRecord } from "../state.js";
import { checkComputeUnits, checkGroup } from "../validate/compute.js";
import { validated } from "../validate/index.js";
import { createBranchRecords, dropBranchRuntime, forgetBranch, reopenBranchRuntime } from "./branches.js";

const DEFAULT_BRANCH_ID = "production";
const RETENTION_MS = 7 * 24 * 3600_000;

/** The compute-unit limits a project's endpoints get when nothing else says (docs/api-behaviour.md#server-materialised-defaults). */
const DEFAULT_CU = 1;

/**
 * What the default endpoint settings show once an update replaced them: the limits the body left
 * out are the service defaults again, and `no_suspension` shows as the absence of a timeout.
 */
function settleDefaults(status: Json): void {
  const settings = (status.default_endpoint_settings ??= {});
  delete settings.no_suspension;
  settings.autoscaling_limit_min_cu ??= DEFAULT_CU;
  settings.autoscaling_limit_max_cu ??= DEFAULT_CU;
}

/**
 * The compute-unit rules on a project's default endpoint settings and its initial endpoint
 * (which starts from those defaults) (docs/api-behaviour.md#emulator-validation).
 */
function checkProjectSizing(settings: Json, sent: Json | undefined, initial: Json | undefined): void {
  checkComputeUnits("project.spec.default_endpoint_settings", {
    min: settings.autoscaling_limit_min_cu,
    max: settings.autoscaling_limit_max_cu,
    sentMin: sent?.autoscaling_limit_min_cu !== undefined,
    sentMax: sent?.autoscaling_limit_max_cu !== undefined,
  });
  if (!initial) return;
  checkComputeUnits("project.initial_endpoint_spec", {
    min: initial.autoscaling_limit_min_cu ?? settings.autoscaling_limit_min_cu,
    max: initial.autoscaling_limit_max_cu ?? settings.autoscaling_limit_max_cu,
    sentMin: initial.autoscaling_limit_min_cu !== undefined,
    sentMax: initial.autoscaling_limit_max_cu !== undefined,
  });
  checkGroup("project.initial_endpoint_spec", initial.group);
}

/** Server-materialised project defaults (docs/api-behaviour.md#server-materialised-defaults). */
function projectStatus(projectId: string, spec: Record<string, any>, identity: Identity) {
  const defaults = spec.default_endpoint_settings ?? {};
  const suspension = defaults.no_suspension ? {} : { suspend_timeout_duration: defaults.suspend_timeout_duration ?? "86400s" };
  return {
    project_id: projectId,
    display_name: spec.display_name ?? projectId,
    pg_version: spec.pg_version ?? DEFAULT_PG_MAJOR,
    owner: identity.userName,
    default_branch: `projects/${projectId}/branches/${DEFAULT_BRANCH_ID}`,
    history_retention_duration: spec.history_retention_duration ?? "604800s",
    enable_pg_native_login: spec.enable_pg_native_login ?? false,
    branch_logical_size_limit_bytes: 8796093022208,
    synthetic_storage_size_bytes: 0,
    default_endpoint_settings: {
      autoscaling_limit_min_cu: defaults.autoscaling_limit_min_cu ?? DEFAULT_CU,
      autoscaling_limit_max_cu: defaults.autoscaling_limit_max_cu ?? DEFAULT_CU,
      ...suspension,
      ...(defaults.pg_settings ? { pg_settings: defaults.pg_settings } : {}),
    },
    ...(spec.custom_tags ? { custom_tags: spec.custom_tags } : {}),
    ...(spec.budget_policy_id ? { budget_policy_id: spec.budget_policy_id } : {}),
  };
}

function branchesOf(ctx: EmulatorContext, project: string) {
  return [...ctx.store.branches.values()].filter((b) => b.parent === project);
}

export const createProject: Handler = validated("CreateProject", (ctx, { query, body, identity }) => {
  const projectId = query.get("project_id")!;
  const name = `projects/${projectId}`;
  const spec = body?.spec ?? {};
  const status = projectStatus(projectId, spec, identity);
  checkProjectSizing(status.default_endpoint_settings, spec.default_endpoint_settings, body?.initial_endpoint_spec);
  if (ctx.store.projects.has(name)) throw errors.alreadyExists("project");
  // The major asked is what the project reports; where it runs is the backend's plan (docs/api-behaviour.md#pg_version-in-the-emulator).
  const plan = ctx.backend.planVersion?.(status.pg_version);
  if (plan?.refusal) {
    // Strict versions: nothing is created, and the operation fails naming what to install.
    const refusal = new OperationError("NOT_IMPLEMENTED", plan.refusal);
    return ctx.operations.start({ resource: name, kind: "Project", run: () => Promise.reject(refusal) });
  }
  const now = iso(ctx.now());
  const project: ProjectRecord = { name, project_id: projectId, uid: newUid.project(), create_time: now, update_time: now, status };
  ctx.store.projects.set(name, project);
  const root = createBranchRecords(ctx, project, DEFAULT_BRANCH_ID, {
    isDefault: true,
    isProtected: body?.initial_branch_spec?.is_protected ?? false,
    endpointSpec: body?.initial_endpoint_spec,
    owner: identity,
  });
  const operation = ctx.operations.start({
    resource: name,
    kind: "Project",
    run: async () => {
      await root.ready;
      return view(ctx.store.project(name));
    },
    // A project whose create failed is not left behind either (see forgetBranch).
    rollback: async () => {
      ctx.store.projects.delete(name);
      await forgetBranch(ctx, root.branch);
    },
  });
  return plan?.substitution ? new Reply(operation, { Warning: warningHeader(plan.substitution) }) : operation;
});

export const getProject: Handler = (ctx, { params }) => view(ctx.store.project(`projects/${params.project_id}`, { allowDeleted: true }));

export const listProjects: Handler = (ctx, { query }) => {
  const showDeleted = queryFlag(query, "show_deleted");
  const items = [...ctx.store.projects.values()].filter((p) => showDeleted || !p.delete_time);
  return listPage(ctx, items, `projects|${showDeleted}`, "projects", query, 100);
};

export const updateProject: Handler = validated("UpdateProject", (ctx, { params, query, body }) => {
  const project = projectAt(ctx, params);
  const assignments = resolveUpdate("UpdateProject", query.get("update_mask"), body, project.status);
  const next = preview(project.status, assignments);
  settleDefaults(next);
  const assigned = (field: string) => assignments.some((a) => a.path === `default_endpoint_settings.${field}` && !a.clear);
  checkProjectSizing(next.default_endpoint_settings, { autoscaling_limit_min_cu: assigned("autoscaling_limit_min_cu") || undefined, autoscaling_limit_max_cu: assigned("autoscaling_limit_max_cu") || undefined }, undefined);
  const newDefault = assignments.find((a) => a.path === "default_branch")?.value as string | undefined;
  if (newDefault !== undefined && branchNamed(ctx, newDefault).parent !== project.name) {
    throw errors.invalidValue("project.spec.default_branch", `must be a branch of ${project.name}`, newDefault);
  }
  return startUpdate(ctx, project, "Project", assignments, () => {
    settleDefaults(project.status);
    if (newDefault) for (const branch of branchesOf(ctx, project.name)) branch.status.default = branch.name === newDefault;
  });
});

export const deleteProject: Handler = validated("DeleteProject", (ctx, { params, query }) => {
  const project = ctx.store.project(`projects/${params.project_id}`, { allowDeleted: true });
  const purge = queryFlag(query, "purge");
  if (project.delete_time && !purge) throw errors.notFound("project");
  const protectedBranch = branchesOf(ctx, project.name).find((b) => b.status.is_protected && !b.delete_time);
  if (protectedBranch) throw errors.badRequest(`cannot delete project while branch '${protectedBranch.name}' is protected`);
  return ctx.operations.start({
    resource: project.name,
    kind: "Project",
    run: async () => {
      for (const branch of branchesOf(ctx, project.name)) await dropBranchRuntime(ctx, branch, { purge });
      if (purge) {
        ctx.store.projects.delete(project.name);
        for (const branch of branchesOf(ctx, project.name)) ctx.store.branches.delete(branch.name);
      } else {
        project.delete_time = iso(ctx.now());
        project.purge_time = iso(ctx.now() + RETENTION_MS);
      }
      return undefined;
    },
  });
});

export const undeleteProject: Handler = validated("UndeleteProject", (ctx, { params }) => {
  const project = ctx.store.project(`projects/${params.project_id}`, { allowDeleted: true });
  if (!project.delete_time) throw errors.badRequest("project is not deleted");
  return ctx.operations.start({
    resource: project.name,
    kind: "Project",
    run: async () => {
      delete project.delete_time;
      delete project.purge_time;
      for (const branch of branchesOf(ctx, project.name)) if (!branch.delete_time) await reopenBranchRuntime(ctx, branch);
      return undefined;
    },
  });
});
