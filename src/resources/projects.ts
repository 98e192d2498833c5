import type { ListProjectsResponse, Operation, Project, ProjectInput } from "../generated/models.js";
import { callOperation, type CallContext, type CallOptions } from "../ops/call.js";
import type { ValidProjectName } from "../ops/names.js";
import { splitOptions, type OptionsOf, type UpdateMaskOption } from "./shared.js";

/** Projects: the top of the hierarchy (`projects/{project_id}`). */
export function projectsApi(ctx: CallContext) {
  return {
    /** CreateProject. Also creates the `production` branch and its `primary` endpoint. Returns the long-running Operation. */
    create(projectId: string, project: ProjectInput, options?: CallOptions): Promise<Operation> {
      const { call } = splitOptions(options);
      return callOperation(ctx, "CreateProject", { query: { project_id: projectId }, body: project, options: call });
    },
    /** GetProject. */
    get<N extends string>(name: N & ValidProjectName<N>, options?: CallOptions): Promise<Project> {
      return callOperation(ctx, "GetProject", { resource: name, options });
    },
    /** ListProjects: one page. `page_size` is at most 100. */
    list(options?: OptionsOf<"ListProjects">): Promise<ListProjectsResponse> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "ListProjects", { query, options: call });
    },
    /** UpdateProject with an explicit `update_mask`. */
    update<N extends string>(
      name: N & ValidProjectName<N>,
      project: ProjectInput,
      options: UpdateMaskOption & CallOptions,
    ): Promise<Operation> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "UpdateProject", { resource: name, query, body: project, options: call });
    },
    /** DeleteProject: soft delete unless `purge: true`. */
    delete<N extends string>(name: N & ValidProjectName<N>, options?: OptionsOf<"DeleteProject">): Promise<Operation> {
      const { query, call } = splitOptions(options);
      return callOperation(ctx, "DeleteProject", { resource: name, query, options: call });
    },
    /** UndeleteProject: restores a soft-deleted project within its retention period. */
    undelete<N extends string>(name: N & ValidProjectName<N>, options?: CallOptions): Promise<Operation> {
      return callOperation(ctx, "UndeleteProject", { resource: name, body: {}, options });
    },
  };
}

export type ProjectsApi = ReturnType<typeof projectsApi>;
