import { ApiError, LakebaseError, NetworkError, RequestTimeoutError, ValidationError } from "../errors.js";

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
  if (error instanceof RequestTimeoutError || error instanceof NetworkError) return true;
  if (error instanceof LakebaseError) return false;
  if (error instanceof DOMException && error.name === "TimeoutError") return true;
  if (error instanceof DOMException && error.name === "AbortError") return false;
  return error instanceof TypeError; // fetch's network failure
}

/** The delay a failed poll's server asked for (429/503 with Retry-After or RetryInfo). */
export function serverAskOf(error: unknown): number {
  return error instanceof ApiError ? (error.retryAfterMs ?? 0) : 0;
}

/** Wait options are checked before the first request: NaN or ≤ 0 would never time out or poll in a tight loop. */
export function checkWaitOptions(options: { readonly timeoutMs?: number; readonly pollIntervalMs?: number; readonly maxPollIntervalMs?: number }): void {
  for (const key of ["timeoutMs", "pollIntervalMs", "maxPollIntervalMs"] as const) {
    const value = options[key];
    if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value > 0)) {
      throw new ValidationError(key, "must be a finite number of milliseconds greater than 0");
    }
  }
}

/** After this many polls in a row that reached no server (refused, DNS, reset), a wait ends. */
export const MAX_CONSECUTIVE_NETWORK_FAILURES = 3;

/**
 * What a wait does with a failed poll: errors that will never clear end it at once; network
 * failures are polled through a few times (the transport has already retried each) and then end
 * it, so a dead server is not mistaken for a slow operation for the whole timeout.
 */
export class PollFailures {
  #networkFailuresInARow = 0;

  /** A poll got an answer. */
  succeeded(): void {
    this.#networkFailuresInARow = 0;
  }

  /**
   * A poll failed: throws what ends the wait (`giveUp` turns the last network failure into the
   * error the caller wants, e.g. one carrying the operation name); else returns the delay the
   * server asked for (Retry-After on a 429/503), 0 when none.
   */
  failed(error: unknown, giveUp: (error: NetworkError) => unknown = (e) => e): number {
    if (!isTransientPollError(error)) throw error;
    if (error instanceof NetworkError) {
      this.#networkFailuresInARow += 1;
      if (this.#networkFailuresInARow >= MAX_CONSECUTIVE_NETWORK_FAILURES) throw giveUp(error);
    } else {
      this.#networkFailuresInARow = 0;
    }
    return serverAskOf(error);
  }
}
