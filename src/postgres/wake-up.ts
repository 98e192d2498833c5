import { backoffDelay } from "../ops/backoff.js";

/**
 * Which connection failures mean "the endpoint is waking up from scale to zero, try again":
 * refused or reset sockets, timeouts, and the server codes for "starting up" / "shutting down" /
 * connection failures (PostgreSQL's error codes, appendix A of its manual: 57P03
 * cannot_connect_now, 57P01 admin_shutdown, 08000/08003/08006 connection exceptions).
 * Authentication (28P01, 28000) and missing objects (3D000, 42704) are final: retrying them only
 * delays the error.
 */
const TRANSIENT_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P03", "57P01", "08000", "08003", "08006"]);

export function isWakeUpError(error: unknown): boolean {
  // pg-pool wraps a connect timeout ("Connection terminated due to connection timeout") and
  // keeps the cause: look through the chain. A full pool ("timeout exceeded when trying to
  // connect") is not the endpoint waking up.
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && TRANSIENT_CODES.has(code)) return true;
    const message = String((e as Error).message ?? "");
    if (/timeout exceeded when trying to connect/i.test(message)) return false;
    if (/Connection terminated unexpectedly|connection timeout|the database system is starting up|timeout expired/i.test(message)) return true;
  }
  return false;
}

export function isAuthenticationError(error: unknown): boolean {
  return (error as { code?: unknown })?.code === "28P01";
}

export interface WakeUpRetryOptions {
  /** Total time to keep retrying a waking endpoint (default 30 s). */
  readonly maxWaitMs?: number;
  /** First delay (default 250 ms), doubling with jitter up to 5 s. */
  readonly initialDelayMs?: number;
}

/** The delay before connection attempt `attempt + 2`: equal jitter, so a retry never comes at once. */
export function wakeUpDelay(attempt: number, options: WakeUpRetryOptions = {}, random = Math.random): number {
  return backoffDelay({ attempt, baseMs: options.initialDelayMs ?? 250, factor: 2, capMs: 5_000, jitter: "equal", random });
}
