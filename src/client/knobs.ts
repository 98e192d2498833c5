/**
 * The Databricks configuration knobs a client created from the environment follows
 * (docs/auth.md#knobs): the workspace id (`X-Databricks-Workspace-Id`), the HTTP timeout, the
 * retry budget, the rate limit and header debugging. Given as strings, as they are read from the
 * environment or a profile; an unparsable number is ignored, as unset.
 */
import type { LakebaseClientOptions } from "./core.js";
import { headerLoggingFetch } from "./debug-headers.js";
import { rateLimitedFetch } from "./rate-limit.js";

/** Knob values as found (environment variables or profile keys). */
export interface ClientKnobs {
  readonly workspaceId?: string | undefined;
  readonly httpTimeoutSeconds?: string | undefined;
  readonly retryTimeoutSeconds?: string | undefined;
  readonly rateLimit?: string | undefined;
  readonly debugHeaders?: string | undefined;
}

function positive(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && value.trim() !== "" && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** `options` with each knob applied where the caller did not set the option itself. */
export function withKnobs(options: LakebaseClientOptions, knobs: ClientKnobs): LakebaseClientOptions {
  const timeout = positive(knobs.httpTimeoutSeconds);
  const retryBudget = positive(knobs.retryTimeoutSeconds);
  const rate = positive(knobs.rateLimit);
  let fetchImpl = options.fetch;
  if (rate) fetchImpl = rateLimitedFetch(rate, fetchImpl);
  if (knobs.debugHeaders && /^(1|true|yes)$/i.test(knobs.debugHeaders.trim()) && options.debug !== false) {
    fetchImpl = headerLoggingFetch(typeof options.debug === "function" ? options.debug : (line) => console.error(line), fetchImpl);
  }
  return {
    ...options,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
    ...(options.workspaceId === undefined && knobs.workspaceId ? { workspaceId: knobs.workspaceId } : {}),
    ...(options.timeoutMs === undefined && timeout ? { timeoutMs: timeout * 1000 } : {}),
    ...(options.retry === undefined && retryBudget ? { retry: { budgetMs: retryBudget * 1000 } } : {}),
  };
}
