import { errors } from "./http-errors.js";
import type { BranchRecord, EmulatorContext, EndpointRecord, Json, ProjectRecord } from "./state.js";

/*
 * Resources found parent first, as the live service answers: anything under a missing or deleted
 * project is `project id not found`, under a missing or deleted branch `branch id not found`, and
 * only then the resource's own `<kind> id not found` (docs/api-behaviour.md#emulator-validation).
 */

type Params = Readonly<Record<string, string | undefined>>;

export function projectAt(ctx: EmulatorContext, params: Params): ProjectRecord {
  return ctx.store.project(`projects/${params.project_id}`);
}

export function branchAt(ctx: EmulatorContext, params: Params, options: { allowDeleted?: boolean } = {}): BranchRecord {
  const project = projectAt(ctx, params);
  return ctx.store.branch(`${project.name}/branches/${params.branch_id}`, options);
}

/** A resource kept directly under a branch: `collection` is the name segment (`endpoints`), `kind` the message word. */
export function underBranch<T extends Json>(ctx: EmulatorContext, params: Params, map: Map<string, T>, collection: string, kind: string, id: string | undefined): T {
  const branch = branchAt(ctx, params);
  const found = map.get(`${branch.name}/${collection}/${id}`);
  if (!found) throw errors.notFound(kind);
  return found;
}

export const endpointAt = (ctx: EmulatorContext, params: Params): EndpointRecord => underBranch(ctx, params, ctx.store.endpoints, "endpoints", "endpoint", params.endpoint_id);
export const databaseAt = (ctx: EmulatorContext, params: Params): Json => underBranch(ctx, params, ctx.store.databases, "databases", "database", params.database_id);
export const roleAt = (ctx: EmulatorContext, params: Params): Json => underBranch(ctx, params, ctx.store.roles, "roles", "role", params.role_id);

const BRANCH_NAME = /^projects\/([^/]+)\/branches\/([^/]+)$/;
const ENDPOINT_NAME = /^projects\/([^/]+)\/branches\/([^/]+)\/endpoints\/([^/]+)$/;

/** A branch by its full name (a body field), parent first; a name of another shape is not found. */
export function branchNamed(ctx: EmulatorContext, name: unknown): BranchRecord {
  const match = BRANCH_NAME.exec(String(name));
  if (!match) throw errors.notFound("branch");
  return branchAt(ctx, { project_id: match[1], branch_id: match[2] });
}

/** An endpoint by its full name (a body field), parent first. */
export function endpointNamed(ctx: EmulatorContext, name: unknown): EndpointRecord {
  const match = ENDPOINT_NAME.exec(String(name));
  if (!match) throw errors.notFound("endpoint");
  return endpointAt(ctx, { project_id: match[1], branch_id: match[2], endpoint_id: match[3] });
}
