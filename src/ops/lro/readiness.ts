import type { LakebaseEvent, WaitProgress } from "../events.js";
import { anySignal, raceAbort, sleep, startDeadline } from "../sleep.js";
import { checkWaitOptions, DEFAULT_MAX_POLL_INTERVAL_MS, PollFailures, pollDelay } from "./backoff.js";
import { WaitTimeoutError } from "./errors.js";
import { pollReporter } from "./progress.js";

export interface ReadinessOptions<T> {
  readonly signal?: AbortSignal;
  /** Upper bound for the wait (default 10 minutes). */
  readonly timeoutMs?: number;
  /** First delay between polls (default 2 s), growing ×1.5 with jitter up to 10 s. */
  readonly pollIntervalMs?: number;
  /**
   * Called on every poll, failed ones included (with `error`): the same hook and payload as an
   * operation's `wait()`, `metadata` being the resource as last read and `state` its state
   * (`"INIT→ACTIVE"`). What it throws is ignored.
   */
  readonly onProgress?: (progress: WaitProgress<T>) => void;
  /**
   * Called on every answered poll with what was read.
   * @deprecated Use `onProgress` (the same hook as an operation's `wait()`): `progress.metadata` is the value read.
   */
  readonly onPoll?: (value: T, info: { readonly elapsedMs: number; readonly polls: number }) => void;
}

/** What a readiness wait checks on each value read. */
export interface Readiness<T> {
  readonly isReady: (value: T) => boolean;
  /** A short word for where the value stands, for progress reports (`"INIT→ACTIVE"`). */
  readonly stateOf: (value: T) => string;
}

/**
 * Polls `read` until `isReady` holds. Transient read failures are polled through; errors that
 * will never clear (404, 403, …) end the wait at once.
 */
export async function waitUntil<T>(
  resource: string,
  read: (signal: AbortSignal | undefined) => Promise<T>,
  readiness: Readiness<T>,
  options: ReadinessOptions<T> = {},
  clock: { now: () => number; random: () => number; emit?: ((event: LakebaseEvent) => void) | undefined } = { now: Date.now, random: Math.random },
): Promise<T> {
  checkWaitOptions(options);
  const start = clock.now();
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const schedule = { initialMs: options.pollIntervalMs ?? 2_000, maxMs: DEFAULT_MAX_POLL_INTERVAL_MS, random: clock.random };
  let polls = 0;
  const report = pollReporter<T>({ name: resource }, () => clock.now() - start, options.onProgress, clock.emit);
  let last: T | undefined;
  let state = "unknown";
  // Bounds a read in flight too (the SDK's own timer, see startDeadline).
  const timeout = () => {
    const elapsed = clock.now() - start;
    return new WaitTimeoutError(`${resource} was not ready after ${(elapsed / 1000).toFixed(1)} s (${polls} polls)`, resource, elapsed, polls);
  };
  const deadline = startDeadline(timeoutMs, timeout);
  const readSignal = options.signal ? anySignal([options.signal, deadline.signal]) : deadline.signal;
  const failures = new PollFailures();
  try {
    for (let n = 0; ; n++) {
      options.signal?.throwIfAborted();
      let serverAskMs = 0;
      try {
        const value = await raceAbort(deadline.race(read(readSignal)), options.signal);
        polls += 1;
        failures.succeeded();
        const ready = readiness.isReady(value);
        last = value;
        state = readiness.stateOf(value);
        report(polls, ready, state, value);
        options.onPoll?.(value, { elapsedMs: clock.now() - start, polls });
        if (ready) return value;
      } catch (error) {
        if (deadline.expired || options.signal?.aborted) throw error;
        polls += 1;
        report(polls, false, state, last, error);
        serverAskMs = failures.failed(error);
      }
      const delay = pollDelay(schedule, { attempt: n, serverAskMs });
      if (clock.now() - start + delay > timeoutMs) throw timeout();
      await sleep(delay, options.signal);
    }
  } finally {
    deadline.clear();
  }
}
