import type { Project, ProjectInput } from "../generated/models.js";
import { callOperation, type CallOptions } from "../ops/call.js";
import type { ValidProjectName } from "../ops/names.js";
import { listing, mutation, splitOptions, updateMutation, type ListOptionsOf, type OptionsOf, type ResourceContext, type UpdateOptions } from "./shared.js";

/** Projects: the top of the hierarchy (`projects/{project_id}`). */
export function projectsApi(ctx: ResourceContext) {
  return {
    /**
     * CreateProject. Also creates the `production` branch, its `primary` read-write endpoint, the
     * `databricks_postgres` database and the owner role. Await the handle for the Project.
     */
    create(projectId: string, project: ProjectInput, options?: CallOptions) {
      return mutation(ctx, "CreateProject", { query: { project_id: projectId }, body: project, options });
    },
    /** GetProject. */
    get<N extends string>(name: N & ValidProjectName<N>, options?: CallOptions): Promise<Project> {
      return callOperation(ctx, "GetProject", { resource: name, options });
    },
    /** ListProjects: every project, fetched page by page as you iterate (`page_size` ≤ 100). */
    list(options?: ListOptionsOf<"ListProjects">) {
      const { query, call } = splitOptions(options);
      return listing<Project>(ctx, "ListProjects", { query }, call);
    },
    /**
     * UpdateProject. Without `update_mask` the mask is derived from the patch (default endpoint
     * suspension is masked as `spec.default_endpoint_settings.suspension`).
     */
    update<N extends string>(name: N & ValidProjectName<N>, project: ProjectInput, options?: UpdateOptions<"project">) {
      return updateMutation(ctx, "UpdateProject", "project", name, project, options);
    },
    /** DeleteProject: soft delete unless `purge: true`. Await for completion. */
    delete<N extends string>(name: N & ValidProjectName<N>, options?: OptionsOf<"DeleteProject">) {
      const { query, call } = splitOptions(options);
      return mutation(ctx, "DeleteProject", { resource: name, query, options: call });
    },
    /** UndeleteProject: restores a soft-deleted project within its retention period. */
    undelete<N extends string>(name: N & ValidProjectName<N>, options?: CallOptions) {
      return mutation(ctx, "UndeleteProject", { resource: name, body: {}, options });
    },
  };
}

export type ProjectsApi = ReturnType<typeof projectsApi>;
