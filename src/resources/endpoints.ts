import type { Endpoint, EndpointInput, Operation } from "../generated/models.js";
import { callOperation, prepareCall, sendCall, type CallOptions } from "../ops/call.js";
import { ResourceConflictError, ValidationError } from "../ops/errors.js";
import { waitUntil, type ReadinessOptions } from "../ops/lro/readiness.js";
import type { ValidBranchName, ValidEndpointName } from "../ops/names.js";
import { sleep } from "../ops/sleep.js";
import { listing, mutation, splitOptions, updateMutation, type ListOptionsOf, type OptionsOf, type ResourceContext, type UpdateOptions } from "./shared.js";

/** Whether an endpoint accepts connections: ACTIVE, or IDLE (suspended; wakes on connect), with no transition pending. */
export function isEndpointReady(endpoint: Endpoint): boolean {
  const state = endpoint.status?.current_state;
  return (state === "ACTIVE" || state === "IDLE") && !endpoint.status?.pending_state;
}

export interface DeleteEndpointOptions extends CallOptions {
  /** How long to keep retrying the documented 409 "reconciliation still in progress" conflict (default 2 minutes). */
  readonly reconciliationTimeoutMs?: number;
}

/** Compute endpoints of a branch (`…/branches/{branch_id}/endpoints/{endpoint_id}`). */
export function endpointsApi(ctx: ResourceContext) {
  const get = (name: string, options?: CallOptions): Promise<Endpoint> => callOperation(ctx, "GetEndpoint", { resource: name, options });
  return {
    /** CreateEndpoint under `parent` (a branch name); `spec.endpoint_type` is required. Await for the Endpoint. */
    create<P extends string>(parent: P & ValidBranchName<P>, endpointId: string, endpoint: EndpointInput, options?: OptionsOf<"CreateEndpoint", "endpoint_id">) {
      const { query, call } = splitOptions(options);
      return mutation(ctx, "CreateEndpoint", { resource: parent, query: { ...query, endpoint_id: endpointId }, body: endpoint, options: call });
    },
    /** GetEndpoint. */
    get<N extends string>(name: N & ValidEndpointName<N>, options?: CallOptions): Promise<Endpoint> {
      return get(name, options);
    },
    /** ListEndpoints: every endpoint of the branch, fetched page by page as you iterate. */
    list<P extends string>(parent: P & ValidBranchName<P>, options?: ListOptionsOf<"ListEndpoints">) {
      const { query, call } = splitOptions(options);
      return listing<Endpoint>(ctx, "ListEndpoints", { resource: parent, query }, call);
    },
    /**
     * UpdateEndpoint. Without `update_mask` the mask is derived from the patch: suspension members
     * are masked as `spec.suspension`, `pg_settings` as a whole, `endpoint_type` never.
     */
    update<N extends string>(name: N & ValidEndpointName<N>, endpoint: EndpointInput, options?: UpdateOptions<"endpoint">) {
      return updateMutation(ctx, "UpdateEndpoint", "endpoint", name, endpoint, options);
    },
    /**
     * DeleteEndpoint. While the server still reconciles a previous change it answers 409
     * "reconciliation"; that conflict means nothing was done, so the delete is retried with backoff.
     * The branch's read-write endpoint cannot be deleted (MANAGED_BY_PARENT).
     */
    delete<N extends string>(name: N & ValidEndpointName<N>, options?: DeleteEndpointOptions) {
      const { reconciliationTimeoutMs = 120_000, ...call } = options ?? {};
      if (!(Number.isFinite(reconciliationTimeoutMs) && reconciliationTimeoutMs >= 0)) {
        return mutation(ctx, "DeleteEndpoint", { resource: name }, () => {
          throw new ValidationError("reconciliationTimeoutMs", "must be a finite number of milliseconds ≥ 0");
        });
      }
      return mutation(ctx, "DeleteEndpoint", { resource: name, options: call }, async (callOptions) => {
        const prepared = prepareCall("DeleteEndpoint", { resource: name });
        const start = ctx.driver.now();
        for (let attempt = 0; ; attempt++) {
          try {
            return (await sendCall<Operation>(ctx, prepared, callOptions)).data;
          } catch (error) {
            const reconciling = error instanceof ResourceConflictError && /reconciliation/i.test(error.message);
            const delay = Math.min(10_000, 1_000 * 1.5 ** attempt) * (0.75 + ctx.driver.random() * 0.5);
            if (!reconciling || ctx.driver.now() - start + delay > reconciliationTimeoutMs) throw error;
            await sleep(delay, callOptions.signal);
          }
        }
      });
    },
    /**
     * Waits until the endpoint accepts connections: `current_state` ACTIVE or IDLE and no
     * `pending_state`. An operation can be done while reconciliation still runs; wait on this
     * before connecting or changing the endpoint again.
     */
    waitForReady<N extends string>(name: N & ValidEndpointName<N>, options?: ReadinessOptions<Endpoint>): Promise<Endpoint> {
      return waitUntil(name, (signal) => get(name, { signal }), isEndpointReady, options, ctx.driver);
    },
  };
}

export type EndpointsApi = ReturnType<typeof endpointsApi>;

/**
 * Waits until an endpoint accepts connections (ACTIVE or IDLE, nothing pending): the same as
 * `client.endpoints.waitForReady(name)`, for code that passes the client around.
 */
export function waitForEndpointReady(client: { readonly endpoints: EndpointsApi }, name: string, options?: ReadinessOptions<Endpoint>): Promise<Endpoint> {
  return client.endpoints.waitForReady(name, options);
}
