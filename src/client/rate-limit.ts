/**
 * `rate_limit` (`DATABRICKS_RATE_LIMIT`): at most N requests per second leave this client, as the
 * Go SDK's limiter holds them (docs/auth.md#knobs). A request over the limit waits for its slot
 * (its own abort signal still ends the wait); none is dropped.
 */
import type { FetchLike } from "../ops/retry.js";
import { sleep } from "../ops/sleep.js";

/** `fetchImpl` (or the global fetch) spaced to `perSecond` requests a second. */
export function rateLimitedFetch(perSecond: number, fetchImpl?: FetchLike, clock: () => number = Date.now): FetchLike {
  const spacing = 1000 / perSecond;
  let next = 0;
  return async (request) => {
    const now = clock();
    const at = Math.max(now, next);
    next = at + spacing;
    if (at > now) await sleep(at - now, request.signal);
    return (fetchImpl ?? ((r: Request) => globalThis.fetch(r)))(request);
  };
}
