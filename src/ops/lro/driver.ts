import type { Operation } from "../../generated/models.js";
import { GetOperation } from "../../generated/operations.js";
import { prepareCall, sendCall, type CallContext } from "../call.js";
import { parseRetryAfter } from "../parse-error-body.js";
import type { OperationDriver } from "./operation.js";

const drivers = new WeakMap<CallContext, OperationDriver>();

/**
 * How a client's operation handles poll: GetOperation through the client's own call path, the
 * server's Retry-After with each answer. Made on a client's first wait, so a client that never
 * mutates carries neither the poller nor GetOperation in its bundle.
 */
export function driverOf(ctx: CallContext): OperationDriver {
  let driver = drivers.get(ctx);
  if (!driver) {
    driver = {
      async getOperation(name, signal) {
        const { data, headers } = await sendCall<Operation>(ctx, prepareCall(GetOperation, { resource: name }), { signal });
        return { operation: data, retryAfterMs: parseRetryAfter(headers.get("retry-after")) };
      },
      now: () => Date.now(),
      random: Math.random,
      emit: ctx.events,
    };
    drivers.set(ctx, driver);
  }
  return driver;
}
