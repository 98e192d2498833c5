/*
 * The one backoff helper (src/ops/backoff.ts) and the five schedules built on it: API retries,
 * token requests, operation/readiness polls, the endpoint-delete reconciliation retry and the
 * pool's wake-up retry. Each call site keeps its own numbers; these pin them.
 */
import { describe, expect, it } from "vitest";
import { backoffDelay, type BackoffOptions } from "../../src/ops/backoff.js";
import { DEFAULT_MAX_POLL_INTERVAL_MS, DEFAULT_POLL_INTERVAL_MS, POLL_ELAPSED_FRACTION, pollDelay, QUICK_POLL_CAP_MS } from "../../src/ops/lro/backoff.js";
import { wakeUpDelay } from "../../src/postgres/wake-up.js";

const at = (r: number) => () => r;
const base: Omit<BackoffOptions, "jitter" | "random"> = { attempt: 0, baseMs: 100, factor: 2, capMs: 1_000 };

describe("backoffDelay", () => {
  it("grows by the factor from the base and stops at the cap", () => {
    const ceilings = [0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay({ ...base, attempt, jitter: "full", random: at(1) }));
    expect(ceilings).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(backoffDelay({ ...base, attempt: 2, factor: 1.5, jitter: "full", random: at(1) })).toBe(225);
  });

  it("full jitter spreads over [0, ceiling]; equal over [ceiling/2, ceiling]; a fraction f over ceiling × [1−f, 1+f]", () => {
    const spread = (jitter: BackoffOptions["jitter"]) => [0, 0.5, 1].map((r) => backoffDelay({ ...base, attempt: 3, jitter, random: at(r) }));
    expect(spread("full")).toEqual([0, 400, 800]);
    expect(spread("equal")).toEqual([400, 600, 800]);
    expect(spread(0.25)).toEqual([600, 800, 1_000]);
  });

  it("is never shorter than the server's ask, which may exceed the cap; rounds up to whole ms", () => {
    expect(backoffDelay({ ...base, jitter: "full", random: at(0), serverAskMs: 30_000 })).toBe(30_000);
    expect(backoffDelay({ ...base, jitter: "full", random: at(1), serverAskMs: 50 })).toBe(100);
    expect(backoffDelay({ ...base, jitter: "full", random: at(0), serverAskMs: 250.2 })).toBe(251);
    expect(backoffDelay({ ...base, attempt: 1, jitter: "full", random: at(1 / 3) })).toBe(67);
  });

  it("survives a bad random source or bad numbers: clamped, never NaN or negative", () => {
    expect(backoffDelay({ ...base, jitter: "full", random: at(Number.NaN) })).toBe(0);
    expect(backoffDelay({ ...base, jitter: "full", random: at(-3) })).toBe(0);
    expect(backoffDelay({ ...base, jitter: "full", random: at(7) })).toBe(100);
    expect(backoffDelay({ ...base, baseMs: Number.NaN, jitter: "full", random: at(1) })).toBe(0);
    expect(backoffDelay({ ...base, attempt: -1, jitter: "full", random: at(1) })).toBe(100);
    expect(backoffDelay({ ...base, jitter: "full", random: at(1), serverAskMs: Infinity })).toBe(Infinity); // "does not fit"
  });
});

describe("the schedules built on it keep their numbers", () => {
  it("operation polls: 500 ms ×1.5 with ±25 %, capped at 2 s early, then a tenth of the time waited, 10 s at most", () => {
    const schedule = {
      initialMs: DEFAULT_POLL_INTERVAL_MS,
      maxMs: DEFAULT_MAX_POLL_INTERVAL_MS,
      quickCapMs: QUICK_POLL_CAP_MS,
      elapsedFraction: POLL_ELAPSED_FRACTION,
      random: at(0.5),
    };
    expect([0, 1, 2, 3, 4, 8].map((attempt) => pollDelay(schedule, { attempt, elapsedMs: 1_000 }))).toEqual([500, 750, 1_125, 1_688, 2_000, 2_000]);
    expect(pollDelay(schedule, { attempt: 12, elapsedMs: 45_000 })).toBe(4_500);
    expect(pollDelay(schedule, { attempt: 30, elapsedMs: 600_000 })).toBe(10_000);
    expect(pollDelay({ ...schedule, random: at(0) }, { attempt: 30, elapsedMs: 600_000 })).toBe(7_500);
    expect(pollDelay({ ...schedule, random: at(1) }, { attempt: 30, elapsedMs: 600_000 })).toBe(12_500);
    // Retry-After on a poll is honoured above the cap.
    expect(pollDelay(schedule, { attempt: 0, elapsedMs: 0, serverAskMs: 30_000 })).toBe(30_000);
    // A first interval above the early cap is the user's choice: it is kept (up to maxMs).
    expect(pollDelay({ ...schedule, initialMs: 10_000 }, { attempt: 0, elapsedMs: 0 })).toBe(10_000);
    // A small maxPollIntervalMs wins over everything but the server.
    expect(pollDelay({ ...schedule, initialMs: 5, maxMs: 10 }, { attempt: 9, elapsedMs: 60_000 })).toBe(10);
  });

  it("readiness polls (no early cap): ×1.5 from 2 s to 10 s, ±25 %", () => {
    const schedule = { initialMs: 2_000, maxMs: 10_000, random: at(0.5) };
    expect([0, 1, 2, 3, 4, 5].map((attempt) => pollDelay(schedule, { attempt }))).toEqual([2_000, 3_000, 4_500, 6_750, 10_000, 10_000]);
  });

  it("the pool's wake-up retry: 250 ms doubling to 5 s, equal jitter", () => {
    expect([0, 1, 2, 3, 4, 5].map((attempt) => wakeUpDelay(attempt, {}, at(1)))).toEqual([250, 500, 1_000, 2_000, 4_000, 5_000]);
    expect([0, 1, 2].map((attempt) => wakeUpDelay(attempt, {}, at(0)))).toEqual([125, 250, 500]);
    expect(wakeUpDelay(0, { initialDelayMs: 50 }, at(1))).toBe(50);
  });
});
