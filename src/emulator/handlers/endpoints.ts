import { errors } from "../http-errors.js";
import { newUid } from "../ids.js";
import { resolveUpdate, type Assignment } from "../masks.js";
import { startUpdate } from "./update.js";
import { checkResourceId, iso, listPage, queryFlag, requireQueryId, view, type BranchRecord, type EmulatorContext, type EndpointRecord, type Handler, type Json } from "../state.js";

const READ_WRITE = "ENDPOINT_TYPE_READ_WRITE";

/** An endpoint inherits the project's default endpoint settings for what its spec omits (docs/api-behaviour.md#server-materialised-defaults). */
export function createEndpointRecord(ctx: EmulatorContext, branch: BranchRecord, endpointId: string, spec: Json): EndpointRecord {
  const project = ctx.store.project(branch.parent);
  const defaults = project.status.default_endpoint_settings ?? {};
  const name = `${branch.name}/endpoints/${endpointId}`;
  const nowMs = ctx.now();
  const noSuspension = spec.no_suspension === true;
  const endpoint: EndpointRecord = {
    name,
    endpoint_id: endpointId,
    parent: branch.name,
    uid: newUid.endpoint(),
    create_time: iso(nowMs),
    update_time: iso(nowMs),
    status: {
      endpoint_id: endpointId,
      endpoint_type: spec.endpoint_type,
      current_state: "INIT",
      autoscaling_limit_min_cu: spec.autoscaling_limit_min_cu ?? defaults.autoscaling_limit_min_cu ?? 1,
      autoscaling_limit_max_cu: spec.autoscaling_limit_max_cu ?? defaults.autoscaling_limit_max_cu ?? 1,
      ...(noSuspension ? {} : { suspend_timeout_duration: spec.suspend_timeout_duration ?? defaults.suspend_timeout_duration ?? "300s" }),
      disabled: spec.disabled ?? false,
      settings: { pg_settings: spec.settings?.pg_settings ?? defaults.pg_settings ?? {} },
      group: { min: spec.group?.min ?? 1, max: spec.group?.max ?? 1, enable_readable_secondaries: spec.group?.enable_readable_secondaries ?? false },
    },
  };
  ctx.store.endpoints.set(name, endpoint);
  ctx.store.endpointRuntime.set(name, {});
  return endpoint;
}

/** Opens the endpoint's Postgres listener (behind the token proxy) and publishes its host. */
export async function openEndpointRuntime(ctx: EmulatorContext, endpoint: EndpointRecord): Promise<void> {
  const runtime = ctx.store.endpointRuntime.get(endpoint.name) ?? {};
  if (runtime.listener) return;
  const branch = ctx.store.branches.get(endpoint.parent)!;
  runtime.listener = await ctx.backend.openEndpoint(branch.uid, {
    authenticate: (user, password) => ctx.credentials.check(endpoint.name, user, password),
    wakeUpMs: ctx.wakeUpMs,
  });
  ctx.store.endpointRuntime.set(endpoint.name, runtime);
  // Emulator endpoints are loopback host:port (real ones are DNS names on port 5432).
  const host = `${runtime.listener.host}:${runtime.listener.port}`;
  endpoint.status.hosts = endpoint.status.endpoint_type === READ_WRITE ? { host, read_write_pooled_host: host } : { host, read_only_host: host, read_only_pooled_host: host };
  endpoint.status.current_state = "ACTIVE";
  runtime.listener.setDisabled(Boolean(endpoint.status.disabled));
}

export async function closeEndpointRuntime(ctx: EmulatorContext, endpoint: EndpointRecord): Promise<void> {
  const runtime = ctx.store.endpointRuntime.get(endpoint.name);
  if (!runtime?.listener) return;
  const listener = runtime.listener;
  runtime.listener = undefined;
  await listener.close();
}

/** The endpoint as the API shows it: IDLE while its listener is suspended (scale to zero). */
function endpointView(ctx: EmulatorContext, endpoint: EndpointRecord): Json {
  const listener = ctx.store.endpointRuntime.get(endpoint.name)?.listener;
  const out = view(endpoint);
  if (listener && endpoint.status.current_state === "ACTIVE" && listener.suspended) out.status.current_state = "IDLE";
  return out;
}

