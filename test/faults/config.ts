/**
 * Small timeouts keep the whole matrix to a few seconds; the bounds below are what each cell must
 * settle within. SLACK_MS is generous on purpose: a loaded 2-core machine delays timers.
 */
export const TIMEOUT_MS = 500;
export const RETRY = { baseDelayMs: 5, maxDelayMs: 20, budgetMs: 2_000 } as const;
export const TOKEN_RETRY = { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 20, budgetMs: 2_000 } as const;
/** Longer than one poll's whole retry budget, so a throttled poll can still succeed. */
export const WAIT = { timeoutMs: 3_000, pollIntervalMs: 20 } as const;
export const SLACK_MS = 1_500;
/**
 * A wait's own timeoutMs must bound a poll already in flight. The matrix allows a full second;
 * contracts.test.ts checks the same rule sharply (a 400 ms wait against a 10 s retry budget).
 */
export const WAIT_SLACK_MS = 1_000;
/** After a cell settles the server keeps listening this long: any request sent then is a ghost retry. */
export const QUIET_AFTER_MS = 120;
/** Cells run at most this many at once (each one is a server plus a client, mostly idle on timers). */
export const CONCURRENCY = 16;
