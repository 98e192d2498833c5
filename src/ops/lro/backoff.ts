import { ApiError, LakebaseError } from "../errors.js";
import { RequestTimeoutError } from "../transport.js";

/** Polling cadence shared by operation waits and readiness waits. */
export interface PollSchedule {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly random: () => number;
}

export const DEFAULT_WAIT_TIMEOUT_MS = 20 * 60_000;
export const DEFAULT_POLL_INTERVAL_MS = 1_000;
export const DEFAULT_MAX_POLL_INTERVAL_MS = 10_000;

/**
 * The delay before poll n (0-based): grows ×1.5 from `initialMs`, capped, with ±25 % jitter so
 * that many waiters started together spread out; never shorter than what the server asked.
 */
export function pollDelay(schedule: PollSchedule, n: number, serverAskMs = 0): number {
  const base = Math.min(schedule.maxMs, schedule.initialMs * 1.5 ** n);
  const jittered = base * (0.75 + schedule.random() * 0.5);
  return Math.max(serverAskMs, Math.round(jittered));
}

/**
 * Whether a failed poll is worth polling again: throttling, 5xx and network trouble pass (the
 * transport already retried them); 400/401/403/404 will never clear, so the wait ends at once.
 */
export function isTransientPollError(error: unknown): boolean {
  if (error instanceof ApiError) return error.isRetryable || error.status >= 500;
  if (error instanceof RequestTimeoutError) return true;
  if (error instanceof LakebaseError) return false;
  if (error instanceof DOMException && error.name === "AbortError") return false;
  return error instanceof TypeError; // fetch's network failure
}
