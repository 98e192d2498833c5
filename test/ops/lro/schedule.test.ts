/*
 * The poll cadence of an operation wait, pinned without wall-clock timing: the real wait loop of
 * OperationHandle runs against a fake clock (vitest fake timers) and a driver whose operation
 * flips to done at a chosen instant. For flips spread uniformly over 0–30 s we measure how long
 * after the flip the wait sees it, and how many polls it spent.
 *
 * Budget (issue 10): p90 of "seen after the flip" ≤ 3 s for operations done within 30 s, and ≤ 1
 * poll per second on average over the wait.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Operation } from "../../../src/generated/models.js";
import { OperationHandle, type OperationDriver } from "../../../src/ops/lro/operation.js";

const NAME = "projects/p/branches/dev/operations/sim";

/** A small seeded generator (mulberry32), so the simulation is the same on every run. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Lets every pending microtask run (setImmediate is not faked: it is a real turn of the loop). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Outcome {
  readonly seenAfterFlipMs: number;
  readonly polls: number;
  readonly waitedMs: number;
}

/** One wait on an operation that flips to done `flipMs` after it was submitted. */
async function simulate(flipMs: number, random: () => number): Promise<Outcome> {
  const start = Date.now();
  let polls = 0;
  const driver: OperationDriver = {
    now: () => Date.now(),
    random,
    getOperation: async (name) => {
      polls += 1;
      const done = Date.now() - start >= flipMs;
      const operation: Operation = done ? { name, done, response: { name: "projects/p/branches/dev" } } : { name, done };
      return { operation };
    },
  };
  const handle = new OperationHandle<unknown>(driver, { kind: "CreateBranch", resultSchema: "Branch" }, Promise.resolve({ name: NAME, done: false }));
  let finished = false;
  const waiting = handle.wait().finally(() => (finished = true));
  await settle();
  while (!finished) {
    await vi.advanceTimersToNextTimerAsync();
    await settle();
  }
  await waiting;
  const waitedMs = Date.now() - start;
  return { seenAfterFlipMs: waitedMs - flipMs, polls, waitedMs };
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;

describe("operation poll cadence (simulated clock)", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("an operation done within 30 s is seen within 3 s of its flip at p90, with ≤ 1 poll/s on average", async () => {
    const random = seeded(20_260_101);
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 400; i++) outcomes.push(await simulate(random() * 30_000, random));
    const lags = outcomes.map((o) => o.seenAfterFlipMs).sort((a, b) => a - b);
    const p90 = quantile(lags, 0.9);
    // Polls per second of waiting, over all the waits together (the load the waiters put on the
    // server), and the mean of each wait's own rate (a short wait must not hammer either).
    const pollsPerSecond = outcomes.reduce((n, o) => n + o.polls, 0) / (outcomes.reduce((t, o) => t + o.waitedMs, 0) / 1000);
    const meanRate = outcomes.reduce((sum, o) => sum + o.polls / Math.max(1, o.waitedMs / 1000), 0) / outcomes.length;
    console.log(
      `poll cadence: seen after the flip p50 ${(quantile(lags, 0.5) / 1000).toFixed(2)} s, p90 ${(p90 / 1000).toFixed(2)} s, ` +
        `p99 ${(quantile(lags, 0.99) / 1000).toFixed(2)} s; ${pollsPerSecond.toFixed(2)} polls/s overall, ${meanRate.toFixed(2)} per wait on average`,
    );
    expect(lags[0]).toBeGreaterThanOrEqual(0);
    expect(p90).toBeLessThanOrEqual(3_000);
    expect(pollsPerSecond).toBeLessThanOrEqual(1);
    expect(meanRate).toBeLessThanOrEqual(1);
  });

  it("a long operation settles to the 10 s cap: a 20-minute wait costs a bounded number of polls", async () => {
    const random = seeded(7);
    const { polls, seenAfterFlipMs } = await simulate(19 * 60_000, random);
    // Mostly 10 s apart once past the first ~100 s: about 120 polls for 19 minutes, far under 1/s.
    expect(polls).toBeLessThanOrEqual(160);
    expect(seenAfterFlipMs).toBeLessThanOrEqual(12_500); // the cap with its +25 % jitter
  });
});
