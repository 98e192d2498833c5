/**
 * The one backoff schedule of the SDK: capped exponential growth with jitter, never shorter than
 * what the server asked for. Every wait between two tries goes through it — API retries
 * (ops/retry.ts), token requests (auth/token-http.ts), operation and readiness polls
 * (ops/lro/backoff.ts), the endpoint-delete reconciliation retry (ops/methods.ts) and the pool's
 * wake-up retry (postgres/wake-up.ts) — each with its own numbers.
 *
 * Why jitter at all: many clients that failed together (a 503 burst, a fleet of CLI runs waiting
 * on operations started together) must not come back together.
 */

/**
 * How the computed ceiling is spread:
 * - `"full"`: uniform in [0, ceiling] — the widest spread, for retries after overload;
 * - `"equal"`: uniform in [ceiling / 2, ceiling] — never less than half, for steps that must wait;
 * - a fraction f in (0, 1): uniform in [ceiling × (1 − f), ceiling × (1 + f)] — around the ceiling,
 *   for polls whose cadence matters.
 */
export type Jitter = "full" | "equal" | number;

export interface BackoffOptions {
  /** 0-based: 0 is the wait after the first failure (or before the second poll). */
  readonly attempt: number;
  /** The ceiling of attempt 0, in ms. */
  readonly baseMs: number;
  /** Growth per attempt (2 doubles). */
  readonly factor: number;
  /** The largest computed ceiling, in ms. A server's ask may exceed it. */
  readonly capMs: number;
  readonly jitter: Jitter;
  /** Source of randomness in [0, 1]; values outside are clamped, NaN counts as 0. */
  readonly random: () => number;
  /** What the server asked for (Retry-After, RetryInfo), in ms: the delay is never shorter. */
  readonly serverAskMs?: number;
}

/**
 * The delay before the next try, in whole milliseconds (rounded up, so a server's ask of 250.4 ms
 * is never cut to 250). NaN or negative inputs give 0; an infinite ask stays infinite, which every
 * caller reads as "does not fit in the budget".
 */
export function backoffDelay(options: BackoffOptions): number {
  const { attempt, baseMs, factor, capMs, jitter } = options;
  const ceiling = Math.min(capMs, baseMs * factor ** Math.max(0, attempt));
  const drawn = options.random();
  const r = drawn >= 0 ? Math.min(drawn, 1) : 0; // also maps NaN to 0
  let delay: number;
  if (jitter === "full") delay = ceiling * r;
  else if (jitter === "equal") delay = ceiling / 2 + (ceiling / 2) * r;
  else delay = ceiling * (1 - jitter + 2 * jitter * r);
  const asked = options.serverAskMs ?? 0;
  const result = Math.ceil(Math.max(delay, asked));
  return result > 0 ? result : 0; // also maps NaN to 0
}