export const createEndpoint: Handler = (ctx, { params, query, body }) => {
  const branch = ctx.store.branch(`projects/${params.project_id}/branches/${params.branch_id}`);
  const endpointId = checkResourceId("endpoint_id", requireQueryId(query, "endpoint_id"), /^[a-z][a-z0-9-]{0,62}$/);
  const spec = body?.spec ?? {};
  if (!spec.endpoint_type) throw errors.required("endpoint.spec.endpoint_type");
  const name = `${branch.name}/endpoints/${endpointId}`;
  const existing = ctx.store.endpoints.get(name);
  if (existing && !queryFlag(query, "replace_existing")) throw errors.alreadyExists("endpoint");
  if (existing) {
    // replace_existing: the same endpoint (and its running listener) takes the new spec
    if (spec.endpoint_type !== existing.status.endpoint_type) throw errors.invalid("endpoint_type is immutable");
    const assignments = resolveUpdate("UpdateEndpoint", "spec", body).filter((a) => a.path !== "endpoint_type");
    return startEndpointUpdate(ctx, existing, assignments);
  }
  if (spec.endpoint_type === READ_WRITE && ctx.store.childrenOf(ctx.store.endpoints, branch.name).some((e) => e.status.endpoint_type === READ_WRITE && e.name !== name)) {
    throw errors.invalid("A branch can only have one READ_WRITE endpoint");
  }
  if (spec.no_suspension === false) throw errors.invalid("Field 'spec.no_suspension' must be true when provided");
  const endpoint = createEndpointRecord(ctx, branch, endpointId, spec);
  return ctx.operations.start({
    resource: name,
    kind: "Endpoint",
    run: async () => {
      await openEndpointRuntime(ctx, endpoint);
      return endpointView(ctx, endpoint);
    },
  });
};

export const getEndpoint: Handler = (ctx, { params }) =>
  endpointView(ctx, ctx.store.endpoint(`projects/${params.project_id}/branches/${params.branch_id}/endpoints/${params.endpoint_id}`));

export const listEndpoints: Handler = (ctx, { params, query }) => {
  const branch = ctx.store.branch(`projects/${params.project_id}/branches/${params.branch_id}`);
  const items = ctx.store.childrenOf(ctx.store.endpoints, branch.name).map((e) => endpointView(ctx, e));
  return listPage(ctx, items, `${branch.name}/endpoints`, "endpoints", query);
};

export const updateEndpoint: Handler = (ctx, { params, query, body }) => {
  const endpoint = ctx.store.endpoint(`projects/${params.project_id}/branches/${params.branch_id}/endpoints/${params.endpoint_id}`);
  const assignments = resolveUpdate("UpdateEndpoint", query.get("update_mask"), body);
  return startEndpointUpdate(ctx, endpoint, assignments);
};

/** An update (or a replace_existing create): the status shows the effective timeout only; `disabled` reaches the listener. */
function startEndpointUpdate(ctx: EmulatorContext, endpoint: EndpointRecord, assignments: readonly Assignment[]) {
  return startUpdate(
    ctx,
    endpoint,
    "Endpoint",
    assignments,
    () => {
      delete endpoint.status.no_suspension;
      ctx.store.endpointRuntime.get(endpoint.name)?.listener?.setDisabled(Boolean(endpoint.status.disabled));
    },
    (record) => endpointView(ctx, record as EndpointRecord),
  );
}

export const deleteEndpoint: Handler = (ctx, { params }) => {
  const endpoint = ctx.store.endpoint(`projects/${params.project_id}/branches/${params.branch_id}/endpoints/${params.endpoint_id}`);
  if (endpoint.status.endpoint_type === READ_WRITE) {
    throw errors.managedByParent(`Cannot delete read-write endpoint '${endpoint.name}'. Read-write endpoints cannot be deleted.`);
  }
  return ctx.operations.start({
    resource: endpoint.name,
    kind: "Endpoint",
    run: async () => {
      await closeEndpointRuntime(ctx, endpoint);
      ctx.store.endpoints.delete(endpoint.name);
      ctx.store.endpointRuntime.delete(endpoint.name);
      return undefined;
    },
  });
};
