import type { Endpoint } from "../generated/models.js";
import { GetEndpoint } from "../generated/operations.js";
import type { Lakebase } from "../ops/context.js";
import { waitUntil, type ReadinessOptions } from "../ops/lro/readiness.js";
import { getResource } from "../ops/methods.js";
import { driverOf } from "../ops/lro/driver.js";
import { contextOf } from "../ops/context.js";
import type { ValidEndpointName } from "../ops/names.js";

/** Whether an endpoint accepts connections: ACTIVE, or IDLE (suspended; wakes on connect), with no transition pending. */
export function isEndpointReady(endpoint: Endpoint): boolean {
  const state = endpoint.status?.current_state;
  return (state === "ACTIVE" || state === "IDLE") && !endpoint.status?.pending_state;
}

/**
 * Waits until the endpoint accepts connections: `current_state` ACTIVE or IDLE and no
 * `pending_state`. An operation can be done while reconciliation still runs; wait on this before
 * connecting or changing the endpoint again. Also `client.endpoints.waitForReady(name)`.
 */
export function waitForEndpointReady<N extends string>(lakebase: Lakebase, name: N & ValidEndpointName<N>, options?: ReadinessOptions<Endpoint>): Promise<Endpoint> {
  return waitUntil(name, (signal) => getResource<Endpoint>(lakebase, GetEndpoint, name, { signal }), isEndpointReady, options, driverOf(contextOf(lakebase)));
}
