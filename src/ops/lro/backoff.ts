import { backoffDelay } from "../backoff.js";
import { ApiError, LakebaseError, NetworkError, RequestTimeoutError, ValidationError } from "../errors.js";

/**
 * Polling cadence shared by operation waits and readiness waits. The delay grows ×1.5 from
 * `initialMs` with ±25 % jitter (so that many waiters started together spread out) up to a cap.
 * Operation waits add two fields that keep the cap low while an operation is likely to finish:
 * the cap is `quickCapMs` at first, then a tenth (`elapsedFraction`) of the time waited so far,
 * and `maxMs` at most. A poll then comes at most ~2.5 s after a flip in the first 20 s and at
 * most ~12.5 % of the wait late after that; see test/lro-schedule.test.ts for the budget.
 */
export interface PollSchedule {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly random: () => number;
  /** The cap while the wait is young (raised to `initialMs` if that is larger). Default: `maxMs` from the start. */
  readonly quickCapMs?: number;
  /** The cap grows to this fraction of the time waited so far. Default 0 (no growth with time). */
  readonly elapsedFraction?: number;
}

export const DEFAULT_WAIT_TIMEOUT_MS = 20 * 60_000;
/** First delay between operation polls: most operations finish in seconds, so the first polls come quickly. */
export const DEFAULT_POLL_INTERVAL_MS = 500;
/** The cap of the delay while an operation wait is young (its first ~20 s). */
export const QUICK_POLL_CAP_MS = 2_000;
/** After that the cap is this fraction of the time waited: a poll is at most ~10 % (+ jitter) of the wait late. */
export const POLL_ELAPSED_FRACTION = 0.1;
export const DEFAULT_MAX_POLL_INTERVAL_MS = 10_000;

/**
 * The delay before poll n + 1 (n is 0-based: the delay after the first poll is n = 0), given the
 * time waited so far; never shorter than what the server asked (a Retry-After on the poll).
 */
export function pollDelay(schedule: PollSchedule, at: { readonly attempt: number; readonly elapsedMs?: number; readonly serverAskMs?: number }): number {
  const quickCap = schedule.quickCapMs === undefined ? schedule.maxMs : Math.max(schedule.quickCapMs, schedule.initialMs);
  const grownCap = (at.elapsedMs ?? 0) * (schedule.elapsedFraction ?? 0);
  return backoffDelay({
    attempt: at.attempt,
    baseMs: schedule.initialMs,
    factor: 1.5,
    capMs: Math.min(schedule.maxMs, Math.max(quickCap, grownCap)),
    jitter: 0.25,
    random: schedule.random,
    serverAskMs: at.serverAskMs ?? 0,
  });
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
