import { endpointHostName } from "../host-names.js";
import { errors } from "../http-errors.js";
import { newUid } from "../ids.js";
import { branchAt, endpointAt } from "../lookup.js";
import { preview, resolveUpdate, type Assignment } from "../masks.js";
import { startUpdate } from "./update.js";
import { iso, listPage, queryFlag, view, type BranchRecord, type EmulatorContext, type EndpointRecord, type Handler, type Json } from "../state.js";
import { checkComputeUnits, checkGroup } from "../validate/compute.js";
import { validated } from "../validate/index.js";

const READ_WRITE = "ENDPOINT_TYPE_READ_WRITE";

/**
 * What an endpoint's spec leaves out comes from its project's default endpoint settings
 * (docs/api-behaviour.md#server-materialised-defaults): the compute-unit limits, and the
 * suspension — a timeout, or none when the defaults say `no_suspension`.
 */
function inherited(ctx: EmulatorContext, branch: BranchRecord, spec: Json): { min: unknown; max: unknown; suspendTimeout: unknown } {
  const defaults = ctx.store.project(branch.parent).status.default_endpoint_settings ?? {};
  const noSuspension = spec.no_suspension === true || (spec.suspend_timeout_duration === undefined && defaults.suspend_timeout_duration === undefined);
  return {
    min: spec.autoscaling_limit_min_cu ?? defaults.autoscaling_limit_min_cu ?? 1,
    max: spec.autoscaling_limit_max_cu ?? defaults.autoscaling_limit_max_cu ?? 1,
    suspendTimeout: noSuspension ? undefined : (spec.suspend_timeout_duration ?? defaults.suspend_timeout_duration),
  };
}

/** The compute-sizing rules on an endpoint's effective limits and group (docs/api-behaviour.md#emulator-validation). */
function checkSizing(status: Json, sentMin: boolean, sentMax: boolean): void {
  checkComputeUnits("endpoint.spec", { min: status.autoscaling_limit_min_cu, max: status.autoscaling_limit_max_cu, sentMin, sentMax });
  checkGroup("endpoint.spec", status.group);
}

export function createEndpointRecord(ctx: EmulatorContext, branch: BranchRecord, endpointId: string, spec: Json): EndpointRecord {
  const name = `${branch.name}/endpoints/${endpointId}`;
  const nowMs = ctx.now();
  const { min, max, suspendTimeout } = inherited(ctx, branch, spec);
  const defaults = ctx.store.project(branch.parent).status.default_endpoint_settings ?? {};
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
      autoscaling_limit_min_cu: min,
      autoscaling_limit_max_cu: max,
      ...(suspendTimeout === undefined ? {} : { suspend_timeout_duration: suspendTimeout }),
      disabled: spec.disabled ?? false,
      settings: { pg_settings: spec.settings?.pg_settings ?? defaults.pg_settings ?? {} },
      group: { min: spec.group?.min ?? 1, max: spec.group?.max ?? 1, enable_readable_secondaries: spec.group?.enable_readable_secondaries ?? false },
    },
  };
  ctx.store.endpoints.set(name, endpoint);
  ctx.store.endpointRuntime.set(name, {});
  return endpoint;
}

/** The port of a published `host:port`, when there is one (an endpoint restored from a data directory asks for it again). */
function publishedPort(endpoint: EndpointRecord): number | undefined {
  const match = /:(\d+)$/.exec(String(endpoint.status.hosts?.host ?? ""));
  return match ? Number(match[1]) : undefined;
}

/**
 * Opens the endpoint's Postgres listener (behind the token proxy) and publishes its host: on the
 * port it had when that is free (restored endpoints), and under the emulator's host-name mode.
 */
