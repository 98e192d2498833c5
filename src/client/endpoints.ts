import type { Endpoint } from "../generated/models.js";
import { GetEndpoint } from "../generated/operations.js";
import type { Lakebase } from "../ops/context.js";
import { waitUntil, type Readiness, type ReadinessOptions } from "../ops/lro/readiness.js";
import { getResource } from "../ops/methods.js";
import { driverOf } from "../ops/lro/driver.js";
import { contextOf } from "../ops/context.js";
import type { ValidEndpointName } from "../ops/names.js";

/** Whether an endpoint accepts connections: ACTIVE, or IDLE (suspended; wakes on connect), with no transition pending. */
export function isEndpointReady(endpoint: Endpoint): boolean {
  const state = endpoint.status?.current_state;
  return (state === "ACTIVE" || state === "IDLE") && !endpoint.status?.pending_state;
}

/** `"ACTIVE"`, or `"INIT→ACTIVE"` while a transition is pending: what a progress line shows. */
function endpointState(endpoint: Endpoint): string {
  const { current_state: current = "UNKNOWN", pending_state: pending } = endpoint.status ?? {};
  return pending ? `${current}→${pending}` : current;
}

const ENDPOINT_READINESS: Readiness<Endpoint> = { isReady: isEndpointReady, stateOf: endpointState };

/**
 * Waits until the endpoint accepts connections: `current_state` ACTIVE or IDLE and no
 * `pending_state`. An operation can be done while reconciliation still runs; wait on this before
 * connecting or changing the endpoint again. Also `client.endpoints.waitForReady(name)`.
 * `onProgress` hears every poll, as an operation's `wait()` does.
 */
export function waitForEndpointReady<N extends string>(lakebase: Lakebase, name: N & ValidEndpointName<N>, options?: ReadinessOptions<Endpoint>): Promise<Endpoint> {
  return waitUntil(name, (signal) => getResource<Endpoint>(lakebase, GetEndpoint, name, { signal }), ENDPOINT_READINESS, options, driverOf(contextOf(lakebase)));
}