export async function openEndpointRuntime(ctx: EmulatorContext, endpoint: EndpointRecord): Promise<void> {
  const runtime = ctx.store.endpointRuntime.get(endpoint.name) ?? {};
  if (runtime.listener) return;
  const branch = ctx.store.branches.get(endpoint.parent)!;
  runtime.listener = await ctx.backend.openEndpoint(branch.uid, {
    authenticate: (user, password) => ctx.credentials.check(endpoint.name, user, password),
    wakeUpMs: ctx.wakeUpMs,
    port: publishedPort(endpoint),
  });
  ctx.store.endpointRuntime.set(endpoint.name, runtime);
  // Real hosts are `ep-….database.<region>.cloud.databricks.com` on 5432; the emulator's are
  // `ep-….database.localhost:<port>` where that resolves to loopback, else `127.0.0.1:<port>` (host-names.ts).
  const host = `${endpointHostName(ctx.hostNames, endpoint.uid)}:${runtime.listener.port}`;
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

export const createEndpoint: Handler = validated("CreateEndpoint", (ctx, { params, query, body }) => {
  const spec = body?.spec ?? {};
  if (!spec.endpoint_type) throw errors.required("endpoint.spec.endpoint_type");
  const branch = branchAt(ctx, params);
  const endpointId = query.get("endpoint_id")!;
  const name = `${branch.name}/endpoints/${endpointId}`;
  const existing = ctx.store.endpoints.get(name);
  if (existing && !queryFlag(query, "replace_existing")) throw errors.alreadyExists("endpoint");
  if (existing) {
    // replace_existing: the same endpoint (and its running listener) takes the new spec
    if (spec.endpoint_type !== existing.status.endpoint_type) throw errors.invalid("endpoint_type is immutable");
    const assignments = resolveUpdate("UpdateEndpoint", "spec", body, existing.status).filter((a) => a.path !== "endpoint_type");
    checkSizing(preview(existing.status, assignments), spec.autoscaling_limit_min_cu !== undefined, spec.autoscaling_limit_max_cu !== undefined);
    return startEndpointUpdate(ctx, existing, assignments);
  }
  const { min, max } = inherited(ctx, branch, spec);
  checkComputeUnits("endpoint.spec", { min, max, sentMin: spec.autoscaling_limit_min_cu !== undefined, sentMax: spec.autoscaling_limit_max_cu !== undefined });
  checkGroup("endpoint.spec", spec.group);
  if (spec.endpoint_type === READ_WRITE && ctx.store.childrenOf(ctx.store.endpoints, branch.name).some((e) => e.status.endpoint_type === READ_WRITE && e.name !== name)) {
    throw errors.invalid("A branch can only have one READ_WRITE endpoint");
  }
  const endpoint = createEndpointRecord(ctx, branch, endpointId, spec);
  return ctx.operations.start({
    resource: name,
    kind: "Endpoint",
    run: async () => {
      await openEndpointRuntime(ctx, endpoint);
      return endpointView(ctx, endpoint);
    },
  });
});

export const getEndpoint: Handler = (ctx, { params }) => endpointView(ctx, endpointAt(ctx, params));

export const listEndpoints: Handler = (ctx, { params, query }) => {
  const branch = branchAt(ctx, params);
  const items = ctx.store.childrenOf(ctx.store.endpoints, branch.name).map((e) => endpointView(ctx, e));
  return listPage(ctx, items, `${branch.name}/endpoints`, "endpoints", query);
};

export const updateEndpoint: Handler = validated("UpdateEndpoint", (ctx, { params, query, body }) => {
  const endpoint = endpointAt(ctx, params);
  const assignments = resolveUpdate("UpdateEndpoint", query.get("update_mask"), body, endpoint.status);
  const sent = (path: string) => assignments.some((a) => a.path === path && !a.clear);
  checkSizing(preview(endpoint.status, assignments), sent("autoscaling_limit_min_cu"), sent("autoscaling_limit_max_cu"));
  return startEndpointUpdate(ctx, endpoint, assignments);
});

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

export const deleteEndpoint: Handler = validated("DeleteEndpoint", (ctx, { params }) => {
  const endpoint = endpointAt(ctx, params);
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
});
